// What the account's privacy state allows: no order before the current policies are accepted, no
// order or top-up while the customer restricts processing, nothing new for an erased account. Checked
// when an order starts, and again — as a condition of the INSERT itself — when the activation row is
// written, so an order racing an erasure or a restriction cannot leave a live number behind. A test
// account (test mode) is the same person: its owner's acceptance, restriction and erasure decide.
import { eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { users } from "../db/schema";
import { AppError, forbidden, notFound } from "../lib/errors";
import { now } from "../lib/time";
import { POLICY_VERSION } from "./policy";

type Purpose = "order" | "top_up";

const gateRow = (db: Db, userId: string) =>
  db
    .select({
      version: users.acceptedPolicyVersion,
      restrictedAt: users.restrictedAt,
      deletedAt: users.deletedAt,
      testOf: users.testOf,
    })
    .from(users)
    .where(eq(users.id, userId))
    .get();

export const assertAccountMay = async (db: Db, userId: string, purpose: Purpose) => {
  const own = await gateRow(db, userId);
  if (!own || own.deletedAt !== null) throw notFound("Account");
  const row = own.testOf === null ? own : await gateRow(db, own.testOf);
  if (!row || row.deletedAt !== null) throw notFound("Account");
  if (row.restrictedAt !== null) {
    throw forbidden(
      "PROCESSING_RESTRICTED",
      "You restricted the processing of your data: no new orders or top-ups until you lift it in Settings.",
    );
  }
  if (purpose === "order" && row.version !== POLICY_VERSION) {
    throw new AppError(
      403,
      "POLICY_ACCEPTANCE_REQUIRED",
      "Our policies changed: read and accept the new version before your next order.",
      { version: POLICY_VERSION, acceptedVersion: row.version },
    );
  }
};

/** The condition the activation row's INSERT carries: the account is still open for orders. */
export const accountOpenForOrders = (userId: string): SQL =>
  sql`EXISTS (SELECT 1 FROM users u WHERE u.id = ${userId} AND u.deleted_at IS NULL AND u.restricted_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM users o WHERE o.id = u.test_of
      AND (o.deleted_at IS NOT NULL OR o.restricted_at IS NOT NULL)))`;

/** Restricts or lifts the restriction of processing (the customer's own choice, at any time). */
export const setRestriction = async (db: Db, userId: string, restricted: boolean) => {
  const at = restricted ? now() : null;
  await db.update(users).set({ restrictedAt: at }).where(eq(users.id, userId)).run();
  return { restricted, restrictedAt: at };
};
