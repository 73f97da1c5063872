// Operators on customers' accounts through the admin API: find and show, credit and debit through the
// ledger (idempotent, a debit past the balance refused), freeze and unfreeze, revoke, erase — each
// change with its audit row, the ledger invariant checked after every test (test/setup.ts).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freezeStatements, liftStatements } from "../../src/billing/freezes";
import { q, runBatch } from "../../src/billing/statements";
import { createDb } from "../../src/db/client";
import { call, createUserWithKey, uniqueEmail } from "../support";
import { admin, adminJson } from "./helpers";

type Audit = { action: string; target: string; before: unknown; after: unknown; reason: string | null };

const lastAudit = async (): Promise<Audit> => {
  const { items } = (await (await admin("/audit?limit=1")).json()) as { items: Audit[] };
  return items[0] as Audit;
};

const available = async (userId: string) =>
  (await env.DB.prepare("SELECT available FROM users WHERE id = ?")
    .bind(userId)
    .first<number>("available")) ?? -1;

describe("finding and showing customers", () => {
  it("finds by email, part of it, or id; shows balance, holds, live numbers and keys", async () => {
    const email = uniqueEmail("findme");
    const { userId } = await createUserWithKey({ available: 700, email });
    for (const q of [email, email.slice(0, 12), userId]) {
      const res = await admin(`/users?q=${encodeURIComponent(q)}`);
      const { items } = (await res.json()) as { items: Array<{ id: string; available: number }> };
      expect(items.find((i) => i.id === userId)).toMatchObject({ available: 700, held: 0, frozen: false });
    }
    const shown = (await (await admin(`/users/${encodeURIComponent(email)}`)).json()) as Record<
      string,
      unknown
    >;
    expect(shown).toMatchObject({ user: { id: userId, email, available: 700 }, liveKeys: 1, holds: [] });
  });

  it("takes _ and % in a search literally", async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const { userId } = await createUserWithKey({ email: `a_b-${tag}@example.com` });
    const { userId: lookalike } = await createUserWithKey({ email: `axb-${tag}@example.com` });
    const { items } = (await (await admin(`/users?q=a_b-${tag}`)).json()) as { items: Array<{ id: string }> };
    expect(items.map((i) => i.id)).toEqual([userId]);
    const none = (await (await admin(`/users?q=${encodeURIComponent(`%-${tag}`)}`)).json()) as {
      items: unknown[];
    };
    expect(none.items).toEqual([]);
    expect(lookalike).toBeTruthy();
  });

  it("answers 404 USER_NOT_FOUND for an unknown user, and 400 for an empty search", async () => {
    const res = await admin("/users/nobody@example.com");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "USER_NOT_FOUND" } });
    const bad = await admin("/users?q=");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });
});

