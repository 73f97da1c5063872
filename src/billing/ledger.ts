// The ledger: the only code that changes a balance. Each money write is one D1 batch (a transaction):
// the entry that explains a change and the change itself commit together or not at all.
//
// Idempotency without transactions-with-reads: an entry is INSERTed with a fresh id and
// `ON CONFLICT (idempotency_key) DO NOTHING`, guarded by the condition that makes the move legal
// (enough available, hold still pending, …). The balance UPDATE then applies *the entry with that
// fresh id* — so a replayed key, or a guard that did not hold, inserts nothing and moves nothing.
import { and, eq, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { holds, ledgerEntries, users } from "../db/schema";
import { AppError } from "../lib/errors";
import { newId } from "../lib/ids";
import { now } from "../lib/time";
import { freezeStatements } from "./freezes";
import { changes, type Fragment, q, runBatch } from "./statements";

export type HoldOutcome = "posted" | "voided";
export type CreditKind = "top_up" | "void" | "adjustment";
export type DebitKind = "refund" | "chargeback" | "adjustment";

export type CreditInput = {
  userId: string;
  amount: number;
  currency: string;
  kind: CreditKind;
  reference: string;
  idempotencyKey: string;
};
export type DebitInput = Omit<CreditInput, "kind"> & { kind: DebitKind };

const assertAmount = (amount: number) => {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new AppError(400, "BAD_AMOUNT", "An amount must be a positive whole number of minor units.");
  }
};

const entryExists = (entryId: string) => q`EXISTS (SELECT 1 FROM ledger_entries WHERE id = ${entryId})`;

/** Explains why a guarded write into a user's balance did nothing, as the error the caller sees. */
const userProblem = async (
  db: Db,
  userId: string,
  currency: string,
  opts: { refuseFrozen?: boolean } = {},
): Promise<AppError | null> => {
  const user = await db
    .select({ currency: users.currency, frozenAt: users.frozenAt, deletedAt: users.deletedAt })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!user || (opts.refuseFrozen && user.deletedAt != null))
    return new AppError(404, "USER_NOT_FOUND", "No such user.");
  if (user.currency !== currency) {
    return new AppError(400, "CURRENCY_MISMATCH", `This account keeps its balance in ${user.currency}.`);
  }
  if (opts.refuseFrozen && user.frozenAt != null) {
    return new AppError(403, "ACCOUNT_FROZEN", "This account is frozen; new orders are not possible.");
  }
  return null;
};

// ── holds (two-phase, as TigerBeetle's pending transfers) ──────────────────────────────────────

/**
 * Moves `amount` from available to held. `reference` names what the hold pays for (act_…) and is
 * unique: placing it again returns the same hold when it matches, HOLD_CONFLICT otherwise.
 * A frozen account (open dispute, unrecovered refund) or an erased one cannot place new holds.
 */
export const placeHold = async (
  db: Db,
  input: { userId: string; amount: number; currency: string; reference: string; expiresAt: number },
): Promise<{ holdId: string }> => {
  const { userId, amount, currency, reference, expiresAt } = input;
  assertAmount(amount);
  const holdId = newId("hld");
  const entryId = newId("txn");
  const at = now();
  const [inserted] = await runBatch(db, [
    q`INSERT INTO holds (id, user_id, amount, currency, reference, status, created_at, expires_at)
      SELECT ${holdId}, id, ${amount}, currency, ${reference}, 'pending', ${at}, ${expiresAt}
      FROM users
      WHERE id = ${userId} AND currency = ${currency} AND frozen_at IS NULL AND deleted_at IS NULL
        AND available >= ${amount}
      ON CONFLICT (reference) DO NOTHING`,
    q`INSERT INTO ledger_entries
        (id, user_id, kind, amount, held_delta, currency, reference, idempotency_key, created_at)
      SELECT ${entryId}, user_id, 'hold', -amount, amount, currency, reference, ${`hold:${reference}`}, ${at}
      FROM holds WHERE id = ${holdId}`,
    q`UPDATE users SET available = available - ${amount}, held = held + ${amount}
      WHERE id = ${userId} AND ${entryExists(entryId)}`,
  ]);
  if (changes(inserted) === 1) return { holdId };

  const existing = await db.select().from(holds).where(eq(holds.reference, reference)).get();
  if (existing) {
    if (existing.userId === userId && existing.amount === amount && existing.currency === currency) {
      return { holdId: existing.id };
    }
    throw new AppError(409, "HOLD_CONFLICT", `Another hold already exists for ${reference}.`);
  }
  const problem = await userProblem(db, userId, currency, { refuseFrozen: true });
  if (problem) throw problem;
  throw new AppError(402, "NO_BALANCE", "The available balance does not cover this amount.");
};

