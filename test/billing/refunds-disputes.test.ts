// Money going back: charge.refunded debits what is newly refunded; a dispute freezes and debits, and
// a won dispute gives it back and unfreezes. Each applies once, in whatever order Stripe delivers.
import { describe, expect, it } from "vitest";
import { getBalance, placeHold } from "../../src/billing/ledger";
import { newId } from "../../src/lib/ids";
import { createUserWithKey } from "../support";
import { balanceOf, db, entriesOf } from "./helpers";
import {
  chargeOf,
  deliver,
  disputeOf,
  type FakeSession,
  pay,
  startCheckout,
  stripeEvent,
} from "./stripe-helpers";

/** A customer whose paid top-up has been credited through the webhook. */
const creditedTopUp = async (amount: number) => {
  const user = await createUserWithKey();
  const { sessionId } = await startCheckout(user.auth, amount);
  const session = await pay(sessionId);
  expect((await deliver(stripeEvent("checkout.session.completed", session))).status).toBe(200);
  return { ...user, session };
};

const refunded = (session: FakeSession, cumulative: number) =>
  stripeEvent("charge.refunded", chargeOf(session, cumulative));

const spend = (userId: string, amount: number) =>
  placeHold(db, {
    userId,
    amount,
    currency: "USD",
    reference: newId("act"),
    expiresAt: Date.now() + 3_600_000,
  });

describe("refunds", () => {
  it("debits each newly refunded difference once, however often and in whatever order", async () => {
    const { userId, session } = await creditedTopUp(2000);
    await deliver(refunded(session, 500));
    await deliver(refunded(session, 500));
    await Promise.all([deliver(refunded(session, 1200)), deliver(refunded(session, 800))]);
    await deliver(refunded(session, 800)); // a late, smaller cumulative figure changes nothing
    expect(await getBalance(db, userId)).toMatchObject({ available: 800 });
    const refunds = (await entriesOf(userId)).filter((e) => e.kind === "refund");
    expect(refunds.reduce((sum, e) => sum + e.amount, 0)).toBe(-1200);
    expect(await balanceOf(userId)).toMatchObject({ frozenAt: null });
  });

  it("takes only what is left when the customer already spent it, and freezes the account", async () => {
    const { userId, session } = await creditedTopUp(1000);
    await spend(userId, 700);
    await deliver(refunded(session, 1000));
    const after = await balanceOf(userId);
    expect(after).toMatchObject({ available: 0, held: 700 });
    expect(after?.frozenReason).toContain("7.00 USD");
  });

  it("credits first, then refunds, when the refund overtakes the session's own events", async () => {
    const user = await createUserWithKey();
    const { sessionId } = await startCheckout(user.auth, 1500);
    const session = await pay(sessionId);
    // No checkout.session.* event yet: the service asks Stripe which session the charge belongs to.
    expect((await deliver(refunded(session, 400))).status).toBe(200);
    await deliver(stripeEvent("checkout.session.completed", session));
    expect(await getBalance(db, user.userId)).toMatchObject({ available: 1100 });
  });

  it("asks Stripe to retry a refund of a top-up that is not paid yet", async () => {
    const user = await createUserWithKey();
    const { sessionId } = await startCheckout(user.auth, 1500);
    const session = await pay(sessionId, "unpaid");
    const event = refunded(session, 400);
    const res = await deliver(event);
    expect(res.status).toBe(409);
    expect(await getBalance(db, user.userId)).toMatchObject({ available: 0 });
    // Not recorded, so the retry is processed once the payment has been credited.
    await deliver(
      stripeEvent("checkout.session.async_payment_succeeded", { ...session, payment_status: "paid" }),
    );
    expect(await (await deliver(event)).json()).toMatchObject({ duplicate: false });
    expect(await getBalance(db, user.userId)).toMatchObject({ available: 1100 });
  });

  it("ignores charges that are not top-ups of this service", async () => {
    const stranger = { amount_total: 900, currency: "usd", payment_intent: newId("pi") } as FakeSession;
    expect((await deliver(refunded(stranger, 900))).status).toBe(200);
  });
});

