// Publishing an event: one delivery row per subscribed, enabled endpoint of the customer (idempotent by
// the event's key), then each endpoint's outbox is woken. Callers make one call per event.
import type { Env } from "../env";
import { newId } from "../lib/ids";
import { envelope, type WebhookEvent } from "./events";
import { outbox } from "./outbox";

const insertDelivery = (env: Env, endpointId: string, event: WebhookEvent) =>
  env.DB.prepare(
    `INSERT INTO webhook_deliveries (id, endpoint_id, event_key, event_type, payload, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (endpoint_id, event_key) DO NOTHING`,
  ).bind(newId("msg"), endpointId, event.key, event.type, envelope(event), event.at, Date.now());

/** Queues the event for every endpoint of the user that subscribes to it. */
export const publish = async (env: Env, userId: string, event: WebhookEvent): Promise<void> => {
  const endpoints = await env.DB.prepare(
    "SELECT id, events FROM webhook_endpoints WHERE user_id = ? AND enabled = 1 AND deleted_at IS NULL",
  )
    .bind(userId)
    .all<{ id: string; events: string }>();
  const targets = endpoints.results.filter((e) => (JSON.parse(e.events) as string[]).includes(event.type));
  if (targets.length === 0) return;
  await env.DB.batch(targets.map((e) => insertDelivery(env, e.id, event)));
  await Promise.all(targets.map((e) => outbox(env, e.id).kick(e.id)));
};

/** Queues one event for one endpoint, whatever it subscribes to (test events, redelivery). */
export const publishTo = async (env: Env, endpointId: string, event: WebhookEvent): Promise<void> => {
  await insertDelivery(env, endpointId, event).run();
  await outbox(env, endpointId).kick(endpointId);
};
