// Who may use the operators' API: `Authorization: Bearer $ADMIN_TOKEN`. Customer sessions and API
// keys never pass (they are different credentials, checked nowhere here). Every refusal is logged.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { log } from "../lib/log";

/** The operator a request acts for, as written into the audit log. */
export type Operator = { id: string; via: "token" };

const bearer = (header: string | undefined): string | null => {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1] ?? null;
};

const refuse = (requestId: string, reason: string, ip: string | null) => {
  log(requestId, "admin_auth_refused", { reason, ip });
  return new AppError(401, "UNAUTHORIZED", "An operator credential is required.");
};

/** The operator the request proves to be, or null. Shared by the admin API and operator-only routes. */
export const authenticateOperator = (env: AppEnv["Bindings"], authorization: string | undefined) => {
  const token = bearer(authorization);
  // An unset or short ADMIN_TOKEN must never let an empty or guessed bearer through.
  if (!token || !env.ADMIN_TOKEN || env.ADMIN_TOKEN.length < 16) return null;
  return timingSafeEqual(token, env.ADMIN_TOKEN) ? ({ id: "admin-token", via: "token" } as Operator) : null;
};

export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  const operator = authenticateOperator(c.env, c.req.header("Authorization"));
  if (!operator) {
    const reason = c.req.header("Authorization") ? "bad_credential" : "missing_credential";
    throw refuse(c.get("requestId"), reason, c.req.header("CF-Connecting-IP") ?? null);
  }
  c.set("operator", operator);
  await next();
};
