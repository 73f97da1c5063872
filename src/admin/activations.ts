// Operators and activations: show one (events, upstream, cost, margin), cancel it through its room,
// refund a charged one through the ledger, and list the stuck ones.
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { LIVE_STATUSES } from "../activations/view";
import { refundActivationCharge } from "../billing/ledger";
import { q } from "../billing/statements";
import type { Db } from "../db/client";
import { activationEvents, activations, holds, ledgerEntries, smsMessages, users } from "../db/schema";
import type { Env } from "../env";
import { AppError } from "../lib/errors";
import { createRouter, errorResponse, jsonBody, jsonContent } from "../lib/openapi";
import { iso, isoOrNull, now } from "../lib/time";
import { actorOf, auditStatement, recordAudit } from "./audit";

export const activationsAdmin = createRouter();

const unauthorized = errorResponse("UNAUTHORIZED");
const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ example: "act_…" }) });
const Reason = z.string().trim().min(1).max(500);

const roomOf = (env: Env, id: string) => env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(id));

const findActivation = async (db: Db, id: string) => {
  const row = await db.select().from(activations).where(eq(activations.id, id)).get();
  if (!row) throw new AppError(404, "ACTIVATION_NOT_FOUND", `No activation ${id}.`);
  return row;
};

/** The whole story of one activation, from D1, as an operator needs it. */
const describe = async (db: Db, id: string) => {
  const row = await findActivation(db, id);
  const [owner, hold, events, sms, refund] = await Promise.all([
    db.select({ email: users.email }).from(users).where(eq(users.id, row.userId)).get(),
    db.select().from(holds).where(eq(holds.reference, id)).get(),
    db
      .select()
      .from(activationEvents)
      .where(eq(activationEvents.activationId, id))
      .orderBy(asc(activationEvents.seq))
      .all(),
    db
      .select()
      .from(smsMessages)
      .where(eq(smsMessages.activationId, id))
      .orderBy(asc(smsMessages.receivedAt))
      .all(),
    db
      .select()
      .from(ledgerEntries)
      .where(eq(ledgerEntries.idempotencyKey, `activation_refund:${id}`))
      .get(),
  ]);
  const charged = hold?.status === "posted";
  const refunded = refund ? refund.amount : 0;
  const revenue = charged ? row.price - refunded : 0;
  return {
    id: row.id,
    userId: row.userId,
    email: owner?.email ?? null,
    service: row.service,
    country: row.country,
    phone: row.phone,
    status: row.status,
    upstream: { provider: row.provider, providerRef: row.providerRef },
    price: row.price,
    cost: row.upstreamCost,
    currency: row.currency,
    hold: hold ? { id: hold.id, status: hold.status, amount: hold.amount } : null,
    charged,
    refunded,
    // What we keep: the price charged (less any refund) minus the provider's cost; the provider bills
    // a rental only when its code arrived, like we do.
    margin: charged && row.upstreamCost != null ? revenue - row.upstreamCost : null,
    createdAt: iso(row.createdAt),
    expiresAt: iso(row.expiresAt),
    endedAt: isoOrNull(row.endedAt),
    events: events.map((e) => ({ seq: e.seq, type: e.type, at: iso(e.createdAt), data: e.data })),
    sms: sms.map((m) => ({ code: m.code, text: m.text, charged: m.charged, receivedAt: iso(m.receivedAt) })),
  };
};

const Detail = z.object({ id: z.string(), status: z.string() }).passthrough();

