// "Delete my account", as a job that finishes: D1 first, in one batch that commits only while nothing
// is live or held (so an order racing the erasure either stops it or is stopped by it), then every
// activation's room, retried by the cron until each has confirmed. Personal data goes; what accounting
// must keep (ledger entries, activation records without SMS content) stays, tied to an id that no
// longer leads to a person. What goes is read from the data map. The customer's test account (test
// mode) goes with it, by the same statements.
import { and, eq, inArray, isNull } from "drizzle-orm";
import { checkPasswordAttempt } from "../accounts/account";
import { endStreams } from "../accounts/end-streams";
import type { RequestMeta } from "../accounts/request-meta";
import { findTestAccount } from "../accounts/test-mode";
import { LIVE_STATUSES } from "../activations/view";
import { debit } from "../billing/ledger";
import { type Fragment, q } from "../billing/statements";
import type { Db } from "../db/client";
import { activations, erasureJobs, users } from "../db/schema";
import type { Env } from "../env";
import { AppError, notFound } from "../lib/errors";
import { faultPoint } from "../lib/faults";
import { log } from "../lib/log";
import { now } from "../lib/time";
import { DATA_MAP, ownedBy } from "./data-map";
import { scrubSmsOfUser } from "./retention";

export type EraseInput = { password: string; forfeitBalance: boolean };

const activeRefusal = () =>
  new AppError(
    409,
    "ACTIVE_ACTIVATIONS",
    "Finish or cancel your active numbers first; the account can be deleted once none is live.",
  );

const LIVE_LIST = LIVE_STATUSES.map((s) => `'${s}'`).join(", ");
// True while the account may be erased: not erased yet (or by this very erasure, whose batch marks
// the accounts it takes one after the other), nothing held, no live number, no order in flight
// (journalled before its hold: an order that has begun either stops the erasure or is refused).
const MAY_ERASE = `(SELECT (deleted_at IS NULL OR deleted_at = ?) AND held = 0 FROM users WHERE id = ?)
  AND NOT EXISTS (SELECT 1 FROM activations WHERE user_id = ? AND status IN (${LIVE_LIST}))
  AND NOT EXISTS (SELECT 1 FROM order_journal WHERE user_id = ?)`;

export const eraseAccount = async (
  env: Env,
  db: Db,
  account: { id: string; email: string },
  input: EraseInput,
  meta: RequestMeta,
) => {
  const userId = account.id;
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user || user.deletedAt != null) throw notFound("Account");

  // Rate limited and logged like every other password prompt: a stolen session cannot guess freely.
  await checkPasswordAttempt(env, db, account, input.password, meta);
  return eraseAccountData(env, db, userId, input);
};

/**
 * The erasure itself, once the caller is known to be allowed (the customer re-entered the password,
 * or an operator asked). `audit` (the operator's row) is written in the erasure's own batch, on the
 * condition that it erased: never for an erasure that was refused, never missing for one that was.
 */
