// balance.credited and topup.refunded: sent once per ledger entry that moved the money, however often
// Stripe delivers the event.
import { describe, expect, it } from "vitest";
import { chargeOf, deliver, pay, startCheckout, stripeEvent } from "../billing/stripe-helpers";
import { call, createUserWithKey, json } from "../support";
import { fireOutbox, receivedAt, receiverPath, register, verifyStandardWebhook } from "./helpers";

const typesAt = async (path: string) => (await receivedAt(path)).map((r) => JSON.parse(r.body));

describe("billing webhooks", () => {
  it("a paid top-up sends balance.credited once, a refund topup.refunded once, both signed", async () => {
    const { auth } = await createUserWithKey();
    const path = receiverPath();
    const endpoint = await register(auth, path, ["balance.credited", "topup.refunded"]);
    const { sessionId } = await startCheckout(auth, 2_000);
    const session = await pay(sessionId);
    const completed = stripeEvent("checkout.session.completed", session);
    expect((await deliver(completed)).status).toBe(200);
    // The same session arriving again (another event id, same payment) credits nothing more.
    expect((await deliver(stripeEvent("checkout.session.completed", session))).status).toBe(200);
    expect((await deliver(stripeEvent("charge.refunded", chargeOf(session, 500)))).status).toBe(200);
    expect((await deliver(stripeEvent("charge.refunded", chargeOf(session, 500)))).status).toBe(200);
    await fireOutbox(endpoint.id);

    const events = await typesAt(path);
    expect(events.map((e) => [e.type, e.data.amount, e.data.topUpId])).toEqual([
      ["balance.credited", 2_000, sessionId],
      ["topup.refunded", 500, sessionId],
    ]);
    for (const r of await receivedAt(path))
      expect(await verifyStandardWebhook(endpoint.secret, r)).toBe(true);
  });

  it("a demo top-up sends balance.credited once per Idempotency-Key", async () => {
    const { auth } = await createUserWithKey();
    const path = receiverPath();
    const endpoint = await register(auth, path, ["balance.credited"]);
    for (let i = 0; i < 2; i++) {
      const res = await call(
        "/api/v1/billing/demo-topup",
        json({ amount: 700 }, { ...auth, "Idempotency-Key": "k1" }),
      );
      expect(res.status).toBe(200);
    }
    await fireOutbox(endpoint.id);
    const events = await typesAt(path);
    expect(events.map((e) => [e.type, e.data.amount, e.data.kind])).toEqual([
      ["balance.credited", 700, "top_up"],
    ]);
  });
});
