// Reading activations from D1, the system of record for lists and history. Every query is scoped to
// the owner: another customer's activation is simply not found.
import { and, asc, desc, eq, inArray, lt, or, type SQL } from "drizzle-orm";
import type { UserRead } from "../accounts/auth";
import type { Db } from "../db/client";
import { activations, smsMessages } from "../db/schema";
import type { Env } from "../env";
import { base64url } from "../lib/crypto";
import { AppError, notFound } from "../lib/errors";
import { type ActivationStatus, type ActivationView, buildView, LIVE_STATUSES, type StoredSms } from "./view";

export type ActivationRow = typeof activations.$inferSelect;

export type ListQuery = {
  scope?: "active" | "history" | "all";
  status?: ActivationStatus;
  service?: string;
  country?: number;
  cursor?: string;
  limit?: number;
};

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

const HISTORY_STATUSES: ActivationStatus[] = ["finished", "cancelled", "expired"];

type SmsRow = typeof smsMessages.$inferSelect;

const viewsFrom = (env: Env, rows: ActivationRow[], sms: SmsRow[]): ActivationView[] => {
  const byActivation = new Map<string, Array<StoredSms & { charged: boolean }>>();
  for (const s of sms) {
    const list = byActivation.get(s.activationId) ?? [];
    list.push({ code: s.code, text: s.text, receivedAt: s.receivedAt, charged: s.charged });
    byActivation.set(s.activationId, list);
  }
  return rows.map((row) => {
    const messages = byActivation.get(row.id) ?? [];
    return buildView(env, { ...row, charged: messages.some((m) => m.charged) }, messages);
  });
};

const smsOrder = [asc(smsMessages.receivedAt), asc(smsMessages.id)] as const;

/** Views for rows of one owner, with their messages, in the rows' order. */
export const viewsOf = async (env: Env, db: Db, rows: ActivationRow[]): Promise<ActivationView[]> => {
  if (rows.length === 0) return [];
  const sms = await db
    .select()
    .from(smsMessages)
    .where(
      inArray(
        smsMessages.activationId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(...smsOrder)
    .all();
  return viewsFrom(env, rows, sms);
};

/**
 * One activation of `owner` with its messages: the row and its SMS in one batch. Polls (REST get,
 * handler_api getStatus) are the hottest reads, so this batch also rides along with the key's lookup
 * (requireUserReading): one D1 round trip for the whole request.
 */
export const ownedActivationRead = (env: Env, where: SQL): UserRead<ActivationView> => ({
  statements: (db, owner) => {
    const owned = and(eq(activations.userId, owner), where);
    return [
      db.select().from(activations).where(owned).limit(1),
      db
        .select()
        .from(smsMessages)
        .where(
          inArray(smsMessages.activationId, db.select({ id: activations.id }).from(activations).where(owned)),
        )
        .orderBy(...smsOrder),
    ];
  },
  result: (results) => {
    const [rows, sms] = results as [ActivationRow[], SmsRow[]];
    const [view] = viewsFrom(env, rows, sms);
    if (!view) throw notFound("Activation");
    return view;
  },
});

export const findOwned = async (db: Db, userId: string, where: SQL): Promise<ActivationRow> => {
  const row = await db
    .select()
    .from(activations)
    .where(and(eq(activations.userId, userId), where))
    .get();
  if (!row) throw notFound("Activation");
  return row;
};

export const findByIdempotencyKey = (db: Db, userId: string, key: string) =>
  db
    .select()
    .from(activations)
    .where(and(eq(activations.userId, userId), eq(activations.idempotencyKey, key)))
    .get();

export const countActive = async (db: Db, userId: string): Promise<number> =>
  db.$count(
    activations,
    and(eq(activations.userId, userId), inArray(activations.status, [...LIVE_STATUSES])),
  );

// A cursor names the last item of the previous page: newest first, ties broken by id.
const encodeCursor = (row: ActivationRow) =>
  base64url(new TextEncoder().encode(`${row.createdAt}:${row.id}`));

const decodeCursor = (cursor: string): { createdAt: number; id: string } => {
  try {
    const text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const m = /^(\d{1,15}):(act_[0-9a-z]+)$/.exec(text);
    if (m?.[1] && m[2]) return { createdAt: Number(m[1]), id: m[2] };
  } catch {
    // Falls through to the error below.
  }
  throw new AppError(
    400,
    "BAD_CURSOR",
    "This cursor is not one we handed out: pass nextCursor back unchanged, or none for the first page.",
  );
};

export const listOwned = async (
  env: Env,
  db: Db,
  userId: string,
  q: ListQuery,
): Promise<{ items: ActivationView[]; nextCursor: string | null }> => {
  const limit = Math.min(Math.max(q.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
  const filters: SQL[] = [eq(activations.userId, userId)];
  const scope = q.scope ?? "all";
  if (scope === "active") filters.push(inArray(activations.status, [...LIVE_STATUSES]));
  if (scope === "history") filters.push(inArray(activations.status, HISTORY_STATUSES));
  if (q.status) filters.push(eq(activations.status, q.status));
  if (q.service) filters.push(eq(activations.service, q.service));
  if (q.country !== undefined) filters.push(eq(activations.country, q.country));
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    const older = or(
      lt(activations.createdAt, c.createdAt),
      and(eq(activations.createdAt, c.createdAt), lt(activations.id, c.id)),
    );
    if (older) filters.push(older);
  }
  const rows = await db
    .select()
    .from(activations)
    .where(and(...filters))
    .orderBy(desc(activations.createdAt), desc(activations.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: await viewsOf(env, db, page),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
};
