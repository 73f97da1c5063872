// The cron's part for webhooks: a safety net for outboxes whose alarm was lost (deliveries overdue by
// ten minutes get their outbox kicked again), and retention — a delivery carries the SMS it reported,
// so finished deliveries (and their attempts) are deleted after SMS_RETENTION_DAYS, like SMS content.
import { type Env, int } from "../env";
import { outbox } from "./outbox";

const OVERDUE_MS = 10 * 60_000;
const DAY_MS = 24 * 3_600_000;

export const sweepWebhooks = async (env: Env, at: number): Promise<{ kicked: number; purged: number }> => {
  const overdue = await env.DB.prepare(
    `SELECT DISTINCT d.endpoint_id AS id FROM webhook_deliveries d
     JOIN webhook_endpoints e ON e.id = d.endpoint_id
     WHERE d.status = 'pending' AND d.next_attempt_at < ? AND e.enabled = 1 AND e.deleted_at IS NULL
     LIMIT 100`,
  )
    .bind(at - OVERDUE_MS)
    .all<{ id: string }>();
  await Promise.all(overdue.results.map(({ id }) => outbox(env, id).kick(id)));
  const purged = await env.DB.prepare(
    "DELETE FROM webhook_deliveries WHERE status != 'pending' AND created_at < ?",
  )
    .bind(at - int(env.SMS_RETENTION_DAYS, 30) * DAY_MS)
    .run();
  return { kicked: overdue.results.length, purged: purged.meta.changes };
};
