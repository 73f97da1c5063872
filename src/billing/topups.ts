// Top-ups: Stripe Checkout sessions and the demo path. Both credit through the same ledger call,
// once per top-up, whichever event or request gets there first.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { ledgerEntries, topUps, users } from "../db/schema";
import { type Env, int } from "../env";
import { AppError, notFound } from "../lib/errors";
import { newId, randomString } from "../lib/ids";
import { now } from "../lib/time";
import { publishLedgerEvent } from "../webhooks/events/billing";
import { creditStatements, getBalance } from "./ledger";
import { changes, q, runBatch } from "./statements";
import { asStripeFailure, type Stripe, stripeClient, stripeConfigured } from "./stripe";

export type TopUpStatus = {
  sessionId: string;
  status: "open" | "credited" | "expired";
  amount: number;
  currency: string;
  credited: boolean;
};

/** TOPUP_MIN..TOPUP_MAX from config; outside it is the client's mistake, a 400 naming the field. */
export const checkTopUpAmount = (env: Env, amount: number) => {
  const min = int(env.TOPUP_MIN, 500);
  const max = int(env.TOPUP_MAX, 50_000);
  if (amount < min || amount > max) {
    throw new AppError(400, "VALIDATION_FAILED", "Some fields are missing or invalid.", [
      { path: "amount", message: `A top-up is between ${min} and ${max} minor units.` },
    ]);
  }
};

const userExists = async (db: Db, userId: string) =>
  Boolean(await db.select({ id: users.id }).from(users).where(eq(users.id, userId)).get());

const topUpKey = (topUpId: string) => `topup:${topUpId}`;

export const createCheckout = async (
  env: Env,
  db: Db,
  user: { id: string; email: string },
  amount: number,
  clientKey: string | undefined,
): Promise<{ url: string; sessionId: string }> => {
  const stripe = stripeClient(env);
  checkTopUpAmount(env, amount);
  const { currency } = await getBalance(db, user.id);
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create(
      {
        mode: "payment",
        client_reference_id: user.id,
        customer_email: user.email,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: currency.toLowerCase(),
              unit_amount: amount,
              product_data: { name: `${env.BRAND_NAME} balance top-up` },
            },
          },
        ],
        metadata: { user_id: user.id, amount: String(amount) },
        success_url: `${env.PUBLIC_URL}/#/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${env.PUBLIC_URL}/#/billing?checkout=cancelled`,
      },
      // A client retrying with the same Idempotency-Key gets the same session back from Stripe.
      { idempotencyKey: clientKey ? `checkout:${user.id}:${clientKey}` : `checkout:${newId("req")}` },
    );
  } catch (err) {
    throw asStripeFailure(err);
  }
  if (!session.url)
    throw new AppError(502, "PAYMENT_PROVIDER_ERROR", "Stripe returned a session without a URL.");
  await db
    .insert(topUps)
    .values({ id: session.id, userId: user.id, amount, currency, status: "open", createdAt: now() })
    .onConflictDoNothing()
    .run();
  return { url: session.url, sessionId: session.id };
};

/**
 * Applies what a Checkout Session says: remembers its payment intent (refunds and disputes name only
 * that), credits it once when paid, marks it expired when it expired unpaid. Safe to run for every
 * delivery of every event about the session, in any order.
 */
