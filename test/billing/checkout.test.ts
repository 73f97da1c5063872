// POST /api/v1/billing/checkout and GET /api/v1/billing/checkout/{id}, through the fake Stripe API.
import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { getBalance } from "../../src/billing/ledger";
import { call, createUserWithKey, json } from "../support";
import { db } from "./helpers";
import { pay, receivedByStripe, startCheckout } from "./stripe-helpers";

describe("starting a card top-up", () => {
  it("creates a Checkout Session for the customer and returns its URL", async () => {
    const { userId, auth } = await createUserWithKey();
    const { url, sessionId } = await startCheckout(auth, 1500);
    expect(url).toBe(`https://checkout.stripe.com/c/pay/${sessionId}`);

    const sent = (await receivedByStripe()).find(
      (r) => r.path === "/v1/checkout/sessions" && r.form.client_reference_id === userId,
    );
    expect(sent?.idempotencyKey).toMatch(/.+/);
    expect(sent?.form).toMatchObject({
      mode: "payment",
      client_reference_id: userId,
      "line_items[0][price_data][unit_amount]": "1500",
      "line_items[0][price_data][currency]": "usd",
      "metadata[user_id]": userId,
      success_url: "http://localhost:8787/#/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://localhost:8787/#/billing?checkout=cancelled",
    });
  });

  it("refuses amounts outside TOPUP_MIN..TOPUP_MAX and non-integers with 400 naming the field", async () => {
    const { auth } = await createUserWithKey();
    for (const amount of [99, 50_001, 10.5, -100]) {
      const res = await call("/api/v1/billing/checkout", json({ amount }, auth));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { code: "VALIDATION_FAILED", details: [expect.objectContaining({ path: "amount" })] },
      });
    }
  });

  it("needs a signed-in customer", async () => {
    const res = await call("/api/v1/billing/checkout", json({ amount: 1000 }));
    expect(res.status).toBe(401);
  });

  it("gives the same session for a repeated Idempotency-Key and refuses the key for another amount", async () => {
    const { auth } = await createUserWithKey();
    const headers = { "Idempotency-Key": "topup-1" };
    const first = await startCheckout(auth, 1000, headers);
    const again = await startCheckout(auth, 1000, headers);
    expect(again.sessionId).toBe(first.sessionId);
    const other = await call("/api/v1/billing/checkout", json({ amount: 2000 }, { ...auth, ...headers }));
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error: { code: "IDEMPOTENCY_KEY_REUSED" } });
  });

  it("answers 503 STRIPE_NOT_CONFIGURED when the server has no Stripe key", async () => {
    const { auth } = await createUserWithKey();
    const app = createApp();
    const res = await app.request(
      "/api/v1/billing/checkout",
      json({ amount: 1000 }, auth),
      { ...env, STRIPE_SECRET_KEY: "" },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "STRIPE_NOT_CONFIGURED" } });
  });
});

describe("the outcome page", () => {
  it("shows an unpaid session as open, then credited once paid, even before the webhook arrives", async () => {
    const { userId, auth } = await createUserWithKey();
    const { sessionId } = await startCheckout(auth, 2500);
    const before = await call(`/api/v1/billing/checkout/${sessionId}`, { headers: auth });
    expect(await before.json()).toEqual({
      sessionId,
      status: "open",
      amount: 2500,
      currency: "USD",
      credited: false,
    });

    await pay(sessionId);
    const after = await call(`/api/v1/billing/checkout/${sessionId}`, { headers: auth });
    expect(await after.json()).toMatchObject({ status: "credited", credited: true });
    // Asking again must not credit again.
    await call(`/api/v1/billing/checkout/${sessionId}`, { headers: auth });
    expect(await getBalance(db, userId)).toMatchObject({ available: 2500 });
  });

  it("does not show one customer's top-up to another", async () => {
    const owner = await createUserWithKey();
    const stranger = await createUserWithKey();
    const { sessionId } = await startCheckout(owner.auth, 1000);
    const res = await call(`/api/v1/billing/checkout/${sessionId}`, { headers: stranger.auth });
    expect(res.status).toBe(404);
  });
});
