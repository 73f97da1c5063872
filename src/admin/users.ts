// Operators and customers' accounts: find, show, credit, debit, freeze, unfreeze, revoke, erase.
// Money goes through the ledger, erasure through the self-service erasure, revocation through the
// accounts' own revocation queries; each change writes its audit row in the same D1 batch.
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { normaliseEmail } from "../accounts/account";
import { revokeAllApiKeys } from "../accounts/keys";
import { revokeAllSessions } from "../accounts/sessions";
import { LIVE_STATUSES } from "../activations/view";
import { type FreezeReason, freezeStatements, liftStatements } from "../billing/freezes";
import { operatorAdjustment } from "../billing/ledger";
import { q, runBatch } from "../billing/statements";
import type { Db } from "../db/client";
import {
  accountFreezes,
  activations,
  apiKeys,
  holds,
  ledgerEntries,
  securityEvents,
  sessions,
  topUps,
  users,
} from "../db/schema";
import { AppError } from "../lib/errors";
import { newId } from "../lib/ids";
import { createRouter, errorResponse, jsonBody, jsonContent } from "../lib/openapi";
import { iso, isoOrNull, now } from "../lib/time";
import { eraseAccountData } from "../privacy/erase";
import { actorOf, asStatement, auditStatement } from "./audit";

export const usersAdmin = createRouter();

type UserRow = typeof users.$inferSelect;

/** A user by id (usr_…) or email; an unknown one is 404 USER_NOT_FOUND. */
export const resolveUser = async (db: Db, ref: string): Promise<UserRow> => {
  const row = ref.startsWith("usr_")
    ? await db.select().from(users).where(eq(users.id, ref)).get()
    : await db
        .select()
        .from(users)
        .where(eq(users.email, normaliseEmail(ref)))
        .get();
  if (!row) throw new AppError(404, "USER_NOT_FOUND", `No user ${ref}.`);
  return row;
};

/** What an operator first wants to know about an account. */
const summaries = async (db: Db, rows: UserRow[]) => {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const [live, logins] = await Promise.all([
    db
      .select({ userId: activations.userId, n: sql<number>`count(*)` })
      .from(activations)
      .where(and(inArray(activations.userId, ids), inArray(activations.status, [...LIVE_STATUSES])))
      .groupBy(activations.userId)
      .all(),
    db
      .select({ userId: securityEvents.userId, at: sql<number>`max(${securityEvents.createdAt})` })
      .from(securityEvents)
      .where(and(inArray(securityEvents.userId, ids), eq(securityEvents.kind, "login_ok")))
      .groupBy(securityEvents.userId)
      .all(),
  ]);
  const liveOf = new Map(live.map((r) => [r.userId, r.n]));
  const loginOf = new Map(logins.map((r) => [r.userId, r.at]));
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    available: r.available,
    held: r.held,
    currency: r.currency,
    frozen: r.frozenAt != null,
    frozenAt: isoOrNull(r.frozenAt),
    frozenReason: r.frozenReason,
    liveNumbers: liveOf.get(r.id) ?? 0,
    lastLoginAt: isoOrNull(loginOf.get(r.id)),
    createdAt: iso(r.createdAt),
    erasedAt: isoOrNull(r.deletedAt),
    testOf: r.testOf,
  }));
};

const UserSummary = z.object({
  id: z.string(),
  email: z.string(),
  available: z.number().int(),
  held: z.number().int(),
  currency: z.string(),
  frozen: z.boolean(),
  frozenAt: z.string().nullable(),
  frozenReason: z.string().nullable(),
  liveNumbers: z.number().int(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  erasedAt: z.string().nullable(),
  testOf: z.string().nullable().openapi({
    description: "Set on a test account (test mode: play money only): the real account it belongs to",
  }),
});

const unauthorized = errorResponse("UNAUTHORIZED");
const notFoundUser = errorResponse("USER_NOT_FOUND");
const UserParam = z.object({
  user: z.string().min(1).max(320).openapi({ description: "usr_… id or email", example: "usr_…" }),
});
const Reason = z.string().trim().min(1).max(500).openapi({ description: "Why (kept in the audit log)" });

// ── find and show ────────────────────────────────────────────────────────────────────────────────

usersAdmin.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Customers"],
    summary: "Find customers by id, email or part of an email",
    request: { query: z.object({ q: z.string().trim().min(1).max(320) }) },
    responses: {
      200: jsonContent(z.object({ items: z.array(UserSummary) }), "Up to 20 matches"),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
    },
  }),
  async (c) => {
    const db = c.get("db");
    const { q: text } = c.req.valid("query");
    const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    const rows = await db
      .select()
      .from(users)
      .where(or(eq(users.id, text), sql`${users.email} LIKE ${pattern} ESCAPE '\\'`))
      .orderBy(desc(users.createdAt))
      .limit(20)
      .all();
    return c.json({ items: await summaries(db, rows) }, 200);
  },
);

