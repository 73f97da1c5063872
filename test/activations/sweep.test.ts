// The cron sweep is the safety net behind each room's expiry alarm: an activation whose alarm never ran
// is still ended and refunded by the next scheduled run.
import {
  createExecutionContext,
  createScheduledController,
  env,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { placeHold } from "../../src/billing/ledger";
import { createDb } from "../../src/db/client";
import worker from "../../src/index";
import { newId } from "../../src/lib/ids";
import { seedCatalogForTests } from "../support-catalog";
import { balance, customer, get, ordered, room, STARTING_BALANCE, sms } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const runCron = async () => {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
};

/** The window ended ten minutes ago and the alarm was lost. */
const missAlarm = async (id: string) => {
  const past = Date.now() - 10 * 60_000;
  await runInDurableObject(room(id), async (_instance, state) => {
    state.storage.sql.exec(
      "UPDATE record SET data = json_set(data, '$.expiresAt', ?, '$.alarmAt', NULL)",
      past,
    );
    await state.storage.deleteAlarm();
  });
  await env.DB.prepare("UPDATE activations SET expires_at = ? WHERE id = ?").bind(past, id).run();
};

describe("the scheduled sweep", () => {
  it("expires and refunds a waiting activation whose alarm was missed", async () => {
    const { userId, auth } = await customer();
    const { id } = await ordered(auth, "tg", 10);
    await missAlarm(id);
    await runCron();
    expect(await get(auth, id)).toMatchObject({ status: "expired", charged: false });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
  });

  it("finishes one that had received its code, keeping the charge", async () => {
    const { userId, auth } = await customer();
    const { id, price } = await ordered(auth, "wa", 10);
    await sms(id, "WhatsApp code 246-810");
    await missAlarm(id);
    await runCron();
    expect(await get(auth, id)).toMatchObject({ status: "finished", charged: true });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: 0 });
  });

  it("leaves activations still inside their window alone", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "go", 10);
    await runCron();
    expect((await get(auth, id)).status).toBe("waiting");
  });

  it("ends a row whose room never started and voids its hold", async () => {
    const { userId, auth } = await customer();
    const id = newId("act");
    const past = Date.now() - 30 * 60_000;
    const { holdId } = await placeHold(createDb(env.DB), {
      userId,
      amount: 50,
      currency: "USD",
      reference: id,
      expiresAt: Date.now() + 60 * 60_000,
    });
    await env.DB.prepare(
      `INSERT INTO activations (id, numeric_id, user_id, service, country, phone, provider, provider_ref, price,
         currency, hold_id, status, created_at, expires_at, updated_at)
       VALUES (?, 100000001, ?, 'tg', 10, '+84912345678', 'simulator', 'never-started', 50, 'USD', ?, 'waiting', ?, ?, ?)`,
    )
      .bind(id, userId, holdId, past - 20 * 60_000, past, past)
      .run();
    await runCron();
    expect((await get(auth, id)).status).toBe("expired");
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
  });
});
