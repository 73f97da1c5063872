// Test mode is a namespace, not a flag: each customer has a linked test account, a users row of its
// own (test_of → the real account) made on first use. sk_test_ keys belong to it, so everything they
// do runs on the shared code paths (orders, rooms, ledger, webhooks, handler_api.php) with the test
// account's play money, and never touches the real account's balance or statements. Its orders go
// to the test provider only (src/providers/test-mode.ts, routesForAccount).
import { eq, type SQL, sql } from "drizzle-orm";
import { creditStatements, debitStatements, getBalance } from "../billing/ledger";
import { changes, q, runBatch } from "../billing/statements";
import type { Db } from "../db/client";
import { users } from "../db/schema";
import type { CurrentUser } from "../env";
import { forbidden } from "../lib/errors";
import { newId } from "../lib/ids";
import { now } from "../lib/time";

/** What a test account starts with and goes back to on reset: $100. */
export const TEST_BALANCE = 10_000;

// Never a valid hash (passwords.ts cannot parse it): nobody can sign in as a test account.
const NO_PASSWORD = "test-account";

/**
 * The condition "this user id is a real account", for every figure that must not count play money
 * (operators' stats, providers' success rates).
 */
export const isRealAccount = (userIdColumn: string): SQL =>
  sql`${sql.raw(userIdColumn)} NOT IN (SELECT id FROM users WHERE test_of IS NOT NULL)`;

/** The customer's test account, if it was ever made. */
export const findTestAccount = async (db: Db, userId: string) =>
  db.select().from(users).where(eq(users.testOf, userId)).get();

/** The customer's test account, created with its starting balance the first time it is needed. */
export const testAccountOf = async (db: Db, userId: string): Promise<string> => {
  const existing = await findTestAccount(db, userId);
  if (existing) return existing.id;
  const owner = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!owner || owner.deletedAt != null) throw new Error(`no user ${userId}`);
  if (owner.testOf != null) return owner.id; // already a test account
  const id = newId("usr");
  // Two first uses at once: the unique test_of lets one insert win; both then read the winner.
  await db
    .insert(users)
    .values({
      id,
      email: `${id}@test-mode.invalid`,
      passwordHash: NO_PASSWORD,
      emailVerifiedAt: owner.emailVerifiedAt,
      acceptedPolicyVersion: owner.acceptedPolicyVersion,
      acceptedPolicyAt: owner.acceptedPolicyAt,
      currency: owner.currency,
      createdAt: now(),
      testOf: userId,
    })
    .onConflictDoNothing()
    .run();
  const account = await findTestAccount(db, userId);
  if (!account) throw new Error(`test account of ${userId} not created`);
  // Once per test account, whoever of two racing first uses gets here first.
  await runBatch(
    db,
    creditStatements({
      userId: account.id,
      amount: TEST_BALANCE,
      currency: account.currency,
      kind: "adjustment",
      reference: "test_mode_start",
      idempotencyKey: `test_start:${account.id}`,
    }),
  );
  return account.id;
};

/** The test account a caller means: a sk_test_ key is one; a session or a live key has one. */
const testAccountFor = (db: Db, user: Pick<CurrentUser, "id" | "test">) =>
  user.test ? Promise.resolve(user.id) : testAccountOf(db, user.id);

/** The test balance; a customer who never used test mode reads the $100 it starts with (a GET writes nothing). */
export const testBalance = async (db: Db, user: Pick<CurrentUser, "id" | "test">) => {
  if (user.test) return getBalance(db, user.id);
  const account = await findTestAccount(db, user.id);
  if (account) return getBalance(db, account.id);
  const { currency } = await getBalance(db, user.id);
  return { available: TEST_BALANCE, held: 0, currency };
};

/** Real money never enters a test account: top-ups are refused with a pointer to the reset. */
export const assertLiveMode = (user: Pick<CurrentUser, "test">) => {
  if (user.test) {
    throw forbidden(
      "TEST_MODE",
      "Test keys cannot top up; reset the test balance (POST /api/v1/billing/test-balance/reset) instead.",
    );
  }
};

const RESET_ATTEMPTS = 5;

/**
 * Puts the available test balance back to $100 through the ledger (an adjustment either way). Money
 * held by live test orders stays with them; they resolve as usual. Each move is guarded by the
 * balance it was computed from, so a reset racing an order or another reset never overshoots.
 */
export const resetTestBalance = async (db: Db, user: Pick<CurrentUser, "id" | "test">) => {
  const accountId = await testAccountFor(db, user);
  for (let attempt = 0; attempt < RESET_ATTEMPTS; attempt++) {
    const { available, currency } = await getBalance(db, accountId);
    if (available === TEST_BALANCE) break;
    const move = {
      userId: accountId,
      currency,
      kind: "adjustment" as const,
      reference: "test_mode_reset",
      idempotencyKey: `test_reset:${newId("rst")}`,
    };
    const unchanged = q`available = ${available}`;
    const statements =
      available < TEST_BALANCE
        ? creditStatements({ ...move, amount: TEST_BALANCE - available }, unchanged)
        : debitStatements({ ...move, amount: available - TEST_BALANCE }, unchanged).statements;
    const [inserted] = await runBatch(db, statements);
    if (changes(inserted) === 1) break;
  }
  return getBalance(db, accountId);
};
