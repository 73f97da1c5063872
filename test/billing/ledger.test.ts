// The ledger's guarantees, called directly: holds resolve once, keys apply once, nothing overdraws.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  credit,
  debit,
  expireHolds,
  getBalance,
  placeHold,
  postHold,
  verifyLedger,
  voidHold,
} from "../../src/billing/ledger";
import { newId } from "../../src/lib/ids";
import { createUserWithKey } from "../support";
import { balanceOf, db, entriesOf } from "./helpers";

const HOUR = 3_600_000;
const hold = (userId: string, amount: number, reference = newId("act"), expiresAt = Date.now() + HOUR) =>
  placeHold(db, { userId, amount, currency: "USD", reference, expiresAt });

describe("holds", () => {
  it("moves the amount from available to held and back on void", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    const ref = newId("act");
    await hold(userId, 300, ref);
    expect(await getBalance(db, userId)).toEqual({ available: 700, held: 300, currency: "USD" });
    expect(await voidHold(db, ref)).toBe("voided");
    expect(await getBalance(db, userId)).toEqual({ available: 1000, held: 0, currency: "USD" });
  });

  it("keeps the money when posted", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    const ref = newId("act");
    await hold(userId, 300, ref);
    expect(await postHold(db, ref)).toBe("posted");
    expect(await getBalance(db, userId)).toEqual({ available: 700, held: 0, currency: "USD" });
    expect((await entriesOf(userId)).map((e) => e.kind)).toEqual(["adjustment", "hold", "post"]);
  });

  it("refuses a hold larger than the available balance with NO_BALANCE and records nothing", async () => {
    const { userId } = await createUserWithKey({ available: 299 });
    await expect(hold(userId, 300)).rejects.toMatchObject({ status: 402, code: "NO_BALANCE" });
    expect(await getBalance(db, userId)).toMatchObject({ available: 299, held: 0 });
    expect(await entriesOf(userId)).toHaveLength(1);
  });

  it("returns the same hold for the same reference, and refuses a different one for it", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    const ref = newId("act");
    const first = await hold(userId, 300, ref);
    expect(await hold(userId, 300, ref)).toEqual(first);
    await expect(hold(userId, 400, ref)).rejects.toMatchObject({ status: 409, code: "HOLD_CONFLICT" });
    expect(await getBalance(db, userId)).toMatchObject({ available: 700, held: 300 });
  });

  it("lets exactly as many of 50 concurrent holds through as the balance covers", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => hold(userId, 100)));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(ok).toHaveLength(10);
    expect(refused.every((r) => (r as PromiseRejectedResult).reason.code === "NO_BALANCE")).toBe(true);
    expect(await getBalance(db, userId)).toMatchObject({ available: 0, held: 1000 });
  });

  it("resolves once when post races void, and both callers see the same outcome", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    const refs = Array.from({ length: 10 }, () => newId("act"));
    for (const ref of refs) await hold(userId, 100, ref);
    const outcomes = await Promise.all(
      refs.map(async (ref) => Promise.all([postHold(db, ref), voidHold(db, ref), postHold(db, ref)])),
    );
    for (const [a, b, c] of outcomes) expect(new Set([a, b, c]).size).toBe(1);
    const posted = outcomes.filter(([a]) => a === "posted").length;
    expect(await getBalance(db, userId)).toMatchObject({ available: 1000 - posted * 100, held: 0 });
    const entries = await entriesOf(userId);
    expect(entries.filter((e) => e.kind === "post" || e.kind === "void")).toHaveLength(10);
  });

  it("reports the outcome already reached to a later post or void", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    const posted = newId("act");
    const voided = newId("act");
    await hold(userId, 100, posted);
    await hold(userId, 100, voided);
    await postHold(db, posted);
    await voidHold(db, voided);
    expect(await voidHold(db, posted)).toBe("posted");
    expect(await postHold(db, voided)).toBe("voided");
    expect(await getBalance(db, userId)).toMatchObject({ available: 900, held: 0 });
  });

  it("voids an expired hold instead of posting it", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    const ref = newId("act");
    await hold(userId, 100, ref, Date.now() - 1);
    expect(await postHold(db, ref)).toBe("voided");
    expect(await getBalance(db, userId)).toMatchObject({ available: 1000, held: 0 });
  });

  it("answers HOLD_NOT_FOUND for a reference without a hold", async () => {
    await expect(postHold(db, newId("act"))).rejects.toMatchObject({ status: 404, code: "HOLD_NOT_FOUND" });
  });

  it("refuses new holds on a frozen account", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    await env.DB.prepare("UPDATE users SET frozen_at = 1, frozen_reason = 'test' WHERE id = ?")
      .bind(userId)
      .run();
    await expect(hold(userId, 100)).rejects.toMatchObject({ status: 403, code: "ACCOUNT_FROZEN" });
  });

  it("expires only pending holds past their expiry, once", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    // Expiry times far in the past, so holds of other tests in this file are never due at `at`.
    const at = 2_000;
    const due = [newId("act"), newId("act"), newId("act")];
    for (const ref of due) await hold(userId, 100, ref, at - 1);
    await hold(userId, 100, newId("act"));
    await voidHold(db, due[0] as string);
    const [first, second] = await Promise.all([expireHolds(db, at), expireHolds(db, at)]);
    expect(first + second).toBe(2);
    expect(await expireHolds(db, at)).toBe(0);
    expect(await getBalance(db, userId)).toMatchObject({ available: 900, held: 100 });
  });
  it("expires more holds than fit in one batch in one call", async () => {
    const { userId } = await createUserWithKey({ available: 3000 });
    for (let i = 0; i < 30; i++) await hold(userId, 100, newId("act"), 2_999);
    expect(await expireHolds(db, 3_000)).toBe(30);
    expect(await getBalance(db, userId)).toMatchObject({ available: 3000, held: 0 });
  });
});

