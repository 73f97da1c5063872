// A whole activation, delivered to a registered endpoint as signed Standard Webhooks messages, each
// verified with the test's own implementation of the spec.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { act, customer, makeCancelable, ordered, sms } from "../activations/helpers";
import { seedCatalogForTests } from "../support-catalog";
import { fireOutbox, receivedAt, receiverPath, register, verifyStandardWebhook } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const bodies = async (path: string) => (await receivedAt(path)).map((r) => JSON.parse(r.body));

describe("activation webhooks", () => {
  it("deliver created, sms_received and finished, signed and verifiable, in order", async () => {
    const { auth } = await customer();
    const path = receiverPath();
    const endpoint = await register(auth, path);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const activation = await ordered(auth, "tg", 0);
    await sms(activation.id, "Telegram code: 48213");
    expect((await act(auth, activation.id, "finish")).status).toBe(200);
    // Nothing is sent before the outbox's alarm runs; then everything due goes, oldest first.
    expect(await receivedAt(path)).toEqual([]);
    expect(await fireOutbox(endpoint.id)).toBe(true);

    const got = await receivedAt(path);
    expect(got.map((r) => r.problem)).toEqual([null, null, null]);
    for (const r of got) expect(await verifyStandardWebhook(endpoint.secret, r)).toBe(true);
    // A different secret, or a changed body, does not verify.
    const [first] = got;
    if (!first) throw new Error("nothing received");
    expect(await verifyStandardWebhook(`whsec_${btoa("x".repeat(32))}`, first)).toBe(false);
    expect(await verifyStandardWebhook(endpoint.secret, { ...first, body: `${first.body} ` })).toBe(false);

    const events = await bodies(path);
    expect(events.map((e) => e.type)).toEqual([
      "activation.created",
      "activation.sms_received",
      "activation.finished",
    ]);
    expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(3);
    expect(got[0]?.headers["webhook-id"]).toMatch(/^msg_/);
    expect(events[1]).toMatchObject({
      data: {
        activation: {
          id: activation.id,
          numericId: activation.numericId,
          phone: activation.phone,
          code: "48213",
        },
        sms: { code: "48213", text: "Telegram code: 48213" },
      },
    });
    expect(events[1].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(events[2].data.activation).toMatchObject({ status: "finished", charged: true });
  });

  it("deliver activation.cancelled, and only the events the endpoint subscribes to", async () => {
    const { auth } = await customer();
    const path = receiverPath();
    const endpoint = await register(auth, path, ["activation.cancelled"]);
    const activation = await ordered(auth, "wa", 0);
    await makeCancelable(activation.id);
    expect((await act(auth, activation.id, "cancel")).status).toBe(200);
    await fireOutbox(endpoint.id);
    const events = await bodies(path);
    expect(events.map((e) => e.type)).toEqual(["activation.cancelled"]);
    expect(events[0].data.activation).toMatchObject({
      id: activation.id,
      status: "cancelled",
      charged: false,
    });
  });

  it("never send one customer's events to another customer's endpoint", async () => {
    const owner = await customer();
    const other = await customer();
    const path = receiverPath();
    const endpoint = await register(other.auth, path);
    await ordered(owner.auth, "tg", 0);
    expect(await fireOutbox(endpoint.id)).toBe(false);
    expect(await receivedAt(path)).toEqual([]);
  });
});
