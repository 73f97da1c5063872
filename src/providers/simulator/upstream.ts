// The simulated upstream provider: what a remote SMS-activation provider does on its side. It owns
// the sim_* tables (never our own), rents numbers from a pool, keeps stock, receives SMS for its
// numbers and reports each one to our webhook over HTTP with a signed body. Failure modes let tests
// and demos see the bad days of a real provider.
import { exports } from "cloudflare:workers";
import { and, asc, eq, lte, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { simMessages, simNumbers, simOffers, simRentals, simSettings } from "../../db/schema";
import { type Env, int } from "../../env";
import { AppError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { log } from "../../lib/log";
import { iso, now } from "../../lib/time";
import { verificationSms } from "./messages";
import { SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from "./signature";
import { COUNTRIES, initialOffers, POOL_SIZE } from "./upstream-data.mjs";

export const SIM_MODES = [
  "normal",
  "no_sms",
  "late_sms",
  "duplicate_webhook",
  "acquire_error",
  "no_numbers",
  "slow_acquire",
] as const;

// Longer than any order waits for a number (PROVIDER_TIMEOUT_MS), so slow_acquire shows the timeout.
const SLOW_ACQUIRE_MS = 10_000;
export type SimMode = (typeof SIM_MODES)[number];
/** Modes that make sense for one number: they change what happens to its SMS. */
export const NUMBER_MODES: readonly SimMode[] = ["normal", "no_sms", "late_sms", "duplicate_webhook"];

// Any host works: the loopback runs the Worker's own routing, never the network.
const LOOPBACK = "http://simulator.internal";
const MAX_DELIVERY_ATTEMPTS = 5;
// D1 binds at most 100 parameters per statement.
const ROWS_PER_INSERT = 20;

const chunks = <T>(rows: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));

const randomInt = (below: number): number => (crypto.getRandomValues(new Uint32Array(1))[0] ?? 0) % below;

/** "+79#########" → "+79161234567": "#" any digit, "N" 2–9, "{a|b}" one of the alternatives. */
export const phoneFromFormat = (format: string): string =>
  format.replace(/\{([^}]*)\}|#|N/g, (token, alternatives?: string) => {
    if (alternatives !== undefined) {
      const options = alternatives.split("|");
      return options[randomInt(options.length)] ?? "";
    }
    return token === "#" ? String(randomInt(10)) : String(2 + randomInt(8));
  });

// Stands in for the provider's own numeric activation ids (sms-activate's are 9–10 digits).
const newRentalRef = (): string => `${1 + randomInt(9)}${String(randomInt(1e9)).padStart(9, "0")}`;

// ── stock and pool ──────────────────────────────────────────────────────────────────────────────

/** A fresh database gets the upstream's starting price list on first use. */
const ensureOffers = async (db: Db): Promise<void> => {
  const any = await db.select({ service: simOffers.service }).from(simOffers).limit(1).get();
  if (any) return;
  const inserts = chunks(initialOffers(), ROWS_PER_INSERT).map((rows) =>
    db.insert(simOffers).values(rows).onConflictDoNothing(),
  );
  const [first, ...rest] = inserts;
  if (first) await db.batch([first, ...rest]);
};

/** The pool's size per country: SIMULATOR_POOL_SIZE, or the upstream's default. */
export const poolSize = (env: Pick<Env, "SIMULATOR_POOL_SIZE">): number =>
  int(env.SIMULATOR_POOL_SIZE, POOL_SIZE);

const ensurePool = async (db: Db, country: number, size: number): Promise<void> => {
  const format = COUNTRIES[country]?.format;
  if (!format) return;
  const any = await db
    .select({ phone: simNumbers.phone })
    .from(simNumbers)
    .where(eq(simNumbers.country, country))
    .limit(1)
    .get();
  if (any) return;
  const rows = Array.from({ length: size }, () => ({ phone: phoneFromFormat(format), country }));
  const inserts = chunks(rows, ROWS_PER_INSERT * 2).map((part) =>
    db.insert(simNumbers).values(part).onConflictDoNothing(),
  );
  const [first, ...rest] = inserts;
  if (first) await db.batch([first, ...rest]);
};

export const listOffers = async (db: Db) => {
  await ensureOffers(db);
  return db.select().from(simOffers).orderBy(asc(simOffers.service), asc(simOffers.country)).all();
};

/** Test and demo control: change an offer's stock or cost. */
export const setOffer = async (
  db: Db,
  service: string,
  country: number,
  change: { stock?: number; cost?: number },
) => {
  await ensureOffers(db);
  const row = await db
    .update(simOffers)
    .set(change)
    .where(and(eq(simOffers.service, service), eq(simOffers.country, country)))
    .returning()
    .get();
  if (!row)
    throw new AppError(404, "BAD_SERVICE", `The upstream sells no ${service} numbers in country ${country}.`);
  return row;
};

// ── modes ───────────────────────────────────────────────────────────────────────────────────────

