// Ordering a number: every way it can be refused, each with nothing charged, and Idempotency-Key
// semantics including two identical orders racing.
import { createExecutionContext, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ActivationView } from "../../src/activations/service";
import { createApp } from "../../src/app";
import { call, json, OPERATOR } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { balance, customer, holdsOf, order, ordered, STARTING_BALANCE, sms } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const simulatorMode = async (mode: string) => {
  const res = await call("/simulator/api/mode", json({ mode }, OPERATOR));
  expect(res.status).toBe(200);
};

const priceOf = async (service: string, country: number) =>
  (
    await env.DB.prepare("SELECT price FROM prices WHERE service = ? AND country = ?")
      .bind(service, country)
      .first<{ price: number }>()
  )?.price ?? 0;

type Txn = { kind: string; reference: string; activationExists: boolean };

const transactions = async (auth: { Authorization: string }) => {
  const res = await call("/api/v1/billing/transactions?limit=100", { headers: auth });
  expect(res.status).toBe(200);
  return (await res.json<{ items: Txn[] }>()).items.filter((t) => t.reference.startsWith("act_"));
};

const expectError = async (res: Response, status: number, code: string) => {
  const body = await res.json<{ error: { code: string; message: string; details?: unknown } }>();
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  return body.error;
};

describe("a successful order", () => {
  it("answers 201 with the number, the price and the window", async () => {
    const { auth } = await customer();
    const res = await order(auth, { service: "tg", country: 16 });
    expect(res.status).toBe(201);
    const view: ActivationView = await res.json();
    expect(view).toMatchObject({
      id: expect.stringMatching(/^act_/),
      numericId: expect.any(Number),
      phone: expect.stringMatching(/^\+447\d+$/),
      service: "tg",
      country: 16,
      price: await priceOf("tg", 16),
      currency: "USD",
      status: "waiting",
    });
    expect(view.numericId).toBeGreaterThanOrEqual(100_000_000);
  });

  it("takes the price from the catalog and accepts a maxPrice at or above it", async () => {
    const { userId, auth } = await customer();
    const price = await priceOf("wa", 16);
    const res = await order(auth, { service: "wa", country: 16, maxPrice: price });
    expect(res.status).toBe(201);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: price });
  });
});

