// The operators' audit log: one append-only row per change an operator makes (who, what, before →
// after, why, which request). Write it in the same D1 batch as the change where the change is a D1
// write, so neither exists without the other.
import { desc, gte } from "drizzle-orm";
import { Fragment, q } from "../billing/statements";
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

/**
 * The audit row as raw SQL, for batches of raw statements (the ledger's): `before`/`after` may be SQL
 * expressions read inside the batch (so they are exact), and `when` makes the row conditional on the
 * change having happened (e.g. the ledger entry existing).
 */
export const auditStatement = (
  entry: Omit<AuditEntry, "before" | "after"> & { before?: unknown; after?: unknown },
  when: Fragment = q`1`,
): Fragment => {
  const value = (v: unknown) => (v instanceof Fragment ? v : v === undefined ? null : JSON.stringify(v));
  return q`INSERT INTO operator_audit (id, at, operator, action, target, before, after, reason, request_id)
    SELECT ${newId("aud")}, ${now()}, ${entry.operator.id}, ${entry.action}, ${entry.target},
      ${value(entry.before)}, ${value(entry.after)}, ${entry.reason ?? null}, ${entry.requestId ?? null}
    WHERE ${when}`;
};

/** A drizzle query as a raw statement, to share a batch with auditStatement. */
export const asStatement = (query: { toSQL(): { sql: string; params: unknown[] } }): Fragment => {
  const { sql, params } = query.toSQL();
  return new Fragment(sql, params);
};

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

/** Who acts and in which request: the part of every audit row a route knows from its context. */
export const actorOf = (c: { get(key: "operator"): Operator; get(key: "requestId"): string }) => ({
  operator: c.get("operator"),
  requestId: c.get("requestId"),
});