export const getMode = async (db: Db): Promise<SimMode> => {
  const row = await db.select().from(simSettings).where(eq(simSettings.key, "mode")).get();
  return (SIM_MODES as readonly string[]).includes(row?.value ?? "") ? (row?.value as SimMode) : "normal";
};

export const setMode = async (db: Db, mode: SimMode, phone?: string): Promise<void> => {
  if (phone === undefined) {
    await db
      .insert(simSettings)
      .values({ key: "mode", value: mode })
      .onConflictDoUpdate({ target: simSettings.key, set: { value: mode } })
      .run();
    return;
  }
  const row = await db
    .update(simNumbers)
    .set({ mode: mode === "normal" ? null : mode })
    .where(eq(simNumbers.phone, phone))
    .returning({ phone: simNumbers.phone })
    .get();
  if (!row) throw new AppError(404, "NO_NUMBER", `The upstream has no number ${phone}.`);
};

// ── rentals ─────────────────────────────────────────────────────────────────────────────────────

export type AcquireInput = { service: string; country: number; maxCost?: number; customerRef?: string };

export const acquire = async (db: Db, input: AcquireInput, pool = POOL_SIZE) => {
  const mode = await getMode(db);
  if (mode === "acquire_error")
    throw new AppError(503, "UNAVAILABLE", "The upstream is down (acquire_error mode).");
  if (mode === "no_numbers") throw new AppError(409, "NO_NUMBERS", "No numbers left (no_numbers mode).");
  // A provider that hangs: answers, far too late, that it has no number (so nothing is rented).
  if (mode === "slow_acquire") {
    await scheduler.wait(SLOW_ACQUIRE_MS);
    throw new AppError(409, "NO_NUMBERS", "No numbers left (slow_acquire mode).");
  }
  await ensureOffers(db);
  const offer = await db
    .select()
    .from(simOffers)
    .where(and(eq(simOffers.service, input.service), eq(simOffers.country, input.country)))
    .get();
  if (!offer) {
    throw new AppError(
      400,
      "BAD_SERVICE",
      `The upstream sells no ${input.service} numbers in country ${input.country}.`,
    );
  }
  if (input.maxCost !== undefined && offer.cost > input.maxCost) {
    throw new AppError(
      409,
      "NO_NUMBERS",
      `No numbers at or below ${input.maxCost}; the cost is ${offer.cost}.`,
    );
  }
  await ensurePool(db, input.country, pool);

  // One atomic batch: take a free number only while the offer has stock, count it out of stock only
  // if a number was taken, and record the rental. Concurrent acquires cannot oversell.
  const ref = newRentalRef();
  const { service, country } = input;
  const d1 = db.$client;
  await d1.batch([
    d1
      .prepare(
        `UPDATE sim_numbers SET rented_by = ?1
         WHERE rented_by IS NULL
           AND phone = (SELECT phone FROM sim_numbers WHERE country = ?2 AND rented_by IS NULL ORDER BY random() LIMIT 1)
           AND EXISTS (SELECT 1 FROM sim_offers WHERE service = ?3 AND country = ?2 AND stock > 0)`,
      )
      .bind(ref, country, service),
    d1
      .prepare(
        `UPDATE sim_offers SET stock = stock - 1
         WHERE service = ?1 AND country = ?2 AND EXISTS (SELECT 1 FROM sim_numbers WHERE rented_by = ?3)`,
      )
      .bind(service, country, ref),
    d1
      .prepare(
        `INSERT INTO sim_rentals (ref, phone, service, country, cost, customer_ref, status, created_at)
         SELECT ?1, phone, ?2, ?3, ?4, ?5, 'active', ?6 FROM sim_numbers WHERE rented_by = ?1`,
      )
      .bind(ref, service, country, offer.cost, input.customerRef ?? null, now()),
  ]);
  const rental = await db.select().from(simRentals).where(eq(simRentals.ref, ref)).get();
  if (!rental)
    throw new AppError(409, "NO_NUMBERS", `No ${input.service} numbers left in country ${input.country}.`);
  return { ref: rental.ref, phone: rental.phone, cost: rental.cost, service: rental.service };
};

const findRental = async (db: Db, ref: string) => {
  const rental = await db.select().from(simRentals).where(eq(simRentals.ref, ref)).get();
  if (!rental) throw new AppError(404, "NO_ACTIVATION", `The upstream has no activation ${ref}.`);
  return rental;
};

/** Ends a rental and frees its number; a cancelled number goes back into stock. Idempotent. */
export const endRental = async (db: Db, ref: string, status: "cancelled" | "finished") => {
  const rental = await findRental(db, ref);
  if (rental.status === status) return rental;
  if (rental.status !== "active") {
    throw new AppError(409, "WRONG_STATUS", `Activation ${ref} is already ${rental.status}.`);
  }
  const markEnded = db
    .update(simRentals)
    .set({ status, endedAt: now() })
    .where(and(eq(simRentals.ref, ref), eq(simRentals.status, "active")));
  // Runs before the number is freed, so that a second concurrent cancel finds nothing to give back.
  const giveBack = db
    .update(simOffers)
    .set({ stock: sql`${simOffers.stock} + 1` })
    .where(
      and(
        eq(simOffers.service, rental.service),
        eq(simOffers.country, rental.country),
        sql`EXISTS (SELECT 1 FROM ${simNumbers} WHERE ${simNumbers.rentedBy} = ${ref})`,
      ),
    );
  const freeNumber = db.update(simNumbers).set({ rentedBy: null }).where(eq(simNumbers.rentedBy, ref));
  await (status === "cancelled"
    ? db.batch([markEnded, giveBack, freeNumber])
    : db.batch([markEnded, freeNumber]));
  return findRental(db, ref);
};

