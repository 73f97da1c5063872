// The order journal: one row per order in flight, written before its hold, moved on once the number is
// acquired, deleted once the activation's room has started. An order that dies between two steps (the
// Worker is killed while it waits on the provider, a step throws and its cleanup fails too) leaves its
// row behind, and `resolveStaleOrders` — run by the cron — settles it: it finishes starting an
// activation whose row was written, or voids the hold and releases the number of one that was not.
import { and, eq, lt } from "drizzle-orm";
import { voidHold } from "../billing/ledger";
import type { Db } from "../db/client";
import { activations, holds, orderJournal, users } from "../db/schema";
import { type Env, int } from "../env";
import { log } from "../lib/log";
import { now } from "../lib/time";
import { getProvider } from "../providers";
import { type AcquiredNumber, ProviderError } from "../providers/types";
import type { NewActivation } from "./room";

const BATCH = 50;
// Well past anything a live order waits for (the provider's timeout), so a slow order is never
// resolved under its own feet.
const staleAfterMs = (env: Env) => 2 * int(env.PROVIDER_TIMEOUT_MS, 8000) + 60_000;

export const journalStart = (db: Db, entry: { activationId: string; userId: string; provider: string }) => {
  const at = now();
  return db
    .insert(orderJournal)
    .values({ ...entry, step: "started", createdAt: at, updatedAt: at })
    .run();
};

// With failover, the upstream that sold the number is known only now.
export const journalAcquired = (db: Db, activationId: string, provider: string, number: AcquiredNumber) =>
  db
    .update(orderJournal)
    .set({
      step: "acquired",
      provider,
      providerRef: number.providerRef,
      phone: number.phone,
      cost: number.cost,
      updatedAt: now(),
    })
    .where(eq(orderJournal.activationId, activationId))
    .run();

export const journalDone = (db: Db, activationId: string) =>
  db.delete(orderJournal).where(eq(orderJournal.activationId, activationId)).run();

type Entry = typeof orderJournal.$inferSelect;

/** Settles every journalled order older than any live order can be; returns how many it settled. */
export const resolveStaleOrders = async (env: Env, db: Db, at: number): Promise<number> => {
  const stale = await db
    .select()
    .from(orderJournal)
    .where(lt(orderJournal.updatedAt, at - staleAfterMs(env)))
    .limit(BATCH)
    .all();
  let resolved = 0;
  for (const entry of stale) {
    try {
      await resolveOrder(env, db, entry, at);
      await journalDone(db, entry.activationId);
      resolved++;
    } catch (error) {
      // Left in the journal: the next cron run tries again (every step is safe to repeat).
      log(undefined, "order_resolve_failed", { activationId: entry.activationId, error: String(error) });
    }
  }
  return resolved;
};

const resolveOrder = async (env: Env, db: Db, entry: Entry, at: number) => {
  const id = entry.activationId;
  const row = await db.select().from(activations).where(eq(activations.id, id)).get();
  if (!row) {
    // The activation was never written, so the customer never got it: give everything back.
    await voidIfHeld(db, id);
    if (entry.providerRef) await release(env, entry.provider, entry.providerRef);
    log(undefined, "order_resolved", { activationId: id, outcome: "voided", step: entry.step });
    return;
  }
  const room = env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(id));
  if ((await room.sweep()) !== "missing") {
    log(undefined, "order_resolved", { activationId: id, outcome: "already_started" });
    return;
  }
  const [hold, user] = await Promise.all([
    db.select({ status: holds.status }).from(holds).where(eq(holds.reference, id)).get(),
    db.select({ deletedAt: users.deletedAt }).from(users).where(eq(users.id, row.userId)).get(),
  ]);
  const canStart =
    hold?.status === "pending" && user?.deletedAt == null && row.status === "waiting" && row.expiresAt > at;
  if (canStart) {
    // The row is the customer's activation (listed, and found by its Idempotency-Key): finish it.
    const activation: NewActivation = {
      id,
      numericId: row.numericId,
      userId: row.userId,
      provider: row.provider,
      service: row.service,
      country: row.country,
      phone: row.phone,
      providerRef: row.providerRef,
      price: row.price,
      currency: row.currency,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
    };
    await room.init(activation);
    log(undefined, "order_resolved", { activationId: id, outcome: "started" });
    return;
  }
  // It cannot start (its window is over, its hold is gone, the account was erased): end it unpaid.
  await voidIfHeld(db, id);
  await db
    .update(activations)
    .set({ status: "expired", endedAt: at, updatedAt: at })
    .where(and(eq(activations.id, id), eq(activations.lastSeq, 0)))
    .run();
  await release(env, row.provider, row.providerRef);
  log(undefined, "order_resolved", { activationId: id, outcome: "ended" });
};

const voidIfHeld = async (db: Db, reference: string) => {
  const hold = await db.select({ id: holds.id }).from(holds).where(eq(holds.reference, reference)).get();
  if (hold) await voidHold(db, reference);
};

// A number the provider already ended (its own timeout, an earlier release) needs no more asking.
const release = async (env: Env, provider: string, providerRef: string) => {
  try {
    await getProvider(env, provider).cancel(providerRef);
  } catch (error) {
    if (!(error instanceof ProviderError && error.code === "REJECTED")) throw error;
  }
};