/**
 * The three statements that resolve a pending hold: flip its status (only from pending, only when
 * `when` holds), write the entry (once per outcome key), and move the balance by that entry.
 */
const resolveStatements = (reference: string, outcome: HoldOutcome, at: number, when: Fragment) => {
  const kind = outcome === "posted" ? "post" : "void";
  const entryId = newId("txn");
  // Posting keeps the money (it already left `available`); voiding gives it back.
  const availableDelta = outcome === "posted" ? q`0` : q`amount`;
  return [
    q`UPDATE holds SET status = ${outcome}, resolved_at = ${at}
      WHERE reference = ${reference} AND status = 'pending' AND ${when}`,
    q`INSERT INTO ledger_entries
        (id, user_id, kind, amount, held_delta, currency, reference, idempotency_key, created_at)
      SELECT ${entryId}, user_id, ${kind}, ${availableDelta}, -amount, currency, reference, ${`${kind}:${reference}`}, ${at}
      FROM holds WHERE reference = ${reference} AND status = ${outcome}
      ON CONFLICT (idempotency_key) DO NOTHING`,
    q`UPDATE users SET
        available = available + (SELECT amount FROM ledger_entries WHERE id = ${entryId}),
        held = held + (SELECT held_delta FROM ledger_entries WHERE id = ${entryId})
      WHERE id = (SELECT user_id FROM ledger_entries WHERE id = ${entryId})`,
  ];
};

/** The last statement of a resolving batch reads the hold's status in the same transaction. */
const readStatus = (reference: string) => q`SELECT status FROM holds WHERE reference = ${reference}`;

/** What the batch's last statement (readStatus) says the hold ended as. */
export const holdOutcomeOf = (result: D1Result | undefined, reference: string): HoldOutcome => {
  const status = (result?.results?.[0] as { status?: string } | undefined)?.status;
  if (!status) throw new AppError(404, "HOLD_NOT_FOUND", `No hold for ${reference}.`);
  if (status === "pending") throw new Error(`hold ${reference} is still pending after resolving it`);
  return status as HoldOutcome;
};

/**
 * postHold as statements, for a caller that commits them together with its own write in one batch
 * (the activation room: the SMS and its charge are one transition). Read the outcome from the last
 * result with holdOutcomeOf.
 */
export const postHoldStatements = (reference: string, at = now()): Fragment[] => [
  ...resolveStatements(reference, "posted", at, q`expires_at > ${at}`),
  ...resolveStatements(reference, "voided", at, q`expires_at <= ${at}`),
  readStatus(reference),
];

/**
 * Charges the held amount. Resolves once: a later post or void reports the outcome already reached.
 * A hold past its expiry cannot be posted any more; whoever notices first voids it, so posting an
 * expired hold voids it and reports "voided".
 */
export const postHold = async (db: Db, reference: string): Promise<HoldOutcome> =>
  holdOutcomeOf((await runBatch(db, postHoldStatements(reference))).at(-1), reference);

/** Releases the held amount back to available. Resolves once, like postHold. */
export const voidHold = async (db: Db, reference: string): Promise<HoldOutcome> => {
  const results = await runBatch(db, [
    ...resolveStatements(reference, "voided", now(), q`1`),
    readStatus(reference),
  ]);
  return holdOutcomeOf(results.at(-1), reference);
};

// A cron run stays well inside D1's per-invocation query limit (3 statements per hold); the next run
// picks up whatever is left.
const EXPIRE_BATCH = 25;
const EXPIRE_ROUNDS = 4;

/** Voids pending holds whose expiry is at or before `at`; returns how many this call voided. */
export const expireHolds = async (db: Db, at: number): Promise<number> => {
  let voided = 0;
  for (let round = 0; round < EXPIRE_ROUNDS; round++) {
    const due = await db
      .select({ reference: holds.reference })
      .from(holds)
      .where(and(eq(holds.status, "pending"), lte(holds.expiresAt, at)))
      .limit(EXPIRE_BATCH)
      .all();
    if (due.length === 0) break;
    const statements = due.flatMap((h) =>
      resolveStatements(h.reference, "voided", at, q`expires_at <= ${at}`),
    );
    const results = await runBatch(db, statements);
    // Every third result is a hold's status flip; 0 changes means someone else resolved it first.
    voided += results.filter((r, i) => i % 3 === 0 && changes(r) === 1).length;
    if (due.length < EXPIRE_BATCH) break;
  }
  return voided;
};

// ── credits and debits ──────────────────────────────────────────────────────────────────────────

/**
 * Statements of a credit, for callers that must commit it together with their own bookkeeping.
 * `guard` is an extra SQL condition the credit needs (e.g. a top-up row in the right state).
 * The first statement's change count tells whether the credit was applied.
 */
