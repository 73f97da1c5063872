// Endpoints a customer manages: create (the secret shown once), list, read, change, delete, rotate the
// secret with a grace period, send a test event, read the delivery log, redeliver.
import type { Env } from "../env";
import { AppError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { iso, isoOrNull } from "../lib/time";
import { TEST_EVENT } from "./events";
import { outbox } from "./outbox";
import { publishTo } from "./publish";
import { newSigningSecret } from "./signing";
import { assertAllowedTarget } from "./targets";

export const MAX_ENDPOINTS_PER_USER = 10;
/** How long the previous secret still signs after a rotation, so receivers can switch without a gap. */
export const ROTATION_GRACE_MS = 24 * 3_600_000;

type Row = {
  id: string;
  url: string;
  events: string;
  enabled: number;
  disabled_reason: string | null;
  failing_since: number | null;
  previous_secret_until: number | null;
  created_at: number;
};

const view = (row: Row) => ({
  id: row.id,
  url: row.url,
  events: JSON.parse(row.events) as string[],
  enabled: row.enabled === 1,
  disabledReason: row.disabled_reason,
  failingSince: isoOrNull(row.failing_since),
  previousSecretValidUntil:
    row.previous_secret_until && row.previous_secret_until > Date.now()
      ? iso(row.previous_secret_until)
      : null,
  createdAt: iso(row.created_at),
});

const COLUMNS = "id, url, events, enabled, disabled_reason, failing_since, previous_secret_until, created_at";

const load = async (env: Env, userId: string, id: string): Promise<Row> => {
  const row = await env.DB.prepare(
    `SELECT ${COLUMNS} FROM webhook_endpoints WHERE id = ? AND user_id = ? AND deleted_at IS NULL AND key_id IS NULL`,
  )
    .bind(id, userId)
    .first<Row>();
  if (!row) throw notFound("Webhook endpoint");
  return row;
};

export const createEndpoint = async (
  env: Env,
  userId: string,
  input: { url: string; events: string[]; enabled: boolean },
) => {
  const url = (await assertAllowedTarget(env, input.url)).toString();
  const id = newId("whe");
  const secret = newSigningSecret();
  const createdAt = Date.now();
  // Counts and inserts in one statement, so concurrent requests cannot pass the cap together.
  const result = await env.DB.prepare(
    `INSERT INTO webhook_endpoints (id, user_id, url, events, enabled, secret, created_at)
     SELECT ?, ?, ?, ?, ?, ?, ?
     WHERE (SELECT count(*) FROM webhook_endpoints WHERE user_id = ? AND deleted_at IS NULL AND key_id IS NULL) < ?`,
  )
    .bind(
      id,
      userId,
      url,
      JSON.stringify([...new Set(input.events)]),
      input.enabled ? 1 : 0,
      secret,
      createdAt,
      userId,
      MAX_ENDPOINTS_PER_USER,
    )
    .run();
  if (result.meta.changes !== 1) {
    throw new AppError(
      409,
      "TOO_MANY_WEBHOOKS",
      `An account can have at most ${MAX_ENDPOINTS_PER_USER} webhook endpoints.`,
    );
  }
  return { ...view(await load(env, userId, id)), secret };
};

export const listEndpoints = async (env: Env, userId: string) => {
  const rows = await env.DB.prepare(
    `SELECT ${COLUMNS} FROM webhook_endpoints WHERE user_id = ? AND deleted_at IS NULL AND key_id IS NULL
     ORDER BY created_at, id`,
  )
    .bind(userId)
    .all<Row>();
  return rows.results.map(view);
};

export const getEndpoint = async (env: Env, userId: string, id: string) => view(await load(env, userId, id));

export const updateEndpoint = async (
  env: Env,
  userId: string,
  id: string,
  patch: { url?: string; events?: string[]; enabled?: boolean },
) => {
  const row = await load(env, userId, id);
  const url = patch.url === undefined ? row.url : (await assertAllowedTarget(env, patch.url)).toString();
  const events = patch.events === undefined ? row.events : JSON.stringify([...new Set(patch.events)]);
  const enabled = patch.enabled ?? row.enabled === 1;
  // Enabling again starts a fresh health record; the deliveries that waited are sent.
  const reenabled = enabled && row.enabled !== 1;
  await env.DB.prepare(
    `UPDATE webhook_endpoints SET url = ?, events = ?, enabled = ?,
       disabled_reason = CASE WHEN ? THEN NULL ELSE disabled_reason END,
       failing_since = CASE WHEN ? THEN NULL ELSE failing_since END
     WHERE id = ?`,
  )
    .bind(url, events, enabled ? 1 : 0, reenabled ? 1 : 0, reenabled ? 1 : 0, id)
    .run();
  if (reenabled) await outbox(env, id).kick(id);
  return view(await load(env, userId, id));
};

export const deleteEndpoint = async (env: Env, userId: string, id: string) => {
  await load(env, userId, id);
  await env.DB.prepare("UPDATE webhook_endpoints SET deleted_at = ?, enabled = 0 WHERE id = ?")
    .bind(Date.now(), id)
    .run();
};

/** A new secret; the old one keeps signing (a second v1 signature) for ROTATION_GRACE_MS. */
export const rotateSecret = async (env: Env, userId: string, id: string) => {
  await load(env, userId, id);
  const secret = newSigningSecret();
  const until = Date.now() + ROTATION_GRACE_MS;
  await env.DB.prepare(
    "UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = ?, secret = ? WHERE id = ?",
  )
    .bind(until, secret, id)
    .run();
  return { ...view(await load(env, userId, id)), secret };
};

export const sendTestEvent = async (env: Env, userId: string, id: string) => {
  const row = await load(env, userId, id);
  if (row.enabled !== 1) throw new AppError(409, "WEBHOOK_DISABLED", "Enable the endpoint first.");
  const at = Date.now();
  const key = `test:${newId("evt")}`;
  await publishTo(env, id, { type: TEST_EVENT, key, at, data: { endpointId: id, message: "A test event." } });
  return deliveryByKey(env, id, key);
};

type DeliveryRow = {
  id: string;
  event_type: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  next_attempt_at: number | null;
  created_at: number;
  payload: string;
};
type AttemptRow = {
  delivery_id: string;
  attempted_at: number;
  response_status: number | null;
  latency_ms: number;
  response_snippet: string | null;
};

const deliveryView = (row: DeliveryRow, attempts: AttemptRow[]) => ({
  id: row.id,
  eventType: row.event_type,
  status: row.status,
  attemptCount: row.attempts,
  nextAttemptAt: row.status === "pending" ? isoOrNull(row.next_attempt_at) : null,
  createdAt: iso(row.created_at),
  payload: JSON.parse(row.payload) as unknown,
  attempts: attempts.map((a) => ({
    at: iso(a.attempted_at),
    responseStatus: a.response_status,
    latencyMs: a.latency_ms,
    response: a.response_snippet,
  })),
});

const DELIVERY_COLUMNS = "id, event_type, status, attempts, next_attempt_at, created_at, payload";

const attemptsOf = async (env: Env, ids: string[]) => {
  if (ids.length === 0) return new Map<string, AttemptRow[]>();
  const rows = await env.DB.prepare(
    `SELECT delivery_id, attempted_at, response_status, latency_ms, response_snippet FROM webhook_attempts
     WHERE delivery_id IN (SELECT value FROM json_each(?)) ORDER BY attempted_at, rowid`,
  )
    .bind(JSON.stringify(ids))
    .all<AttemptRow>();
  const byDelivery = new Map<string, AttemptRow[]>();
  for (const row of rows.results)
    byDelivery.set(row.delivery_id, [...(byDelivery.get(row.delivery_id) ?? []), row]);
  return byDelivery;
};

const deliveryByKey = async (env: Env, endpointId: string, key: string) => {
  const row = await env.DB.prepare(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = ? AND event_key = ?`,
  )
    .bind(endpointId, key)
    .first<DeliveryRow>();
  if (!row) throw notFound("Delivery");
  return deliveryView(row, []);
};

/** The delivery log, newest first: each delivery with its attempts. */
export const listDeliveries = async (env: Env, userId: string, id: string, limit = 50) => {
  await load(env, userId, id);
  const rows = await env.DB.prepare(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`,
  )
    .bind(id, limit)
    .all<DeliveryRow>();
  const attempts = await attemptsOf(
    env,
    rows.results.map((r) => r.id),
  );
  return rows.results.map((row) => deliveryView(row, attempts.get(row.id) ?? []));
};

/** Sends a delivery again, with the same webhook-id, and a fresh retry schedule. */
export const redeliver = async (env: Env, userId: string, id: string, deliveryId: string) => {
  await load(env, userId, id);
  const changed = await env.DB.prepare(
    "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND endpoint_id = ?",
  )
    .bind(Date.now(), deliveryId, id)
    .run();
  if (changed.meta.changes !== 1) throw notFound("Delivery");
  await outbox(env, id).kick(id);
  const row = await env.DB.prepare(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ?`)
    .bind(deliveryId)
    .first<DeliveryRow>();
  const attempts = await attemptsOf(env, [deliveryId]);
  return deliveryView(row as DeliveryRow, attempts.get(deliveryId) ?? []);
};

/**
 * An API key's sms-activate-style SMS webhook: a hidden endpoint (not in the list, no test events)
 * that gets `{activationId, service, text, code, country, receivedAt}` for each SMS of that key's
 * orders, through the same durable, retried, signed deliveries.
 */
export const createKeySmsWebhook = async (env: Env, userId: string, keyId: string, url: string) => {
  await env.DB.prepare(
    `INSERT INTO webhook_endpoints (id, user_id, url, events, enabled, secret, key_id, format, created_at)
     VALUES (?, ?, ?, '["activation.sms_received"]', 1, ?, ?, 'sms-activate', ?)`,
  )
    .bind(newId("whe"), userId, url, newSigningSecret(), keyId, Date.now())
    .run();
};
