// Who is calling: an API key (`Authorization: Bearer sk_…`, from scripts) or the session cookie
// (the dashboard). Every /api/v1 route that acts for a customer sits behind `requireUser`.
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { alias } from "drizzle-orm/sqlite-core";
import type { Context, MiddlewareHandler } from "hono";
import type { Db } from "../db/client";
import { apiKeys, users } from "../db/schema";
import { type AppEnv, type CurrentUser, type Env, flag } from "../env";
import { sha256Hex } from "../lib/crypto";
import { AppError, forbidden, unauthorized } from "../lib/errors";
import { now } from "../lib/time";
import { assertIpAllowed, assertScope, policyOf, scopeForRequest } from "./key-policy";
import { noteKeyUse } from "./key-usage";
import { requestMeta } from "./request-meta";
import { authenticateSession } from "./sessions";

const bearerKey = (c: Context<AppEnv>): string | null => {
  const header = c.req.header("Authorization");
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1] ?? "";
};

// The real account behind a test account (test mode): its email and verification are the person's.
const owners = alias(users, "owners");

/** The key's row with its user (and, for a test key, the person behind it). */
const keyQuery = (db: Db, keyHash: string) =>
  db
    .select({
      keyId: apiKeys.id,
      id: users.id,
      email: sql<string>`COALESCE(${owners.email}, ${users.email})`,
      verifiedAt: sql<
        number | null
      >`CASE WHEN ${users.testOf} IS NULL THEN ${users.emailVerifiedAt} ELSE ${owners.emailVerifiedAt} END`,
      frozenAt: users.frozenAt,
      testOf: users.testOf,
      scopes: apiKeys.scopes,
      dailySpendLimit: apiKeys.dailySpendLimit,
      ipAllowlist: apiKeys.ipAllowlist,
      smsWebhookUrl: apiKeys.smsWebhookUrl,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .leftJoin(owners, eq(owners.id, users.testOf))
    .where(
      and(
        eq(apiKeys.keyHash, keyHash),
        isNull(apiKeys.revokedAt),
        isNull(users.deletedAt),
        // A test key dies with the account it belongs to.
        isNull(owners.deletedAt),
      ),
    )
    .limit(1);

type KeyRow = Awaited<ReturnType<ReturnType<typeof keyQuery>["get"]>>;

/**
 * A route's own read, batched with the caller's authentication so the two cost one D1 round trip
 * (polls are the hottest requests scripts make). `statements` are scoped to `owner`, an SQL value for
 * the caller's user id: for a key, a subquery on the key itself, so an unknown or revoked key reads
 * nothing; the results are used only once the key is accepted.
 */
export type UserRead<T> = {
  statements: (db: Db, owner: SQL) => readonly BatchItem<"sqlite">[];
  result: (results: unknown[]) => T;
};

const asBatch = (items: readonly BatchItem<"sqlite">[]) =>
  items as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

/** A read for a user already known (a session's, a service function's caller): its raw results. */
export const runUserRead = async <T>(db: Db, userId: string, read: UserRead<T>): Promise<unknown[]> =>
  (await db.batch(asBatch(read.statements(db, sql`${userId}`)))) as unknown[];

const lookUpKey = async <T>(db: Db, keyHash: string, read?: UserRead<T>) => {
  if (!read) return { row: await keyQuery(db, keyHash).get(), readResults: [] as unknown[] };
  const owner = sql`(SELECT ${apiKeys.userId} FROM ${apiKeys} WHERE ${apiKeys.keyHash} = ${keyHash} AND ${apiKeys.revokedAt} IS NULL)`;
  const [keyRows, ...readResults] = (await db.batch(
    asBatch([keyQuery(db, keyHash), ...read.statements(db, owner)]),
  )) as unknown as [KeyRow[], ...unknown[]];
  return { row: keyRows[0], readResults };
};

/**
 * Resolves an API key to its user; null when the key is unknown or revoked. With `read`, the route's
 * read comes back in the same round trip (`value()`, to be called once the key is admitted).
 */
export const authenticateApiKey = async <T = never>(c: Context<AppEnv>, key: string, read?: UserRead<T>) => {
  const db = c.get("db");
  const { row, readResults } = await lookUpKey(db, await sha256Hex(key), read);
  if (!row) return null;
  const policy = policyOf(row);
  assertIpAllowed(policy, requestMeta(c).ip);
  // Usage bookkeeping must not slow the answer down: counted in memory, written in batches.
  noteKeyUse(db, c.executionCtx, row.keyId, now());
  const user: CurrentUser = {
    id: row.id,
    email: row.email,
    emailVerified: row.verifiedAt != null,
    frozen: row.frozenAt != null,
    test: row.testOf != null,
    key: policy,
  };
  return { user, keyId: row.keyId, value: () => (read as UserRead<T>).result(readResults) };
};

export const rateLimitKey = async (c: Context<AppEnv>, keyId: string) => {
  const { success } = await c.env.API_KEY_LIMITER.limit({ key: keyId });
  if (!success) {
    throw new AppError(429, "RATE_LIMITED", "Too many requests for this API key; slow down.", undefined, {
      "Retry-After": "60",
    });
  }
};

/**
 * Every door of one account together (all its keys, its cookie sessions, handler_api.php): one
 * customer's many keys cannot multiply the per-key budget.
 */
export const rateLimitAccount = async (c: Context<AppEnv>, userId: string) => {
  const { success } = await c.env.ACCOUNT_LIMITER.limit({ key: userId });
  if (!success) {
    throw new AppError(429, "RATE_LIMITED", "Too many requests for this account; slow down.", undefined, {
      "Retry-After": "60",
    });
  }
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const csrfRejected = (why: string) => forbidden("CSRF_REJECTED", `Request refused: ${why}.`);

const sameOrigin = (c: Context<AppEnv>, origin: string): boolean => {
  const own = [new URL(c.req.url).origin];
  if (c.env.PUBLIC_URL) own.push(new URL(c.env.PUBLIC_URL).origin);
  return own.includes(origin);
};

/**
 * Refuses a request whose Origin is another site. Browsers always send Origin on cross-site POSTs;
 * scripts and same-origin requests may omit it, which is why this alone only guards login and signup.
 */
export const checkOrigin = (c: Context<AppEnv>) => {
  const origin = c.req.header("Origin");
  if (origin !== undefined && !sameOrigin(c, origin)) throw csrfRejected("it comes from another site");
};

// A cookie rides along with any cross-site request; requiring JSON (which forces a CORS preflight)
// and our own Origin means another page cannot make a signed-in browser change anything.
const checkCsrf = (c: Context<AppEnv>) => {
  if (SAFE_METHODS.has(c.req.method)) return;
  if (!/^application\/json\s*(;|$)/i.test(c.req.header("Content-Type") ?? "")) {
    throw csrfRejected("send Content-Type: application/json");
  }
  if (!c.req.header("Origin")) throw csrfRejected("the Origin header is missing");
  checkOrigin(c);
};

/**
 * A key that was found may still be over its limits or outside its scopes. Both limiters at once:
 * each is a round trip and neither needs the other's answer; the key's refusal is reported first.
 */
export const admitKey = async (c: Context<AppEnv>, found: { keyId: string; user: CurrentUser }) => {
  const [byKey, byAccount] = await Promise.allSettled([
    rateLimitKey(c, found.keyId),
    rateLimitAccount(c, found.user.id),
  ]);
  for (const outcome of [byKey, byAccount]) if (outcome.status === "rejected") throw outcome.reason;
};

const signedIn = async <T>(c: Context<AppEnv>, read?: UserRead<T>): Promise<(() => T) | undefined> => {
  const key = bearerKey(c);
  if (key !== null) {
    const found = key ? await authenticateApiKey(c, key, read) : null;
    if (!found) throw new AppError(401, "BAD_KEY", "This API key is unknown or revoked.");
    await admitKey(c, found);
    assertScope(found.user.key, scopeForRequest(c.req.method, c.req.path));
    c.set("user", found.user);
    c.set("auth", { kind: "key", keyId: found.keyId });
    return read && found.value;
  }
  const session = await authenticateSession(c);
  if (!session) throw unauthorized();
  checkCsrf(c);
  await rateLimitAccount(c, session.user.id);
  c.set("user", session.user);
  c.set("auth", { kind: "session", sessionId: session.sessionId });
  if (!read) return undefined;
  // The dashboard's cookie: the session was read on its own, the route's read follows.
  const results = await runUserRead(c.get("db"), session.user.id, read);
  return () => read.result(results);
};

/** Accepts an API key or a session cookie. */
export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  await signedIn(c);
  return next();
};

// Guards that accept what requireUser accepts (the OpenAPI document describes their security).
const userGuards = new WeakSet<MiddlewareHandler<AppEnv>>([requireUser]);
export const isUserGuard = (handler: unknown) => userGuards.has(handler as MiddlewareHandler<AppEnv>);

/**
 * requireUser, with the route's read of `readFor(c)` done in the same D1 round trip as the key's
 * lookup; the route takes its result with `userRead(c)`.
 */
export const requireUserReading = <T>(
  readFor: (c: Context<AppEnv>) => UserRead<T>,
): MiddlewareHandler<AppEnv> => {
  const guard: MiddlewareHandler<AppEnv> = async (c, next) => {
    c.set("userRead", await signedIn(c, readFor(c)));
    return next();
  };
  userGuards.add(guard);
  return guard;
};

/** What requireUserReading read for this request (throws what the read's result throws, e.g. 404). */
export const userRead = <T>(c: Context<AppEnv>): T => {
  const value = c.get("userRead") as (() => T) | undefined;
  if (!value) throw new Error("userRead without requireUserReading on the route");
  return value();
};

/** Managing keys and passwords needs a signed-in person, not a script. */
export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (bearerKey(c) !== null) {
    throw new AppError(403, "SESSION_REQUIRED", "Sign in to the dashboard to do this; API keys cannot.");
  }
  return requireUser(c, next);
};

/** For top-ups and orders: when REQUIRE_EMAIL_VERIFICATION is on, an unconfirmed email may not pay. */
export const assertEmailVerifiedIfRequired = (env: Env, user: CurrentUser) => {
  if (flag(env.REQUIRE_EMAIL_VERIFICATION) && !user.emailVerified) {
    throw forbidden("EMAIL_NOT_VERIFIED", "Confirm your email address first; we sent you a link.");
  }
};

export const requireVerifiedEmail = (c: Context<AppEnv>) =>
  assertEmailVerifiedIfRequired(c.env, c.get("user"));
