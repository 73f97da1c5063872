// balance.credited and topup.refunded, from the ledger entry that moved the money: found by the
// entry's idempotency key, published once per entry (key `ledger:<entry id>`), so calling this again
// after a replayed Stripe event or a repeated demo top-up sends nothing twice.
import type { Env } from "../../env";
import { publish } from "../publish";

type Entry = {
  id: string;
  user_id: string;
  kind: string;
  amount: number;
  currency: string;
  reference: string;
  created_at: number;
};

type BillingEvent = "balance.credited" | "topup.refunded";

export const publishLedgerEvent = async (env: Env, idempotencyKey: string, type: BillingEvent) => {
  const entry = await env.DB.prepare(
    "SELECT id, user_id, kind, amount, currency, reference, created_at FROM ledger_entries WHERE idempotency_key = ?",
  )
    .bind(idempotencyKey)
    .first<Entry>();
  if (!entry || entry.amount === 0) return;
  await publish(env, entry.user_id, [
    {
      type,
      key: `ledger:${entry.id}`,
      at: entry.created_at,
      data: {
        entryId: entry.id,
        kind: entry.kind,
        // What moved, as a positive amount in minor units: credited, or taken back for a refund.
        amount: Math.abs(entry.amount),
        currency: entry.currency,
        topUpId: entry.reference,
      },
    },
  ]);
};

type StripeObject = {
  id?: string;
  payment_intent?: string | { id: string } | null;
  amount_refunded?: number;
};

/** After a Stripe event was handled: the webhook of the money it moved, if it moved any. */
export const publishStripeEventWebhooks = async (
  env: Env,
  event: { type: string; data: { object: unknown } },
) => {
  const object = event.data.object as StripeObject;
  if (event.type.startsWith("checkout.session.") && object.id) {
    await publishLedgerEvent(env, `topup:${object.id}`, "balance.credited");
  } else if (event.type === "charge.refunded") {
    const intent =
      typeof object.payment_intent === "string" ? object.payment_intent : object.payment_intent?.id;
    const topUp = intent
      ? await env.DB.prepare("SELECT id FROM top_ups WHERE payment_intent_id = ?")
          .bind(intent)
          .first<{ id: string }>()
      : null;
    if (topUp)
      await publishLedgerEvent(env, `refund:${topUp.id}:${object.amount_refunded}`, "topup.refunded");
  }
};

/** After a demo top-up: its credit's webhook (the entry is found by the top-up it credited). */
export const publishDemoTopUpWebhook = async (env: Env, topUpId: string) => {
  const entry = await env.DB.prepare(
    "SELECT idempotency_key FROM ledger_entries WHERE reference = ? AND kind = 'top_up'",
  )
    .bind(topUpId)
    .first<{ idempotency_key: string }>();
  if (entry) await publishLedgerEvent(env, entry.idempotency_key, "balance.credited");
};
