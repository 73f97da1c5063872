// Provider webhooks end to end: an activation ordered through the API, an SMS arriving at the
// simulated upstream, the signed webhook it sends, and what the customer then sees.
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { signPayload } from "../../src/providers/simulator/signature";
import { call, createUserWithKey, json } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { postWebhook, setMode, sim, smsCount, type WebhookSms } from "./helpers";

type Auth = { Authorization: string };
type View = {
  id: string;
  phone: string;
  status: string;
  code: string | null;
  sms: { code: string | null; text: string | null }[];
};

beforeAll(async () => {
  await seedCatalogForTests(env);
});

afterEach(async () => {
  await setMode("normal");
});

const orderNumber = async (service = "tg", country = 0) => {
  const { auth } = await createUserWithKey({ available: 10_000 });
  const res = await call("/api/v1/activations", json({ service, country }, auth));
  expect(res.status, await res.clone().text()).toBe(201);
  const activation = (await res.json()) as View;
  const row = await env.DB.prepare("SELECT provider_ref FROM activations WHERE id = ?")
    .bind(activation.id)
    .first<{ provider_ref: string }>();
  return { auth, activation, providerRef: row?.provider_ref ?? "" };
};

const view = async (auth: Auth, id: string): Promise<View> => {
  const res = await call(`/api/v1/activations/${id}`, { headers: auth });
  expect(res.status).toBe(200);
  return res.json();
};

const payload = (
  providerRef: string,
  text: string,
  messageId = `msg_${crypto.randomUUID()}`,
): WebhookSms => ({
  messageId,
  providerRef,
  phone: "+79160000000",
  text,
  receivedAt: new Date().toISOString(),
});

describe("an SMS at the simulated upstream", () => {
  it("reaches the customer through the signed webhook, with its code extracted", async () => {
    const { auth, activation } = await orderNumber("wa", 0);
    const res = await sim("/sms", {
      phone: activation.phone,
      text: "Your WhatsApp code: 482-913\nDon't share it",
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "delivered", mode: "normal" });
    const seen = await view(auth, activation.id);
    expect(seen.status).toBe("received");
    expect(seen.code).toBe("482913");
    expect(seen.sms[0]?.text).toContain("482-913");
  });

  it("is stored once when the upstream sends its webhook twice (duplicate_webhook)", async () => {
    const { auth, activation } = await orderNumber();
    await setMode("duplicate_webhook");
    const res = await sim("/sms", { phone: activation.phone, text: "Telegram code: 55123" });
    expect(res.body).toMatchObject({ status: "delivered", mode: "duplicate_webhook" });
    expect(await smsCount(activation.id)).toBe(1);
    expect((await view(auth, activation.id)).sms).toHaveLength(1);
  });

  it("waits at the upstream in late_sms mode until it is flushed", async () => {
    const { auth, activation } = await orderNumber("go", 16);
    await setMode("late_sms", activation.phone);
    const res = await sim("/sms", {
      phone: activation.phone,
      text: "G-771234 is your Google verification code.",
    });
    expect(res.body).toMatchObject({ status: "pending", mode: "late_sms" });
    expect(await smsCount(activation.id)).toBe(0);
    const flushed = await sim("/api/flush", {});
    expect(flushed.body.delivered).toBeGreaterThanOrEqual(1);
    expect((await view(auth, activation.id)).code).toBe("771234");
  });

  it("never arrives in no_sms mode", async () => {
    const { auth, activation } = await orderNumber("ds", 0);
    await setMode("no_sms");
    const res = await sim("/sms", { phone: activation.phone, text: "Your Discord security code: 123456" });
    expect(res.body).toMatchObject({ status: "dropped" });
    await sim("/api/flush", {});
    expect((await view(auth, activation.id)).status).toBe("waiting");
  });
});

describe("POST /webhooks/providers/simulator", () => {
  it("accepts a correctly signed delivery and files it under the activation", async () => {
    const { auth, activation, providerRef } = await orderNumber();
    const res = await postWebhook(payload(providerRef, "Your Telegram code is 48213. Don't share it."));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 1, delivered: 1, duplicates: 0, unknown: 0 });
    expect((await view(auth, activation.id)).code).toBe("48213");
  });

  it("answers a redelivery of the same message 200 and changes nothing", async () => {
    const { auth, activation, providerRef } = await orderNumber();
    const sms = payload(providerRef, "Telegram code: 11223");
    expect((await postWebhook(sms)).body).toMatchObject({ delivered: 1 });
    const before = await view(auth, activation.id);
    const again = await postWebhook({ ...sms, receivedAt: new Date().toISOString() });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ delivered: 0, duplicates: 1 });
    expect(await view(auth, activation.id)).toEqual(before);
    expect(await smsCount(activation.id)).toBe(1);
  });

  it("answers 200 for an activation we do not have", async () => {
    const res = await postWebhook(payload("9999999999", "Your code is 1234"));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 1, unknown: 1, delivered: 0 });
  });

  it("refuses a bad, stale or missing signature with 401 and stores nothing", async () => {
    const { auth, activation, providerRef } = await orderNumber();
    const sms = payload(providerRef, "Telegram code: 99887");
    const attempts = [
      await postWebhook(sms, { secret: "not-the-secret" }),
      await postWebhook(sms, { signature: "00".repeat(32) }),
      await postWebhook(sms, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }),
      await postWebhook(sms, { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 }),
      await postWebhook(sms, { signature: null }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: "BAD_SIGNATURE" } });
    }
    expect(await smsCount(activation.id)).toBe(0);
    expect((await view(auth, activation.id)).status).toBe("waiting");
  });

  it("refuses a signed body whose text was changed on the way", async () => {
    const { activation, providerRef } = await orderNumber();
    const original = JSON.stringify(payload(providerRef, "Telegram code: 12345"));
    const ts = Math.floor(Date.now() / 1000);
    const signature = await signPayload(env.SIMULATOR_WEBHOOK_SECRET, ts, original);
    const res = await postWebhook(original.replace("12345", "54321"), { timestamp: ts, signature });
    expect(res.status).toBe(401);
    expect(await smsCount(activation.id)).toBe(0);
  });

  it("answers 400 to a signed body that is not a simulator SMS", async () => {
    expect((await postWebhook("not json")).status).toBe(400);
    expect((await postWebhook(JSON.stringify({ hello: "world" }))).status).toBe(400);
  });
});
