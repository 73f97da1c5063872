// provider_status: one row per upstream with what its last sync found and, when an operator must act
// (our wallet there is empty or low, the key is refused, the upstream keeps failing), an alert. Every
// alert is also a structured log line, `provider_alert`; operators read the table through
// GET /admin/api/v1/providers (`ops providers list`).
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { log } from "../lib/log";
import { now } from "../lib/time";

export type SyncReport = {
  name: string;
  enabled: boolean;
  balance: number | null;
  ok: boolean;
  error: string | null;
  alert: string | null;
};

/** The result of one sync: a success clears the error and the alert; a failure keeps the last sync time. */
export const recordSync = async (db: Db, report: SyncReport, requestId?: string): Promise<void> => {
  const at = now();
  await db.run(sql`INSERT INTO provider_status (name, enabled, balance, last_sync_at, last_error, alert, updated_at)
    VALUES (${report.name}, ${report.enabled ? 1 : 0}, ${report.balance}, ${report.ok ? at : null}, ${report.error},
      ${report.alert}, ${at})
    ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled,
      balance = COALESCE(excluded.balance, provider_status.balance),
      last_sync_at = COALESCE(excluded.last_sync_at, provider_status.last_sync_at),
      last_error = excluded.last_error, alert = excluded.alert, updated_at = excluded.updated_at`);
  if (report.alert)
    log(requestId, "provider_alert", { provider: report.name, alert: report.alert, error: report.error });
};

/** An alert raised outside the sync (an order met NO_BALANCE or BAD_KEY): kept until the next good sync. */
export const raiseAlert = async (db: Db, name: string, alert: string, error: string, requestId?: string) => {
  const at = now();
  await db.run(sql`INSERT INTO provider_status (name, enabled, last_error, alert, updated_at)
    VALUES (${name}, 1, ${error}, ${alert}, ${at})
    ON CONFLICT (name) DO UPDATE SET last_error = excluded.last_error, alert = excluded.alert,
      updated_at = excluded.updated_at`);
  log(requestId, "provider_alert", { provider: name, alert, error });
};

export const listProviderStatus = (db: Db) =>
  db.all<{
    name: string;
    enabled: number;
    balance: number | null;
    last_sync_at: number | null;
    last_error: string | null;
    alert: string | null;
    updated_at: number;
  }>(sql`SELECT * FROM provider_status ORDER BY name`);