export const requireActiveRental = async (db: Db, ref: string) => {
  const rental = await findRental(db, ref);
  if (rental.status !== "active") {
    throw new AppError(409, "WRONG_STATUS", `Activation ${ref} is ${rental.status}.`);
  }
  return rental;
};

// ── SMS and webhooks ────────────────────────────────────────────────────────────────────────────

type Message = typeof simMessages.$inferSelect;

const postWebhook = async (env: Env, message: Message): Promise<boolean> => {
  const body = JSON.stringify({
    messageId: message.id,
    providerRef: message.rentalRef,
    phone: message.phone,
    text: message.text,
    receivedAt: iso(message.receivedAt),
  });
  const timestamp = Math.floor(now() / 1000);
  const signature = await signPayload(env.SIMULATOR_WEBHOOK_SECRET ?? "", timestamp, body);
  try {
    const res = await exports.default.fetch(
      new Request(`${LOOPBACK}/webhooks/providers/simulator`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signature,
        },
        body,
      }),
    );
    return res.ok;
  } catch (err) {
    log(undefined, "simulator_webhook_error", { messageId: message.id, error: String(err) });
    return false;
  }
};

/** Sends a message's webhook (twice at once in duplicate_webhook mode) and records the outcome. */
const deliver = async (env: Env, db: Db, message: Message, copies: number): Promise<Message["status"]> => {
  const results = await Promise.all(Array.from({ length: copies }, () => postWebhook(env, message)));
  const ok = results.some(Boolean);
  const status = ok ? "delivered" : "failed";
  await db
    .update(simMessages)
    .set({ status, attempts: message.attempts + copies, deliveredAt: ok ? now() : null })
    .where(eq(simMessages.id, message.id))
    .run();
  return status;
};

const lateDelayMs = (env: Env): number => (int(env.ACTIVATION_MINUTES, 20) + 1) * 60_000;

/** An SMS arrives at one of the upstream's numbers; what happens next depends on the mode. */
export const receiveSms = async (env: Env, db: Db, phone: string, text: string) => {
  const number = await db.select().from(simNumbers).where(eq(simNumbers.phone, phone)).get();
  if (!number?.rentedBy)
    throw new AppError(404, "NO_ACTIVATION", `No activation is using ${phone} right now.`);
  const mode = (number.mode as SimMode | null) ?? (await getMode(db));
  const receivedAt = now();
  const status: Message["status"] = mode === "no_sms" ? "dropped" : "pending";
  const message = await db
    .insert(simMessages)
    .values({
      id: newId("msg"),
      rentalRef: number.rentedBy,
      phone,
      text,
      status,
      receivedAt,
      dueAt: mode === "late_sms" ? receivedAt + lateDelayMs(env) : receivedAt,
    })
    .returning()
    .get();
  if (mode === "no_sms" || mode === "late_sms") return { messageId: message.id, status, mode };
  const delivered = await deliver(env, db, message, mode === "duplicate_webhook" ? 2 : 1);
  return { messageId: message.id, status: delivered, mode };
};

/** Sends what is waiting: late messages whose time has come and failed ones worth another try. */
export const deliverDue = async (env: Env, db: Db, until: number) => {
  const due = await db
    .select()
    .from(simMessages)
    .where(
      and(
        or(eq(simMessages.status, "pending"), eq(simMessages.status, "failed")),
        lte(simMessages.dueAt, until),
        sql`${simMessages.attempts} < ${MAX_DELIVERY_ATTEMPTS}`,
      ),
    )
    .orderBy(asc(simMessages.receivedAt))
    .all();
  let delivered = 0;
  for (const message of due) {
    if ((await deliver(env, db, message, 1)) === "delivered") delivered++;
  }
  return { attempted: due.length, delivered };
};

/** Auto mode: a realistic code arrives a few seconds after the number was handed out. */
export const sendAutoSms = async (env: Env, db: Db, ref: string, delayMs: number): Promise<void> => {
  await scheduler.wait(delayMs);
  const rental = await db
    .select()
    .from(simRentals)
    .where(and(eq(simRentals.ref, ref), eq(simRentals.status, "active")))
    .get();
  if (!rental) return;
  await receiveSms(env, db, rental.phone, verificationSms(rental.service));
};

export const rentalWithMessages = async (db: Db, ref: string) => {
  const rental = await findRental(db, ref);
  const messages = await db
    .select()
    .from(simMessages)
    .where(eq(simMessages.rentalRef, ref))
    .orderBy(asc(simMessages.receivedAt))
    .all();
  return { rental, messages };
};