export const eraseAccountData = async (
  env: Env,
  db: Db,
  userId: string,
  input: { forfeitBalance: boolean },
  audit?: (erased: Fragment) => Fragment,
) => {
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user || user.deletedAt != null) throw notFound("Account");
  if (user.testOf != null) {
    throw new AppError(409, "TEST_ACCOUNT", "A test account goes with the account it belongs to.");
  }
  // The customer's test account (test mode) is the same person's: erased with it, the same way, in
  // the same batch. Its play money is forfeited without asking.
  const test = await findTestAccount(db, userId);
  const accounts = test && test.deletedAt == null ? [user, test] : [user];

  for (const account of accounts) {
    const live = await db
      .select({ id: activations.id })
      .from(activations)
      .where(and(eq(activations.userId, account.id), inArray(activations.status, [...LIVE_STATUSES])))
      .limit(1);
    if (live.length > 0 || account.held > 0) throw activeRefusal();
  }
  if (user.available > 0 && !input.forfeitBalance) {
    throw new AppError(
      409,
      "BALANCE_REMAINING",
      "Your balance is not empty. Confirm that you give it up, or contact support for a refund first.",
      { available: user.available, currency: user.currency },
    );
  }
  await faultPoint("erase.afterChecks");
  for (const account of accounts) {
    if (account.available === 0) continue;
    await debit(db, {
      userId: account.id,
      amount: account.available,
      currency: account.currency,
      kind: "adjustment",
      reference: `erasure:${account.id}`,
      idempotencyKey: `erasure:${account.id}`,
    });
  }

  const rooms = new Map<string, string[]>();
  for (const { id } of accounts) {
    const rows = await db.select({ id: activations.id }).from(activations).where(eq(activations.userId, id));
    rooms.set(
      id,
      rows.map((r) => r.id),
    );
  }
  const erasedAt = now();
  const client = db.$client;
  // Every statement holds only while every account may be erased: all of them go, or none.
  const mayErase = accounts.map(() => MAY_ERASE).join(" AND ");
  const guardBinds = accounts.flatMap((a) => [erasedAt, a.id, a.id, a.id]);
  const guarded = (text: string, params: unknown[]) =>
    client.prepare(`${text} AND ${mayErase}`).bind(...params, ...guardBinds);
  // Deletes and scrubs come before the users rows change: the email-addressed rows are found by them.
  const statements: D1PreparedStatement[] = accounts.flatMap(({ id }) => [
    ...DATA_MAP.filter((e) => e.erasure === "delete").flatMap((entry) => {
      const owned = ownedBy(entry);
      return owned
        ? [guarded(`DELETE FROM ${entry.table} WHERE ${owned.where}`, Array(owned.binds).fill(id))]
        : [];
    }),
    ...scrubSmsOfUser(db, id).map((q) => {
      const { sql, params } = q.toSQL();
      return guarded(sql, params);
    }),
  ]);
  // The users rows, the customer's own first: its change count says whether this batch erased.
  const erasing = statements.length;
  statements.push(
    ...accounts.map(({ id }) =>
      guarded(
        "UPDATE users SET email = ?, password_hash = '!', email_verified_at = NULL, deleted_at = ? WHERE id = ?",
        [`erased+${id}@invalid`, erasedAt, id],
      ),
    ),
  );
  const erased = q`EXISTS (SELECT 1 FROM users WHERE id = ${userId} AND deleted_at = ${erasedAt})`;
  const queued = accounts.map(
    ({ id }) => q`INSERT INTO erasure_jobs (user_id, requested_at, rooms_pending, attempts)
    SELECT ${id}, ${erasedAt}, ${JSON.stringify(rooms.get(id) ?? [])}, 0 WHERE ${erased}`,
  );
  for (const f of audit ? [...queued, audit(erased)] : queued)
    statements.push(client.prepare(f.text).bind(...f.params));
  const results = await client.batch(statements);
  // An order placed a hold or a number went live since the checks above: nothing was erased.
  if ((results[erasing]?.meta.changes ?? 0) === 0) throw activeRefusal();
  await faultPoint("erase.afterBatch");

  for (const account of accounts) {
    await finishErasure(env, db, account.id);
    await endStreams(env, db, { userId: account.id });
  }
  return { erasedAt };
};

/**
 * Asks each room still pending to erase its copy; the ones that confirmed leave the list. The job is
 * finished when none is left. Safe to repeat: the cron calls it for every unfinished job.
 */
export const finishErasure = async (env: Env, db: Db, userId: string) => {
  const job = await db
    .select()
    .from(erasureJobs)
    .where(and(eq(erasureJobs.userId, userId), isNull(erasureJobs.finishedAt)))
    .get();
  if (!job) return true;
  const pending: string[] = [];
  for (const id of job.roomsPending) {
    try {
      await env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(id)).eraseSmsContent();
    } catch (error) {
      pending.push(id);
      log(undefined, "erasure_room_failed", { userId, activationId: id, error: String(error) });
    }
  }
  await db
    .update(erasureJobs)
    .set({
      roomsPending: pending,
      attempts: job.attempts + 1,
      finishedAt: pending.length === 0 ? now() : null,
    })
    .where(eq(erasureJobs.userId, userId))
    .run();
  return pending.length === 0;
};

/** The cron's part: every erasure whose rooms have not all confirmed is tried again. */
export const resumeErasures = async (env: Env, db: Db, limit = 50) => {
  const jobs = await db
    .select({ userId: erasureJobs.userId })
    .from(erasureJobs)
    .where(isNull(erasureJobs.finishedAt))
    .limit(limit)
    .all();
  for (const { userId } of jobs) await finishErasure(env, db, userId);
  return jobs.length;
};