export const applyCheckoutSession = async (db: Db, session: Stripe.Checkout.Session): Promise<void> => {
  const userId = session.client_reference_id;
  if (!userId || !(await userExists(db, userId))) return; // not a session this service created
  const amount = session.amount_total ?? 0;
  const currency = (session.currency ?? "").toUpperCase();
  const paymentIntent =
    typeof session.payment_intent === "string" ? session.payment_intent : session.payment_intent?.id;
  const at = now();
  // The row normally exists from createCheckout; the signed event recreates it if that write was lost.
  await db
    .insert(topUps)
    .values({ id: session.id, userId, amount, currency, status: "open", createdAt: at })
    .onConflictDoNothing()
    .run();
  if (paymentIntent) {
    await db
      .update(topUps)
      .set({ paymentIntentId: paymentIntent })
      .where(and(eq(topUps.id, session.id), eq(topUps.userId, userId)))
      .run();
  }
  if (session.payment_status === "paid" && amount > 0) {
    await runBatch(db, [
      ...creditStatements(
        {
          userId,
          amount,
          currency,
          kind: "top_up",
          reference: session.id,
          idempotencyKey: topUpKey(session.id),
        },
        q`EXISTS (SELECT 1 FROM top_ups WHERE id = ${session.id} AND user_id = ${userId})`,
      ),
      q`UPDATE top_ups SET status = 'credited', amount = ${amount}, credited_at = ${at}
        WHERE id = ${session.id} AND status != 'credited'
          AND EXISTS (SELECT 1 FROM ledger_entries WHERE idempotency_key = ${topUpKey(session.id)})`,
    ]);
  } else if (session.status === "expired") {
    await db
      .update(topUps)
      .set({ status: "expired" })
      .where(and(eq(topUps.id, session.id), eq(topUps.status, "open")))
      .run();
  }
};

const describeTopUp = (row: typeof topUps.$inferSelect): TopUpStatus => ({
  sessionId: row.id,
  status: row.status,
  amount: row.amount,
  currency: row.currency,
  credited: row.status === "credited",
});

/**
 * The outcome the success page shows. A session still open here may simply be ahead of its webhook,
 * so ask Stripe and apply the answer (the credit is once-only either way).
 */
export const checkoutStatus = async (
  env: Env,
  db: Db,
  userId: string,
  sessionId: string,
): Promise<TopUpStatus> => {
  const find = () =>
    db
      .select()
      .from(topUps)
      .where(and(eq(topUps.id, sessionId), eq(topUps.userId, userId)))
      .get();
  const row = await find();
  if (!row) throw notFound("Top-up");
  if (row.status !== "open" || !stripeConfigured(env) || !sessionId.startsWith("cs_"))
    return describeTopUp(row);
  let session: Stripe.Checkout.Session;
  try {
    session = await stripeClient(env).checkout.sessions.retrieve(sessionId);
  } catch (err) {
    throw asStripeFailure(err);
  }
  await applyCheckoutSession(db, session);
  await publishLedgerEvent(env, topUpKey(session.id), "balance.credited");
  return describeTopUp((await find()) ?? row);
};

/**
 * The local stand-in for card payments: credits through the same ledger path as Stripe. A repeated
 * Idempotency-Key credits once; reusing it for another amount is refused.
 */
export const demoTopUp = async (
  db: Db,
  userId: string,
  amount: number,
  clientKey: string | undefined,
): Promise<{
  applied: boolean;
  topUpId: string;
  balance: { available: number; held: number; currency: string };
}> => {
  const { currency } = await getBalance(db, userId);
  const idempotencyKey = clientKey ? `demo:${userId}:${clientKey}` : `demo:${newId("req")}`;
  const topUpId = `demo_${randomString(20)}`;
  const at = now();
  const [inserted] = await runBatch(db, [
    ...creditStatements({ userId, amount, currency, kind: "top_up", reference: topUpId, idempotencyKey }),
    q`INSERT INTO top_ups (id, user_id, amount, currency, status, created_at, credited_at)
      SELECT ${topUpId}, ${userId}, ${amount}, ${currency}, 'credited', ${at}, ${at}
      WHERE EXISTS (SELECT 1 FROM ledger_entries WHERE idempotency_key = ${idempotencyKey} AND reference = ${topUpId})`,
  ]);
  if (changes(inserted) === 1) return { applied: true, topUpId, balance: await getBalance(db, userId) };
  const earlier = await db
    .select({ amount: ledgerEntries.amount, reference: ledgerEntries.reference })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.idempotencyKey, idempotencyKey))
    .get();
  if (!earlier || earlier.amount !== amount) {
    throw new AppError(
      409,
      "IDEMPOTENCY_KEY_REUSED",
      "This Idempotency-Key was used for a different request.",
    );
  }
  return { applied: false, topUpId: earlier.reference, balance: await getBalance(db, userId) };
};