describe("refused orders charge nothing", () => {
  it("WRONG_MAX_PRICE names the minimum price", async () => {
    const { userId, auth } = await customer();
    const price = await priceOf("tg", 16);
    const error = await expectError(
      await order(auth, { service: "tg", country: 16, maxPrice: price - 1 }),
      409,
      "WRONG_MAX_PRICE",
    );
    expect(error.details).toEqual({ minPrice: price });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    expect(await holdsOf(userId)).toEqual([]);
  });

  it("BAD_SERVICE and BAD_COUNTRY for what the catalog does not know", async () => {
    const { auth } = await customer();
    await expectError(await order(auth, { service: "nope", country: 0 }), 400, "BAD_SERVICE");
    await expectError(await order(auth, { service: "tg", country: 9999 }), 400, "BAD_COUNTRY");
  });

  it("VALIDATION_FAILED with field paths for a malformed body", async () => {
    const { auth } = await customer();
    const res = await order(auth, { service: "", country: "zero" });
    const error = await expectError(res, 400, "VALIDATION_FAILED");
    expect(JSON.stringify(error.details)).toContain("country");
  });

  it("NO_BALANCE when the balance does not cover the price", async () => {
    const { userId, auth } = await customer(1);
    await expectError(await order(auth, { service: "tg", country: 0 }), 402, "NO_BALANCE");
    expect(await balance(userId)).toEqual({ available: 1, held: 0 });
  });

  it("refusals that need no provider leave no trace in the transaction list", async () => {
    const { userId, auth } = await customer();
    const max = Number(env.MAX_ACTIVE_ACTIVATIONS);
    for (let i = 0; i < max; i++) await ordered(auth, "mm", 1);
    const before = await transactions(auth);
    await expectError(await order(auth, { service: "mm", country: 1 }), 409, "TOO_MANY_ACTIVE");
    await expectError(await order(auth, { service: "nope", country: 1 }), 400, "BAD_SERVICE");
    await expectError(await order(auth, { service: "mm", country: 9999 }), 400, "BAD_COUNTRY");
    await expectError(await order(auth, { service: "mm", country: 1, maxPrice: 0 }), 409, "WRONG_MAX_PRICE");
    expect(await transactions(auth)).toEqual(before);
    expect(await holdsOf(userId)).toHaveLength(max);
  });

  it("a provider's refusal shows as a hold and its void for an order that never got a number", async () => {
    const { auth } = await customer();
    const rented = await ordered(auth, "tg", 0);
    await simulatorMode("no_numbers");
    try {
      await expectError(await order(auth, { service: "tg", country: 0 }), 409, "NO_NUMBERS");
    } finally {
      await simulatorMode("normal");
    }
    const entries = await transactions(auth);
    const failed = entries.filter((t) => t.reference !== rented.id);
    expect(failed.map((t) => t.kind).sort()).toEqual(["hold", "void"]);
    expect(failed.map((t) => t.activationExists)).toEqual([false, false]);
    const [reference] = new Set(failed.map((t) => t.reference));
    expect((await call(`/api/v1/activations/${reference}`, { headers: auth })).status).toBe(404);
    expect(entries.filter((t) => t.reference === rented.id)).toEqual([
      expect.objectContaining({ kind: "hold", activationExists: true }),
    ]);
  });

  it("NO_NUMBERS when the provider has none, with the hold voided", async () => {
    const { userId, auth } = await customer();
    await simulatorMode("no_numbers");
    try {
      await expectError(await order(auth, { service: "tg", country: 0 }), 409, "NO_NUMBERS");
    } finally {
      await simulatorMode("normal");
    }
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    expect((await holdsOf(userId)).map((h) => h.status)).toEqual(["voided"]);
  });

  it("PROVIDER_UNAVAILABLE when the provider fails, with the hold voided and no activation left", async () => {
    const { userId, auth } = await customer();
    await simulatorMode("acquire_error");
    try {
      await expectError(await order(auth, { service: "tg", country: 0 }), 503, "PROVIDER_UNAVAILABLE");
    } finally {
      await simulatorMode("normal");
    }
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    const list = await (await call("/api/v1/activations", { headers: auth })).json<{ items: unknown[] }>();
    expect(list.items).toEqual([]);
  });

  it("PROVIDER_UNAVAILABLE when the provider does not answer within PROVIDER_TIMEOUT_MS", async () => {
    const { userId, auth } = await customer();
    await simulatorMode("slow_acquire");
    try {
      const res = await createApp().request(
        "/api/v1/activations",
        json({ service: "tg", country: 0 }, auth),
        { ...env, PROVIDER_TIMEOUT_MS: "300" },
        createExecutionContext(),
      );
      await expectError(res, 503, "PROVIDER_UNAVAILABLE");
    } finally {
      await simulatorMode("normal");
    }
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    expect((await holdsOf(userId)).map((h) => h.status)).toEqual(["voided"]);
  });

  it("ACCOUNT_FROZEN for a frozen account", async () => {
    const { userId, auth } = await customer();
    await env.DB.prepare("UPDATE users SET frozen_at = ?, frozen_reason = 'dispute' WHERE id = ?")
      .bind(Date.now(), userId)
      .run();
    await expectError(await order(auth, { service: "tg", country: 0 }), 403, "ACCOUNT_FROZEN");
    expect(await holdsOf(userId)).toEqual([]);
  });

  it("a frozen account still sees its numbers and their codes", async () => {
    const { userId, auth } = await customer();
    const { id } = await ordered(auth, "tg", 0);
    await sms(id, "Your Telegram code is 60412");
    await env.DB.prepare("UPDATE users SET frozen_at = ?, frozen_reason = 'dispute' WHERE id = ?")
      .bind(Date.now(), userId)
      .run();
    const res = await call(`/api/v1/activations/${id}`, { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ code: "60412", status: "received" });
    const list = await (await call("/api/v1/activations?scope=active", { headers: auth })).json<{
      items: unknown[];
    }>();
    expect(list.items).toHaveLength(1);
  });

  it("EMAIL_NOT_VERIFIED when the server requires a confirmed email and this one is not", async () => {
    const { userId, auth } = await customer();
    const strict = { ...env, REQUIRE_EMAIL_VERIFICATION: "true" };
    const orderWith = (serverEnv: typeof env) =>
      createApp().request(
        "/api/v1/activations",
        json({ service: "tg", country: 0 }, auth),
        serverEnv,
        createExecutionContext(),
      );
    await expectError(await orderWith(strict), 403, "EMAIL_NOT_VERIFIED");
    expect(await holdsOf(userId)).toEqual([]);

    await env.DB.prepare("UPDATE users SET email_verified_at = ? WHERE id = ?")
      .bind(Date.now(), userId)
      .run();
    expect((await orderWith(strict)).status).toBe(201);
  });

  it("TOO_MANY_ACTIVE beyond the configured number of live activations", async () => {
    const { userId, auth } = await customer();
    const max = Number(env.MAX_ACTIVE_ACTIVATIONS);
    for (let i = 0; i < max; i++) await ordered(auth, "ok", 1);
    const res = await order(auth, { service: "ok", country: 1 });
    // Not a rate limit: retrying later does not help until a number is finished or cancelled.
    expect(res.headers.get("Retry-After")).toBeNull();
    const error = await expectError(res, 409, "TOO_MANY_ACTIVE");
    expect(error.details).toEqual({ max });
    expect(error.message).toMatch(/finish or cancel/);
    expect(await holdsOf(userId)).toHaveLength(max);
  });
});

