// The operators' audit log: one append-only row per change an operator makes (who, what, before →
// after, why, which request). Write it in the same D1 batch as the change where the change is a D1
// write, so neither exists without the other.
import { desc, gte } from "drizzle-orm";
import type { Db } from "../db/client";
import { operatorAudit } from "../db/schema";
import { newId } from "../lib/ids";
import { now } from "../lib/time";
import type { Operator } from "./auth";

export type AuditEntry = {
  operator: Operator;
  action: string; // e.g. "user.credit", "price.set"
  target: string; // what it acted on: a user id, an activation id, "tg/16"
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  requestId?: string | null;
};

/** The insert as a query, to put in a db.batch([...]) beside the change it records. */
export const auditInsert = (db: Db, entry: AuditEntry) =>
  db.insert(operatorAudit).values({
    id: newId("aud"),
    at: now(),
    operator: entry.operator.id,
    action: entry.action,
    target: entry.target,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    reason: entry.reason ?? null,
    requestId: entry.requestId ?? null,
  });

export const recordAudit = async (db: Db, entry: AuditEntry): Promise<void> => {
  await auditInsert(db, entry).run();
};

export const listAudit = (db: Db, opts: { since?: number; limit: number }) =>
  db
    .select()
    .from(operatorAudit)
    .where(opts.since === undefined ? undefined : gte(operatorAudit.at, opts.since))
    .orderBy(desc(operatorAudit.at), desc(operatorAudit.id))
    .limit(opts.limit)
    .all();
