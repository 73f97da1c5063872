// Retries with exponential backoff against a failing receiver, the same webhook-id on every attempt,
// the delivery log, the end of the schedule, and disabling an endpoint that keeps failing.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { RETRY_DELAYS_MS } from "../../src/webhooks/deliver";
import { customer, ordered } from "../activations/helpers";
import { call, json } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import {
  behave,
  deliveriesOf,
  fireOutbox,
  receivedAt,
  receiverPath,
  register,
  verifyStandardWebhook,
} from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const deliveryRow = (id: string) =>
  env.DB.prepare("SELECT status, attempts, next_attempt_at FROM webhook_deliveries WHERE id = ?")
    .bind(id)
    .first<{ status: string; attempts: number; next_attempt_at: number | null }>();

const attemptTimes = async (id: string) =>
  (
    await env.DB.prepare(
      "SELECT attempted_at FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempted_at",
    )
      .bind(id)
      .all<{ attempted_at: number }>()
  ).results.map((r) => r.attempted_at);

describe("retries", () => {
  it("retry a non-2xx with backoff (5 s, then 5 min, …), keep the webhook-id, and log each attempt", async () => {
    const { auth } = await customer();
    const path = receiverPath();
    const endpoint = await register(auth, path, ["activation.created"]);
    await behave(path, { status: 503 });
    await ordered(auth, "tg", 0);

    expect(await fireOutbox(endpoint.id)).toBe(true);
    const [delivery] = await deliveriesOf(auth, endpoint.id);
    if (!delivery) throw new Error("no delivery");
    expect(delivery).toMatchObject({ eventType: "activation.created", status: "pending", attemptCount: 1 });
    expect(delivery.attempts).toEqual([
      {
        at: expect.any(String),
        responseStatus: 503,
        latencyMs: expect.any(Number),
        response: "receiver answered 503",
      },
    ]);
    let row = await deliveryRow(delivery.id);
    const [firstAt] = await attemptTimes(delivery.id);
    expect(row?.next_attempt_at).toBe((firstAt as number) + (RETRY_DELAYS_MS[0] as number));

    // Meanwhile the name came to resolve inside a network (DNS rebinding): the attempt is refused
    // without a request, logged with no status, and retried after the next delay like any failure.
    await env.DB.prepare("UPDATE webhook_endpoints SET url = ? WHERE id = ?")
      .bind("https://intranet-alias.example/hook", endpoint.id)
      .run();
    expect(await fireOutbox(endpoint.id)).toBe(true);
    row = await deliveryRow(delivery.id);
    const times = await attemptTimes(delivery.id);
    expect(row).toMatchObject({ status: "pending", attempts: 2 });
    expect(row?.next_attempt_at).toBe((times[1] as number) + (RETRY_DELAYS_MS[1] as number));
    const [logged] = await deliveriesOf(auth, endpoint.id);
    expect(logged?.attempts[1]).toMatchObject({
      responseStatus: null,
      response:
        "This endpoint URL is refused: its name resolves to a private, loopback or link-local address.",
    });
    await env.DB.prepare("UPDATE webhook_endpoints SET url = ? WHERE id = ?")
      .bind(endpoint.url, endpoint.id)
      .run();

    await behave(path, { status: 204 });
    expect(await fireOutbox(endpoint.id)).toBe(true);
    expect(await deliveryRow(delivery.id)).toMatchObject({
      status: "succeeded",
      attempts: 3,
      next_attempt_at: null,
    });
    const got = await receivedAt(path);
    expect(got).toHaveLength(2);
    expect(new Set(got.map((r) => r.headers["webhook-id"]))).toEqual(new Set([delivery.id]));
    for (const r of got) expect(await verifyStandardWebhook(endpoint.secret, r)).toBe(true);
    // Nothing is left to do, so no alarm is set.
    expect(await fireOutbox(endpoint.id)).toBe(false);
  });

  it("give up after 8 attempts, a schedule that spans about a day", async () => {
    const { auth } = await customer();
    const path = receiverPath();
    const endpoint = await register(auth, path, ["activation.created"]);
    await behave(path, { status: 500 });
    await ordered(auth, "wa", 0);
    for (let i = 0; i < 8; i++) expect(await fireOutbox(endpoint.id)).toBe(true);
    expect(await fireOutbox(endpoint.id)).toBe(false);
    const [delivery] = await deliveriesOf(auth, endpoint.id);
    expect(delivery).toMatchObject({ status: "failed", attemptCount: 8, nextAttemptAt: null });
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(24);
    expect(total / 3_600_000).toBeLessThan(30);
    expect(await receivedAt(path)).toHaveLength(8);
  });

  it("disable an endpoint failing for longer than WEBHOOK_DISABLE_AFTER_HOURS and email its owner; enabling sends what waited", async () => {
    const { auth, userId } = await customer();
    const path = receiverPath();
    const endpoint = await register(auth, path, ["activation.created"]);
    await behave(path, { status: 500 });
    await ordered(auth, "tg", 0);
    expect(await fireOutbox(endpoint.id)).toBe(true);
    // It has been failing for six days (the limit is five).
    await env.DB.prepare("UPDATE webhook_endpoints SET failing_since = ? WHERE id = ?")
      .bind(Date.now() - 6 * 24 * 3_600_000, endpoint.id)
      .run();
    expect(await fireOutbox(endpoint.id)).toBe(true);
    const res = await call(`/api/v1/webhooks/${endpoint.id}`, { headers: auth });
    expect(await res.json()).toMatchObject({
      enabled: false,
      disabledReason: "Every delivery failed for 120 hours.",
    });
    const { email } =
      (await env.DB.prepare("SELECT email FROM users WHERE id = ?")
        .bind(userId)
        .first<{ email: string }>()) ?? {};
    const mail = await env.DB.prepare("SELECT subject, body FROM email_outbox WHERE to_address = ?")
      .bind(email)
      .first<{ subject: string; body: string }>();
    expect(mail?.subject).toBe("SMSPROF: your webhook endpoint was disabled");
    expect(mail?.body).toContain(endpoint.id);
    // Disabled: no alarm, nothing sent, new events not queued.
    expect(await fireOutbox(endpoint.id)).toBe(false);
    await ordered(auth, "wa", 0);
    expect(await deliveriesOf(auth, endpoint.id)).toHaveLength(1);

    await behave(path, { status: 200 });
    const enable = await call(`/api/v1/webhooks/${endpoint.id}`, {
      ...json({ enabled: true }, auth),
      method: "PATCH",
    });
    expect(await enable.json()).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    expect(await fireOutbox(endpoint.id)).toBe(true);
    const [delivery] = await deliveriesOf(auth, endpoint.id);
    expect(delivery).toMatchObject({ status: "succeeded", attemptCount: 3 });
  });
});