activationsAdmin.openapi(
  createRoute({
    method: "get",
    path: "/stuck",
    tags: ["Activations"],
    summary: "Live activations past their expiry, and rooms that still owe D1, the ledger or the provider",
    responses: {
      200: jsonContent(
        z.object({ items: z.array(z.object({ id: z.string() }).passthrough()) }),
        "Stuck ones",
      ),
      401: unauthorized,
    },
  }),
  async (c) => {
    const db = c.get("db");
    // The sweep leaves a minute of grace past expiry for the room's own alarm; so do we.
    const overdue = now() - 60_000;
    const live = await db
      .select()
      .from(activations)
      .where(inArray(activations.status, [...LIVE_STATUSES]))
      .orderBy(asc(activations.expiresAt))
      .limit(200)
      .all();
    // A room keeps retrying what it owes after the end (provider calls, the hold): look at the last hour's.
    const recentlyEnded = await db
      .select()
      .from(activations)
      .where(
        and(
          gt(activations.updatedAt, now() - 3_600_000),
          inArray(activations.status, ["finished", "cancelled", "expired"]),
        ),
      )
      .limit(100)
      .all();
    const items = [];
    for (const row of [...live, ...recentlyEnded]) {
      const room = await roomOf(c.env, row.id).inspect();
      const problems: string[] = [];
      if (row.expiresAt < overdue) problems.push("live_past_expiry");
      if (!room) problems.push("room_missing");
      else {
        if (room.syncedSeq < room.lastSeq || row.lastSeq < room.lastSeq) problems.push("unsynced_events");
        if (room.hold === "post" || room.hold === "void") problems.push(`hold_${room.hold}_owed`);
        if (room.providerOps.length > 0) problems.push(`provider_owed:${room.providerOps.join(",")}`);
      }
      if (problems.length === 0) continue;
      items.push({
        id: row.id,
        userId: row.userId,
        status: row.status,
        roomStatus: room?.status ?? null,
        expiresAt: iso(row.expiresAt),
        d1Seq: row.lastSeq,
        roomSeq: room?.lastSeq ?? null,
        problems,
      });
    }
    return c.json({ items }, 200);
  },
);

activationsAdmin.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Activations"],
    summary: "One activation: owner, events, SMS, upstream, cost, margin",
    request: { params: IdParam },
    responses: {
      200: jsonContent(Detail, "The activation"),
      401: unauthorized,
      404: errorResponse("ACTIVATION_NOT_FOUND"),
    },
  }),
  async (c) => c.json(await describe(c.get("db"), c.req.valid("param").id), 200),
);

activationsAdmin.openapi(
  createRoute({
    method: "post",
    path: "/{id}/cancel",
    tags: ["Activations"],
    summary: "Cancel through its room (also inside the early window); the hold is voided",
    request: { params: IdParam, body: jsonBody(z.object({ reason: Reason })) },
    responses: {
      200: jsonContent(Detail, "The activation now"),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
      404: errorResponse("ACTIVATION_NOT_FOUND"),
      409: errorResponse("BAD_TRANSITION: it has a code (refund it instead) or has ended"),
    },
  }),
  async (c) => {
    const db = c.get("db");
    const { id } = c.req.valid("param");
    const before = await findActivation(db, id);
    if (before.status === "cancelled") return c.json(await describe(db, id), 200);
    const result = await roomOf(c.env, id).cancel({ byOperator: true });
    if (!result.ok) {
      const { status, code, message, details } = result.error;
      throw new AppError(status, code, message, details);
    }
    // The room wrote the change through to D1 and voided the hold; the record follows it.
    await recordAudit(db, {
      ...actorOf(c),
      action: "activation.cancel",
      target: id,
      before: { status: before.status },
      after: { status: result.value.status },
      reason: c.req.valid("json").reason,
    });
    return c.json(await describe(db, id), 200);
  },
);

activationsAdmin.openapi(
  createRoute({
    method: "post",
    path: "/{id}/refund",
    tags: ["Activations"],
    summary: "Give a charged activation's price back (once)",
    request: { params: IdParam, body: jsonBody(z.object({ reason: Reason })) },
    responses: {
      200: jsonContent(
        z.object({ applied: z.boolean(), amount: z.number().int(), entryId: z.string(), userId: z.string() }),
        "applied false: it was refunded before; nothing moved now",
      ),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
      404: errorResponse("ACTIVATION_NOT_FOUND"),
      409: errorResponse("NOT_CHARGED"),
    },
  }),
  async (c) => {
    const db = c.get("db");
    const { id } = c.req.valid("param");
    const row = await findActivation(db, id);
    const result = await refundActivationCharge(db, id, (entryId) => [
      auditStatement(
        {
          ...actorOf(c),
          action: "activation.refund",
          target: id,
          before: q`json_object('available', (SELECT available FROM users WHERE id = ${row.userId}) - (SELECT amount FROM ledger_entries WHERE id = ${entryId}))`,
          after: q`json_object('available', (SELECT available FROM users WHERE id = ${row.userId}), 'refunded', (SELECT amount FROM ledger_entries WHERE id = ${entryId}), 'entry', ${entryId})`,
          reason: c.req.valid("json").reason,
        },
        q`EXISTS (SELECT 1 FROM ledger_entries WHERE id = ${entryId})`,
      ),
    ]);
    // The upstream hears of it after the money moved (asked again on a repeated refund, harmlessly).
    await roomOf(c.env, id).refunded();
    return c.json({ ...result, userId: row.userId }, 200);
  },
);
