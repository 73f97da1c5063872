// The Stripe SDK as Workers need it: fetch for HTTP, SubtleCrypto for webhook signatures.
import Stripe from "stripe";
import type { Env } from "../env";
import { AppError } from "../lib/errors";

export const stripeConfigured = (env: Env): boolean => Boolean(env.STRIPE_SECRET_KEY);

/** Where the SDK sends requests: api.stripe.com, or the fake Stripe API that tests point it at. */
const apiTarget = (base: string | undefined) => {
  if (!base) return {};
  const url = new URL(base);
  const protocol = url.protocol === "http:" ? ("http" as const) : ("https" as const);
  return { host: url.hostname, port: url.port || (protocol === "http" ? 80 : 443), protocol };
};

/**
 * The part of the client this Worker calls. The bundle leaves every other API resource out (see
 * ./stripe-left-out.ts), so the type keeps code from reaching one that tests would pass and production lack.
 */
export type StripeClient = Pick<Stripe, "checkout">;

export const stripeClient = (env: Env): StripeClient => {
  if (!env.STRIPE_SECRET_KEY) {
    throw new AppError(503, "STRIPE_NOT_CONFIGURED", "Card payments are not configured on this server.");
  }
  return new Stripe(env.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    // Retries reuse the idempotency key the SDK sends, so a retried create makes one session.
    maxNetworkRetries: 2,
    timeout: 15_000,
    telemetry: false,
    ...apiTarget(env.STRIPE_API_BASE),
  });
};

const cryptoProvider = Stripe.createSubtleCryptoProvider();
const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Verifies the Stripe-Signature header on the raw body; null when it is missing, wrong or stale. */
export const verifyStripeEvent = async (
  env: Env,
  rawBody: string,
  signature: string | undefined,
): Promise<Stripe.Event | null> => {
  if (!env.STRIPE_WEBHOOK_SECRET) {
    throw new AppError(503, "STRIPE_NOT_CONFIGURED", "Stripe webhooks are not configured on this server.");
  }
  if (!signature) return null;
  try {
    return await Stripe.webhooks.constructEventAsync(
      rawBody,
      signature,
      env.STRIPE_WEBHOOK_SECRET,
      SIGNATURE_TOLERANCE_SECONDS,
      cryptoProvider,
    );
  } catch (err) {
    if (err instanceof Stripe.errors.StripeSignatureVerificationError) return null;
    throw err;
  }
};

/** Turns a failed call to Stripe into the error our API answers with; anything else passes through. */
export const asStripeFailure = (err: unknown): unknown => {
  if (err instanceof Stripe.errors.StripeIdempotencyError) {
    return new AppError(
      409,
      "IDEMPOTENCY_KEY_REUSED",
      "This Idempotency-Key was used for a different request.",
    );
  }
  if (err instanceof Stripe.errors.StripeError) {
    return new AppError(
      502,
      "PAYMENT_PROVIDER_ERROR",
      "The payment provider could not be reached or refused.",
      {
        type: err.type,
      },
    );
  }
  return err;
};

export type { Stripe };