describe("credits and debits", () => {
  it("applies a credit once per idempotency key", async () => {
    const { userId } = await createUserWithKey();
    const input = {
      userId,
      amount: 500,
      currency: "USD",
      kind: "top_up" as const,
      reference: "cs_x",
      idempotencyKey: `topup:${newId("cs")}`,
    };
    const results = await Promise.all([credit(db, input), credit(db, input), credit(db, input)]);
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(await getBalance(db, userId)).toMatchObject({ available: 500 });
  });

  it("refuses a credit in another currency", async () => {
    const { userId } = await createUserWithKey();
    await expect(
      credit(db, {
        userId,
        amount: 5,
        currency: "EUR",
        kind: "adjustment",
        reference: "x",
        idempotencyKey: newId("k"),
      }),
    ).rejects.toMatchObject({ code: "CURRENCY_MISMATCH" });
  });

  it("takes a debit once per key", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    const input = {
      userId,
      amount: 300,
      currency: "USD",
      kind: "refund" as const,
      reference: "ch_x",
      idempotencyKey: newId("k"),
    };
    expect(await debit(db, input)).toEqual({ applied: true, amount: 300 });
    expect(await debit(db, input)).toEqual({ applied: false, amount: 0 });
    expect(await balanceOf(userId)).toMatchObject({ available: 700, frozenAt: null });
  });

  it("takes only what is available from a larger refund, never touches held money, and freezes", async () => {
    const { userId } = await createUserWithKey({ available: 1000 });
    await hold(userId, 800);
    const result = await debit(db, {
      userId,
      amount: 500,
      currency: "USD",
      kind: "refund",
      reference: "ch_y",
      idempotencyKey: newId("k"),
    });
    expect(result).toEqual({ applied: true, amount: 200 });
    const after = await balanceOf(userId);
    expect(after).toMatchObject({ available: 0, held: 800 });
    expect(after?.frozenAt).not.toBeNull();
    expect(after?.frozenReason).toContain("3.00 USD");
  });

  it("notices a balance that no entry explains", async () => {
    const { userId } = await createUserWithKey({ available: 100 });
    await env.DB.prepare("UPDATE users SET available = available + 1 WHERE id = ?").bind(userId).run();
    const report = await verifyLedger(db);
    expect(report.ok).toBe(false);
    expect(report.mismatches).toEqual([
      { userId, available: 101, held: 0, expectedAvailable: 100, expectedHeld: 0 },
    ]);
    await env.DB.prepare("UPDATE users SET available = available - 1 WHERE id = ?").bind(userId).run();
  });
});

describe("what the database itself refuses", () => {
  it("never lets a balance go below zero, whatever the statement", async () => {
    const { userId } = await createUserWithKey({ available: 100 });
    await expect(
      env.DB.prepare("UPDATE users SET available = available - 101 WHERE id = ?").bind(userId).run(),
    ).rejects.toThrow(/CHECK constraint failed/);
    await expect(
      env.DB.prepare("UPDATE users SET held = -1 WHERE id = ?").bind(userId).run(),
    ).rejects.toThrow(/CHECK constraint failed/);
    expect(await balanceOf(userId)).toMatchObject({ available: 100, held: 0 });
  });

  it("keeps the ledger append-only and its kinds known", async () => {
    const { userId } = await createUserWithKey({ available: 100 });
    const entry = await env.DB.prepare("SELECT id FROM ledger_entries WHERE user_id = ?")
      .bind(userId)
      .first<{ id: string }>();
    if (!entry) throw new Error("the user has no opening entry");
    const before = await entriesOf(userId);
    await expect(
      env.DB.prepare("UPDATE ledger_entries SET amount = 1000 WHERE id = ?").bind(entry.id).run(),
    ).rejects.toThrow(/append-only/);
    await expect(
      env.DB.prepare("DELETE FROM ledger_entries WHERE id = ?").bind(entry.id).run(),
    ).rejects.toThrow(/append-only/);
    await expect(
      env.DB.prepare(
        `INSERT INTO ledger_entries (id, user_id, kind, amount, held_delta, currency, reference, idempotency_key, created_at)
         VALUES (?, ?, 'gift', 5, 0, 'USD', 'x', ?, 0)`,
      )
        .bind(newId("txn"), userId, newId("idem"))
        .run(),
    ).rejects.toThrow(/unknown ledger entry kind/);
    expect(await entriesOf(userId)).toEqual(before);
  });
});
