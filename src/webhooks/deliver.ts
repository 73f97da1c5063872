// One attempt of one delivery, and what follows from it: the attempt's log row, the delivery's next
// try (exponential backoff for about a day), and the endpoint's health (disabled after failing for
// WEBHOOK_DISABLE_AFTER_HOURS, its owner emailed). D1 holds all of it; the endpoint's WebhookOutbox
// only decides when to run this.
import { sendEmail } from "../accounts/email";
import { createDb } from "../db/client";
import { type Env, int } from "../env";
import { AppError } from "../lib/errors";
import { newId } from "../lib/ids";
import { log } from "../lib/log";
import { signedHeaders } from "./signing";
import { assertAllowedTarget } from "./targets";

/**
 * Wait before each retry, after attempt 1, 2, …: Standard Webhooks' suggested schedule (as Svix runs
 * it), 8 attempts over ~27.6 hours. After the last one the delivery is failed.
 */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
const TIMEOUT_MS = 15_000;
const SNIPPET = 500;

export type EndpointRow = {
  id: string;
  user_id: string;
  url: string;
  enabled: number;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: number | null;
  failing_since: number | null;
};

type DeliveryRow = { id: string; payload: string; attempts: number };

type Outcome = { status: number | null; snippet: string; ok: boolean };

const post = async (env: Env, endpoint: EndpointRow, delivery: DeliveryRow): Promise<Outcome> => {
  try {
    await assertAllowedTarget(env, endpoint.url);
    // The wall clock, not the alarm's due time: receivers check the timestamp against theirs.
    const sentAt = Date.now();
    const secrets = [endpoint.secret];
    if (endpoint.previous_secret && (endpoint.previous_secret_until ?? 0) > sentAt)
      secrets.push(endpoint.previous_secret);
    const headers = await signedHeaders(secrets, delivery.id, Math.floor(sentAt / 1000), delivery.payload);
    const res = await fetch(endpoint.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": `${env.BRAND_NAME}-Webhooks/1`,
        ...headers,
      },
      body: delivery.payload,
      // A redirect could lead anywhere, including inside a network: it counts as a failure.
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text().catch(() => "");
    return { status: res.status, snippet: text.slice(0, SNIPPET), ok: res.status >= 200 && res.status < 300 };
  } catch (err) {
    const why = err instanceof AppError ? err.message : String(err);
    return { status: null, snippet: why.slice(0, SNIPPET), ok: false };
  }
};

const disable = async (env: Env, endpoint: EndpointRow, at: number) => {
  const hours = int(env.WEBHOOK_DISABLE_AFTER_HOURS, 120);
  const reason = `Every delivery failed for ${hours} hours.`;
  const changed = await env.DB.prepare(
    "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ? WHERE id = ? AND enabled = 1",
  )
    .bind(reason, endpoint.id)
    .run();
  if (changed.meta.changes !== 1) return;
  log(undefined, "webhook_endpoint_disabled", { endpointId: endpoint.id, at });
  // A test account's endpoint (test mode) is its owner's: the email goes to the real account.
  const owner = await env.DB.prepare(
    `SELECT COALESCE(o.email, u.email) AS email FROM users u LEFT JOIN users o ON o.id = u.test_of
     WHERE u.id = ? AND u.deleted_at IS NULL`,
  )
    .bind(endpoint.user_id)
    .first<{ email: string }>();
  if (!owner) return;
  await sendEmail(env, createDb(env.DB), {
    to: owner.email,
    subject: `${env.BRAND_NAME}: your webhook endpoint was disabled`,
    body:
      `We disabled your webhook endpoint ${endpoint.url} (${endpoint.id}): ${reason}\n\n` +
      "Deliveries wait for it. Fix the receiver, then enable the endpoint again in the dashboard or with " +
      `PATCH /api/v1/webhooks/${endpoint.id} {"enabled": true}; the waiting deliveries are then sent.`,
  });
};

/** Runs one attempt of a delivery at `at` and records it; returns when the delivery runs next, if ever. */
export const attemptDelivery = async (
  env: Env,
  endpoint: EndpointRow,
  delivery: DeliveryRow,
  at: number,
): Promise<number | null> => {
  const started = Date.now();
  const outcome = await post(env, endpoint, delivery);
  const latency = Date.now() - started;
  const attempts = delivery.attempts + 1;
  const delay = RETRY_DELAYS_MS[attempts - 1];
  const next = outcome.ok || delay === undefined ? null : at + delay;
  const status = outcome.ok ? "succeeded" : next === null ? "failed" : "pending";
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO webhook_attempts (id, delivery_id, attempted_at, response_status, latency_ms, response_snippet)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).bind(newId("wha"), delivery.id, at, outcome.status, latency, outcome.snippet || null),
    env.DB.prepare(
      "UPDATE webhook_deliveries SET attempts = ?, status = ?, next_attempt_at = ? WHERE id = ?",
    ).bind(attempts, status, next, delivery.id),
    outcome.ok
      ? env.DB.prepare("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ?").bind(endpoint.id)
      : env.DB.prepare(
          "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?) WHERE id = ?",
        ).bind(at, endpoint.id),
  ]);
  const failingSince = outcome.ok ? null : (endpoint.failing_since ?? at);
  endpoint.failing_since = failingSince;
  if (failingSince !== null && at - failingSince >= int(env.WEBHOOK_DISABLE_AFTER_HOURS, 120) * 3_600_000) {
    await disable(env, endpoint, at);
    endpoint.enabled = 0;
  }
  return next;
};

/** Every delivery of an endpoint due at `at`, oldest first, one at a time (receivers see them in order). */
export const runDueDeliveries = async (env: Env, endpointId: string, at: number): Promise<void> => {
  const endpoint = await env.DB.prepare(
    `SELECT id, user_id, url, enabled, secret, previous_secret, previous_secret_until, failing_since
     FROM webhook_endpoints WHERE id = ? AND deleted_at IS NULL`,
  )
    .bind(endpointId)
    .first<EndpointRow>();
  if (!endpoint) return;
  const due = await env.DB.prepare(
    `SELECT id, payload, attempts FROM webhook_deliveries
     WHERE endpoint_id = ? AND status = 'pending' AND next_attempt_at <= ? ORDER BY created_at, rowid LIMIT 50`,
  )
    .bind(endpointId, at)
    .all<DeliveryRow>();
  for (const delivery of due.results) {
    if (!endpoint.enabled) return;
    await attemptDelivery(env, endpoint, delivery, at);
  }
};

/** When the endpoint's outbox must wake next: its earliest pending delivery, none while disabled. */
export const nextDueAt = async (env: Env, endpointId: string): Promise<number | null> => {
  const row = await env.DB.prepare(
    `SELECT MIN(d.next_attempt_at) AS at FROM webhook_deliveries d
     JOIN webhook_endpoints e ON e.id = d.endpoint_id
     WHERE d.endpoint_id = ? AND d.status = 'pending' AND e.enabled = 1 AND e.deleted_at IS NULL`,
  )
    .bind(endpointId)
    .first<{ at: number | null }>();
  return row?.at ?? null;
};
