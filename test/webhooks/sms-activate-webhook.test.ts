// An API key's sms-activate-style SMS webhook: each SMS of that key's orders is POSTed to its URL as
// sms-activate sends it to a profile's webhook — {activationId, service, text, code, country,
// receivedAt}, as its clients model it (e.g. a FastAPI receiver's SMSActivateWebhook: activationId int,
// service str, text str, code str, country int, receivedAt str) — through the same durable deliveries.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { browser, signUp } from "../accounts/helpers";
import { getNumber, smsTo } from "../api/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { fireOutbox, receivedAt, receiverPath, receiverUrl, verifyStandardWebhook } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const keyWithWebhook = async (cookie: string, url: string) => {
  const res = await call(
    "/api/v1/keys",
    browser("POST", { cookie, body: { name: "bot", smsWebhookUrl: url } }),
  );
  return {
    res,
    body: (await res.clone().json()) as { id: string; key: string; smsWebhookUrl: string | null },
  };
};

const endpointOfKey = async (keyId: string) =>
  (await env.DB.prepare("SELECT id, secret FROM webhook_endpoints WHERE key_id = ?")
    .bind(keyId)
    .first<{ id: string; secret: string }>()) ?? { id: "", secret: "" };

describe("the per-key sms-activate webhook", () => {
  it("POSTs {activationId, service, text, code, country, receivedAt} for each SMS of the key's orders", async () => {
    const { cookie } = await signUp();
    await call("/api/v1/billing/demo-topup", browser("POST", { cookie, body: { amount: 5_000 } }));
    const path = receiverPath();
    const { res, body } = await keyWithWebhook(cookie, receiverUrl(path));
    expect(res.status).toBe(201);
    expect(body.smsWebhookUrl).toBe(receiverUrl(path));
    const other = await keyWithWebhook(cookie, receiverUrl(receiverPath()));

    const { id, phone } = await getNumber(body.key, "tg", 0);
    const elsewhere = await getNumber(other.body.key, "tg", 0);
    await smsTo(phone, "Telegram code: 48213");
    await smsTo(elsewhere.phone, "Telegram code: 11111");
    const endpoint = await endpointOfKey(body.id);
    expect(await fireOutbox(endpoint.id)).toBe(true);

    const [got, ...more] = await receivedAt(path);
    expect(more).toEqual([]);
    if (!got) throw new Error("nothing received");
    const received = await env.DB.prepare(
      "SELECT received_at FROM sms_messages s JOIN activations a ON a.id = s.activation_id WHERE a.numeric_id = ?",
    )
      .bind(id)
      .first<{ received_at: number }>();
    const at = new Date(received?.received_at ?? 0).toISOString().slice(0, 19).replace("T", " ");
    expect(got.body).toBe(
      `{"activationId":${id},"service":"tg","text":"Telegram code: 48213","code":"48213","country":0,"receivedAt":"${at}"}`,
    );
    // Signed like every delivery, so a receiver may check it; sms-activate clients simply ignore it.
    expect(await verifyStandardWebhook(endpoint.secret, got)).toBe(true);
    // Not one of the account's listed endpoints.
    const list = await call("/api/v1/webhooks", browser("GET", { cookie }));
    expect(await list.json()).toEqual({ endpoints: [] });
  });

  it("refuses a URL that is not public HTTPS, creating no key", async () => {
    const { cookie } = await signUp();
    const { res } = await keyWithWebhook(cookie, "https://10.0.0.1/hook");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "WEBHOOK_TARGET_REFUSED" } });
    const keys = await call("/api/v1/keys", browser("GET", { cookie }));
    expect(await keys.json()).toEqual({ keys: [] });
  });
});
