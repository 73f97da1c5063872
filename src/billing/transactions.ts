// The customer's statement: ledger entries, newest first, with an opaque cursor.
import { and, desc, eq, getTableColumns, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { activations, ledgerEntries } from "../db/schema";
import { AppError } from "../lib/errors";
import { iso } from "../lib/time";

export type Transaction = {
  id: string;
  kind: (typeof ledgerEntries.$inferSelect)["kind"];
  amount: number;
  heldDelta: number;
  currency: string;
  reference: string;
  activationExists: boolean;
  createdAt: string;
};

// Entries are never updated or deleted, so SQLite's rowid is their insertion order: newest first is
// rowid descending, exact even for entries written in the same millisecond. The cursor is the rowid
// of the last item shown.
const encodeCursor = (rowid: number) => btoa(`r:${rowid}`).replace(/=+$/, "");

const decodeCursor = (cursor: string): number => {
  let text = "";
  try {
    text = atob(cursor);
  } catch {
    // fall through to the error below
  }
  const m = /^r:(\d{1,15})$/.exec(text);
  if (!m) {
    throw new AppError(400, "VALIDATION_FAILED", "Unknown cursor: pass nextCursor back as it came.", [
      { path: "cursor", message: "This cursor was not issued by this API." },
    ]);
  }
  return Number(m[1]);
};

export const listTransactions = async (
  db: Db,
  userId: string,
  opts: { limit: number; cursor?: string },
): Promise<{ items: Transaction[]; nextCursor: string | null }> => {
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  const rows = await db
    .select({
      ...getTableColumns(ledgerEntries),
      rowid: sql<number>`${ledgerEntries}.rowid`,
      // An order the provider refused leaves a hold and its void naming an act_… id that never existed.
      activationExists: sql<number>`EXISTS (SELECT 1 FROM ${activations} WHERE ${activations.id} = ${ledgerEntries.reference})`,
    })
    .from(ledgerEntries)
    .where(
      and(
        eq(ledgerEntries.userId, userId),
        after === null ? undefined : sql`${ledgerEntries}.rowid < ${after}`,
      ),
    )
    .orderBy(desc(sql`${ledgerEntries}.rowid`))
    .limit(opts.limit + 1)
    .all();
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: page.map((e) => ({
      id: e.id,
      kind: e.kind,
      amount: e.amount,
      heldDelta: e.heldDelta,
      currency: e.currency,
      reference: e.reference,
      activationExists: Boolean(e.activationExists),
      createdAt: iso(e.createdAt),
    })),
    nextCursor: rows.length > opts.limit && last ? encodeCursor(last.rowid) : null,
  };
};
