// "Export my data": everything the service keeps about one customer, as one JSON document, read from
// the data map (every D1 table that leads to the person) and from each activation's own object.
import { eq } from "drizzle-orm";
import { findTestAccount } from "../accounts/test-mode";
import type { Db } from "../db/client";
import { activations, users } from "../db/schema";
import type { Env } from "../env";
import { notFound } from "../lib/errors";
import { iso, isoOrNull } from "../lib/time";
import { DATA_MAP, ownedBy } from "./data-map";
import { currentPolicy } from "./policy";

type Row = Record<string, unknown>;

// Times are stored as UTC milliseconds and shown as ISO 8601, like everywhere else in the API.
const shape = (row: Row, secret: string[] = []): Row =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([column]) => !secret.includes(column))
      .map(([column, value]) =>
        /_at$/.test(column) && typeof value === "number" ? [column, iso(value)] : [column, value],
      ),
  );

/** Every mapped table's rows of this user, in one D1 batch. */
const tablesOf = async (db: Db, userId: string) => {
  const linked = DATA_MAP.flatMap((entry) => {
    const owned = ownedBy(entry);
    return owned ? [{ entry, owned }] : [];
  });
  const results = await db.$client.batch(
    linked.map(({ entry, owned }) =>
      // Table and column names come from the map, never from a request.
      db.$client
        .prepare(`SELECT * FROM ${entry.table} WHERE ${owned.where}`)
        .bind(...Array(owned.binds).fill(userId)),
    ),
  );
  return Object.fromEntries(
    linked.map(({ entry }, i) => [
      entry.table,
      ((results[i]?.results ?? []) as Row[]).map((row) => shape(row, entry.secret)),
    ]),
  );
};

/** Each activation's Durable Object keeps its own copy of events and messages. */
const roomsOf = async (env: Env, db: Db, userId: string) => {
  const activationIds = await db
    .select({ id: activations.id })
    .from(activations)
    .where(eq(activations.userId, userId))
    .all();
  return Promise.all(
    activationIds.map(async ({ id }) => ({
      activationId: id,
      ...(await env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(id)).exportCopy()),
    })),
  );
};

/** The customer's test account (test mode), apart: play money and simulated numbers, yours all the same. */
const testModePart = async (env: Env, db: Db, userId: string) => {
  const account = await findTestAccount(db, userId);
  if (!account) return null;
  return {
    about: "Your test mode: the test account your sk_test_ keys act as, with play money only",
    account: {
      id: account.id,
      createdAt: iso(account.createdAt),
      balance: { available: account.available, held: account.held, currency: account.currency },
    },
    tables: await tablesOf(db, account.id),
    rooms: await roomsOf(env, db, account.id),
  };
};

export const exportUserData = async (env: Env, db: Db, userId: string) => {
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw notFound("Account");
  const [tables, rooms, testMode] = await Promise.all([
    tablesOf(db, userId),
    roomsOf(env, db, userId),
    testModePart(env, db, userId),
  ]);
  return {
    exportedAt: iso(Date.now()),
    service: env.BRAND_NAME,
    policy: currentPolicy("privacy"),
    account: {
      id: user.id,
      email: user.email,
      emailVerifiedAt: isoOrNull(user.emailVerifiedAt),
      acceptedPolicyVersion: user.acceptedPolicyVersion,
      acceptedPolicyAt: iso(user.acceptedPolicyAt),
      adultAttestedAt: isoOrNull(user.adultAttestedAt),
      restrictedAt: isoOrNull(user.restrictedAt),
      createdAt: iso(user.createdAt),
      balance: { available: user.available, held: user.held, currency: user.currency },
      frozen: user.frozenAt != null,
    },
    /** Every table that refers to you, by its name in the database (docs/PRIVACY.md describes each). */
    tables,
    rooms,
    /** Test mode (sk_test_ keys), kept apart from the real account: null when never used. */
    testMode,
  };
};