usersAdmin.openapi(
  createRoute({
    method: "get",
    path: "/{user}",
    tags: ["Customers"],
    summary: "One customer: balance, holds, freeze, live numbers, logins, keys, recent ledger",
    request: { params: UserParam },
    responses: {
      200: jsonContent(z.object({ user: UserSummary }).passthrough(), "The customer"),
      401: unauthorized,
      404: notFoundUser,
    },
  }),
  async (c) => {
    const db = c.get("db");
    const user = await resolveUser(db, c.req.valid("param").user);
    const [summary] = await summaries(db, [user]);
    const [pendingHolds, liveNumbers, logins, keys, liveSessions, entries] = await Promise.all([
      db
        .select({ reference: holds.reference, amount: holds.amount, expiresAt: holds.expiresAt })
        .from(holds)
        .where(and(eq(holds.userId, user.id), eq(holds.status, "pending")))
        .all(),
      db
        .select({
          id: activations.id,
          service: activations.service,
          country: activations.country,
          status: activations.status,
          expiresAt: activations.expiresAt,
        })
        .from(activations)
        .where(and(eq(activations.userId, user.id), inArray(activations.status, [...LIVE_STATUSES])))
        .all(),
      db
        .select({ at: securityEvents.createdAt, ip: securityEvents.ip, kind: securityEvents.kind })
        .from(securityEvents)
        .where(
          and(eq(securityEvents.userId, user.id), inArray(securityEvents.kind, ["login_ok", "login_failed"])),
        )
        .orderBy(desc(securityEvents.createdAt))
        .limit(5)
        .all(),
      db.$count(apiKeys, and(eq(apiKeys.userId, user.id), isNull(apiKeys.revokedAt))),
      db.$count(sessions, and(eq(sessions.userId, user.id), isNull(sessions.revokedAt))),
      db
        .select()
        .from(ledgerEntries)
        .where(eq(ledgerEntries.userId, user.id))
        .orderBy(desc(sql`rowid`))
        .limit(10)
        .all(),
    ]);
    return c.json(
      {
        user: summary as z.infer<typeof UserSummary>,
        holds: pendingHolds.map((h) => ({ ...h, expiresAt: iso(h.expiresAt) })),
        liveActivations: liveNumbers.map((a) => ({ ...a, expiresAt: iso(a.expiresAt) })),
        lastLogins: logins.map((l) => ({ ...l, at: iso(l.at) })),
        liveKeys: keys,
        liveSessions,
        recentLedger: entries.map((e) => ({
          id: e.id,
          kind: e.kind,
          amount: e.amount,
          heldDelta: e.heldDelta,
          reference: e.reference,
          at: iso(e.createdAt),
        })),
      },
      200,
    );
  },
);

// ── money ────────────────────────────────────────────────────────────────────────────────────────

const AdjustBody = z.object({
  amount: z.number().int().positive().max(100_000_000).openapi({ description: "minor units" }),
  reason: Reason,
  key: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/)
    .optional()
    .openapi({ description: "Idempotency key: the same key never moves money twice" }),
});
const AdjustResult = z.object({
  applied: z.boolean().openapi({ description: "false: this key was used before; nothing moved now" }),
  entryId: z.string(),
  userId: z.string(),
  amount: z.number().int(),
  available: z.number().int(),
});

