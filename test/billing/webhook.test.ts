// POST /webhooks/stripe: signatures, and crediting each paid session exactly once however Stripe
// delivers its events (duplicated, replayed, out of order, concurrently).
import { env } from "cloudflare:test";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { getBalance } from "../../src/billing/ledger";
import { newId } from "../../src/lib/ids";
import { call, createUserWithKey } from "../support";
import { db, entriesOf } from "./helpers";
import { deliver, type FakeSession, pay, startCheckout, stripeEvent } from "./stripe-helpers";

/** A customer who went through checkout and paid; no webhook delivered yet. */
const paidSession = async (amount = 1500, paymentStatus = "paid") => {
  const user = await createUserWithKey();
  const { sessionId } = await startCheckout(user.auth, amount);
  const session = await pay(sessionId, paymentStatus);
  return { ...user, session };
};

const completed = (session: FakeSession, id?: string) =>
  stripeEvent("checkout.session.completed", session, id);

const eventRecorded = async (id: string) =>
  (
    await env.DB.prepare("SELECT COUNT(*) AS n FROM stripe_events WHERE id = ?")
      .bind(id)
      .first<{ n: number }>()
  )?.n;

describe("signatures", () => {
  it("credits a paid session on a correctly signed checkout.session.completed", async () => {
    const { userId, session } = await paidSession(1500);
    const res = await deliver(completed(session));
    expect(res.status).toBe(200);
    expect(await getBalance(db, userId)).toMatchObject({ available: 1500 });
  });

  it("rejects a wrong signature with 400 and stores nothing", async () => {
    const { userId, session } = await paidSession();
    const event = completed(session);
    const res = await deliver(event, { secret: "whsec_someone_else" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "BAD_SIGNATURE" } });
    expect(await eventRecorded(event.id)).toBe(0);
    expect(await getBalance(db, userId)).toMatchObject({ available: 0 });
  });

  it("rejects a stale timestamp (over 300 s old) with 400 and stores nothing", async () => {
    const { userId, session } = await paidSession();
    const event = completed(session);
    const res = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(res.status).toBe(400);
    expect(await eventRecorded(event.id)).toBe(0);
    expect(await getBalance(db, userId)).toMatchObject({ available: 0 });
  });

  it("rejects a missing signature and a body changed after signing", async () => {
    const { userId, session } = await paidSession();
    expect((await deliver(completed(session), { signature: null })).status).toBe(400);
    const event = completed(session);
    const signedFor = JSON.stringify({ ...event, data: { object: { ...session, amount_total: 1 } } });
    const header = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload: signedFor,
      secret: "whsec_test_fake",
      cryptoProvider: Stripe.createSubtleCryptoProvider(),
    });
    expect((await deliver(event, { signature: header })).status).toBe(400);
    expect(await getBalance(db, userId)).toMatchObject({ available: 0 });
  });
});

describe("exactly once per session", () => {
  it("records an event id once and answers a replay as a duplicate", async () => {
    const { userId, session } = await paidSession(1000);
    const event = completed(session);
    expect(await (await deliver(event)).json()).toMatchObject({ duplicate: false, handled: true });
    expect(await (await deliver(event)).json()).toMatchObject({ duplicate: true });
    expect(await eventRecorded(event.id)).toBe(1);
    expect(await getBalance(db, userId)).toMatchObject({ available: 1000 });
  });

  it("credits once when the same session arrives in several events, some concurrently", async () => {
    const { userId, session } = await paidSession(1000);
    const events = [
      completed(session),
      completed(session),
      stripeEvent("checkout.session.async_payment_succeeded", session),
      completed(session),
    ];
    const answers = await Promise.all(events.map((e) => deliver(e)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await getBalance(db, userId)).toMatchObject({ available: 1000 });
    expect((await entriesOf(userId)).filter((e) => e.kind === "top_up")).toEqual([
      { kind: "top_up", amount: 1000, heldDelta: 0, reference: session.id },
    ]);
  });

  it("credits a delayed payment only when it succeeds, whichever event comes first", async () => {
    const { userId, session: unpaid } = await paidSession(1200, "unpaid");
    await deliver(completed(unpaid));
    expect(await getBalance(db, userId)).toMatchObject({ available: 0 });

    const paid = { ...unpaid, payment_status: "paid" };
    await deliver(stripeEvent("checkout.session.async_payment_succeeded", paid));
    // A late, re-delivered "completed" (still saying unpaid) must neither credit nor undo.
    await deliver(completed(unpaid));
    await deliver(stripeEvent("checkout.session.async_payment_succeeded", paid));
    expect(await getBalance(db, userId)).toMatchObject({ available: 1200 });
  });

  it("marks an expired session expired without crediting", async () => {
    const user = await createUserWithKey();
    const { sessionId } = await startCheckout(user.auth, 800);
    const res = await call(`/api/v1/billing/checkout/${sessionId}`, { headers: user.auth });
    const open = (await res.json()) as Record<string, unknown>;
    const expired = {
      id: sessionId,
      object: "checkout.session",
      status: "expired",
      payment_status: "unpaid",
    };
    await deliver(
      stripeEvent("checkout.session.expired", {
        ...expired,
        client_reference_id: user.userId,
        amount_total: open.amount,
        currency: "usd",
        payment_intent: null,
      }),
    );
    const after = await call(`/api/v1/billing/checkout/${sessionId}`, { headers: user.auth });
    expect(await after.json()).toMatchObject({ status: "expired", credited: false });
    expect(await getBalance(db, user.userId)).toMatchObject({ available: 0 });
  });

  it("answers 200 to event types it does not handle and ignores sessions of unknown users", async () => {
    const res = await deliver(stripeEvent("customer.created", { id: "cus_1", object: "customer" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ handled: false });
    const stranger = {
      id: newId("cs"),
      object: "checkout.session",
      client_reference_id: newId("usr"),
      payment_status: "paid",
      status: "complete",
      amount_total: 500,
      currency: "usd",
      payment_intent: newId("pi"),
    };
    expect((await deliver(stripeEvent("checkout.session.completed", stranger))).status).toBe(200);
  });
});
