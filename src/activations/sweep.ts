// Cron safety net for activations whose expiry alarm never ran (or whose room never started), for
// Idempotency-Key claims left behind by requests that died, and for orders a crash left half-done.
import { and, eq, inArray, lt } from "drizzle-orm";
import { voidHold } from "../billing/ledger";
import { createDb, type Db } from "../db/client";
import { activations, orderClaims } from "../db/schema";
import type { Env } from "../env";
import { log } from "../lib/log";
import { getProvider } from "../providers";
import { resolveStaleOrders } from "./order-journal";
import { LIVE_STATUSES } from "./view";

// Give the alarm its chance first: it normally fires at expiresAt.
const GRACE_MS = 60_000;
const BATCH = 100;
const CLAIM_MAX_AGE_MS = 60 * 60_000;

export const sweepActivations = async (
  env: Env,
  at: number,
): Promise<{ expired: number; orders: number }> => {
  const db = createDb(env.DB);
  const overdue = await db
    .select({ id: activations.id, status: activations.status })
    .from(activations)
    .where(and(inArray(activations.status, [...LIVE_STATUSES]), lt(activations.expiresAt, at - GRACE_MS)))
    .limit(BATCH)
    .all();
  let expired = 0;
  for (const { id } of overdue) {
    try {
      const room = env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(id));
      const outcome = await room.sweep();
      if (outcome === "missing") await expireWithoutRoom(env, db, id, at);
      expired++;
    } catch (error) {
      log(undefined, "activation_sweep_failed", { activationId: id, error: String(error) });
    }
  }
  await db
    .delete(orderClaims)
    .where(lt(orderClaims.createdAt, at - CLAIM_MAX_AGE_MS))
    .run();
  // Orders a crash left half-done: before the holds' expiry, so their money is back within minutes.
  const orders = await resolveStaleOrders(env, db, at);
  return { expired, orders };
};

/** A row whose room never started has no code and no watcher: release its money and its number. */
const expireWithoutRoom = async (env: Env, db: Db, id: string, at: number) => {
  await voidHold(db, id);
  const row = await db
    .update(activations)
    .set({ status: "expired", endedAt: at, updatedAt: at })
    .where(and(eq(activations.id, id), eq(activations.status, "waiting")))
    .returning({ provider: activations.provider, providerRef: activations.providerRef })
    .get();
  if (row) await getProvider(env, row.provider).cancel(row.providerRef);
};
