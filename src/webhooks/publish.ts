// Publishing an event: one delivery row per subscribed, enabled endpoint of the customer (idempotent by
// the event's key), then each endpoint's outbox is woken. Callers make one call per event.
import type { Env } from "../env";
import { newId } from "../lib/ids";
import { envelope, type WebhookEvent } from "./events";
import { outbox } from "./outbox";

export type Target = { id: string; events: string; format: "standard" | "sms-activate" };

/** The body a target receives: the Standard Webhooks envelope, or the sms-activate shape where the event has one. */
const bodyFor = (target: Target, event: WebhookEvent): string | null =>
  target.format === "standard" ? envelope(event) : (event.smsActivateBody ?? null);

const insertDelivery = (env: Env, endpointId: string, event: WebhookEvent, body: string) =>
  env.DB.prepare(
    `INSERT INTO webhook_deliveries (id, endpoint_id, event_key, event_type, payload, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (endpoint_id, event_key) DO NOTHING`,
  ).bind(newId("msg"), endpointId, event.key, event.type, body, event.at, Date.now());

/**
 * The endpoints that may want a user's events: the user's own endpoints, and, for an activation an API
 * key ordered, that key's sms-activate-style SMS webhook (a live key's only). A statement, so that
 * callers with a batch to run anyway can read it in the same round trip.
 */
export const targetsStatement = (env: Env, userId: string, activationId?: string) =>
  env.DB.prepare(
    `SELECT e.id, e.events, e.format FROM webhook_endpoints e
     WHERE e.user_id = ?1 AND e.enabled = 1 AND e.deleted_at IS NULL
       AND (e.key_id IS NULL OR (e.key_id = (SELECT o.key_id FROM key_orders o WHERE o.activation_id = ?2)
         AND EXISTS (SELECT 1 FROM api_keys k WHERE k.id = e.key_id AND k.revoked_at IS NULL)))`,
  ).bind(userId, activationId ?? null);

/** Queues the events for the targets that subscribe to them, then wakes their outboxes. */
export const publishToTargets = async (
  env: Env,
  targets: Target[],
  events: WebhookEvent[],
): Promise<void> => {
  const deliveries = targets.flatMap((target) =>
    events.flatMap((event) => {
      const body = (JSON.parse(target.events) as string[]).includes(event.type)
        ? bodyFor(target, event)
        : null;
      return body === null ? [] : [{ endpointId: target.id, event, body }];
    }),
  );
  if (deliveries.length === 0) return;
  await env.DB.batch(deliveries.map((d) => insertDelivery(env, d.endpointId, d.event, d.body)));
  const woken = [...new Set(deliveries.map((d) => d.endpointId))];
  await Promise.all(woken.map((id) => outbox(env, id).kick(id)));
};

/** Queues events for every endpoint of the user that subscribes to them. */
export const publish = async (env: Env, userId: string, events: WebhookEvent[]): Promise<void> => {
  if (events.length === 0) return;
  const targets = await targetsStatement(env, userId).all<Target>();
  await publishToTargets(env, targets.results, events);
};

/** Queues one event for one endpoint, whatever it subscribes to (test events). */
export const publishTo = async (env: Env, endpointId: string, event: WebhookEvent): Promise<void> => {
  await insertDelivery(env, endpointId, event, envelope(event)).run();
  await outbox(env, endpointId).kick(endpointId);
};
