// Helpers for the provider tests: drive the simulated upstream over its HTTP API and sign webhook
// deliveries the way it does.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from "../../src/providers/simulator/signature";
import { call, json, OPERATOR } from "../support";

export const sim = async (path: string, body?: unknown) => {
  const res = await call(
    `/simulator${path}`,
    body === undefined ? { headers: OPERATOR } : json(body, OPERATOR),
  );
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string } },
  };
};

export const setMode = async (mode: string, phone?: string) => {
  const res = await sim("/api/mode", phone === undefined ? { mode } : { mode, phone });
  expect(res.status).toBe(200);
};

export const setStock = async (service: string, country: number, stock: number) => {
  const res = await sim("/api/stock", { service, country, stock });
  expect(res.status).toBe(200);
};

export const offerOf = async (service: string, country: number) => {
  const { body } = await sim("/api/offers");
  const offers = body.offers as { service: string; country: number; cost: number; stock: number }[];
  const offer = offers.find((o) => o.service === service && o.country === country);
  if (!offer) throw new Error(`no simulator offer for ${service}/${country}`);
  return offer;
};

export type WebhookSms = {
  messageId: string;
  providerRef: string;
  phone: string;
  text: string;
  receivedAt: string;
};

/** A delivery to our simulator webhook, signed like the upstream signs (or tampered with). */
export const postWebhook = async (
  payload: WebhookSms | string,
  opts: { secret?: string; timestamp?: number; signature?: string | null; path?: string } = {},
) => {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const signature =
    opts.signature === undefined
      ? await signPayload(opts.secret ?? env.SIMULATOR_WEBHOOK_SECRET, timestamp, body)
      : opts.signature;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (signature !== null) {
    headers[TIMESTAMP_HEADER] = String(timestamp);
    headers[SIGNATURE_HEADER] = signature;
  }
  const res = await call(opts.path ?? "/webhooks/providers/simulator", { method: "POST", headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

export const smsCount = async (activationId: string) =>
  (
    await env.DB.prepare("SELECT count(*) AS n FROM sms_messages WHERE activation_id = ?")
      .bind(activationId)
      .first<{ n: number }>()
  )?.n ?? 0;
