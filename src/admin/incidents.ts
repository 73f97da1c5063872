// What a breach response needs: end every session at once, find who was active in a window, and
// write to customers through the email adapter — rate limited (NOTIFY_LIMITER) and logged.
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, gt, inArray, isNull, sql } from "drizzle-orm";
import { sendEmail } from "../accounts/email";
import { q, runBatch } from "../billing/statements";
import type { Db } from "../db/client";
import { users } from "../db/schema";
import { AppError } from "../lib/errors";
import { log } from "../lib/log";
import { createRouter, errorResponse, jsonBody, jsonContent } from "../lib/openapi";
import { iso, now } from "../lib/time";
import { actorOf, auditStatement, recordAudit } from "./audit";

export const incidentsAdmin = createRouter();

const unauthorized = errorResponse("UNAUTHORIZED");
const Reason = z.string().trim().min(1).max(500);

incidentsAdmin.openapi(
  createRoute({
    method: "post",
    path: "/sessions/revoke-all",
    tags: ["Incidents"],
    summary: "Revoke every live session of every customer (e.g. after SESSION_SECRET leaked)",
    request: { body: jsonBody(z.object({ reason: Reason })) },
    responses: {
      200: jsonContent(z.object({ revoked: z.number().int() }), "How many sessions ended"),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
    },
  }),
  async (c) => {
    const at = now();
    const [, revoked] = await runBatch(c.get("db"), [
      // Counted inside the batch, before the update: the record says exactly what was ended.
      auditStatement({
        ...actorOf(c),
        action: "sessions.revoke_all",
        target: "all",
        before: q`json_object('liveSessions', (SELECT count(*) FROM sessions WHERE revoked_at IS NULL))`,
        after: { liveSessions: 0 },
        reason: c.req.valid("json").reason,
      }),
      q`UPDATE sessions SET revoked_at = ${at} WHERE revoked_at IS NULL`,
    ]);
    return c.json({ revoked: revoked?.meta.changes ?? 0 }, 200);
  },
);

const Instant = z.iso.datetime({ offset: true });

/** Customers active in [since, until): account events, new sessions and orders; by IP where given. */
export const affectedUsers = async (db: Db, window: { since: number; until: number; ip?: string }) => {
  const { since, until, ip } = window;
  const byIp = ip === undefined ? sql`1` : sql`ip = ${ip}`;
  return db.all<{
    userId: string;
    email: string;
    firstAt: number;
    lastAt: number;
    ips: string | null;
    events: number;
  }>(sql`
    WITH activity (user_id, at, ip) AS (
      SELECT user_id, created_at, ip FROM security_events
        WHERE user_id IS NOT NULL AND created_at >= ${since} AND created_at < ${until} AND ${byIp}
      UNION ALL
      SELECT user_id, created_at, ip FROM sessions WHERE created_at >= ${since} AND created_at < ${until} AND ${byIp}
      UNION ALL
      SELECT user_id, created_at, NULL FROM activations
        WHERE created_at >= ${since} AND created_at < ${until} AND ${ip === undefined ? sql`1` : sql`0`}
    )
    SELECT u.id AS userId, u.email AS email, MIN(a.at) AS firstAt, MAX(a.at) AS lastAt,
      group_concat(DISTINCT a.ip) AS ips, count(*) AS events
    FROM activity a JOIN users u ON u.id = a.user_id
    WHERE u.deleted_at IS NULL
    GROUP BY u.id ORDER BY firstAt`);
};

incidentsAdmin.openapi(
  createRoute({
    method: "get",
    path: "/incidents/affected-users",
    tags: ["Incidents"],
    summary: "Who was active in a window (sign-ins, sessions, orders), optionally from one IP",
    request: {
      query: z.object({ since: Instant, until: Instant, ip: z.string().min(1).max(64).optional() }),
    },
    responses: {
      200: jsonContent(
        z.object({ items: z.array(z.object({ userId: z.string() }).passthrough()) }),
        "Customers",
      ),
      400: errorResponse("VALIDATION_FAILED or BAD_WINDOW"),
      401: unauthorized,
    },
  }),
  async (c) => {
    const { since, until, ip } = c.req.valid("query");
    const window = { since: Date.parse(since), until: Date.parse(until), ip };
    if (window.until <= window.since) throw new AppError(400, "BAD_WINDOW", "until must be after since.");
    const rows = await affectedUsers(c.get("db"), window);
    const items = rows.map((r) => ({
      userId: r.userId,
      email: r.email,
      firstAt: iso(r.firstAt),
      lastAt: iso(r.lastAt),
      ips: r.ips ? r.ips.split(",") : [],
      events: r.events,
    }));
    return c.json({ items }, 200);
  },
);

