// The account's own audit trail: what happened, from which IP and browser. Users can read theirs.
import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { securityEvents } from "../db/schema";
import { newId } from "../lib/ids";
import { iso, now } from "../lib/time";
import type { RequestMeta } from "./request-meta";

export type SecurityEventKind =
  | "signup"
  | "login_ok"
  | "login_failed"
  | "logout"
  | "logout_all"
  | "session_revoked"
  | "totp_enabled"
  | "totp_disabled"
  | "password_changed"
  | "password_change_failed"
  | "password_check_failed"
  | "password_reset"
  | "password_reset_requested"
  | "key_created"
  | "key_revoked"
  | "email_verified"
  | "email_change_requested"
  | "email_changed";

const LIST_LIMIT = 100;

/** The insert as a query, so callers can put it in the same batch as the change it records. */
export const securityEvent = (
  db: Db,
  userId: string | null,
  kind: SecurityEventKind,
  meta: RequestMeta,
  detail: string | null = null,
) =>
  db.insert(securityEvents).values({
    id: newId("sev"),
    userId,
    kind,
    detail,
    ip: meta.ip,
    userAgent: meta.userAgent,
    createdAt: now(),
  });

export const listSecurityEvents = async (db: Db, userId: string) => {
  const rows = await db
    .select()
    .from(securityEvents)
    .where(eq(securityEvents.userId, userId))
    // rowid breaks ties within one millisecond in insertion order.
    .orderBy(desc(securityEvents.createdAt), desc(sql`rowid`))
    .limit(LIST_LIMIT)
    .all();
  return rows.map((row) => ({
    kind: row.kind,
    detail: row.detail,
    ip: row.ip,
    userAgent: row.userAgent,
    createdAt: iso(row.createdAt),
  }));
};
