// Dashboard sessions: a row in D1 (so it can be revoked) named by an HS256 JWT in a __Host- cookie.
// The JWT only proves the id was issued by us; the row decides whether it is still alive.
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { Db } from "../db/client";
import { sessions, users } from "../db/schema";
import type { AppEnv, CurrentUser, Env } from "../env";
import { newId } from "../lib/ids";
import { iso, now } from "../lib/time";
import type { RequestMeta } from "./request-meta";

export const SESSION_COOKIE = "__Host-smsprof_session";
export const SESSION_DAYS = 30;
const SESSION_MS = SESSION_DAYS * 24 * 60 * 60 * 1000;
const ISSUER = "smsprof";
const AUDIENCE = "smsprof:dashboard";
const ALGORITHM = "HS256";

const secretKey = (env: Env) => new TextEncoder().encode(env.SESSION_SECRET);

/** Opens a session row for the user and returns the signed token that names it. */
export const createSession = async (db: Db, env: Env, userId: string, meta: RequestMeta) => {
  const id = newId("ses");
  const createdAt = now();
  const expiresAt = createdAt + SESSION_MS;
  await db
    .insert(sessions)
    .values({ id, userId, createdAt, expiresAt, ip: meta.ip, userAgent: meta.userAgent })
    .run();
  const token = await new SignJWT({ sid: id })
    .setProtectedHeader({ alg: ALGORITHM })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(Math.floor(createdAt / 1000))
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .sign(secretKey(env));
  return { id, token, expiresAt };
};

export const setSessionCookie = (c: Context<AppEnv>, token: string) =>
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: SESSION_MS / 1000,
  });

export const clearSessionCookie = (c: Context<AppEnv>) =>
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: "Lax", path: "/" });

/** The session id inside a token, or null when the token is forged, tampered, expired or not HS256. */
const readToken = async (env: Env, token: string): Promise<{ sid: string; sub: string } | null> => {
  try {
    const { payload } = await jwtVerify(token, secretKey(env), {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ["exp", "sub", "sid"],
    });
    return typeof payload.sid === "string" && payload.sub ? { sid: payload.sid, sub: payload.sub } : null;
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return null;
    throw err;
  }
};

/** Resolves the session cookie to its live session and user; null when absent or no longer valid. */
export const authenticateSession = async (
  c: Context<AppEnv>,
): Promise<{ user: CurrentUser; sessionId: string } | null> => {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const claims = await readToken(c.env, token);
  if (!claims) return null;
  const row = await c
    .get("db")
    .select({
      id: users.id,
      email: users.email,
      verifiedAt: users.emailVerifiedAt,
      frozenAt: users.frozenAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, claims.sid),
        eq(sessions.userId, claims.sub),
        isNull(sessions.revokedAt),
        isNull(users.deletedAt),
        gt(sessions.expiresAt, now()),
      ),
    )
    .get();
  if (!row) return null;
  return {
    sessionId: claims.sid,
    user: {
      id: row.id,
      email: row.email,
      emailVerified: row.verifiedAt != null,
      frozen: row.frozenAt != null,
      // A dashboard session is always the real account; test mode is reached with sk_test_ keys.
      test: false,
    },
  };
};

export const revokeSession = (db: Db, sessionId: string, at = now()) =>
  db
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));

export const revokeAllSessions = (db: Db, userId: string, at = now()) =>
  db
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));

export type SessionSummary = {
  id: string;
  createdAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
};

/** The account's signed-in sessions (live ones only), newest first; `current` marks the caller's. */
export const listSessions = async (
  db: Db,
  userId: string,
  currentId: string | null,
): Promise<SessionSummary[]> => {
  const rows = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now())))
    .orderBy(desc(sessions.createdAt))
    .all();
  return rows.map((r) => ({
    id: r.id,
    createdAt: iso(r.createdAt),
    expiresAt: iso(r.expiresAt),
    ip: r.ip,
    userAgent: r.userAgent,
    current: r.id === currentId,
  }));
};
