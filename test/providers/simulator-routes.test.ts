import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from "../../src/providers/simulator/signature";
import { call, OPERATOR } from "../support";
import { postWebhook, sim } from "./helpers";

// The same app with the production setting: the simulator is off.
const withSimulatorOff = async (path: string, init: RequestInit = {}) => {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(
    new Request(new URL(path, "http://localhost:8787"), init),
    { ...env, SIMULATOR_ENABLED: "false" },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
};

describe("the simulator's HTTP surface", () => {
  it("in auto mode sends a realistic code for the service a moment after each rental", async () => {
    const ctx = createExecutionContext();
    const res = await createApp().fetch(
      new Request("http://localhost:8787/simulator/api/acquire", {
        method: "POST",
        headers: { "Content-Type": "application/json", ...OPERATOR },
        body: JSON.stringify({ service: "tg", country: 0 }),
      }),
      { ...env, SIMULATOR_AUTO_SMS: "true", SIMULATOR_AUTO_SMS_DELAY_MS: "0" },
      ctx,
    );
    expect(res.status).toBe(201);
    const { ref } = (await res.json()) as { ref: string };
    await waitOnExecutionContext(ctx);
    const rental = await sim(`/api/activations/${ref}`);
    const messages = (rental.body as { messages: Array<{ text: string }> }).messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toMatch(/Telegram/);
    expect(messages[0]?.text).toMatch(/\d{4,8}/);
  });

  it("tells the dashboard it is on and is the provider", async () => {
    const res = await sim("/api/status");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      enabled: true,
      isProvider: true,
      provider: "simulator",
      mode: "normal",
    });
  });

  it("does not exist where it is not enabled: every path is the ordinary 404", async () => {
    const unknown = await call("/api/v1/no-such-thing");
    const unknownBody = (await unknown.json()) as { error: { code: string } };
    for (const [path, init] of [
      ["/simulator/api/status", {}],
      ["/simulator/api/offers", {}],
      ["/simulator/api/acquire", { method: "POST", body: JSON.stringify({ service: "tg", country: 0 }) }],
      ["/simulator/sms", { method: "POST", body: JSON.stringify({ phone: "+79160000000", text: "1234" }) }],
      ["/simulator/api/mode", { method: "POST", body: JSON.stringify({ mode: "normal" }) }],
    ] as const) {
      const res = await withSimulatorOff(path, { ...init, headers: { "Content-Type": "application/json" } });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(unknownBody.error.code);
    }
  });

  it("refuses simulator webhooks where the simulator is off, even correctly signed", async () => {
    const body = JSON.stringify({
      messageId: "msg_off",
      providerRef: "1234567890",
      phone: "+79160000000",
      text: "Your code is 1234",
      receivedAt: new Date().toISOString(),
    });
    const ts = Math.floor(Date.now() / 1000);
    const res = await withSimulatorOff("/webhooks/providers/simulator", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        [TIMESTAMP_HEADER]: String(ts),
        [SIGNATURE_HEADER]: await signPayload(env.SIMULATOR_WEBHOOK_SECRET, ts, body),
      },
      body,
    });
    expect(res.status).toBe(401);
  });

  it("validates its controls", async () => {
    expect((await sim("/api/mode", { mode: "sometimes" })).status).toBe(400);
    const perNumber = await sim("/api/mode", { mode: "acquire_error", phone: "+79160000000" });
    expect(perNumber.status).toBe(400);
    expect((await sim("/api/mode", { mode: "no_sms", phone: "+10000000000" })).status).toBe(404);
    const badPhone = await sim("/sms", { phone: "0916", text: "1234" });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error?.code).toBe("VALIDATION_FAILED");
    expect((await sim("/sms", { phone: "+79160000000", text: "" })).status).toBe(400);
    expect((await sim("/api/stock", { service: "zz", country: 0, stock: 3 })).status).toBe(404);
  });

  it("answers an SMS to a number nobody rents with 404", async () => {
    const res = await sim("/sms", { phone: "+79999999999", text: "Your code is 1234" });
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe("NO_ACTIVATION");
  });

  it("has no webhook for a provider we do not know", async () => {
    const res = await postWebhook("{}", { path: "/webhooks/providers/nobody" });
    expect(res.status).toBe(404);
  });
});
