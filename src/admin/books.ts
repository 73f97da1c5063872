// Operators and the books: the ledger invariant over the whole database, and the figures of a period.
import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { isRealAccount } from "../accounts/test-mode";
import { verifyLedger } from "../billing/ledger";
import type { Db } from "../db/client";
import { createRouter, errorResponse, jsonContent } from "../lib/openapi";
import { iso, now } from "../lib/time";

export const booksAdmin = createRouter();

const unauthorized = errorResponse("UNAUTHORIZED");

/** Every balance equals its entries (verifyLedger), and every held amount equals its pending holds. */
export const checkBooks = async (db: Db) => {
  const ledger = await verifyLedger(db);
  const holdMismatches = await db.all<{ userId: string; held: number; pendingHolds: number }>(sql`
    SELECT u.id AS userId, u.held AS held, COALESCE(SUM(h.amount), 0) AS pendingHolds
    FROM users u LEFT JOIN holds h ON h.user_id = u.id AND h.status = 'pending'
    GROUP BY u.id HAVING u.held != pendingHolds`);
  const [counts] = await db.all<{ users: number; entries: number }>(sql`
    SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM ledger_entries) AS entries`);
  return {
    ok: ledger.ok && holdMismatches.length === 0,
    users: counts?.users ?? 0,
    entries: counts?.entries ?? 0,
    mismatches: ledger.mismatches,
    holdMismatches,
  };
};

booksAdmin.openapi(
  createRoute({
    method: "get",
    path: "/ledger/check",
    tags: ["Books"],
    summary: "The ledger invariant over the whole database",
    description: "`ok: false` lists every account whose balance or held amount its records do not explain.",
    responses: {
      200: jsonContent(z.object({ ok: z.boolean() }).passthrough(), "The check"),
      401: unauthorized,
    },
  }),
  async (c) => c.json(await checkBooks(c.get("db")), 200),
);

/**
 * Figures of the activations ordered since `since`, with money as the ledger recorded it. Test
 * accounts' play money and orders (test mode) are no business: they are left out of every figure.
 */
export const statsSince = async (db: Db, since: number) => {
  const real = isRealAccount("a.user_id");
  const [money] = await db.all<{ revenue: number; cost: number; unknownCost: number; charged: number }>(sql`
    SELECT COALESCE(SUM(a.price), 0) AS revenue, COALESCE(SUM(a.upstream_cost), 0) AS cost,
      COALESCE(SUM(a.upstream_cost IS NULL), 0) AS unknownCost, count(*) AS charged
    FROM activations a JOIN holds h ON h.reference = a.id AND h.status = 'posted'
    WHERE a.created_at >= ${since} AND ${real}`);
  const [refunds] = await db.all<{ refunded: number }>(sql`
    SELECT COALESCE(SUM(e.amount), 0) AS refunded FROM ledger_entries e
    JOIN activations a ON a.id = e.reference
    WHERE e.idempotency_key LIKE 'activation_refund:%' AND a.created_at >= ${since} AND ${real}`);
  const [topUps] = await db.all<{ topUps: number }>(sql`
    SELECT COALESCE(SUM(amount), 0) AS topUps FROM ledger_entries
    WHERE kind = 'top_up' AND created_at >= ${since} AND ${isRealAccount("user_id")}`);
  const outcomes = await db.all<{ status: string; n: number }>(sql`
    SELECT status, count(*) AS n FROM activations a WHERE created_at >= ${since} AND ${real}
    GROUP BY status ORDER BY status`);
  const pairs = await db.all<{
    service: string;
    country: number;
    total: number;
    ended: number;
    charged: number;
  }>(sql`
    SELECT a.service AS service, a.country AS country, count(*) AS total,
      SUM(a.status IN ('finished', 'cancelled', 'expired')) AS ended,
      SUM(h.status = 'posted') AS charged
    FROM activations a LEFT JOIN holds h ON h.reference = a.id
    WHERE a.created_at >= ${since} AND ${real}
    GROUP BY a.service, a.country ORDER BY total DESC, a.service, a.country`);
  const revenue = (money?.revenue ?? 0) - (refunds?.refunded ?? 0);
  const cost = money?.cost ?? 0;
  return {
    since: iso(since),
    revenue,
    refunded: refunds?.refunded ?? 0,
    upstreamCost: cost,
    margin: revenue - cost,
    // Activations ordered before their cost was recorded: their cost is not in upstreamCost.
    chargedWithoutCost: money?.unknownCost ?? 0,
    topUps: topUps?.topUps ?? 0,
    activations: Object.fromEntries(outcomes.map((o) => [o.status, o.n])),
    charged: money?.charged ?? 0,
    // Success: a code arrived (the hold was posted), out of the activations that have ended.
    successByPair: pairs.map((p) => ({
      service: p.service,
      country: p.country,
      total: p.total,
      ended: p.ended,
      charged: p.charged ?? 0,
      successRate: p.ended > 0 ? Math.round(((p.charged ?? 0) / p.ended) * 1000) / 1000 : null,
    })),
  };
};

booksAdmin.openapi(
  createRoute({
    method: "get",
    path: "/stats",
    tags: ["Books"],
    summary: "Revenue, upstream cost, margin, activations by outcome, success by service × country",
    request: { query: z.object({ days: z.coerce.number().int().min(1).max(3650).default(30) }) },
    responses: {
      200: jsonContent(z.object({ revenue: z.number().int() }).passthrough(), "The figures"),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
    },
  }),
  async (c) => c.json(await statsSince(c.get("db"), now() - c.req.valid("query").days * 86_400_000), 200),
);
