// What one API key may do: its scopes, its daily spend cap and the addresses it may be used from. A
// key without them (every key made before they existed) may do everything from anywhere.
import type { Env } from "../env";
import { AppError, forbidden } from "../lib/errors";

export const SCOPES = ["read", "orders", "billing"] as const;
export type Scope = (typeof SCOPES)[number];

export type KeyPolicy = {
  id: string;
  scopes: Scope[] | null;
  dailySpendLimit: number | null;
  ipAllowlist: string[] | null;
  smsWebhook: boolean; // the key has an sms-activate-style SMS webhook
};

export const policyOf = (row: {
  keyId: string;
  scopes: string | null;
  dailySpendLimit: number | null;
  ipAllowlist: string | null;
  smsWebhookUrl: string | null;
}): KeyPolicy => ({
  id: row.keyId,
  scopes: row.scopes === null ? null : (JSON.parse(row.scopes) as Scope[]),
  dailySpendLimit: row.dailySpendLimit,
  ipAllowlist: row.ipAllowlist === null ? null : (JSON.parse(row.ipAllowlist) as string[]),
  smsWebhook: row.smsWebhookUrl !== null,
});

// ── addresses ───────────────────────────────────────────────────────────────────────────────────

const ipv4 = (ip: string): number | null => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
};

/** An allowlist entry: an exact address (IPv4 or IPv6), or an IPv4 range in CIDR notation. */
export const isAllowlistEntry = (entry: string): boolean => {
  const [addr = "", bits, ...rest] = entry.split("/");
  if (rest.length) return false;
  if (bits === undefined) return ipv4(addr) !== null || (/^[0-9a-f:]+$/i.test(addr) && addr.includes(":"));
  return ipv4(addr) !== null && /^\d{1,2}$/.test(bits) && Number(bits) <= 32;
};

const matches = (entry: string, ip: string): boolean => {
  const [addr = "", bits] = entry.split("/");
  if (bits === undefined) return addr.toLowerCase() === ip.toLowerCase();
  const [range, caller] = [ipv4(addr), ipv4(ip)];
  if (range === null || caller === null) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(range / size) === Math.floor(caller / size);
};

export const assertIpAllowed = (policy: KeyPolicy, ip: string) => {
  if (policy.ipAllowlist === null || policy.ipAllowlist.some((entry) => matches(entry, ip))) return;
  throw forbidden("IP_NOT_ALLOWED", `This API key may not be used from ${ip}.`);
};

// ── scopes ──────────────────────────────────────────────────────────────────────────────────────

/** Any scope lets a key read; changing something needs the scope of what it changes. */
export const assertScope = (policy: KeyPolicy | undefined, needed: Scope) => {
  if (!policy?.scopes || policy.scopes.includes(needed) || (needed === "read" && policy.scopes.length > 0))
    return;
  throw new AppError(403, "SCOPE_REQUIRED", `This API key lacks the "${needed}" scope.`, { scope: needed });
};

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The scope a REST request needs: reads need "read"; money moves need "billing"; the rest "orders". */
export const scopeForRequest = (method: string, path: string): Scope => {
  if (READ_METHODS.has(method)) return "read";
  if (path.startsWith("/api/v1/billing")) return "billing";
  return "orders";
};

// ── daily spend ─────────────────────────────────────────────────────────────────────────────────

const utcDay = (at = Date.now()) => new Date(at).toISOString().slice(0, 10);

const spendLimitReached = (limit: number) =>
  new AppError(409, "SPEND_LIMIT_REACHED", "This API key reached its daily spending cap.", {
    dailySpendLimit: limit,
  });

// Today's orders of the key whose hold was not voided (pending or charged): what the cap counts.
const SPENT_TODAY = `SELECT COALESCE(SUM(s.amount), 0) FROM key_orders s
  LEFT JOIN holds h ON h.reference = s.activation_id
  WHERE s.key_id = ?1 AND s.day = ?2 AND (h.status IS NULL OR h.status != 'voided')`;

/** Before the hold: refuses an order that would pass the key's cap (no money moves for it). */
export const assertUnderSpendLimit = async (env: Env, policy: KeyPolicy | undefined, price: number) => {
  if (!policy || policy.dailySpendLimit === null) return;
  const row = await env.DB.prepare(`SELECT (${SPENT_TODAY}) AS spent`)
    .bind(policy.id, utcDay())
    .first<{ spent: number }>();
  if ((row?.spent ?? 0) + price > policy.dailySpendLimit) throw spendLimitReached(policy.dailySpendLimit);
};

/**
 * After the hold, before the number: records which key placed the order and, for a capped key, counts
 * it against the cap in the same conditional statement, so concurrent orders cannot pass it together.
 * Throws (and the order voids its hold) when they would.
 */
export const recordKeyOrder = async (
  env: Env,
  policy: KeyPolicy | undefined,
  activationId: string,
  price: number,
) => {
  // Only what needs it is recorded: a capped key's orders, and those of a key with an SMS webhook.
  if (!policy || (policy.dailySpendLimit === null && !policy.smsWebhook)) return;
  const limit = policy.dailySpendLimit;
  const result = await env.DB.prepare(
    `INSERT INTO key_orders (activation_id, key_id, day, amount, created_at)
     SELECT ?3, ?1, ?2, ?4, ?5 WHERE ?6 IS NULL OR (${SPENT_TODAY}) + ?4 <= ?6`,
  )
    .bind(policy.id, utcDay(), activationId, price, Date.now(), limit)
    .run();
  if (result.meta.changes !== 1 && limit !== null) throw spendLimitReached(limit);
};
