// "Delete my account": personal data goes; what accounting must keep (ledger entries, activation
// records without SMS content) stays, tied to an id that no longer leads to a person.
import { and, eq, inArray } from "drizzle-orm";
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
  webhookEndpoints,
} from "../db/schema";
import type { Env } from "../env";
import { AppError, notFound } from "../lib/errors";
import { now } from "../lib/time";
import { scrubSmsOfUser } from "./retention";

export type EraseInput = { password: string; forfeitBalance: boolean };

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

  const live = await db
    .select({ id: activations.id })
    .from(activations)
    .where(and(eq(activations.userId, userId), inArray(activations.status, [...LIVE_STATUSES])))
    .limit(1);
  if (live.length > 0 || user.held > 0) {
    throw new AppError(
      409,
      "ACTIVE_ACTIVATIONS",
      "Finish or cancel your active numbers first; the account can be deleted once none is live.",
    );
  }
  if (user.available > 0 && !input.forfeitBalance) {
    throw new AppError(
      409,
      "BALANCE_REMAINING",
      "Your balance is not empty. Confirm that you give it up, or contact support for a refund first.",
      { available: user.available, currency: user.currency },
    );
  }
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
  const erasedAt = now();
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
    // Endpoints name the customer's servers, and their deliveries carry SMS (deleted with them).
    db.delete(webhookEndpoints).where(eq(webhookEndpoints.userId, userId)),
    db.delete(emailTokens).where(eq(emailTokens.userId, userId)),
    db.delete(securityEvents).where(eq(securityEvents.userId, userId)),
    db.delete(emailOutbox).where(eq(emailOutbox.to, user.email)),
    ...scrubSmsOfUser(db, userId),
  ]);
  // Each activation's Durable Object keeps its own copy of the messages it received.
  for (const { id } of roomIds) {
    await env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(id)).eraseSmsContent();
  }
  return { erasedAt };
};
