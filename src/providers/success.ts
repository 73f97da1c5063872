// Success rate per upstream × service × country: codes received / numbers rented, over the
// activations that ended in a rolling window. Read straight from the activations rows, which the
// rooms write through as each activation ends, so the figure is always current and never counted
// twice.
import { sql } from "drizzle-orm";
import { isRealAccount } from "../accounts/test-mode";
import type { Db } from "../db/client";

export const SUCCESS_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Fewer ended rentals than this and a route counts as not measured yet. */
export const MIN_SAMPLES = 5;

export type RouteOutcomes = { rented: number; received: number };

export const routeKey = (provider: string, service: string, country: number) =>
  `${provider}\u0000${service}\u0000${country}`;

/**
 * Outcomes per route ended since `since`; only rooms that started count (last_seq > 0), and never a
 * test account's (test mode: play orders say nothing about an upstream).
 */
export const routeOutcomes = async (
  db: Db,
  at: number,
  filter: { service?: string; country?: number } = {},
): Promise<Map<string, RouteOutcomes>> => {
  const since = at - SUCCESS_WINDOW_MS;
  const rows = await db.all<{
    provider: string;
    service: string;
    country: number;
    rented: number;
    received: number;
  }>(sql`
    SELECT provider, service, country, COUNT(*) AS rented,
      SUM(CASE WHEN status = 'finished' THEN 1 ELSE 0 END) AS received
    FROM activations
    WHERE ended_at >= ${since} AND last_seq > 0 AND status IN ('finished', 'cancelled', 'expired')
      AND ${isRealAccount("user_id")}
      ${filter.service === undefined ? sql`` : sql`AND service = ${filter.service}`}
      ${filter.country === undefined ? sql`` : sql`AND country = ${filter.country}`}
    GROUP BY provider, service, country`);
  return new Map(
    rows.map((r) => [routeKey(r.provider, r.service, r.country), { rented: r.rented, received: r.received }]),
  );
};

/** The measured rate, or null while there are too few samples to say. */
export const successRate = (o: RouteOutcomes | undefined): number | null =>
  o && o.rented >= MIN_SAMPLES ? o.received / o.rented : null;
