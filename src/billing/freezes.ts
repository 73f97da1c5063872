// Why an account is frozen, reason by reason. A freeze is a row per cause (a dispute, a refund or a
// chargeback the balance could not cover, an operator's decision); `users.frozen_at` says whether any
// is still in force and `frozen_reason` shows the latest one. Lifting one cause (a won dispute) keeps
// every other: the account thaws only when none is left.
import { newId } from "../lib/ids";
import { type Fragment, q } from "./statements";

export type FreezeReason = "dispute" | "shortfall" | "operator";

/** Brings users.frozen_at / frozen_reason in line with the user's unlifted freezes. */
const refreshUser = (userId: string, at: number) =>
  q`UPDATE users SET
      frozen_reason = (SELECT detail FROM account_freezes WHERE user_id = ${userId} AND lifted_at IS NULL
                       ORDER BY created_at DESC, rowid DESC LIMIT 1),
      frozen_at = CASE WHEN EXISTS (SELECT 1 FROM account_freezes WHERE user_id = ${userId} AND lifted_at IS NULL)
                  THEN COALESCE(frozen_at, ${at}) ELSE NULL END
    WHERE id = ${userId}`;

/**
 * Statements that freeze an account for one cause, once per (reason, reference), when `guard` holds.
 * `detail` is SQL (a bound text or an expression over the guard's tables).
 */
export const freezeStatements = (input: {
  userId: string;
  reason: FreezeReason;
  reference: string;
  detail: Fragment;
  at: number;
  guard?: Fragment;
}): Fragment[] => {
  const { userId, reason, reference, detail, at, guard = q`1` } = input;
  return [
    q`INSERT INTO account_freezes (id, user_id, reason, reference, detail, created_at)
      SELECT ${newId("frz")}, ${userId}, ${reason}, ${reference}, ${detail}, ${at}
      WHERE ${guard}
      ON CONFLICT (user_id, reason, reference) DO NOTHING`,
    refreshUser(userId, at),
  ];
};

/** Statements that lift the freezes of the given causes (and only those). */
export const liftStatements = (
  userId: string,
  causes: Array<{ reason: FreezeReason; reference: string }>,
  at: number,
  guard: Fragment = q`1`,
): Fragment[] => [
  ...causes.map(
    ({ reason, reference }) =>
      q`UPDATE account_freezes SET lifted_at = ${at}
        WHERE user_id = ${userId} AND reason = ${reason} AND reference = ${reference} AND lifted_at IS NULL
          AND ${guard}`,
  ),
  refreshUser(userId, at),
];
