// The privacy policy promises SMS content is kept only SMS_RETENTION_DAYS. Past that, every copy of
// the text and the code in D1 is erased (the rows stay so history and money still add up).
import { and, eq, inArray, isNotNull, lt, ne, notInArray, or, sql } from "drizzle-orm";
import { LIVE_STATUSES } from "../activations/view";
import type { Db } from "../db/client";
import {
  activationEvents,
  activations,
  securityEvents,
  simMessages,
  simRentals,
  smsMessages,
  supportTickets,
} from "../db/schema";
import type { Env } from "../env";
import { securityLogRetentionDays, smsRetentionDays, supportRetentionDays } from "./data-map";

const DAY_MS = 24 * 60 * 60 * 1000;

// Events replay the SMS to watchers: they carry the latest code and the message itself.
const scrubbedEventData = sql`json_set(${activationEvents.data}, '$.code', NULL, '$.sms.text', NULL, '$.sms.code', NULL)`;
const eventHasContent = or(
  sql`json_extract(${activationEvents.data}, '$.code') IS NOT NULL`,
  sql`json_extract(${activationEvents.data}, '$.sms.text') IS NOT NULL`,
);

/** Statements that erase the SMS text and codes of every activation of one customer. */
export const scrubSmsOfUser = (db: Db, userId: string) => {
  const owned = db.select({ id: activations.id }).from(activations).where(eq(activations.userId, userId));
  return [
    db.update(smsMessages).set({ text: null, code: null }).where(inArray(smsMessages.activationId, owned)),
    db
      .update(activationEvents)
      .set({ data: scrubbedEventData })
      .where(and(inArray(activationEvents.activationId, owned), eventHasContent)),
    db.update(activations).set({ code: null }).where(eq(activations.userId, userId)),
  ] as const;
};

export const purgeExpiredSmsContent = async (db: Db, at: number, retentionDays: number) => {
  const cutoff = at - retentionDays * DAY_MS;
  const [messages] = await db.batch([
    db
      .update(smsMessages)
      .set({ text: null, code: null })
      .where(
        and(lt(smsMessages.receivedAt, cutoff), or(isNotNull(smsMessages.text), isNotNull(smsMessages.code))),
      ),
    db
      .update(activationEvents)
      .set({ data: scrubbedEventData })
      .where(and(lt(activationEvents.createdAt, cutoff), eventHasContent)),
    db
      .update(activations)
      .set({ code: null })
      .where(
        and(
          lt(activations.updatedAt, cutoff),
          isNotNull(activations.code),
          notInArray(activations.status, [...LIVE_STATUSES]),
        ),
      ),
  ]);
  return messages.meta.changes;
};

/**
 * The rest of the retention schedule (src/privacy/data-map.ts): the security log (also failed
 * sign-ins of unknown emails), closed support tickets, and the simulator's records of SMS and rentals.
 */
export const purgeByRetention = async (env: Env, db: Db, at: number) => {
  const securityCutoff = at - securityLogRetentionDays(env) * DAY_MS;
  const supportCutoff = at - supportRetentionDays(env) * DAY_MS;
  const smsCutoff = at - smsRetentionDays(env) * DAY_MS;
  await db.batch([
    db.delete(securityEvents).where(lt(securityEvents.createdAt, securityCutoff)),
    db
      .delete(supportTickets)
      .where(and(eq(supportTickets.status, "closed"), lt(supportTickets.closedAt, supportCutoff))),
    db
      .delete(simMessages)
      .where(and(lt(simMessages.receivedAt, smsCutoff), ne(simMessages.status, "pending"))),
    db.delete(simRentals).where(and(ne(simRentals.status, "active"), lt(simRentals.endedAt, smsCutoff))),
  ]);
};
