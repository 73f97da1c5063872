// Who may use the operators' API: `Authorization: Bearer $ADMIN_TOKEN`, or, where ACCESS_TEAM_DOMAIN
// and ACCESS_AUD are configured, a Cloudflare Access JWT (the `Cf-Access-Jwt-Assertion` header Access
// adds in front of the Worker), verified with jose against the team's published keys. Customer
// sessions and API keys never pass (they are different credentials, checked nowhere here). Every
// refusal is logged.

import type { MiddlewareHandler } from "hono";
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { AppEnv, Env } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { log } from "../lib/log";

/** The operator a request acts for, as written into the audit log. */
export type Operator = { id: string; via: "token" | "access" };

export const ACCESS_HEADER = "Cf-Access-Jwt-Assertion";

const bearer = (header: string | undefined): string | null => {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1] ?? null;
};

const refuse = (requestId: string, reason: string, ip: string | null) => {
  log(requestId, "admin_auth_refused", { reason, ip });
  return new AppError(401, "UNAUTHORIZED", "An operator credential is required.");
};

/** The operator the bearer token proves to be, or null. */
export const authenticateOperator = (env: Env, authorization: string | undefined): Operator | null => {
  const token = bearer(authorization);
  // An unset or short ADMIN_TOKEN must never let an empty or guessed bearer through.
  if (!token || !env.ADMIN_TOKEN || env.ADMIN_TOKEN.length < 16) return null;
  return timingSafeEqual(token, env.ADMIN_TOKEN) ? { id: "admin-token", via: "token" } : null;
};

// One key set per team, kept for the isolate's life: jose caches the keys and refetches on an unknown kid.
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

const teamOrigin = (domain: string) => `https://${domain.replace(/^https?:\/\//, "").replace(/\/+$/, "")}`;

const keySetOf = (origin: string) => {
  let set = keySets.get(origin);
  if (!set) {
    set = createRemoteJWKSet(new URL(`${origin}/cdn-cgi/access/certs`));
    keySets.set(origin, set);
  }
  return set;
};

/**
 * The Access identity the JWT proves (its email; a service token's common name), or the reason it
 * does not. Access signs with RS256; issuer is the team domain and audience the application's AUD tag.
 */
export const verifyAccessJwt = async (
  env: Env,
  jwt: string,
): Promise<{ ok: true; operator: Operator } | { ok: false; reason: string }> => {
  if (!env.ACCESS_TEAM_DOMAIN || !env.ACCESS_AUD) return { ok: false, reason: "access_not_configured" };
  const origin = teamOrigin(env.ACCESS_TEAM_DOMAIN);
  try {
    const { payload } = await jwtVerify(jwt, keySetOf(origin), {
      issuer: origin,
      audience: env.ACCESS_AUD,
      algorithms: ["RS256"],
    });
    const who = typeof payload.email === "string" ? payload.email : payload.common_name;
    if (typeof who !== "string" || who === "") return { ok: false, reason: "access_no_identity" };
    return { ok: true, operator: { id: who, via: "access" } };
  } catch (error) {
    return { ok: false, reason: `access_${(error as { code?: string }).code ?? "invalid"}` };
  }
};

export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  const ip = c.req.header("CF-Connecting-IP") ?? null;
  const authorization = c.req.header("Authorization");
  const accessJwt = c.req.header(ACCESS_HEADER);
  let operator = authenticateOperator(c.env, authorization);
  if (!operator && accessJwt) {
    const result = await verifyAccessJwt(c.env, accessJwt);
    if (!result.ok) throw refuse(c.get("requestId"), result.reason, ip);
    operator = result.operator;
  }
  if (!operator) {
    throw refuse(c.get("requestId"), authorization ? "bad_credential" : "missing_credential", ip);
  }
  c.set("operator", operator);
  await next();
};
