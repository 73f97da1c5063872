// Support tickets and privacy requests: plain functions for the customer's routes and the operators'.
// A ticket has a due time (SUPPORT_DUE_BUSINESS_HOURS business hours, the policy's 48–72 h promise);
// one waiting for us past it is overdue. An answer is emailed to the customer.
import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { sendEmail } from "../accounts/email";
import { auditInsert } from "../admin/audit";
import type { Operator } from "../admin/auth";
import type { Db } from "../db/client";
import { activations, supportMessages, supportTickets, users } from "../db/schema";
import type { Env } from "../env";
import { randomToken, sha256Hex } from "../lib/crypto";
import { AppError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { iso, isoOrNull, now } from "../lib/time";
import { supportDueHours } from "../privacy/facts";
import { addBusinessHours } from "./due";

export const PRIVACY_TYPES = [
  "access",
  "correction",
  "deletion",
  "restriction",
  "objection",
  "portability",
  "information",
  "complaint",
] as const;
export type PrivacyType = (typeof PRIVACY_TYPES)[number];

export type NewTicket = {
  subject: string;
  message: string;
  activationId?: string;
  privacyType?: PrivacyType;
};

type TicketRow = typeof supportTickets.$inferSelect;
type MessageRow = typeof supportMessages.$inferSelect;

const dueFrom = (env: Env, at: number) => addBusinessHours(at, supportDueHours(env));

const isOverdue = (t: TicketRow, at = now()) => t.status === "open" && t.dueAt < at;

export const ticketView = (t: TicketRow, messages?: MessageRow[]) => ({
  id: t.id,
  kind: t.kind,
  privacyType: t.privacyType as PrivacyType | null,
  subject: t.subject,
  activationId: t.activationId,
  status: t.status,
  createdAt: iso(t.createdAt),
  dueAt: iso(t.dueAt),
  overdue: isOverdue(t),
  answeredAt: isoOrNull(t.answeredAt),
  closedAt: isoOrNull(t.closedAt),
  ...(messages
    ? {
        messages: messages.map((m) => ({
          author: m.author,
          body: m.body,
          createdAt: iso(m.createdAt),
        })),
      }
    : {}),
});

export type TicketView = ReturnType<typeof ticketView>;

const messageInsert = (
  db: Db,
  ticketId: string,
  author: "customer" | "operator",
  body: string,
  operator?: string,
) =>
  db.insert(supportMessages).values({
    id: newId("tms"),
    ticketId,
    author,
    operator: operator ?? null,
    body,
    createdAt: now(),
  });

/** A signed-in customer's ticket or privacy request: the session is the identity check. */
export const openTicket = async (env: Env, db: Db, user: { id: string; email: string }, input: NewTicket) => {
  if (input.activationId) {
    const owned = await db
      .select({ id: activations.id })
      .from(activations)
      .where(and(eq(activations.id, input.activationId), eq(activations.userId, user.id)))
      .get();
    // Someone else's activation is unknown, exactly like a missing one.
    if (!owned) {
      throw new AppError(400, "VALIDATION_FAILED", "Some fields are missing or invalid.", [
        { path: "activationId", message: "No such activation on your account." },
      ]);
    }
  }
  const at = now();
  const id = newId("tkt");
  const row = {
    id,
    userId: user.id,
    email: user.email,
    kind: input.privacyType ? ("privacy" as const) : ("support" as const),
    privacyType: input.privacyType ?? null,
    subject: input.subject,
    activationId: input.activationId ?? null,
    status: "open" as const,
    verifiedBy: "session" as const,
    createdAt: at,
    dueAt: dueFrom(env, at),
    updatedAt: at,
  };
  await db.batch([db.insert(supportTickets).values(row), messageInsert(db, id, "customer", input.message)]);
  return getTicket(db, user.id, id);
};

const threadOf = (db: Db, ticketId: string) =>
  db
    .select()
    .from(supportMessages)
    .where(eq(supportMessages.ticketId, ticketId))
    .orderBy(asc(supportMessages.createdAt), asc(sql`rowid`))
    .all();

export const listTickets = async (db: Db, userId: string) => {
  const rows = await db
    .select()
    .from(supportTickets)
    .where(eq(supportTickets.userId, userId))
    .orderBy(desc(supportTickets.createdAt))
    .limit(100)
    .all();
  return rows.map((t) => ticketView(t));
};

export const getTicket = async (db: Db, userId: string, id: string) => {
  const t = await db
    .select()
    .from(supportTickets)
    .where(and(eq(supportTickets.id, id), eq(supportTickets.userId, userId)))
    .get();
  if (!t) throw notFound("Ticket");
  return ticketView(t, await threadOf(db, id));
};

/** The customer writes again: the ticket waits for us again, with a fresh due time. */
export const replyAsCustomer = async (env: Env, db: Db, userId: string, id: string, message: string) => {
  const t = await getTicket(db, userId, id);
  if (t.status === "closed")
    throw new AppError(409, "TICKET_CLOSED", "This ticket is closed; open a new one.");
  const at = now();
  await db.batch([
    messageInsert(db, id, "customer", message),
    db
      .update(supportTickets)
      .set({ status: "open", dueAt: dueFrom(env, at), updatedAt: at })
      .where(eq(supportTickets.id, id)),
  ]);
  return getTicket(db, userId, id);
};

// ── privacy requests sent without a session ─────────────────────────────────────────────────────

const confirmLink = (env: Env, token: string) =>
  `${env.PUBLIC_URL.replace(/\/+$/, "")}/#/support/confirm?token=${token}`;

/**
 * A privacy request from someone not signed in: nothing is acted on until the confirmation link sent
 * to that address is opened, so no one can file requests in another person's name.
 */
export const requestByEmail = async (
  env: Env,
  db: Db,
  input: { email: string; privacyType: PrivacyType; message: string },
  requestId?: string,
) => {
  const token = randomToken(32);
  const at = now();
  const id = newId("tkt");
  await db.batch([
    db.insert(supportTickets).values({
      id,
      userId: null,
      email: input.email,
      kind: "privacy",
      privacyType: input.privacyType,
      subject: `Privacy request: ${input.privacyType}`,
      status: "unverified",
      confirmTokenHash: await sha256Hex(token),
      createdAt: at,
      dueAt: dueFrom(env, at),
      updatedAt: at,
    }),
    messageInsert(db, id, "customer", input.message),
  ]);
  await sendEmail(
    env,
    db,
    {
      to: input.email,
      subject: `Confirm your privacy request to ${env.BRAND_NAME}`,
      body: `We received a privacy request (${input.privacyType}) for this address. To confirm that it comes from you, open:\n${confirmLink(env, token)}\n\nWe act on it only once it is confirmed. If you did not send it, ignore this message.`,
    },
    requestId,
  );
};

/** Opening the emailed link verifies the request; it then waits for us, tied to the account if any. */
export const confirmEmailedRequest = async (env: Env, db: Db, token: string) => {
  const hash = await sha256Hex(token);
  const at = now();
  const confirmed = await db
    .update(supportTickets)
    .set({
      status: "open",
      verifiedBy: "email_link",
      confirmTokenHash: null,
      userId: sql`(SELECT ${users.id} FROM ${users} WHERE ${users.email} = ${supportTickets.email} AND ${users.deletedAt} IS NULL)`,
      dueAt: dueFrom(env, at),
      updatedAt: at,
    })
    .where(and(eq(supportTickets.confirmTokenHash, hash), eq(supportTickets.status, "unverified")))
    .returning({ id: supportTickets.id })
    .get();
  if (!confirmed) throw new AppError(400, "INVALID_TOKEN", "This link is unknown or was already used.");
  return { id: confirmed.id };
};

// ── operators ───────────────────────────────────────────────────────────────────────────────────

export const listForOperators = async (db: Db, opts: { overdue: boolean; status?: TicketRow["status"] }) => {
  const at = now();
  const rows = await db
    .select()
    .from(supportTickets)
    .where(
      opts.overdue
        ? and(eq(supportTickets.status, "open"), lt(supportTickets.dueAt, at))
        : opts.status
          ? eq(supportTickets.status, opts.status)
          : inArray(supportTickets.status, ["open", "answered"]),
    )
    .orderBy(asc(supportTickets.dueAt))
    .limit(500)
    .all();
  return rows.map((t) => ({ ...ticketView(t), email: t.email, userId: t.userId, verifiedBy: t.verifiedBy }));
};

const operatorTicket = async (db: Db, id: string) => {
  const t = await db.select().from(supportTickets).where(eq(supportTickets.id, id)).get();
  if (!t) throw notFound("Ticket");
  return t;
};

export const showForOperators = async (db: Db, id: string) => {
  const t = await operatorTicket(db, id);
  return {
    ...ticketView(t, await threadOf(db, id)),
    email: t.email,
    userId: t.userId,
    verifiedBy: t.verifiedBy,
  };
};

export const answerTicket = async (
  env: Env,
  db: Db,
  operator: Operator,
  id: string,
  body: string,
  requestId?: string,
) => {
  const t = await operatorTicket(db, id);
  if (t.status === "unverified") {
    throw new AppError(409, "TICKET_UNVERIFIED", "This request is not confirmed by its sender yet.");
  }
  if (t.status === "closed") throw new AppError(409, "TICKET_CLOSED", "This ticket is closed.");
  const at = now();
  await db.batch([
    messageInsert(db, id, "operator", body, operator.id),
    db
      .update(supportTickets)
      .set({ status: "answered", answeredAt: at, updatedAt: at })
      .where(eq(supportTickets.id, id)),
    auditInsert(db, {
      operator,
      action: "ticket.answer",
      target: id,
      before: { status: t.status },
      after: { status: "answered" },
      requestId,
    }),
  ]);
  await sendEmail(
    env,
    db,
    {
      to: t.email,
      subject: `Re: ${t.subject}`,
      body: `${body}\n\n— ${env.BRAND_NAME} support. See the whole conversation in the dashboard: ${env.PUBLIC_URL.replace(/\/+$/, "")}/#/support/${id}`,
    },
    requestId,
  );
  return showForOperators(db, id);
};

export const closeTicket = async (db: Db, operator: Operator, id: string, requestId?: string) => {
  const t = await operatorTicket(db, id);
  if (t.status === "closed") return showForOperators(db, id);
  const at = now();
  await db.batch([
    db
      .update(supportTickets)
      .set({ status: "closed", closedAt: at, updatedAt: at, confirmTokenHash: null })
      .where(and(eq(supportTickets.id, id), isNull(supportTickets.closedAt))),
    auditInsert(db, {
      operator,
      action: "ticket.close",
      target: id,
      before: { status: t.status },
      after: { status: "closed" },
      requestId,
    }),
  ]);
  return showForOperators(db, id);
};