describe("credits and debits", () => {
  it("credits once per key, with the audit row before → after", async () => {
    const { userId } = await createUserWithKey({ available: 100 });
    const body = { amount: 250, reason: "goodwill", key: `k-${userId}` };
    const first = await adminJson("POST", `/users/${userId}/credit`, body);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ applied: true, amount: 250, available: 350 });
    expect(await lastAudit()).toMatchObject({
      action: "user.credit",
      target: userId,
      before: { available: 100 },
      after: { available: 350 },
      reason: "goodwill",
    });
    const again = await adminJson("POST", `/users/${userId}/credit`, body);
    expect(await again.json()).toMatchObject({ applied: false, available: 350 });
    expect(await available(userId)).toBe(350);
    const other = await adminJson("POST", `/users/${userId}/credit`, { ...body, amount: 1 });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error: { code: "IDEMPOTENCY_MISMATCH" } });
  });

  it("debits within the balance and refuses a debit past it, moving nothing", async () => {
    const { userId } = await createUserWithKey({ available: 300 });
    const ok = await adminJson("POST", `/users/${userId}/debit`, { amount: 200, reason: "chargeback fee" });
    expect(await ok.json()).toMatchObject({ applied: true, amount: -200, available: 100 });
    const auditCount = async () =>
      env.DB.prepare("SELECT count(*) AS n FROM operator_audit WHERE target = ?")
        .bind(userId)
        .first<number>("n");
    const before = await auditCount();
    const res = await adminJson("POST", `/users/${userId}/debit`, { amount: 101, reason: "too much" });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: { code: "INSUFFICIENT_BALANCE", details: { available: 100, requested: 101 } },
    });
    expect(await available(userId)).toBe(100);
    expect(await auditCount()).toBe(before);
  });

  it("20 concurrent debits of 100 against 1000: exactly 10 pass, each with its audit row", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        adminJson("POST", `/users/${userId}/debit`, { amount: 100, reason: `race ${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10);
    expect(await available(userId)).toBe(0);
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM operator_audit WHERE target = ? AND action = 'user.debit'",
    )
      .bind(userId)
      .first<number>("n");
    expect(rows).toBe(10);
  });

  it("refuses bad amounts, a missing reason and unknown users", async () => {
    const { userId } = await createUserWithKey();
    for (const body of [{ amount: 0, reason: "x" }, { amount: 1.5, reason: "x" }, { amount: 5 }]) {
      const res = await adminJson("POST", `/users/${userId}/credit`, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    }
    const res = await adminJson("POST", "/users/usr_missing/credit", { amount: 5, reason: "x" });
    expect(res.status).toBe(404);
  });
});

describe("freeze, unfreeze, revoke, erase", () => {
  it("freezes (no new orders) and unfreezes, each audited", async () => {
    const { userId, auth } = await createUserWithKey({ available: 1000 });
    const frozen = await adminJson("POST", `/users/${userId}/freeze`, { reason: "fraud review" });
    expect(await frozen.json()).toMatchObject({ user: { frozen: true, frozenReason: "fraud review" } });
    expect(await lastAudit()).toMatchObject({
      action: "user.freeze",
      before: { frozenAt: null },
      after: { frozenReason: "fraud review" },
    });
    const order = await call("/api/v1/activations", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ service: "tg", country: 0 }),
    });
    expect(order.status).toBe(403);
    expect((await adminJson("POST", `/users/${userId}/freeze`, { reason: "again" })).status).toBe(409);
    const thawed = await adminJson("POST", `/users/${userId}/unfreeze`, { reason: "cleared" });
    expect(await thawed.json()).toMatchObject({ user: { frozen: false, frozenReason: null } });
    expect(await lastAudit()).toMatchObject({
      action: "user.unfreeze",
      before: { frozenReason: "fraud review" },
    });
    const res = await adminJson("POST", `/users/${userId}/unfreeze`, { reason: "again" });
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FROZEN" } });
  });

  it("an operator's freeze is a reason of its own: lifting another reason keeps it", async () => {
    const { userId } = await createUserWithKey();
    expect((await adminJson("POST", `/users/${userId}/freeze`, { reason: "fraud review" })).status).toBe(200);
    // Billing freezes and lifts a dispute of its own meanwhile (billing/freezes.ts).
    const dispute = { userId, reason: "dispute" as const, reference: "du_test", at: Date.now() };
    await runBatch(createDb(env.DB), freezeStatements({ ...dispute, detail: q`${"Card dispute"}` }));
    await runBatch(createDb(env.DB), liftStatements(userId, [dispute], Date.now()));
    const frozen = await env.DB.prepare("SELECT frozen_at, frozen_reason FROM users WHERE id = ?")
      .bind(userId)
      .first<{ frozen_at: number | null; frozen_reason: string | null }>();
    expect(frozen?.frozen_at).not.toBeNull();
    expect(frozen?.frozen_reason).toBe("fraud review");
    expect((await adminJson("POST", `/users/${userId}/unfreeze`, { reason: "cleared" })).status).toBe(200);
    const after = await env.DB.prepare("SELECT frozen_at FROM users WHERE id = ?").bind(userId).first();
    expect(after?.frozen_at).toBeNull();
  });

  it("keeps an account with an open dispute frozen", async () => {
    const { userId } = await createUserWithKey();
    await env.DB.batch([
      env.DB.prepare("UPDATE users SET frozen_at = 1, frozen_reason = 'dispute' WHERE id = ?").bind(userId),
      env.DB.prepare(
        "INSERT INTO top_ups (id, user_id, amount, currency, status, dispute_status, created_at) VALUES (?, ?, 500, 'USD', 'credited', 'open', 1)",
      ).bind(`cs_${userId}`, userId),
    ]);
    const res = await adminJson("POST", `/users/${userId}/unfreeze`, { reason: "try" });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "DISPUTE_OPEN" } });
  });

  it("revokes every session and key: the key stops working", async () => {
    const { userId, auth } = await createUserWithKey();
    expect((await call("/api/v1/me", { headers: auth })).status).toBe(200);
    const res = await adminJson("POST", `/users/${userId}/revoke`, { reason: "stolen laptop" });
    expect(await res.json()).toEqual({ sessions: 0, keys: 1 });
    expect((await call("/api/v1/me", { headers: auth })).status).toBe(401);
    expect(await lastAudit()).toMatchObject({
      action: "user.revoke",
      before: { liveSessions: 0, liveKeys: 1 },
      after: { liveSessions: 0, liveKeys: 0 },
    });
  });

  it("erases like self-service: refuses a remaining balance unless forfeited", async () => {
    const email = uniqueEmail("erase");
    const { userId } = await createUserWithKey({ available: 50, email });
    const refused = await adminJson("POST", `/users/${userId}/erase`, { reason: "GDPR request" });
    expect(await refused.json()).toMatchObject({ error: { code: "BALANCE_REMAINING" } });
    const res = await adminJson("POST", `/users/${userId}/erase`, {
      reason: "GDPR request",
      forfeitBalance: true,
    });
    expect(res.status).toBe(200);
    const row = await env.DB.prepare("SELECT email, deleted_at, available FROM users WHERE id = ?")
      .bind(userId)
      .first<{ email: string; deleted_at: number; available: number }>();
    expect(row).toMatchObject({ email: `erased+${userId}@invalid`, available: 0 });
    expect(row?.deleted_at).toBeGreaterThan(0);
    const audit = await lastAudit();
    expect(audit).toMatchObject({ action: "user.erase", target: userId, after: { erased: true } });
    expect(JSON.stringify(audit)).not.toContain(email);
  });
});
