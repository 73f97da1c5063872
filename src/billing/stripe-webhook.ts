// POST /webhooks/stripe: Stripe's deliveries. The signature is checked on the raw body before anything
// is read or stored; a bad or stale one gets 400 and changes nothing.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { errorBody } from "../lib/errors";
import { log } from "../lib/log";
import { verifyStripeEvent } from "./stripe";
import { handleStripeEvent } from "./stripe-events";

export const stripeWebhook = new Hono<AppEnv>();

stripeWebhook.post("/", async (c) => {
  const raw = await c.req.text();
  const event = await verifyStripeEvent(c.env, raw, c.req.header("Stripe-Signature"));
  if (!event) {
    return c.json(
      errorBody("BAD_SIGNATURE", "The Stripe-Signature header is missing, wrong or too old."),
      400,
    );
  }
  const result = await handleStripeEvent(c.env, c.get("db"), event);
  log(c.get("requestId"), "stripe_event", { id: event.id, type: event.type, ...result });
  return c.json({ received: true, ...result }, 200);
});
