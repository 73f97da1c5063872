// Shared helpers for tests: call the Worker as a client would, and make users quickly.
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { createSession, SESSION_COOKIE } from "../src/accounts/sessions";
import { createDb } from "../src/db/client";
import { sha256Hex } from "../src/lib/crypto";
import { newId, randomString } from "../src/lib/ids";
import { POLICY_VERSION } from "../src/privacy/policy";

export const BASE = "http://localhost:8787";

/** A real request through the Worker's fetch handler (middleware, routing, bindings). */
export const call = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(new URL(path, BASE), init));

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** The operators' credential (ADMIN_TOKEN), which the simulator's controls require. */
export const OPERATOR = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };

export const uniqueEmail = (label = "user") => `${label}-${randomString(10)}@example.com`;

/**
 * A customer with an API key, written straight to D1 so that features can be tested without going
 * through signup. Returns the Authorization header to send.
 */
export const createUserWithKey = async (opts: { available?: number; email?: string } = {}) => {
  const userId = newId("usr");
  const key = `sk_${randomString(43)}`;
  const t = Date.now();
  const available = opts.available ?? 0;
  const statements = [
    env.DB.prepare(
      `INSERT INTO users (id, email, password_hash, accepted_policy_version, accepted_policy_at, available, currency, created_at)
       VALUES (?, ?, 'pbkdf2-sha256$100000$unused$unused', ?, ?, ?, 'USD', ?)`,
    ).bind(userId, opts.email ?? uniqueEmail(), POLICY_VERSION, t, available, t),
    env.DB.prepare(
      "INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at) VALUES (?, ?, 'test', ?, ?, ?)",
    ).bind(newId("key"), userId, key.slice(0, 10), await sha256Hex(key), t),
  ];
  // A starting balance is explained by a ledger entry, so the ledger invariant holds in every test.
  if (available > 0) {
    statements.push(
      env.DB.prepare(
        `INSERT INTO ledger_entries (id, user_id, kind, amount, held_delta, currency, reference, idempotency_key, created_at)
         VALUES (?, ?, 'adjustment', ?, 0, 'USD', 'test_setup', ?, ?)`,
      ).bind(newId("txn"), userId, available, `test_setup:${userId}`, t),
    );
  }
  await env.DB.batch(statements);
  return { userId, key, auth: { Authorization: `Bearer ${key}` } };
};

/**
 * A customer signed in to the dashboard, made like createUserWithKey: the session row and its
 * signed cookie come from the Worker's own createSession, with no signup and so no password
 * hashing (a PBKDF2 of 100,000 rounds per signup is most of the cost of a test that needs many
 * signed-in people). Returns the Cookie header value to send.
 */
export const createUserWithSession = async (opts: { available?: number; email?: string } = {}) => {
  const user = await createUserWithKey(opts);
  const { token } = await createSession(createDb(env.DB), env, user.userId, {
    ip: "192.0.2.1",
    userAgent: "TestBrowser/1.0",
  });
  return { ...user, cookie: `${SESSION_COOKIE}=${token}` };
};
