// The whole life of an activation through every transition, with the customer's balance checked at
// each step: hold on order, charge on the first code, nothing more for retries, refund on cancel or
// expiry. Alarms are fired with runDurableObjectAlarm, never waited for.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ActivationView } from "../../src/activations/service";
import { call, OPERATOR } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import {
  act,
  balance,
  customer,
  get,
  holdsOf,
  makeCancelable,
  ordered,
  room,
  STARTING_BALANCE,
  sms,
} from "./helpers";

beforeAll(() => seedCatalogForTests(env));

describe("an activation from order to finish", () => {
  it("holds the price on order, charges it once on the first code, never again for retries", async () => {
    const { userId, auth } = await customer();
    const created = await ordered(auth, "tg", 0);
    expect(created).toMatchObject({ service: "tg", country: 0, status: "waiting", code: null, sms: [] });
    expect(created.phone).toMatch(/^\+79\d{9}$/);
    expect(created.charged).toBe(false);
    expect(created.lastSeq).toBe(1);
    expect(Date.parse(created.expiresAt) - Date.parse(created.createdAt)).toBe(20 * 60_000);
    expect(await balance(userId)).toEqual({
      available: STARTING_BALANCE - created.price,
      held: created.price,
    });

    await sms(created.id, "Your Telegram code is 48213. Don't share it.");
    const received = await get(auth, created.id);
    expect(received).toMatchObject({ status: "received", code: "48213", charged: true, canRetry: true });
    expect(received.sms).toEqual([
      { code: "48213", text: "Your Telegram code is 48213. Don't share it.", receivedAt: expect.any(String) },
    ]);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - created.price, held: 0 });

    const retrying: ActivationView = await (await act(auth, created.id, "retry")).json();
    expect(retrying).toMatchObject({ status: "waiting_retry", code: "48213", canRetry: false });
    await sms(created.id, "Telegram code: 90377");
    const again = await get(auth, created.id);
    expect(again).toMatchObject({ status: "received", code: "90377" });
    expect(again.sms.map((s) => s.code)).toEqual(["48213", "90377"]);

    const finished = await act(auth, created.id, "finish");
    expect(finished.status).toBe(200);
    expect(await finished.json()).toMatchObject({ status: "finished", code: "90377", charged: true });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - created.price, held: 0 });
    expect(await holdsOf(userId)).toEqual([
      { reference: created.id, amount: created.price, status: "posted" },
    ]);
  });

  it("can be finished straight from waiting_retry", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "wa", 0);
    await sms(id, "WhatsApp code 123-456");
    await act(auth, id, "retry");
    const res = await act(auth, id, "finish");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "finished", code: "123456" });
  });

  it("charges the first SMS even when no code can be read in it, and shows its full text", async () => {
    // Upstreams charge us for an SMS delivered to the number, not for what our extractor reads.
    const { userId, auth } = await customer();
    const { id, price } = await ordered(auth, "go", 0);
    await sms(id, "Welcome! Reply STOP to opt out.");
    const view = await get(auth, id);
    expect(view).toMatchObject({ status: "received", code: null, charged: true });
    expect(view.sms).toEqual([
      { code: null, text: "Welcome! Reply STOP to opt out.", receivedAt: expect.any(String) },
    ]);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: 0 });
    // Charged means the number did its job: it can no longer be cancelled for a refund.
    await makeCancelable(id);
    const cancel = await act(auth, id, "cancel");
    expect(cancel.status).toBe(409);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: 0 });
  });

  it("charges a Steam Guard code once and shows it", async () => {
    const { userId, auth } = await customer();
    const { id, price } = await ordered(auth, "go", 0);
    await sms(id, "Your Steam Guard code is: 4KX7P");
    await sms(id, "Your Steam Guard code is: 9QW2R");
    // The latest code is the one shown; the second SMS charges nothing more.
    expect(await get(auth, id)).toMatchObject({ status: "received", code: "9QW2R", charged: true });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: 0 });
  });
});

