// Calls the operators' API as an operator would.
import { env } from "cloudflare:test";
import { call } from "../support";

export const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };

export const admin = (path: string, init: RequestInit = {}) =>
  call(`/admin/api/v1${path}`, { ...init, headers: { ...ADMIN, ...(init.headers ?? {}) } });

export const adminJson = (method: string, path: string, body: unknown) =>
  admin(path, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
