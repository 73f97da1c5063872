// Helpers for the webhook tests: register endpoints against the fake receiver, fire an endpoint's
// outbox alarm, read what the receiver got, and verify signatures with an implementation of the
// Standard Webhooks scheme written here, independently of src/webhooks/signing.ts.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { expect } from "vitest";
import { randomString } from "../../src/lib/ids";
import type { ReceivedWebhook } from "../fakes/webhook-receiver";
import { FAKE_RECEIVER_HOST } from "../fakes/webhook-receiver";
import { call, json } from "../support";

type Auth = { Authorization: string };

export const receiverPath = () => `/hooks/${randomString(12)}`;
export const receiverUrl = (path: string) => `https://${FAKE_RECEIVER_HOST}${path}`;

export type CreatedEndpoint = { id: string; url: string; events: string[]; enabled: boolean; secret: string };

export const ALL_ACTIVATION_EVENTS = [
  "activation.created",
  "activation.sms_received",
  "activation.finished",
  "activation.cancelled",
  "activation.expired",
];

export const register = async (auth: Auth, path: string, events = ALL_ACTIVATION_EVENTS) => {
  const res = await call("/api/v1/webhooks", json({ url: receiverUrl(path), events }, auth));
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as CreatedEndpoint;
};

export const outboxOf = (endpointId: string) =>
  env.WEBHOOK_OUTBOX.get(env.WEBHOOK_OUTBOX.idFromName(endpointId));

/** Fires the endpoint's outbox alarm, as the runtime would when it is due; false when none was set. */
export const fireOutbox = (endpointId: string) => runDurableObjectAlarm(outboxOf(endpointId));

export const receivedAt = async (path: string): Promise<ReceivedWebhook[]> => {
  const res = await fetch(`https://${FAKE_RECEIVER_HOST}/__received?path=${encodeURIComponent(path)}`);
  return res.json();
};

export const behave = async (path: string, how: { status?: number }) => {
  const res = await fetch(`https://${FAKE_RECEIVER_HOST}/__behave?path=${encodeURIComponent(path)}`, {
    method: "POST",
    body: JSON.stringify(how),
  });
  expect(res.status).toBe(204);
};

// ── an independent verifier (standardwebhooks.com, "Verifying webhook signatures") ─────────────

const b64decode = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const b64encode = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

const constantTimeEqual = (a: string, b: string) => {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
};

/**
 * True when one `v1,` signature of the request matches HMAC-SHA256(base64-decoded secret after
 * "whsec_", "<id>.<timestamp>.<body>") and the timestamp is within 5 minutes of `now`.
 */
export const verifyStandardWebhook = async (secret: string, r: ReceivedWebhook, now = Date.now()) => {
  const id = r.headers["webhook-id"];
  const timestamp = r.headers["webhook-timestamp"];
  const header = r.headers["webhook-signature"];
  if (!id || !timestamp || !header) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > 300) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    b64decode(secret.slice("whsec_".length)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const expected = b64encode(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${r.body}`)),
  );
  return header
    .split(" ")
    .map((entry) => entry.split(","))
    .some(([version, signature]) => version === "v1" && constantTimeEqual(signature ?? "", expected));
};

export const deliveriesOf = async (auth: Auth, endpointId: string) => {
  const res = await call(`/api/v1/webhooks/${endpointId}/deliveries`, { headers: auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { deliveries: DeliveryView[] }).deliveries;
};

export type DeliveryView = {
  id: string;
  eventType: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  attempts: { at: string; responseStatus: number | null; latencyMs: number; response: string | null }[];
};
