// Brakes on password guessing that an attacker cannot turn against the account's owner.
//
// Every attempt counts against its IP. Attempts for one email count against that email — except those
// from a browser that has signed in to the account before (it carries a signed device cookie, as
// OWASP's "device cookies" describe): those count against that device alone. So failures from
// elsewhere can exhaust the email's budget without stopping the owner's correct login from their own
// browser; from a new browser the owner can still reset the password, which is limited separately
// (at most RESET_EMAILS_PER_HOUR emails) and marks that browser as known. A password re-check (password
// change, erasure) has a budget per account of its own, which sign-in failures never touch.
import { and, count, eq, gt } from "drizzle-orm";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { Db } from "../db/client";
import { emailTokens } from "../db/schema";
import type { AppEnv, Env } from "../env";
import { randomString } from "../lib/ids";
import { now } from "../lib/time";
import { tooMany } from "./rate-limit";

export const DEVICE_COOKIE = "__Host-smsprof_device";
const DEVICE_DAYS = 365;
const DEVICE_AUDIENCE = "smsprof:device";
const ISSUER = "smsprof";
export const RESET_EMAILS_PER_HOUR = 3;
const HOUR_MS = 60 * 60 * 1000;

const secretKey = (env: Env) => new TextEncoder().encode(env.SESSION_SECRET);

const limit = async (limiter: RateLimit, key: string) => {
  const { success } = await limiter.limit({ key });
  if (!success) throw tooMany();
};

export const limitByIp = (env: Env, ip: string) => limit(env.AUTH_IP_LIMITER, `ip:${ip}`);

/** A sign-in attempt for `email`: per IP, then per known device of that account or per email. */
export const limitLoginAttempt = async (env: Env, ip: string, email: string, knownDevice: string | null) => {
  await limitByIp(env, ip);
  await limit(env.AUTH_EMAIL_LIMITER, knownDevice ? `device:${knownDevice}` : `email:${email}`);
};

/** The password re-check before a sensitive change: the account's own budget, not the email's. */
export const limitPasswordRecheck = (env: Env, userId: string) =>
  limit(env.AUTH_EMAIL_LIMITER, `recheck:${userId}`);

/** Whether another reset email may go out: a flood of requests sends at most a few. */
export const mayEmailReset = async (db: Db, userId: string): Promise<boolean> => {
  const row = await db
    .select({ n: count() })
    .from(emailTokens)
    .where(
      and(
        eq(emailTokens.userId, userId),
        eq(emailTokens.purpose, "reset_password"),
        gt(emailTokens.createdAt, now() - HOUR_MS),
      ),
    )
    .get();
  return (row?.n ?? 0) < RESET_EMAILS_PER_HOUR;
};

/** The device id in the request's device cookie, when it was issued to this account. */
export const knownDeviceOf = async (env: Env, token: string | undefined, userId: string) => {
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, secretKey(env), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: DEVICE_AUDIENCE,
      subject: userId,
      requiredClaims: ["exp", "sub", "did"],
    });
    return typeof payload.did === "string" ? payload.did : null;
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return null;
    throw err;
  }
};

export const readDeviceCookie = (c: Context<AppEnv>) => getCookie(c, DEVICE_COOKIE);

/** Marks this browser as one the account's owner uses (after a sign-in, signup or reset). */
export const setDeviceCookie = async (c: Context<AppEnv>, userId: string) => {
  const issuedAt = Math.floor(now() / 1000);
  const token = await new SignJWT({ did: randomString(20) })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(ISSUER)
    .setAudience(DEVICE_AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + DEVICE_DAYS * 24 * 60 * 60)
    .sign(secretKey(c.env));
  setCookie(c, DEVICE_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: DEVICE_DAYS * 24 * 60 * 60,
  });
};