// One request sends at most this many emails; the CLI pages through the rest.
export const NOTIFY_PAGE = 50;

const NotifyBody = z
  .object({
    subject: z.string().trim().min(1).max(200),
    body: z.string().min(1).max(20_000),
    all: z.boolean().optional().openapi({ description: "every customer with an account" }),
    after: z
      .string()
      .max(64)
      .optional()
      .openapi({ description: "with all: the nextCursor of the last page" }),
    users: z
      .array(z.string().min(1).max(320))
      .max(NOTIFY_PAGE)
      .optional()
      .openapi({ description: "usr_… ids or emails" }),
    reason: Reason.optional(),
  })
  .refine((b) => (b.all === true) !== (b.users !== undefined), {
    message: "Send either all: true or users",
    path: ["users"],
  });

incidentsAdmin.openapi(
  createRoute({
    method: "post",
    path: "/notify",
    tags: ["Incidents"],
    summary: "Email customers through the email adapter (rate limited, logged)",
    description:
      `At most ${NOTIFY_PAGE} recipients per request. Past NOTIFY_LIMITER's budget the request stops ` +
      "and answers `retryAfter` (seconds) with the recipients not yet written to in `remaining`.",
    request: { body: jsonBody(NotifyBody) },
    responses: {
      200: jsonContent(
        z.object({
          sent: z.array(z.string()),
          failed: z.array(z.string()),
          unknown: z.array(z.string()),
          remaining: z.array(z.string()),
          nextCursor: z.string().nullable(),
          retryAfter: z.number().int().nullable(),
        }),
        "What happened to each recipient",
      ),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
    },
  }),
  async (c) => {
    const db = c.get("db");
    const input = c.req.valid("json");
    const live = isNull(users.deletedAt);
    const recipients = input.all
      ? await db
          .select({ id: users.id, email: users.email })
          .from(users)
          .where(and(live, input.after ? gt(users.id, input.after) : undefined))
          .orderBy(asc(users.id))
          .limit(NOTIFY_PAGE)
          .all()
      : await db
          .select({ id: users.id, email: users.email })
          .from(users)
          .where(
            and(
              live,
              sql`(${inArray(users.id, input.users ?? [])} OR ${inArray(
                users.email,
                (input.users ?? []).map((u) => u.trim().toLowerCase()),
              )})`,
            ),
          )
          .orderBy(asc(users.id))
          .all();
    const found = new Set(recipients.flatMap((r) => [r.id, r.email]));
    const unknown = (input.users ?? []).filter((u) => !found.has(u) && !found.has(u.trim().toLowerCase()));
    const sent: string[] = [];
    const failed: string[] = [];
    let retryAfter: number | null = null;
    let index = 0;
    for (; index < recipients.length; index++) {
      const r = recipients[index] as { id: string; email: string };
      const { success } = await c.env.NOTIFY_LIMITER.limit({ key: "notify" });
      if (!success) {
        retryAfter = 60;
        break;
      }
      const ok = await sendEmail(
        c.env,
        db,
        { to: r.email, subject: input.subject, body: input.body },
        c.get("requestId"),
      );
      log(c.get("requestId"), "operator_notify", {
        userId: r.id,
        delivered: ok,
        operator: c.get("operator").id,
      });
      (ok ? sent : failed).push(r.id);
    }
    const remaining = recipients.slice(index).map((r) => r.id);
    // The page's last id even when the limiter stopped it short: `remaining` carries the rest of the page.
    const nextCursor =
      input.all && recipients.length === NOTIFY_PAGE ? (recipients.at(-1)?.id ?? null) : null;
    if (sent.length + failed.length > 0) {
      await recordAudit(db, {
        ...actorOf(c),
        action: "notify.send",
        target: input.all ? "all" : `${sent.length + failed.length} users`,
        after: { subject: input.subject, sent, failed },
        reason: input.reason ?? null,
      });
    }
    return c.json({ sent, failed, unknown, remaining, nextCursor, retryAfter }, 200);
  },
);
