// Talking to the fake Stripe API and delivering signed webhook events, as Stripe would.
import Stripe from "stripe";
import { newId } from "../../src/lib/ids";
import { call, json } from "../support";

export const WEBHOOK_SECRET = "whsec_test_fake";
const cryptoProvider = Stripe.createSubtleCryptoProvider();

export type FakeSession = {
  id: string;
  status: string;
  payment_status: string;
  payment_intent: string | null;
  client_reference_id: string;
  amount_total: number;
  currency: string;
  url: string;
  [field: string]: unknown;
};
export type Received = {
  method: string;
  path: string;
  idempotencyKey: string | null;
  form: Record<string, string>;
};

export const startCheckout = async (auth: Record<string, string>, amount: number, headers = {}) => {
  const res = await call("/api/v1/billing/checkout", json({ amount }, { ...auth, ...headers }));
  if (res.status !== 200) throw new Error(`checkout answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { url: string; sessionId: string };
};

/** The customer pays on Stripe's page: the fake completes the session and gives it a payment intent. */
export const pay = async (sessionId: string, paymentStatus = "paid"): Promise<FakeSession> => {
  const res = await fetch(`http://stripe.fake/__pay/${sessionId}`, {
    method: "POST",
    body: new URLSearchParams({ payment_status: paymentStatus }),
  });
  return (await res.json()) as FakeSession;
};

export const receivedByStripe = async (): Promise<Received[]> =>
  (await (await fetch("http://stripe.fake/__received")).json()) as Received[];

export const stripeEvent = (type: string, object: unknown, id = newId("evt")) => ({
  id,
  object: "event",
  api_version: Stripe.API_VERSION,
  created: Math.floor(Date.now() / 1000),
  livemode: false,
  pending_webhooks: 1,
  request: { id: null, idempotency_key: null },
  type,
  data: { object },
});

/** POSTs an event to the webhook with a Stripe-Signature made like Stripe makes it. */
export const deliver = async (
  event: unknown,
  opts: { secret?: string; timestamp?: number; signature?: string | null } = {},
) => {
  const payload = JSON.stringify(event);
  const signature =
    opts.signature !== undefined
      ? opts.signature
      : await Stripe.webhooks.generateTestHeaderStringAsync({
          payload,
          secret: opts.secret ?? WEBHOOK_SECRET,
          timestamp: opts.timestamp,
          cryptoProvider,
        });
  return call("/webhooks/stripe", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(signature === null ? {} : { "Stripe-Signature": signature }),
    },
    body: payload,
  });
};

export const chargeOf = (session: FakeSession, amountRefunded: number, chargeId = newId("ch")) => ({
  id: chargeId,
  object: "charge",
  amount: session.amount_total,
  amount_refunded: amountRefunded,
  refunded: amountRefunded === session.amount_total,
  currency: session.currency,
  payment_intent: session.payment_intent,
  status: "succeeded",
});

export const disputeOf = (session: FakeSession, amount: number, status: string, disputeId: string) => ({
  id: disputeId,
  object: "dispute",
  amount,
  currency: session.currency,
  charge: newId("ch"),
  payment_intent: session.payment_intent,
  status,
  reason: "fraudulent",
});