export const creditStatements = (input: CreditInput, guard: Fragment = q`1`) => {
  const { userId, amount, currency, kind, reference, idempotencyKey } = input;
  assertAmount(amount);
  const entryId = newId("txn");
  return [
    q`INSERT INTO ledger_entries
        (id, user_id, kind, amount, held_delta, currency, reference, idempotency_key, created_at)
      SELECT ${entryId}, id, ${kind}, ${amount}, 0, currency, ${reference}, ${idempotencyKey}, ${now()}
      FROM users WHERE id = ${userId} AND currency = ${currency} AND ${guard}
      ON CONFLICT (idempotency_key) DO NOTHING`,
    q`UPDATE users SET available = available + ${amount} WHERE id = ${userId} AND ${entryExists(entryId)}`,
  ];
};

/** Adds money to available, once per idempotency key; a replay returns { applied: false }. */
export const credit = async (db: Db, input: CreditInput): Promise<{ applied: boolean }> => {
  const [inserted] = await runBatch(db, creditStatements(input));
  if (changes(inserted) === 1) return { applied: true };
  const problem = await userProblem(db, input.userId, input.currency);
  if (problem) throw problem;
  return { applied: false };
};

/**
 * Statements of a debit (see creditStatements). The balance can never go negative (CHECK), and money
 * the customer has already spent is gone, so a debit takes what is available — possibly less than
 * asked, possibly nothing — and the entry records what was really taken. A refund or chargeback that
 * could not be fully recovered freezes the account with the unrecovered amount in the reason, for an
 * operator to settle; held money stays with the orders it pays for.
 */
export const debitStatements = (input: DebitInput, guard: Fragment = q`1`) => {
  const { userId, amount, currency, kind, reference, idempotencyKey } = input;
  assertAmount(amount);
  const entryId = newId("txn");
  const at = now();
  const statements = [
    q`INSERT INTO ledger_entries
        (id, user_id, kind, amount, held_delta, currency, reference, idempotency_key, created_at)
      SELECT ${entryId}, id, ${kind}, -MIN(${amount}, available), 0, currency, ${reference}, ${idempotencyKey}, ${at}
      FROM users WHERE id = ${userId} AND currency = ${currency} AND ${guard}
      ON CONFLICT (idempotency_key) DO NOTHING`,
    q`UPDATE users SET available = available + (SELECT amount FROM ledger_entries WHERE id = ${entryId})
      WHERE id = ${userId} AND ${entryExists(entryId)}`,
  ];
  if (kind === "adjustment") return { entryId, statements };
  // The shortfall is a freeze of its own (reference: the debit's key), beside any other reason.
  const shortfall = freezeStatements({
    userId,
    reason: "shortfall",
    reference: idempotencyKey,
    detail: q`printf('A %s of %.2f %s could not be taken from the balance; contact support.',
      ${kind}, (${amount} + (SELECT amount FROM ledger_entries WHERE id = ${entryId})) / 100.0, ${currency})`,
    at,
    guard: q`EXISTS (SELECT 1 FROM ledger_entries WHERE id = ${entryId} AND -amount < ${amount})`,
  });
  return { entryId, statements: [...statements, ...shortfall] };
};

/** Takes money from available, once per key; `amount` in the answer is what was really taken. */
export const debit = async (db: Db, input: DebitInput): Promise<{ applied: boolean; amount: number }> => {
  const { entryId, statements } = debitStatements(input);
  const [inserted] = await runBatch(db, statements);
  if (changes(inserted) === 1) return { applied: true, amount: await takenBy(db, entryId) };
  const problem = await userProblem(db, input.userId, input.currency);
  if (problem) throw problem;
  return { applied: false, amount: 0 };
};

/** What a debit entry really took (0 when the entry does not exist). */
export const takenBy = async (db: Db, entryId: string): Promise<number> => {
  const row = await db
    .select({ amount: ledgerEntries.amount })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.id, entryId))
    .get();
  return row ? -row.amount : 0;
};

// ── operators' corrections ──────────────────────────────────────────────────────────────────────

export type AdjustmentInput = {
  userId: string;
  amount: number; // signed: + credits available, − debits it
  reference: string;
  idempotencyKey: string;
};

export type AdjustmentResult = { applied: boolean; entryId: string; amount: number; available: number };

/**
 * An operator's credit or debit of `available`, once per key. Unlike a refund's debit, an operator's
 * debit never takes less than asked: past the available balance it is refused (409
 * INSUFFICIENT_BALANCE) and nothing moves. `alongside(entryId)` are statements (the audit row) that
 * commit in the same batch, and should be guarded by that entry's existence.
 */