describe("disputes", () => {
  it("freezes the account and takes the disputed amount; a won dispute gives it back and unfreezes", async () => {
    const { userId, session } = await creditedTopUp(3000);
    const disputeId = newId("dp");
    await deliver(
      stripeEvent("charge.dispute.created", disputeOf(session, 3000, "needs_response", disputeId)),
    );
    const frozen = await balanceOf(userId);
    expect(frozen).toMatchObject({ available: 0 });
    expect(frozen?.frozenAt).not.toBeNull();
    await expect(spend(userId, 1)).rejects.toMatchObject({ code: "ACCOUNT_FROZEN" });

    const won = stripeEvent("charge.dispute.closed", disputeOf(session, 3000, "won", disputeId));
    await Promise.all([deliver(won), deliver({ ...won, id: newId("evt") })]);
    expect(await balanceOf(userId)).toMatchObject({ available: 3000, frozenAt: null, frozenReason: null });
  });

  it("keeps the money and the freeze when the dispute is lost", async () => {
    const { userId, session } = await creditedTopUp(1000);
    const disputeId = newId("dp");
    await deliver(
      stripeEvent("charge.dispute.created", disputeOf(session, 1000, "needs_response", disputeId)),
    );
    await deliver(stripeEvent("charge.dispute.closed", disputeOf(session, 1000, "lost", disputeId)));
    const after = await balanceOf(userId);
    expect(after).toMatchObject({ available: 0 });
    expect(after?.frozenAt).not.toBeNull();
  });

  it("gives back only what the dispute could take when part was already spent", async () => {
    const { userId, session } = await creditedTopUp(1000);
    await spend(userId, 600);
    const disputeId = newId("dp");
    await deliver(
      stripeEvent("charge.dispute.created", disputeOf(session, 1000, "needs_response", disputeId)),
    );
    expect(await getBalance(db, userId)).toMatchObject({ available: 0, held: 600 });
    await deliver(stripeEvent("charge.dispute.closed", disputeOf(session, 1000, "won", disputeId)));
    expect(await balanceOf(userId)).toMatchObject({ available: 400, held: 600, frozenAt: null });
  });

  it("ignores a dispute's 'created' that arrives after its 'closed'", async () => {
    const { userId, session } = await creditedTopUp(1000);
    const disputeId = newId("dp");
    await deliver(stripeEvent("charge.dispute.closed", disputeOf(session, 1000, "won", disputeId)));
    await deliver(
      stripeEvent("charge.dispute.created", disputeOf(session, 1000, "needs_response", disputeId)),
    );
    expect(await balanceOf(userId)).toMatchObject({ available: 1000, frozenAt: null });
  });

  it("takes the disputed amount once when 'created' is delivered several times at once", async () => {
    const { userId, session } = await creditedTopUp(1000);
    const created = () =>
      deliver(stripeEvent("charge.dispute.created", disputeOf(session, 1000, "needs_response", "dp_same")));
    await Promise.all([created(), created(), created()]);
    expect((await entriesOf(userId)).filter((e) => e.kind === "chargeback")).toHaveLength(1);
    expect(await getBalance(db, userId)).toMatchObject({ available: 0 });
  });

  it("a won dispute on one top-up keeps the freeze an unrecovered refund on another caused", async () => {
    const { userId, auth, session: first } = await creditedTopUp(1000);
    const next = await startCheckout(auth, 500);
    const second = await pay(next.sessionId);
    await deliver(stripeEvent("checkout.session.completed", second));
    await spend(userId, 1500);
    // The first top-up is refunded in full, but its money is already held by orders: a shortfall.
    await deliver(refunded(first, 1000));
    const disputeId = newId("dp");
    await deliver(stripeEvent("charge.dispute.created", disputeOf(second, 500, "needs_response", disputeId)));
    await deliver(stripeEvent("charge.dispute.closed", disputeOf(second, 500, "won", disputeId)));
    const after = await balanceOf(userId);
    expect(after?.frozenAt).not.toBeNull();
    expect(after?.frozenReason).toContain("refund of 10.00 USD");
    await expect(spend(userId, 1)).rejects.toMatchObject({ code: "ACCOUNT_FROZEN" });
  });

  it("keeps every reason: winning one of two disputes keeps the account frozen until both are won", async () => {
    const { userId, auth, session: first } = await creditedTopUp(1000);
    const next = await startCheckout(auth, 500);
    const second = await pay(next.sessionId);
    await deliver(stripeEvent("checkout.session.completed", second));
    const [a, b] = [newId("dp"), newId("dp")];
    await deliver(stripeEvent("charge.dispute.created", disputeOf(first, 1000, "needs_response", a)));
    await deliver(stripeEvent("charge.dispute.created", disputeOf(second, 500, "needs_response", b)));
    await deliver(stripeEvent("charge.dispute.closed", disputeOf(first, 1000, "won", a)));
    expect((await balanceOf(userId))?.frozenAt).not.toBeNull();
    await deliver(stripeEvent("charge.dispute.closed", disputeOf(second, 500, "won", b)));
    expect(await balanceOf(userId)).toMatchObject({ available: 1500, frozenAt: null, frozenReason: null });
  });

  it("charges back and freezes a lost dispute whose 'closed' arrives before its 'created'", async () => {
    const { userId, session } = await creditedTopUp(1000);
    const disputeId = newId("dp");
    await deliver(stripeEvent("charge.dispute.closed", disputeOf(session, 1000, "lost", disputeId)));
    await deliver(
      stripeEvent("charge.dispute.created", disputeOf(session, 1000, "needs_response", disputeId)),
    );
    const after = await balanceOf(userId);
    expect(after).toMatchObject({ available: 0 });
    expect(after?.frozenAt).not.toBeNull();
    expect((await entriesOf(userId)).filter((e) => e.kind === "chargeback")).toEqual([
      expect.objectContaining({ amount: -1000 }),
    ]);
  });

  it("lets a frozen customer still top up", async () => {
    const { userId, auth, session } = await creditedTopUp(1000);
    await deliver(
      stripeEvent("charge.dispute.created", disputeOf(session, 1000, "needs_response", newId("dp"))),
    );
    const next = await startCheckout(auth, 500);
    await deliver(stripeEvent("checkout.session.completed", await pay(next.sessionId)));
    expect(await balanceOf(userId)).toMatchObject({ available: 500 });
  });
});
