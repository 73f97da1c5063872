// The read side and the demo top-up, as an API client sees them.
import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { credit, placeHold } from "../../src/billing/ledger";
import { routes } from "../../src/billing/routes";
import { newId } from "../../src/lib/ids";
import { runScheduledSweeps } from "../../src/ops/sweeps";
import { call, createUserWithKey, json } from "../support";
import { balanceOf, db } from "./helpers";

const demoTopUp = (auth: Record<string, string>, amount: number, headers: Record<string, string> = {}) =>
  call("/api/v1/billing/demo-topup", json({ amount }, { ...auth, ...headers }));

type Page = {
  items: Array<{ id: string; kind: string; amount: number; reference: string }>;
  nextCursor: string | null;
};

describe("balance and statement", () => {
  it("shows available, held and currency", async () => {
    const { userId, auth } = await createUserWithKey({ available: 1000 });
    await placeHold(db, {
      userId,
      amount: 250,
      currency: "USD",
      reference: newId("act"),
      expiresAt: Date.now() + 60_000,
    });
    const res = await call("/api/v1/billing/balance", { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ available: 750, held: 250, currency: "USD" });
  });

  it("needs a signed-in customer", async () => {
    expect((await call("/api/v1/billing/balance")).status).toBe(401);
    expect((await call("/api/v1/billing/transactions")).status).toBe(401);
  });

  it("pages through every entry, newest first, without repeats", async () => {
    const { auth } = await createUserWithKey();
    for (let i = 1; i <= 5; i++) expect((await demoTopUp(auth, 100 * i)).status).toBe(200);
    const seen: Page["items"] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
      const page = (await (
        await call(`/api/v1/billing/transactions${query}`, { headers: auth })
      ).json()) as Page;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((e) => e.amount)).toEqual([500, 400, 300, 200, 100]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(5);
  });

  it("keeps entries written in the same millisecond in the order they happened", async () => {
    const { userId, auth } = await createUserWithKey();
    vi.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
    try {
      for (let i = 1; i <= 6; i++) {
        await credit(db, {
          userId,
          amount: i,
          currency: "USD",
          kind: "adjustment",
          reference: "same-ms",
          idempotencyKey: newId("tie"),
        });
      }
    } finally {
      vi.useRealTimers();
    }
    const page = (await (
      await call("/api/v1/billing/transactions?limit=4", { headers: auth })
    ).json()) as Page;
    const rest = (await (
      await call(`/api/v1/billing/transactions?limit=4&cursor=${page.nextCursor}`, { headers: auth })
    ).json()) as Page;
    expect([...page.items, ...rest.items].map((e) => e.amount)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it("refuses top-ups from an unconfirmed email when the server requires one, and moves nothing", async () => {
    const { userId, auth } = await createUserWithKey();
    const strict = { ...env, REQUIRE_EMAIL_VERIFICATION: "true" };
    const topUp = (path: string) =>
      createApp().request(path, json({ amount: 1000 }, auth), strict, createExecutionContext());
    for (const path of ["/api/v1/billing/demo-topup", "/api/v1/billing/checkout"]) {
      const res = await topUp(path);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "EMAIL_NOT_VERIFIED" } });
    }
    expect(await balanceOf(userId)).toMatchObject({ available: 0, held: 0 });

    await env.DB.prepare("UPDATE users SET email_verified_at = ? WHERE id = ?")
      .bind(Date.now(), userId)
      .run();
    expect((await topUp("/api/v1/billing/demo-topup")).status).toBe(200);
  });

  it("shows only the caller's own entries", async () => {
    const mine = await createUserWithKey({ available: 300 });
    await createUserWithKey({ available: 999 });
    const page = (await (await call("/api/v1/billing/transactions", { headers: mine.auth })).json()) as Page;
    expect(page.items.map((e) => e.amount)).toEqual([300]);
  });

  it("refuses a limit over 100 and a forged cursor with 400", async () => {
    const { auth } = await createUserWithKey();
    const tooMany = await call("/api/v1/billing/transactions?limit=101", { headers: auth });
    expect(tooMany.status).toBe(400);
    const forged = await call("/api/v1/billing/transactions?cursor=bm9wZQ", { headers: auth });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });
});

describe("demo top-ups", () => {
  it("credits through the ledger and shows the new balance", async () => {
    const { auth } = await createUserWithKey();
    const res = await demoTopUp(auth, 1000);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { applied: boolean; topUpId: string; balance: unknown };
    expect(body).toMatchObject({ applied: true, balance: { available: 1000, held: 0, currency: "USD" } });
    expect(body.topUpId).toMatch(/^demo_/);
  });

  it("credits once per Idempotency-Key and refuses the key for another amount", async () => {
    const { auth } = await createUserWithKey();
    const headers = { "Idempotency-Key": "demo-1" };
    const answers = await Promise.all([demoTopUp(auth, 700, headers), demoTopUp(auth, 700, headers)]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<{ applied: boolean }>;
    expect(bodies.map((b) => b.applied).sort()).toEqual([false, true]);
    const balance = await (await call("/api/v1/billing/balance", { headers: auth })).json();
    expect(balance).toMatchObject({ available: 700 });
    const other = await demoTopUp(auth, 800, headers);
    expect(other.status).toBe(409);
  });

  it("keeps amounts within TOPUP_MIN..TOPUP_MAX", async () => {
    const { auth } = await createUserWithKey();
    expect((await demoTopUp(auth, 99)).status).toBe(400);
    expect((await demoTopUp(auth, 50_001)).status).toBe(400);
  });

  it("does not exist when DEMO_TOPUP is off: 404, even before sign-in, and no money moves", async () => {
    const { userId, auth } = await createUserWithKey();
    const app = createApp();
    const off = { ...env, DEMO_TOPUP: "false" };
    const res = await app.request(
      "/api/v1/billing/demo-topup",
      json({ amount: 1000 }, auth),
      off,
      createExecutionContext(),
    );
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    const anonymous = await app.request(
      "/api/v1/billing/demo-topup",
      json({ amount: 1000 }),
      off,
      createExecutionContext(),
    );
    expect(anonymous.status).toBe(404);
    const row = await env.DB.prepare("SELECT available FROM users WHERE id = ?").bind(userId).first();
    expect(row).toEqual({ available: 0 });
  });
});

describe("the scheduled sweep", () => {
  it("voids holds left pending past their expiry", async () => {
    const { userId, auth } = await createUserWithKey({ available: 500 });
    // Expired long ago, so only this test's hold is due at the sweep time below.
    await placeHold(db, { userId, amount: 200, currency: "USD", reference: newId("act"), expiresAt: 1_000 });
    await runScheduledSweeps(env, 2_000);
    expect(await (await call("/api/v1/billing/balance", { headers: auth })).json()).toMatchObject({
      available: 500,
      held: 0,
    });
  });
});

describe("the API description", () => {
  it("documents every billing route with its request and error responses", () => {
    const document = routes.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: "billing", version: "1" },
    });
    expect(Object.keys(document.paths ?? {}).sort()).toEqual([
      "/balance",
      "/checkout",
      "/checkout/{sessionId}",
      "/demo-topup",
      "/test-balance",
      "/test-balance/reset",
      "/transactions",
    ]);
    const checkout = document.paths?.["/checkout"]?.post;
    expect(checkout?.parameters).toEqual([
      expect.objectContaining({ name: "idempotency-key", in: "header" }),
    ]);
    expect(Object.keys(checkout?.responses ?? {})).toEqual(["200", "400", "401", "403", "409", "502", "503"]);
  });
});
