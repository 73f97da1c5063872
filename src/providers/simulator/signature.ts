// The simulator's webhook signature, shared by the upstream (signs) and our adapter (verifies):
// hex HMAC-SHA256 over `${timestamp}.${body}`, timestamp in Unix seconds, as Stripe and most
// providers that sign do. The timestamp inside the MAC is what makes a replayed delivery go stale.
import { hmacSha256Hex, timingSafeEqual } from "../../lib/crypto";

export const TIMESTAMP_HEADER = "X-Sim-Timestamp";
export const SIGNATURE_HEADER = "X-Sim-Signature";
export const MAX_SKEW_SECONDS = 5 * 60;

export const signPayload = (secret: string, timestamp: number, body: string): Promise<string> =>
  hmacSha256Hex(secret, `${timestamp}.${body}`);

/** Why a delivery is refused, or null when it is authentic and fresh. */
export const signatureProblem = async (
  secret: string,
  timestamp: string | null,
  signature: string | null,
  body: string,
  nowSeconds: number,
): Promise<string | null> => {
  if (!secret) return "no webhook secret is configured";
  if (!timestamp || !signature) return "signature headers are missing";
  const ts = Number(timestamp);
  if (!Number.isInteger(ts)) return "the timestamp is not a number of seconds";
  if (Math.abs(nowSeconds - ts) > MAX_SKEW_SECONDS) return "the timestamp is more than 5 minutes away";
  const expected = await signPayload(secret, ts, body);
  return timingSafeEqual(expected, signature.toLowerCase()) ? null : "the signature does not match";
};

/** The bearer our adapter sends to the simulator's API: the same shared secret, as a provider's API key. */
export const simulatorCredential = (env: { SIMULATOR_WEBHOOK_SECRET: string }): string =>
  `Bearer ${env.SIMULATOR_WEBHOOK_SECRET}`;