for (const direction of ["credit", "debit"] as const) {
  usersAdmin.openapi(
    createRoute({
      method: "post",
      path: `/{user}/${direction}`,
      tags: ["Customers"],
      summary:
        direction === "credit"
          ? "Credit the available balance (a ledger adjustment)"
          : "Debit the available balance; refused past it",
      request: { params: UserParam, body: jsonBody(AdjustBody) },
      responses: {
        200: jsonContent(AdjustResult, "The adjustment"),
        400: errorResponse("VALIDATION_FAILED"),
        401: unauthorized,
        404: notFoundUser,
        409: errorResponse("INSUFFICIENT_BALANCE, IDEMPOTENCY_MISMATCH or USER_ERASED"),
      },
    }),
    async (c) => {
      const db = c.get("db");
      const user = await resolveUser(db, c.req.valid("param").user);
      const { amount, reason, key } = c.req.valid("json");
      const signed = direction === "credit" ? amount : -amount;
      const reference = newId("adj");
      const result = await operatorAdjustment(
        db,
        {
          userId: user.id,
          amount: signed,
          reference,
          // Operators' keys live in a namespace of their own, apart from the system's keys.
          idempotencyKey: `operator:${key ?? reference}`,
        },
        (entryId) => [
          auditStatement(
            {
              ...actorOf(c),
              action: `user.${direction}`,
              target: user.id,
              before: q`json_object('available', (SELECT available FROM users WHERE id = ${user.id}) - ${signed})`,
              after: q`json_object('available', (SELECT available FROM users WHERE id = ${user.id}), 'entry', ${entryId}, 'key', ${key ?? null})`,
              reason,
            },
            q`EXISTS (SELECT 1 FROM ledger_entries WHERE id = ${entryId})`,
          ),
        ],
      );
      return c.json({ ...result, userId: user.id }, 200);
    },
  );
}

// ── freeze ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Freezes or unfreezes an account through its freeze reasons (billing/freezes.ts), with the audit
 * row, in one batch. A freeze adds the operator's own reason beside any other; an unfreeze lifts the
 * operator's reason and the shortfalls billing left for an operator to settle (a refund or chargeback
 * it could not take in full). A dispute freeze is not the operator's to lift: while a dispute is
 * still open the unfreeze is refused.
 */
const setFreeze = async (
  db: Db,
  user: UserRow,
  freeze: boolean,
  audit: Omit<Parameters<typeof auditStatement>[0], "action" | "target" | "before" | "after">,
) => {
  const inForce = await db
    .select({ reason: accountFreezes.reason, reference: accountFreezes.reference })
    .from(accountFreezes)
    .where(and(eq(accountFreezes.userId, user.id), isNull(accountFreezes.liftedAt)))
    .all();
  if (freeze && inForce.some((f) => f.reason === "operator")) {
    throw new AppError(409, "ALREADY_FROZEN", "This account is already frozen by an operator.", {
      frozenReason: user.frozenReason,
    });
  }
  if (!freeze) {
    const open = await db
      .select({ id: topUps.id })
      .from(topUps)
      .where(and(eq(topUps.userId, user.id), eq(topUps.disputeStatus, "open")))
      .get();
    if (open) {
      throw new AppError(409, "DISPUTE_OPEN", "A card dispute of this account is still open.", {
        topUp: open.id,
      });
    }
  }
  const liftable = inForce.filter((f) => f.reason === "operator" || f.reason === "shortfall");
  if (!freeze && liftable.length === 0) {
    throw new AppError(409, "NOT_FROZEN", "This account has no freeze an operator can lift.");
  }
  const at = now();
  const state = q`(SELECT json_object('frozenAt', frozen_at, 'frozenReason', frozen_reason) FROM users WHERE id = ${user.id})`;
  const change = freeze
    ? freezeStatements({
        userId: user.id,
        reason: "operator",
        reference: "operator",
        detail: q`${audit.reason ?? "Frozen by an operator."}`,
        at,
      })
    : liftStatements(
        user.id,
        liftable.map((f) => ({ reason: f.reason as FreezeReason, reference: f.reference })),
        at,
      );
  await runBatch(db, [
    ...change,
    auditStatement({
      ...audit,
      action: freeze ? "user.freeze" : "user.unfreeze",
      target: user.id,
      before:
        user.frozenAt == null
          ? { frozenAt: null, frozenReason: null }
          : { frozenAt: user.frozenAt, frozenReason: user.frozenReason },
      after: state,
    }),
  ]);
};

