// API keys' usage counters (request count, last use), coalesced per isolate: a keyed request only
// adds to a map in memory, and at most one D1 batch per FLUSH_MS writes what piled up, off the
// request's path (waitUntil). Authentication itself still reads the key's row on every request, so a
// revoked key is refused on the very next one; only the counters lag. What an evicted isolate had not
// written yet is lost — a few seconds of counts, never money or access.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiKeys } from "../db/schema";

export const USAGE_FLUSH_MS = 10_000;

type Usage = { count: number; lastUsedAt: number };
const pending = new Map<string, Usage>();
let oldestPendingAt: number | null = null;

/** Counts one use of a key; starts a flush in the background when the oldest count is due. */
export const noteKeyUse = (db: Db, ctx: Pick<ExecutionContext, "waitUntil">, keyId: string, at: number) => {
  const usage = pending.get(keyId);
  if (usage) {
    usage.count++;
    usage.lastUsedAt = Math.max(usage.lastUsedAt, at);
  } else {
    pending.set(keyId, { count: 1, lastUsedAt: at });
  }
  oldestPendingAt ??= at;
  if (at - oldestPendingAt >= USAGE_FLUSH_MS) ctx.waitUntil(flushKeyUsage(db));
};

/** Writes every pending count in one batch; on failure they go back into the map for the next one. */
export const flushKeyUsage = async (db: Db): Promise<void> => {
  if (pending.size === 0) return;
  const taken = [...pending];
  pending.clear();
  oldestPendingAt = null;
  const updates = taken.map(([keyId, usage]) =>
    db
      .update(apiKeys)
      .set({
        requestCount: sql`${apiKeys.requestCount} + ${usage.count}`,
        lastUsedAt: sql`max(coalesce(${apiKeys.lastUsedAt}, 0), ${usage.lastUsedAt})`,
      })
      .where(sql`${apiKeys.id} = ${keyId}`),
  );
  try {
    const [first, ...rest] = updates;
    if (first) await db.batch([first, ...rest]);
  } catch (error) {
    for (const [keyId, usage] of taken) {
      const now = pending.get(keyId);
      pending.set(keyId, {
        count: usage.count + (now?.count ?? 0),
        lastUsedAt: Math.max(usage.lastUsedAt, now?.lastUsedAt ?? 0),
      });
    }
    oldestPendingAt ??= Math.min(...taken.map(([, u]) => u.lastUsedAt));
    throw error;
  }
};

/** This isolate's counts not yet written, for tests and the key list. */
export const pendingKeyUses = (): number => [...pending.values()].reduce((sum, u) => sum + u.count, 0);
