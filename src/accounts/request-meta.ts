// Who is on the other end of a request, as the security log and the rate limits see it.
import type { Context } from "hono";
import type { AppEnv } from "../env";

export type RequestMeta = { ip: string; userAgent: string | null };

const MAX_USER_AGENT = 512;

export const requestMeta = (c: Context<AppEnv>): RequestMeta => ({
  // Cloudflare sets CF-Connecting-IP at the edge; local runs have no edge in front of them.
  ip: c.req.header("CF-Connecting-IP") ?? "local",
  userAgent: c.req.header("User-Agent")?.slice(0, MAX_USER_AGENT) ?? null,
});
