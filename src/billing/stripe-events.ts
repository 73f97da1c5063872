// What each Stripe event does to the ledger. Stripe delivers at least once and in no fixed order, so
// every handler is a compare-and-set on the top-up row committed in one batch with its ledger move:
// a replay, a duplicate or a late event finds the row already moved and changes nothing.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { stripeEvents, topUps } from "../db/schema";
import type { Env } from "../env";
import { AppError } from "../lib/errors";
import { now } from "../lib/time";
import { publishStripeEventWebhooks } from "../webhooks/events/billing";
import { freezeStatements, liftStatements } from "./freezes";
import { creditStatements, debitStatements } from "./ledger";
import { changes, q, runBatch } from "./statements";
import { asStripeFailure, type Stripe, stripeClient } from "./stripe";
import { applyCheckoutSession } from "./topups";

export const DISPUTE_FROZEN_REASON = "A card payment for a top-up is disputed with the card issuer.";

// Outcomes of charge.dispute.closed that leave the money with us.
const DISPUTE_WON = new Set(["won", "warning_closed", "prevented"]);
// Compare-and-set loops retry only when another delivery moved the row between our read and write.
const MAX_ATTEMPTS = 5;

type TopUp = typeof topUps.$inferSelect;

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === "string" ? value : (value?.id ?? null);

const topUpByPaymentIntent = (db: Db, paymentIntent: string) =>
  db.select().from(topUps).where(eq(topUps.paymentIntentId, paymentIntent)).get();

/**
 * The credited top-up a charge belongs to. A charge event can overtake the session's own events, so
 * when the payment intent is not known yet, ask Stripe for its session and apply that first.
 * null: the charge is not one of our top-ups. Throws (so Stripe retries) while the top-up is unpaid.
 */
const creditedTopUpFor = async (env: Env, db: Db, paymentIntent: string | null): Promise<TopUp | null> => {
  if (!paymentIntent) return null;
  let row = await topUpByPaymentIntent(db, paymentIntent);
  if (!row) {
    let sessions: Stripe.ApiList<Stripe.Checkout.Session>;
    try {
      sessions = await stripeClient(env).checkout.sessions.list({ payment_intent: paymentIntent, limit: 1 });
    } catch (err) {
      throw asStripeFailure(err);
    }
    const session = sessions.data[0];
    if (!session) return null;
    await applyCheckoutSession(db, session);
    row = await topUpByPaymentIntent(db, paymentIntent);
    if (!row) return null;
  }
  if (row.status !== "credited") {
    throw new AppError(
      409,
      "TOPUP_NOT_CREDITED",
      `Top-up ${row.id} is not credited yet; deliver this event again later.`,
    );
  }
  return row;
};

const reload = async (db: Db, id: string): Promise<TopUp> => {
  const row = await db.select().from(topUps).where(eq(topUps.id, id)).get();
  if (!row) throw new Error(`top-up ${id} vanished`);
  return row;
};

/** charge.refunded: amount_refunded is cumulative, so debit only what is newly refunded. */
const onChargeRefunded = async (env: Env, db: Db, charge: Stripe.Charge) => {
  let row = await creditedTopUpFor(env, db, idOf(charge.payment_intent));
  if (!row) return;
  const refunded = charge.amount_refunded;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && refunded > row.refundedAmount; attempt++) {
    const { statements } = debitStatements(
      {
        userId: row.userId,
        amount: refunded - row.refundedAmount,
        currency: row.currency,
        kind: "refund",
        reference: row.id,
        idempotencyKey: `refund:${row.id}:${refunded}`,
      },
      q`EXISTS (SELECT 1 FROM top_ups WHERE id = ${row.id} AND refunded_amount = ${refunded})`,
    );
    const [moved] = await runBatch(db, [
      q`UPDATE top_ups SET refunded_amount = ${refunded} WHERE id = ${row.id} AND refunded_amount = ${row.refundedAmount}`,
      ...statements,
    ]);
    if (changes(moved) === 1) return;
    row = await reload(db, row.id);
  }
};

/**
 * The chargeback of a dispute: take the disputed amount (what is there of it, key `dispute:<dp>`),
 * record what was really taken on the top-up, and freeze the account for the dispute — all only
 * when the top-up's dispute_status is `status` (the compare-and-set of the same batch just set it).
 */