for (const action of ["freeze", "unfreeze"] as const) {
  usersAdmin.openapi(
    createRoute({
      method: "post",
      path: `/{user}/${action}`,
      tags: ["Customers"],
      summary: action === "freeze" ? "Freeze: no new orders" : "Unfreeze (settles a shortfall freeze)",
      request: { params: UserParam, body: jsonBody(z.object({ reason: Reason })) },
      responses: {
        200: jsonContent(z.object({ user: UserSummary }), "The account now"),
        400: errorResponse("VALIDATION_FAILED"),
        401: unauthorized,
        404: notFoundUser,
        409: errorResponse("ALREADY_FROZEN, NOT_FROZEN or DISPUTE_OPEN"),
      },
    }),
    async (c) => {
      const db = c.get("db");
      const user = await resolveUser(db, c.req.valid("param").user);
      await setFreeze(db, user, action === "freeze", { ...actorOf(c), reason: c.req.valid("json").reason });
      const [summary] = await summaries(db, [await resolveUser(db, user.id)]);
      return c.json({ user: summary as z.infer<typeof UserSummary> }, 200);
    },
  );
}

// ── revoke and erase ────────────────────────────────────────────────────────────────────────────

usersAdmin.openapi(
  createRoute({
    method: "post",
    path: "/{user}/revoke",
    tags: ["Customers"],
    summary: "Revoke every session and API key of the customer",
    request: { params: UserParam, body: jsonBody(z.object({ reason: Reason })) },
    responses: {
      200: jsonContent(z.object({ sessions: z.number().int(), keys: z.number().int() }), "What was revoked"),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
      404: notFoundUser,
    },
  }),
  async (c) => {
    const db = c.get("db");
    const user = await resolveUser(db, c.req.valid("param").user);
    const at = now();
    const [, sessionsRevoked, keysRevoked] = await runBatch(db, [
      auditStatement({
        ...actorOf(c),
        action: "user.revoke",
        target: user.id,
        before: q`json_object(
          'liveSessions', (SELECT count(*) FROM sessions WHERE user_id = ${user.id} AND revoked_at IS NULL),
          'liveKeys', (SELECT count(*) FROM api_keys WHERE user_id = ${user.id} AND revoked_at IS NULL))`,
        after: { liveSessions: 0, liveKeys: 0 },
        reason: c.req.valid("json").reason,
      }),
      asStatement(revokeAllSessions(db, user.id, at)),
      asStatement(revokeAllApiKeys(db, user.id, at)),
    ]);
    return c.json(
      { sessions: sessionsRevoked?.meta.changes ?? 0, keys: keysRevoked?.meta.changes ?? 0 },
      200,
    );
  },
);

usersAdmin.openapi(
  createRoute({
    method: "post",
    path: "/{user}/erase",
    tags: ["Customers"],
    summary: "Erase the account: the same erasure as the customer's own",
    request: {
      params: UserParam,
      body: jsonBody(z.object({ reason: Reason, forfeitBalance: z.boolean().default(false) })),
    },
    responses: {
      200: jsonContent(z.object({ userId: z.string(), erasedAt: z.string() }), "Erased"),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
      404: notFoundUser,
      409: errorResponse("ACTIVE_ACTIVATIONS or BALANCE_REMAINING (send forfeitBalance)"),
    },
  }),
  async (c) => {
    const db = c.get("db");
    const user = await resolveUser(db, c.req.valid("param").user);
    const { reason, forfeitBalance } = c.req.valid("json");
    const { erasedAt } = await eraseAccountData(c.env, db, user.id, { forfeitBalance }, (erased) =>
      auditStatement(
        {
          ...actorOf(c),
          action: "user.erase",
          target: user.id,
          // Not the email: the audit log must not keep what the erasure removes.
          before: { available: user.available, erased: false },
          after: { available: 0, erased: true },
          reason,
        },
        erased,
      ),
    );
    return c.json({ userId: user.id, erasedAt: iso(erasedAt) }, 200);
  },
);
