// "Delete my account": personal data goes; what accounting must keep (ledger entries, activation
// records without SMS content) stays, tied to an id that no longer leads to a person.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { checkPasswordAttempt } from "../accounts/account";
import type { RequestMeta } from "../accounts/request-meta";
import { LIVE_STATUSES } from "../activations/view";
import { debit } from "../billing/ledger";
import type { Db } from "../db/client";
import {
  activations,
  apiKeys,
  emailOutbox,
  emailTokens,
  securityEvents,
  sessions,
  users,
} from "../db/schema";
import type { Env } from "../env";
import { AppError, notFound } from "../lib/errors";
import { faultPoint } from "../lib/faults";
import { now } from "../lib/time";
import { scrubSmsOfUser } from "./retention";

export type EraseInput = { password: string; forfeitBalance: boolean };

const activeActivations = () =>
  new AppError(
    409,
    "ACTIVE_ACTIVATIONS",
    "Finish or cancel your active numbers first; the account can be deleted once none is live.",
  );

export const eraseAccount = async (
  env: Env,
  db: Db,
  account: { id: string; email: string },
  input: EraseInput,
  meta: RequestMeta,
) => {
  const user = await db.select().from(users).where(eq(users.id, account.id)).get();
  if (!user || user.deletedAt != null) throw notFound("Account");
  // Rate limited and logged like every other password prompt: a stolen session cannot guess freely.
  await checkPasswordAttempt(env, db, account, input.password, meta);
  return eraseAccountData(env, db, account.id, input);
};

/**
 * The erasure itself, once the caller is known to be allowed (the customer re-entered the password;
 * or an operator asked). `alongside` commits in the erasure's batch (the operator's audit row).
 */
export const eraseAccountData = async (
  env: Env,
  db: Db,
  userId: string,
  input: { forfeitBalance: boolean },
  alongside: BatchItem<"sqlite">[] = [],
) => {
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user || user.deletedAt != null) throw notFound("Account");
  const live = await db
    .select({ id: activations.id })
    .from(activations)
    .where(and(eq(activations.userId, userId), inArray(activations.status, [...LIVE_STATUSES])))
    .limit(1);
  if (live.length > 0 || user.held > 0) throw activeActivations();
  if (user.available > 0 && !input.forfeitBalance) {
    throw new AppError(
      409,
      "BALANCE_REMAINING",
      "Your balance is not empty. Confirm that you give it up, or contact support for a refund first.",
      { available: user.available, currency: user.currency },
    );
  }
  await faultPoint("erase.afterChecks");
  // The commit point, in one statement: an order that placed its hold (or was journalled) since the
  // checks above makes it fail, and once it has passed no hold can be placed (placeHold refuses an
  // erased account). So an erased account never keeps a live number or held money.
  const erasedAt = now();
  const marked = await db.run(sql`UPDATE users SET deleted_at = ${erasedAt}
    WHERE id = ${userId} AND deleted_at IS NULL AND held = 0
      AND NOT EXISTS (SELECT 1 FROM activations WHERE user_id = ${userId} AND status IN ${LIVE_STATUSES})
      AND NOT EXISTS (SELECT 1 FROM order_journal WHERE user_id = ${userId})`);
  if (marked.meta.changes !== 1) throw activeActivations();
  if (user.available > 0) {
    await debit(db, {
      userId,
      amount: user.available,
      currency: user.currency,
      kind: "adjustment",
      reference: `erasure:${userId}`,
      idempotencyKey: `erasure:${userId}`,
    });
  }

  const roomIds = await db
    .select({ id: activations.id })
    .from(activations)
    .where(eq(activations.userId, userId));
  await db.batch([
    db
      .update(users)
      .set({
        email: `erased+${userId}@invalid`,
        passwordHash: "!",
        emailVerifiedAt: null,
        deletedAt: erasedAt,
      })
      .where(eq(users.id, userId)),
    db.delete(sessions).where(eq(sessions.userId, userId)),
    db.delete(apiKeys).where(eq(apiKeys.userId, userId)),
    db.delete(emailTokens).where(eq(emailTokens.userId, userId)),
    db.delete(securityEvents).where(eq(securityEvents.userId, userId)),
    db.delete(emailOutbox).where(eq(emailOutbox.to, user.email)),
    ...scrubSmsOfUser(db, userId),
    ...alongside,
  ]);
  // Each activation's Durable Object keeps its own copy of the messages it received.
  for (const { id } of roomIds) {
    await env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(id)).eraseSmsContent();
  }
  return { erasedAt };
};
