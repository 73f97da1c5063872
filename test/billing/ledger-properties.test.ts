// Property tests of the ledger: random sequences of holds, posts, voids, credits, refunds and
// chargebacks, each step a burst of operations run concurrently, with replayed idempotency keys.
// Whatever the interleaving, every balance equals its entries, none goes negative, each hold resolves
// once, and the money in an account is what came in minus what was taken or charged.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { credit, debit, placeHold, postHold, verifyLedger, voidHold } from "../../src/billing/ledger";
import { createDb } from "../../src/db/client";
import { newId } from "../../src/lib/ids";
import { createUserWithKey } from "../support";

const db = createDb(env.DB);

type Op =
  | { kind: "hold"; amount: number }
  | { kind: "post" | "void"; pick: number }
  | { kind: "credit"; amount: number; key: number }
  | { kind: "refund" | "chargeback"; amount: number; key: number };

const amount = fc.integer({ min: 1, max: 3000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  amount.map((a) => ({ kind: "hold" as const, amount: a })),
  fc.nat(20).map((p) => ({ kind: "post" as const, pick: p })),
  fc.nat(20).map((p) => ({ kind: "void" as const, pick: p })),
  fc.record({ kind: fc.constant("credit" as const), amount, key: fc.nat(5) }),
  fc.record({ kind: fc.constant("refund" as const), amount, key: fc.nat(5) }),
  fc.record({ kind: fc.constant("chargeback" as const), amount, key: fc.nat(5) }),
);

const swallow = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    // Refusals (no balance, frozen account) are expected outcomes; anything else is a failure.
    const code = (error as { code?: string }).code;
    if (code !== "NO_BALANCE" && code !== "ACCOUNT_FROZEN") throw error;
  }
};

describe("the ledger under random concurrent operations", () => {
  it("keeps every invariant", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        async (bursts) => {
          const { userId } = await createUserWithKey({ available: 2000 });
          const tag = newId("run");
          const holdRefs: string[] = [];
          for (const burst of bursts) {
            await Promise.all(
              burst.map((o) => {
                switch (o.kind) {
                  case "hold": {
                    const reference = newId("act");
                    holdRefs.push(reference);
                    return swallow(
                      placeHold(db, {
                        userId,
                        amount: o.amount,
                        currency: "USD",
                        reference,
                        expiresAt: Date.now() + 3_600_000,
                      }),
                    );
                  }
                  case "post":
                  case "void": {
                    const reference = holdRefs[o.pick % Math.max(1, holdRefs.length)];
                    if (!reference) return Promise.resolve();
                    const resolve = o.kind === "post" ? postHold : voidHold;
                    // A hold that was refused has no row: HOLD_NOT_FOUND is its honest answer.
                    return resolve(db, reference).catch((e) => {
                      if ((e as { code?: string }).code !== "HOLD_NOT_FOUND") throw e;
                    });
                  }
                  case "credit":
                    // Replayed keys (key is small) must credit once.
                    return credit(db, {
                      userId,
                      amount: o.amount,
                      currency: "USD",
                      kind: "top_up",
                      reference: `${tag}:${o.key}`,
                      idempotencyKey: `${tag}:credit:${o.key}`,
                    });
                  default:
                    return debit(db, {
                      userId,
                      amount: o.amount,
                      currency: "USD",
                      kind: o.kind,
                      reference: `${tag}:${o.key}`,
                      idempotencyKey: `${tag}:${o.kind}:${o.key}`,
                    });
                }
              }),
            );
          }
          expect((await verifyLedger(db)).mismatches).toEqual([]);
          const user = await env.DB.prepare("SELECT available, held, frozen_at FROM users WHERE id = ?")
            .bind(userId)
            .first<{ available: number; held: number; frozen_at: number | null }>();
          expect(user?.available).toBeGreaterThanOrEqual(0);
          expect(user?.held).toBeGreaterThanOrEqual(0);
          // Each hold resolved at most once, and what is held is exactly the pending holds.
          const perHold = await env.DB.prepare(
            `SELECT reference, SUM(kind IN ('post', 'void')) AS resolutions FROM ledger_entries
           WHERE user_id = ? AND kind IN ('hold', 'post', 'void') GROUP BY reference`,
          )
            .bind(userId)
            .all<{ reference: string; resolutions: number }>();
          for (const h of perHold.results) expect(h.resolutions).toBeLessThanOrEqual(1);
          const pending = await env.DB.prepare(
            "SELECT COALESCE(SUM(amount), 0) AS total FROM holds WHERE user_id = ? AND status = 'pending'",
          )
            .bind(userId)
            .first<{ total: number }>();
          expect(user?.held).toBe(pending?.total);
          // Credits count once per key; debits record what they really took.
          const credits = await env.DB.prepare(
            "SELECT COUNT(*) AS n, COUNT(DISTINCT idempotency_key) AS keys FROM ledger_entries WHERE user_id = ? AND kind = 'top_up'",
          )
            .bind(userId)
            .first<{ n: number; keys: number }>();
          expect(credits?.n).toBe(credits?.keys);
          // A debit that could not take everything froze the account.
          const short = await env.DB.prepare(
            "SELECT COUNT(*) AS n FROM account_freezes WHERE user_id = ? AND reason = 'shortfall' AND lifted_at IS NULL",
          )
            .bind(userId)
            .first<{ n: number }>();
          expect(user?.frozen_at != null).toBe((short?.n ?? 0) > 0);
        },
      ),
      { seed: 1515, numRuns: 40 },
    );
  }, 120_000);
});