export const operatorAdjustment = async (
  db: Db,
  input: AdjustmentInput,
  alongside: (entryId: string) => Fragment[] = () => [],
): Promise<AdjustmentResult> => {
  const { userId, amount, reference, idempotencyKey } = input;
  assertAmount(Math.abs(amount));
  const entryId = newId("txn");
  const covered = amount < 0 ? q`available >= ${-amount}` : q`1`;
  const [inserted] = await runBatch(db, [
    q`INSERT INTO ledger_entries
        (id, user_id, kind, amount, held_delta, currency, reference, idempotency_key, created_at)
      SELECT ${entryId}, id, 'adjustment', ${amount}, 0, currency, ${reference}, ${idempotencyKey}, ${now()}
      FROM users WHERE id = ${userId} AND deleted_at IS NULL AND ${covered}
      ON CONFLICT (idempotency_key) DO NOTHING`,
    q`UPDATE users SET available = available + ${amount} WHERE id = ${userId} AND ${entryExists(entryId)}`,
    ...alongside(entryId),
  ]);
  const balance = async () => (await getBalance(db, userId)).available;
  if (changes(inserted) === 1) return { applied: true, entryId, amount, available: await balance() };

  const earlier = await db
    .select()
    .from(ledgerEntries)
    .where(eq(ledgerEntries.idempotencyKey, idempotencyKey))
    .get();
  if (earlier) {
    if (earlier.userId !== userId || earlier.amount !== amount || earlier.kind !== "adjustment") {
      throw new AppError(
        409,
        "IDEMPOTENCY_MISMATCH",
        "This key was already used for a different adjustment.",
      );
    }
    return { applied: false, entryId: earlier.id, amount, available: await balance() };
  }
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw new AppError(404, "USER_NOT_FOUND", "No such user.");
  if (user.deletedAt != null) throw new AppError(409, "USER_ERASED", "This account was erased.");
  throw new AppError(409, "INSUFFICIENT_BALANCE", "The debit is larger than the available balance.", {
    available: user.available,
    requested: -amount,
  });
};

/**
 * Gives a charged activation's price back: an `adjustment` credit of the posted hold's amount, with
 * the activation as reference and key `activation_refund:<id>`, so it happens at most once. An
 * activation whose hold was never posted (voided, pending, none) was not charged: 409 NOT_CHARGED.
 */
export const refundActivationCharge = async (
  db: Db,
  activationId: string,
  alongside: (entryId: string) => Fragment[] = () => [],
): Promise<{ applied: boolean; entryId: string; amount: number }> => {
  const entryId = newId("txn");
  const key = `activation_refund:${activationId}`;
  const [inserted] = await runBatch(db, [
    q`INSERT INTO ledger_entries
        (id, user_id, kind, amount, held_delta, currency, reference, idempotency_key, created_at)
      SELECT ${entryId}, user_id, 'adjustment', amount, 0, currency, reference, ${key}, ${now()}
      FROM holds WHERE reference = ${activationId} AND status = 'posted'
      ON CONFLICT (idempotency_key) DO NOTHING`,
    q`UPDATE users SET available = available + (SELECT amount FROM ledger_entries WHERE id = ${entryId})
      WHERE id = (SELECT user_id FROM ledger_entries WHERE id = ${entryId})`,
    ...alongside(entryId),
  ]);
  if (changes(inserted) === 1) {
    // takenBy reads a debit's size; this entry is a credit, hence the sign.
    return { applied: true, entryId, amount: -(await takenBy(db, entryId)) };
  }
  const earlier = await db.select().from(ledgerEntries).where(eq(ledgerEntries.idempotencyKey, key)).get();
  if (earlier) return { applied: false, entryId: earlier.id, amount: earlier.amount };
  throw new AppError(409, "NOT_CHARGED", "This activation was not charged, so there is nothing to refund.");
};

// ── reading ─────────────────────────────────────────────────────────────────────────────────────

export const getBalance = async (
  db: Db,
  userId: string,
): Promise<{ available: number; held: number; currency: string }> => {
  const row = await db
    .select({ available: users.available, held: users.held, currency: users.currency })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!row) throw new AppError(404, "USER_NOT_FOUND", "No such user.");
  return row;
};

/** Every balance must equal the sum of the entries that explain it. */
export const verifyLedger = async (
  db: Db,
): Promise<{
  ok: boolean;
  mismatches: Array<{
    userId: string;
    available: number;
    held: number;
    expectedAvailable: number;
    expectedHeld: number;
  }>;
}> => {
  const mismatches = await db.all<{
    userId: string;
    available: number;
    held: number;
    expectedAvailable: number;
    expectedHeld: number;
  }>(sql`SELECT u.id AS userId, u.available AS available, u.held AS held,
      COALESCE(SUM(e.amount), 0) AS expectedAvailable, COALESCE(SUM(e.held_delta), 0) AS expectedHeld
    FROM users u LEFT JOIN ledger_entries e ON e.user_id = u.id
    GROUP BY u.id
    HAVING u.available != expectedAvailable OR u.held != expectedHeld`);
  return { ok: mismatches.length === 0, mismatches };
};
