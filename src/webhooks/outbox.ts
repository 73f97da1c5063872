// WebhookOutbox: one Durable Object per endpoint, the clock of its deliveries. Deliveries themselves
// are D1 rows (written before the outbox is told), so a restart loses nothing: the alarm survives in the
// object's storage, and `kick` or the cron's sweep re-arms it from D1. One object per endpoint runs
// that endpoint's attempts one at a time, so a slow receiver delays only itself.
import { DurableObject } from "cloudflare:workers";
import { type Env, int } from "../env";
import { nextDueAt, runDueDeliveries } from "./deliver";

export class WebhookOutbox extends DurableObject<Env> {
  /** New or redelivered work for this endpoint: wake at its earliest due time. */
  async kick(endpointId: string): Promise<void> {
    await this.ctx.storage.put("endpointId", endpointId);
    await this.arm(endpointId);
  }

  override async alarm(): Promise<void> {
    const endpointId = await this.ctx.storage.get<string>("endpointId");
    if (!endpointId) return;
    // Alarms never fire early, so the time it was set for has come even when it was fired sooner
    // (runDurableObjectAlarm in tests).
    const at = Math.max(Date.now(), (await this.ctx.storage.get<number>("alarmAt")) ?? 0);
    await this.ctx.storage.delete("alarmAt");
    await runDueDeliveries(this.env, endpointId, at);
    await this.arm(endpointId);
  }

  private async arm(endpointId: string): Promise<void> {
    const due = await nextDueAt(this.env, endpointId);
    if (due === null) return;
    // WEBHOOK_MIN_DELAY_MS is 0 in production; tests set it far ahead so only they fire the alarm.
    const at = Math.max(due, Date.now() + int(this.env.WEBHOOK_MIN_DELAY_MS, 0));
    const current = await this.ctx.storage.get<number>("alarmAt");
    if (current !== undefined && current <= at && (await this.ctx.storage.getAlarm()) !== null) return;
    await this.ctx.storage.put("alarmAt", at);
    await this.ctx.storage.setAlarm(at);
  }
}

export const outbox = (env: Env, endpointId: string) =>
  env.WEBHOOK_OUTBOX.get(env.WEBHOOK_OUTBOX.idFromName(endpointId));
