// API keys for scripts: `sk_` + 29 random letters and digits (32 characters in all, the length
// sms-activate clients check; 29 × log2(62) ≈ 172 random bits), shown once; only a SHA-256 is stored.
// Keys made before (`sk_` + 43 base64url characters) keep working: a key is looked up by its hash.
// Test keys (`sk_test_` + 24: still 32 characters, 24 × log2(62) ≈ 142 random bits, play money only)
// belong to the customer's linked test account (test-mode.ts) and are listed and revoked with the rest.
import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiKeys, users } from "../db/schema";
import { sha256Hex } from "../lib/crypto";
import { AppError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { iso, isoOrNull, now } from "../lib/time";
import type { Scope } from "./key-policy";
import { flushKeyUsage } from "./key-usage";
import type { RequestMeta } from "./request-meta";
import { securityEvent } from "./security-log";
import { testAccountOf } from "./test-mode";

export const MAX_KEYS_PER_USER = 20;
export const KEY_LENGTH = 32;
const KEY_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniform letters and digits: bytes ≥ 248 (4 × 62) are dropped so that no character is likelier. */
const randomAlphanumeric = (length: number): string => {
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length))) {
      if (b < 248 && out.length < length) out += KEY_ALPHABET[b % 62];
    }
  }
  return out;
};

export const newApiKeySecret = (prefix = "sk_") => prefix + randomAlphanumeric(KEY_LENGTH - prefix.length);
const PREFIX_LENGTH = 10;

// Names the key in the security log the way the key list shows it.
const keyDetail = (key: { name: string; prefix: string }) => `${key.name} (${key.prefix}…)`;

/** What a key may do; each left out means no restriction of that kind. */
export type KeyLimits = {
  scopes?: Scope[];
  dailySpendLimit?: number;
  ipAllowlist?: string[];
  smsWebhookUrl?: string;
};

/** The account a new key belongs to: the customer's own, or its test account for a test key. */
export const keyAccount = (db: Db, userId: string, test: boolean) =>
  test ? testAccountOf(db, userId) : Promise.resolve(userId);

// The customer's own keys and those of its test account.
const ownKeys = (userId: string) =>
  or(
    eq(apiKeys.userId, userId),
    inArray(apiKeys.userId, sql`(SELECT ${users.id} FROM ${users} WHERE ${users.testOf} = ${userId})`),
  );

export const createApiKey = async (
  db: Db,
  meta: RequestMeta,
  userId: string,
  name: string,
  limits: KeyLimits = {},
  test = false,
) => {
  const accountId = await keyAccount(db, userId, test);
  const key = newApiKeySecret(test ? "sk_test_" : "sk_");
  const id = newId("key");
  const prefix = key.slice(0, PREFIX_LENGTH);
  const createdAt = now();
  const scopes = limits.scopes ? JSON.stringify([...new Set(limits.scopes)]) : null;
  const dailySpendLimit = limits.dailySpendLimit ?? null;
  const ipAllowlist = limits.ipAllowlist ? JSON.stringify([...new Set(limits.ipAllowlist)]) : null;
  const smsWebhookUrl = limits.smsWebhookUrl ?? null;
  // One statement counts and inserts, so two concurrent requests cannot both take the 20th slot.
  const result = await db.run(sql`
    INSERT INTO ${apiKeys} (id, user_id, name, prefix, key_hash, created_at, scopes, daily_spend_limit, ip_allowlist,
      sms_webhook_url)
    SELECT ${id}, ${accountId}, ${name}, ${prefix}, ${await sha256Hex(key)}, ${createdAt}, ${scopes}, ${dailySpendLimit},
      ${ipAllowlist}, ${smsWebhookUrl}
    WHERE (SELECT count(*) FROM ${apiKeys} WHERE user_id = ${accountId} AND revoked_at IS NULL) < ${MAX_KEYS_PER_USER}`);
  if (result.meta.changes !== 1) {
    throw new AppError(
      409,
      "TOO_MANY_KEYS",
      `An account can have at most ${MAX_KEYS_PER_USER} API keys; revoke one you no longer use.`,
    );
  }
  await securityEvent(db, userId, "key_created", meta, keyDetail({ name, prefix })).run();
  return {
    id,
    name,
    prefix,
    key,
    test,
    /** The account the key acts as (the test account for a test key). */
    accountId,
    createdAt: iso(createdAt),
    ...limitsView({ scopes, dailySpendLimit, ipAllowlist, smsWebhookUrl }),
  };
};

const limitsView = (row: {
  scopes: string | null;
  dailySpendLimit: number | null;
  ipAllowlist: string | null;
  smsWebhookUrl: string | null;
}) => ({
  smsWebhookUrl: row.smsWebhookUrl,
  scopes: row.scopes === null ? null : (JSON.parse(row.scopes) as Scope[]),
  dailySpendLimit: row.dailySpendLimit,
  ipAllowlist: row.ipAllowlist === null ? null : (JSON.parse(row.ipAllowlist) as string[]),
});

export const listApiKeys = async (db: Db, userId: string) => {
  // The counts this isolate still holds, so the owner sees every request they made here.
  await flushKeyUsage(db);
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(ownKeys(userId), isNull(apiKeys.revokedAt)))
    .orderBy(asc(apiKeys.createdAt))
    .all();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    test: row.userId !== userId,
    createdAt: iso(row.createdAt),
    lastUsedAt: isoOrNull(row.lastUsedAt),
    requestCount: row.requestCount,
    ...limitsView(row),
  }));
};

/**
 * Revokes one of the user's own live keys (test keys included); anyone else's key is simply not
 * found. Returns the account the key acted as, whose streams end with it.
 */
export const revokeApiKey = async (db: Db, meta: RequestMeta, userId: string, keyId: string) => {
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: now() })
    .where(and(eq(apiKeys.id, keyId), ownKeys(userId), isNull(apiKeys.revokedAt)))
    .returning({ name: apiKeys.name, prefix: apiKeys.prefix, accountId: apiKeys.userId })
    .get();
  if (!revoked) throw notFound("API key");
  await securityEvent(db, userId, "key_revoked", meta, keyDetail(revoked)).run();
  return { accountId: revoked.accountId };
};

/**
 * Every live key of the user, its test keys too, revoked (an operator's `revoke`); a query, to batch
 * with its record.
 */
export const revokeAllApiKeys = (db: Db, userId: string, at = now()) =>
  db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(ownKeys(userId), isNull(apiKeys.revokedAt)));
