// Shared by the billing tests: a drizzle client on the test D1 and ledger look-ups.
// (The ledger invariant is checked after every test of every file, in test/setup.ts.)
import { env } from "cloudflare:test";
import { createDb } from "../../src/db/client";

export const db = createDb(env.DB);

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