describe("Idempotency-Key", () => {
  it("returns the same activation for the same key, with one hold", async () => {
    const { userId, auth } = await customer();
    const headers = { "Idempotency-Key": "order-1" };
    const first = await order(auth, { service: "go", country: 2 }, headers);
    const second = await order(auth, { service: "go", country: 2 }, headers);
    expect([first.status, second.status]).toEqual([201, 201]);
    const [a, b] = [await first.json<ActivationView>(), await second.json<ActivationView>()];
    expect(b.id).toBe(a.id);
    expect(b.phone).toBe(a.phone);
    expect(await holdsOf(userId)).toHaveLength(1);
  });

  it("refuses the same key with other parameters", async () => {
    const { auth } = await customer();
    const headers = { "Idempotency-Key": "order-2" };
    expect((await order(auth, { service: "go", country: 2 }, headers)).status).toBe(201);
    await expectError(await order(auth, { service: "fb", country: 2 }, headers), 409, "IDEMPOTENCY_MISMATCH");
  });

  it("answers an identical retry while a request with the same key and another body is in flight", async () => {
    const { userId, auth } = await customer();
    const headers = { "Idempotency-Key": "order-race" };
    const first = await (await order(auth, { service: "go", country: 2 }, headers)).json<ActivationView>();
    // A request with other parameters holds the key's claim at this moment (it will be refused).
    await env.DB.prepare(
      "INSERT INTO order_claims (user_id, idempotency_key, fingerprint, activation_id, created_at) VALUES (?, ?, ?, ?, ?)",
    )
      .bind(userId, "order-race", JSON.stringify(["fb", 2, null]), "act_inflight", Date.now())
      .run();
    const retry = await order(auth, { service: "go", country: 2 }, headers);
    expect(retry.status).toBe(201);
    expect((await retry.json<ActivationView>()).id).toBe(first.id);
    expect(await holdsOf(userId)).toHaveLength(1);
  });

  it("keeps keys per customer", async () => {
    const alice = await customer();
    const bob = await customer();
    const headers = { "Idempotency-Key": "shared-key" };
    const a = await (await order(alice.auth, { service: "go", country: 2 }, headers)).json<ActivationView>();
    const b = await (await order(bob.auth, { service: "go", country: 2 }, headers)).json<ActivationView>();
    expect(b.id).not.toBe(a.id);
  });

  it("places one hold when two identical orders race", async () => {
    const { userId, auth } = await customer();
    const headers = { "Idempotency-Key": "race-1" };
    const [first, second] = await Promise.all([
      order(auth, { service: "fb", country: 2 }, headers),
      order(auth, { service: "fb", country: 2 }, headers),
    ]);
    expect([first.status, second.status]).toEqual([201, 201]);
    const [a, b] = [await first.json<ActivationView>(), await second.json<ActivationView>()];
    expect(b.id).toBe(a.id);
    expect(await holdsOf(userId)).toHaveLength(1);
  });

  it("lets a key be used again after its order failed", async () => {
    const { auth } = await customer();
    const headers = { "Idempotency-Key": "retry-after-failure" };
    await simulatorMode("acquire_error");
    try {
      await expectError(
        await order(auth, { service: "ig", country: 2 }, headers),
        503,
        "PROVIDER_UNAVAILABLE",
      );
    } finally {
      await simulatorMode("normal");
    }
    expect((await order(auth, { service: "ig", country: 2 }, headers)).status).toBe(201);
  });
});
