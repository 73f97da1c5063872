// What the Durable Object's single-writer design is for: a cancel and an SMS meeting, in either order
// or at once, and providers delivering the same SMS more than once. Money and state stay consistent.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call, json, OPERATOR } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import {
  act,
  balance,
  customer,
  get,
  holdsOf,
  makeCancelable,
  ordered,
  STARTING_BALANCE,
  sms,
} from "./helpers";

beforeAll(() => seedCatalogForTests(env));

describe("a cancel and an SMS meeting", () => {
  it("SMS first: the code is charged and the cancel is refused", async () => {
    const { userId, auth } = await customer();
    const { id, price } = await ordered(auth, "tg", 4);
    await makeCancelable(id);
    await sms(id, "Telegram code 11223");
    const cancel = await act(auth, id, "cancel");
    expect(cancel.status).toBe(409);
    expect(await cancel.json()).toMatchObject({ error: { code: "BAD_TRANSITION" } });
    expect(await get(auth, id)).toMatchObject({ status: "received", code: "11223", charged: true });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: 0 });
    expect((await holdsOf(userId)).map((h) => h.status)).toEqual(["posted"]);
  });

  it("cancel first: refunded, and the late code is shown but not charged", async () => {
    const { userId, auth } = await customer();
    const { id } = await ordered(auth, "tg", 4);
    await makeCancelable(id);
    expect((await act(auth, id, "cancel")).status).toBe(200);
    await sms(id, "Telegram code 44556");
    const view = await get(auth, id);
    expect(view).toMatchObject({ status: "cancelled", code: "44556", charged: false });
    expect(view.sms.map((s) => s.code)).toEqual(["44556"]);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    expect((await holdsOf(userId)).map((h) => h.status)).toEqual(["voided"]);
  });

  it("at the same moment: exactly one of them wins, and the money matches the winner", async () => {
    for (let round = 0; round < 5; round++) {
      const { userId, auth } = await customer();
      const { id, price } = await ordered(auth, "wa", 4);
      await makeCancelable(id);
      const [cancel] = await Promise.all([act(auth, id, "cancel"), sms(id, "WhatsApp code 778-899")]);
      const view = await get(auth, id);
      const holds = await holdsOf(userId);
      if (cancel.status === 200) {
        expect(view).toMatchObject({ status: "cancelled", charged: false });
        expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
        expect(holds.map((h) => h.status)).toEqual(["voided"]);
      } else {
        expect(cancel.status).toBe(409);
        expect(view).toMatchObject({ status: "received", charged: true });
        expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: 0 });
        expect(holds.map((h) => h.status)).toEqual(["posted"]);
      }
      // Either way the SMS itself is never lost.
      expect(view.sms.map((s) => s.code)).toEqual(["778899"]);
    }
  });
});

describe("duplicate deliveries", () => {
  it("records an SMS once per provider message id and says the repeat was a duplicate", async () => {
    const { userId, auth } = await customer();
    const { id, price } = await ordered(auth, "go", 4);
    expect(await sms(id, "G-123456 is your Google verification code.", "msg_same")).toEqual({
      duplicate: false,
    });
    expect(await sms(id, "G-123456 is your Google verification code.", "msg_same")).toEqual({
      duplicate: true,
    });
    const view = await get(auth, id);
    expect(view.sms).toHaveLength(1);
    expect(view).toMatchObject({ code: "123456", lastSeq: 2 });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: 0 });
  });

  it("through the provider webhook: the simulator sending each SMS twice shows it once", async () => {
    const { auth } = await customer();
    const { id, phone } = await ordered(auth, "fb", 4);
    const mode = await call("/simulator/api/mode", json({ mode: "duplicate_webhook", phone }, OPERATOR));
    expect(mode.status).toBe(200);
    const sent = await call("/simulator/sms", json({ phone, text: "Facebook code: 90210" }, OPERATOR));
    expect(sent.status).toBe(202);
    const view = await get(auth, id);
    expect(view.sms).toEqual([
      { code: "90210", text: "Facebook code: 90210", receivedAt: expect.any(String) },
    ]);
    expect(view).toMatchObject({ status: "received", lastSeq: 2 });
  });
});