const chargebackStatements = (row: TopUp, dispute: Stripe.Dispute, status: "open" | "lost", at: number) => {
  const moved = q`EXISTS (SELECT 1 FROM top_ups WHERE id = ${row.id} AND dispute_status = ${status})`;
  const { entryId, statements } = debitStatements(
    {
      userId: row.userId,
      amount: dispute.amount,
      currency: row.currency,
      kind: "chargeback",
      reference: row.id,
      idempotencyKey: `dispute:${dispute.id}`,
    },
    moved,
  );
  return [
    ...statements,
    q`UPDATE top_ups SET disputed_amount = -(SELECT amount FROM ledger_entries WHERE id = ${entryId})
      WHERE id = ${row.id} AND EXISTS (SELECT 1 FROM ledger_entries WHERE id = ${entryId})`,
    ...freezeStatements({
      userId: row.userId,
      reason: "dispute",
      reference: dispute.id,
      detail: q`${DISPUTE_FROZEN_REASON}`,
      at,
      guard: q`EXISTS (SELECT 1 FROM ledger_entries WHERE id = ${entryId})`,
    }),
  ];
};

/** charge.dispute.created: freeze the account and take the disputed amount (what is there of it). */
const onDisputeCreated = async (env: Env, db: Db, dispute: Stripe.Dispute) => {
  const row = await creditedTopUpFor(env, db, idOf(dispute.payment_intent));
  if (!row || row.disputeStatus !== null) return;
  await runBatch(db, [
    q`UPDATE top_ups SET dispute_status = 'open' WHERE id = ${row.id} AND dispute_status IS NULL`,
    ...chargebackStatements(row, dispute, "open", now()),
  ]);
};

/**
 * charge.dispute.closed: when won, give back what the dispute took and lift this dispute's freeze
 * (and the shortfall of its own chargeback) — any other reason stays; when lost, the money stays
 * taken and the account stays frozen for an operator. A close that overtakes its own "created" marks
 * the dispute closed, so the late "created" is ignored: a lost one therefore takes the chargeback
 * and freezes right here, exactly as "created" would have.
 */
const onDisputeClosed = async (env: Env, db: Db, dispute: Stripe.Dispute) => {
  let row = await creditedTopUpFor(env, db, idOf(dispute.payment_intent));
  if (!row) return;
  const outcome = DISPUTE_WON.has(dispute.status) ? "won" : "lost";
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (row.disputeStatus === "won" || row.disputeStatus === "lost") return;
    const at = now();
    const closed = q`UPDATE top_ups SET dispute_status = ${outcome}
      WHERE id = ${row.id} AND dispute_status IS ${row.disputeStatus}`;
    const isWon = q`EXISTS (SELECT 1 FROM top_ups WHERE id = ${row.id} AND dispute_status = 'won')`;
    const giveBack =
      outcome === "won" && row.disputeStatus === "open" && row.disputedAmount > 0
        ? creditStatements(
            {
              userId: row.userId,
              amount: row.disputedAmount,
              currency: row.currency,
              kind: "adjustment",
              reference: row.id,
              idempotencyKey: `dispute_won:${dispute.id}`,
            },
            isWon,
          )
        : [];
    const settle =
      outcome === "won"
        ? liftStatements(
            row.userId,
            [
              { reason: "dispute", reference: dispute.id },
              { reason: "shortfall", reference: `dispute:${dispute.id}` },
            ],
            at,
            isWon,
          )
        : row.disputeStatus === null
          ? chargebackStatements(row, dispute, "lost", at)
          : [];
    const [moved] = await runBatch(db, [closed, ...giveBack, ...settle]);
    if (changes(moved) === 1) return;
    row = await reload(db, row.id);
  }
};

const handlers: Record<string, (env: Env, db: Db, object: never) => Promise<void>> = {
  "checkout.session.completed": (_env, db, session: Stripe.Checkout.Session) =>
    applyCheckoutSession(db, session),
  "checkout.session.async_payment_succeeded": (_env, db, session: Stripe.Checkout.Session) =>
    applyCheckoutSession(db, session),
  "checkout.session.expired": (_env, db, session: Stripe.Checkout.Session) =>
    applyCheckoutSession(db, session),
  "charge.refunded": onChargeRefunded,
  "charge.dispute.created": onDisputeCreated,
  "charge.dispute.closed": onDisputeClosed,
};

/**
 * Processes a verified event once: an event id already recorded is skipped; one that fails is not
 * recorded, so Stripe's retry processes it again (every handler is safe to repeat).
 */
export const handleStripeEvent = async (
  env: Env,
  db: Db,
  event: Stripe.Event,
): Promise<{ duplicate: boolean; handled: boolean }> => {
  const seen = await db
    .select({ id: stripeEvents.id })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, event.id))
    .get();
  if (seen) return { duplicate: true, handled: false };
  const handler = handlers[event.type];
  if (handler) await handler(env, db, event.data.object as never);
  await publishStripeEventWebhooks(env, event);
  await db
    .insert(stripeEvents)
    .values({ id: event.id, type: event.type, receivedAt: now() })
    .onConflictDoNothing()
    .run();
  return { duplicate: false, handled: Boolean(handler) };
};