describe("ending without a code", () => {
  it("refuses a cancel in the first two minutes and says from when it is allowed", async () => {
    const { auth } = await customer();
    const created = await ordered(auth, "fb", 0);
    const res = await act(auth, created.id, "cancel");
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: {
        code: "EARLY_CANCEL_DENIED",
        message: expect.any(String),
        details: { cancelableAt: created.cancelableAt },
      },
    });
    expect(Date.parse(created.cancelableAt) - Date.parse(created.createdAt)).toBe(120_000);
    expect((await get(auth, created.id)).status).toBe("waiting");
  });

  it("cancels after the early window and gives the whole hold back", async () => {
    const { userId, auth } = await customer();
    const { id } = await ordered(auth, "ig", 0);
    await makeCancelable(id);
    const res = await act(auth, id, "cancel");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "cancelled", charged: false, canRetry: false });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    expect((await holdsOf(userId))[0]?.status).toBe("voided");
  });

  it("expires at the end of the window, refunds, and still shows a late SMS without charging it", async () => {
    const { userId, auth } = await customer();
    const { id } = await ordered(auth, "tw", 0);
    expect(await runDurableObjectAlarm(room(id))).toBe(true);
    expect(await get(auth, id)).toMatchObject({ status: "expired", charged: false });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });

    await sms(id, "Your X code is 771234");
    const late = await get(auth, id);
    expect(late).toMatchObject({ status: "expired", code: "771234", charged: false });
    expect(late.sms).toHaveLength(1);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    // Nothing is owed for the ended activation: the one alarm left is the SMS-retention purge.
    const alarmAt = await runInDurableObject(room(id), (_instance, state) => state.storage.getAlarm());
    const retentionMs = Number(env.SMS_RETENTION_DAYS) * 24 * 60 * 60 * 1000;
    expect(alarmAt).toBeGreaterThan(Date.now() + retentionMs - 60_000);
  });

  it("finishes by itself at expiry once a code was received, keeping the charge", async () => {
    const { userId, auth } = await customer();
    const { id, price } = await ordered(auth, "ds", 0);
    await sms(id, "Your Discord verification code is 5521");
    expect(await runDurableObjectAlarm(room(id))).toBe(true);
    expect(await get(auth, id)).toMatchObject({ status: "finished", code: "5521", charged: true });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: 0 });
  });
});

describe("actions that the current state does not allow", () => {
  it("answers 409 BAD_TRANSITION and changes nothing", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "vi", 0);
    for (const action of ["retry", "finish"] as const) {
      const res = await act(auth, id, action);
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({
        error: { code: "BAD_TRANSITION", details: { status: "waiting" } },
      });
    }
    await sms(id, "Viber code: 4410");
    await makeCancelable(id);
    const cancel = await act(auth, id, "cancel");
    expect(cancel.status).toBe(409);
    expect(await cancel.json()).toMatchObject({ error: { code: "BAD_TRANSITION" } });
    expect((await get(auth, id)).status).toBe("received");
  });

  it("treats repeating the action that ended an activation as done, not as an error", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "am", 0);
    await sms(id, "Amazon OTP 662901");
    expect((await act(auth, id, "finish")).status).toBe(200);
    const again = await act(auth, id, "finish");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "finished" });
    const retry = await act(auth, id, "retry");
    expect(retry.status).toBe(409);
  });
});

describe("the event history", () => {
  it("numbers every transition and writes it through to D1", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "mm", 0);
    await sms(id, "Microsoft code 3310");
    await act(auth, id, "retry");
    await sms(id, "Microsoft code 3311");
    await act(auth, id, "finish");
    const rows = await env.DB.prepare(
      "SELECT seq, type, json_extract(data, '$.status') AS status FROM activation_events WHERE activation_id = ? ORDER BY seq",
    )
      .bind(id)
      .all();
    expect(rows.results).toEqual([
      { seq: 1, type: "created", status: "waiting" },
      { seq: 2, type: "sms", status: "received" },
      { seq: 3, type: "status", status: "waiting_retry" },
      { seq: 4, type: "sms", status: "received" },
      { seq: 5, type: "status", status: "finished" },
    ]);
    expect((await get(auth, id)).lastSeq).toBe(5);
  });
});

describe("the provider is told", () => {
  const rentalStatus = async (activationId: string) => {
    const row = await env.DB.prepare("SELECT provider_ref FROM activations WHERE id = ?")
      .bind(activationId)
      .first<{ provider_ref: string }>();
    const res = await call(`/simulator/api/activations/${row?.provider_ref}`, { headers: OPERATOR });
    expect(res.status).toBe(200);
    return ((await res.json()) as { rental: { status: string } }).rental.status;
  };

  it("when the customer cancels, finishes, or the window expires, so the number is released upstream", async () => {
    const { auth } = await customer();

    const cancelled = await ordered(auth, "tg", 0);
    expect(await rentalStatus(cancelled.id)).toBe("active");
    await makeCancelable(cancelled.id);
    expect((await act(auth, cancelled.id, "cancel")).status).toBe(200);
    expect(await rentalStatus(cancelled.id)).toBe("cancelled");

    const finished = await ordered(auth, "tg", 0);
    await sms(finished.id, "Your Telegram code is 31337");
    expect((await act(auth, finished.id, "finish")).status).toBe(200);
    expect(await rentalStatus(finished.id)).toBe("finished");

    const expired = await ordered(auth, "tg", 0);
    expect(await runDurableObjectAlarm(room(expired.id))).toBe(true);
    expect(await rentalStatus(expired.id)).toBe("cancelled");
  });
});
