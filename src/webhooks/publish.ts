// Publishing an event: one delivery row per subscribed, enabled endpoint of the customer (idempotent by
// the event's key), then each endpoint's outbox is woken. Callers make one call per event.
import type { Env } from "../env";
import { newId } from "../lib/ids";
import { envelope, type WebhookEvent } from "./events";
import { outbox } from "./outbox";

type Target = { id: string; events: string; format: "standard" | "sms-activate" };

/** The body a target receives: the Standard Webhooks envelope, or the sms-activate shape where the event has one. */
const bodyFor = (target: Target, event: WebhookEvent): string | null =>
  target.format === "standard" ? envelope(event) : (event.smsActivateBody ?? null);

const insertDelivery = (env: Env, endpointId: string, event: WebhookEvent, body: string) =>
  env.DB.prepare(
    `INSERT INTO webhook_deliveries (id, endpoint_id, event_key, event_type, payload, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (endpoint_id, event_key) DO NOTHING`,
  ).bind(newId("msg"), endpointId, event.key, event.type, body, event.at, Date.now());

/**
 * Queues the event for every endpoint of the user that subscribes to it, and, when an API key placed
 * the order, for that key's sms-activate-style SMS webhook (a live key's only).
 */
export const publish = async (
  env: Env,
  userId: string,
  event: WebhookEvent,
  keyId?: string,
): Promise<void> => {
  const endpoints = await env.DB.prepare(
    `SELECT e.id, e.events, e.format FROM webhook_endpoints e
     WHERE e.user_id = ?1 AND e.enabled = 1 AND e.deleted_at IS NULL
       AND (e.key_id IS NULL OR (e.key_id = ?2 AND EXISTS (
         SELECT 1 FROM api_keys k WHERE k.id = e.key_id AND k.revoked_at IS NULL)))`,
  )
    .bind(userId, keyId ?? null)
    .all<Target>();
  const targets = endpoints.results.flatMap((target) => {
    const body = (JSON.parse(target.events) as string[]).includes(event.type) ? bodyFor(target, event) : null;
    return body === null ? [] : [{ id: target.id, body }];
  });
  if (targets.length === 0) return;
  await env.DB.batch(targets.map((t) => insertDelivery(env, t.id, event, t.body)));
  await Promise.all(targets.map((t) => outbox(env, t.id).kick(t.id)));
};

/** Queues one event for one endpoint, whatever it subscribes to (test events). */
export const publishTo = async (env: Env, endpointId: string, event: WebhookEvent): Promise<void> => {
  await insertDelivery(env, endpointId, event, envelope(event)).run();
  await outbox(env, endpointId).kick(endpointId);
};
