// Shared by the billing tests: a drizzle client on the test D1 and the ledger invariant after each test.
import { env } from "cloudflare:test";
import { afterEach, expect } from "vitest";
import { verifyLedger } from "../../src/billing/ledger";
import { createDb } from "../../src/db/client";

export const db = createDb(env.DB);

/** Every balance equals the sum of its ledger entries after every scenario of the calling file. */
export const checkLedgerAfterEach = () =>
  afterEach(async () => {
    expect(await verifyLedger(db)).toEqual({ ok: true, mismatches: [] });
  });

export const balanceOf = async (userId: string) =>
  env.DB.prepare(
    "SELECT available, held, frozen_at AS frozenAt, frozen_reason AS frozenReason FROM users WHERE id = ?",
  )
    .bind(userId)
    .first<{ available: number; held: number; frozenAt: number | null; frozenReason: string | null }>();

export const entriesOf = async (userId: string) =>
  (
    await env.DB.prepare(
      "SELECT kind, amount, held_delta AS heldDelta, reference FROM ledger_entries WHERE user_id = ? ORDER BY created_at, rowid",
    )
      .bind(userId)
      .all<{ kind: string; amount: number; heldDelta: number; reference: string }>()
  ).results;
