// The own-SIM inventory shared by the android-sms-gateway and smshub-agent kinds: which SIM cards an
// entry has, which one serves which live activation, which services each is spent for, and whether
// the device holding it still reports. Every rule that keeps one customer's SMS away from another
// lives here, as conditional SQL that D1 applies atomically:
// - one live activation per SIM, whatever the service (`rental_ref` is claimed only while NULL);
// - a SIM sold for a service is not sold there again until SIM_SERVICE_COOLDOWN_DAYS have passed;
// - an SMS for a SIM nobody rents is kept as metadata only (no text) and logged.
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { type MetadataJson, parsePhoneNumberFromString } from "libphonenumber-js/core";
import type { auditInsert } from "../admin/audit";
import { type Fragment, q, runBatch } from "../billing/statements";
import type { Db } from "../db/client";
import { ownSimSpent, ownSims } from "../db/schema";
import { type Env, int } from "../env";
import { AppError } from "../lib/errors";
import { newId } from "../lib/ids";
import { log } from "../lib/log";
// Our catalog's countries only (scripts/phone-metadata.mjs): the full set is 20 KB of the bundle.
import phoneMetadata from "./phone-metadata.json";
import type { CatalogOffer } from "./types";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
// A device's clock and ours differ; an SMS stamped this long before the rental began is the
// previous renter's, never the current one's.
const CLOCK_SKEW_MS = 60_000;

/** The operator's audit row for a change, written in the change's own batch (src/admin/audit.ts). */
export type AuditQuery = ReturnType<typeof auditInsert>;

export type OwnSim = {
  id: string;
  provider: string;
  phone: string;
  country: number;
  deviceId: string | null;
  slot: number | null;
  services: string[] | null;
  rentalRef: string | null;
  rentalService: string | null;
  rentedAt: number | null;
  lastRentedAt: number | null;
  createdAt: number;
};

type SimRow = {
  id: string;
  provider: string;
  phone: string;
  country: number;
  device_id: string | null;
  slot: number | null;
  services: string | null;
  rental_ref: string | null;
  rental_service: string | null;
  rented_at: number | null;
  last_rented_at: number | null;
  created_at: number;
};

const toSim = (r: SimRow): OwnSim => ({
  id: r.id,
  provider: r.provider,
  phone: r.phone,
  country: r.country,
  deviceId: r.device_id,
  slot: r.slot,
  services: r.services === null ? null : (JSON.parse(r.services) as string[]),
  rentalRef: r.rental_ref,
  rentalService: r.rental_service,
  rentedAt: r.rented_at,
  lastRentedAt: r.last_rented_at,
  createdAt: r.created_at,
});

const all = async <T>(db: Db, f: Fragment): Promise<T[]> =>
  (
    await db.$client
      .prepare(f.text)
      .bind(...f.params)
      .all<T>()
  ).results;

const first = async <T>(db: Db, f: Fragment): Promise<T | null> =>
  db.$client
    .prepare(f.text)
    .bind(...f.params)
    .first<T>();

/** The rules' knobs, read once from the environment. */
export type SimRules = { cooldownMs: number | null; silentMs: number };

export const simRules = (env: Env): SimRules => {
  const days = int(env.SIM_SERVICE_COOLDOWN_DAYS, 0);
  return {
    // Unset or 0: a SIM sold for a service is spent there for good.
    cooldownMs: days > 0 ? days * DAY_MS : null,
    silentMs: Math.max(1, int(env.SIM_DEVICE_SILENT_MINUTES, 15)) * MINUTE_MS,
  };
};

// A spent mark older than this no longer blocks; -1 when marks never expire (every mark is newer).
const spentAfter = (rules: SimRules, at: number) => (rules.cooldownMs === null ? -1 : at - rules.cooldownMs);

/**
 * Our country id for an E.164 number (its calling code and national prefix decide, as
 * libphonenumber reads them), or null when the number is not valid or its country is not in our
 * catalog.
 */
export const countryOfPhone = async (db: Db, phone: string): Promise<number | null> => {
  const parsed = parsePhoneNumberFromString(phone, phoneMetadata as MetadataJson);
  if (!parsed?.isValid() || !parsed.country) return null;
  const row = await first<{ id: number }>(db, q`SELECT id FROM countries WHERE iso = ${parsed.country}`);
  return row?.id ?? null;
};

/** Strict E.164: a plus, then 8 to 15 digits, the first not zero. */
export const E164 = /^\+[1-9]\d{7,14}$/;

// ── the operator's registry (sims add | list | remove) ────────────────────────────────────────────

export type NewSim = {
  provider: string;
  phone: string;
  deviceId: string;
  slot: number;
  services: string[] | null;
};

/** Checks and inserts a gateway SIM; `audit` (its audit row) is written in the same batch. */
export const registerSim = async (db: Db, input: NewSim, audit: AuditQuery): Promise<OwnSim> => {
  const country = await countryOfPhone(db, input.phone);
  if (country === null) {
    throw new AppError(400, "BAD_PHONE", `${input.phone} is not a valid number of a country in the catalog.`);
  }
  if (input.services) {
    const known = await all<{ code: string }>(db, q`SELECT code FROM services`);
    const codes = new Set(known.map((s) => s.code));
    const unknown = input.services.filter((s) => !codes.has(s));
    if (unknown.length > 0)
      throw new AppError(400, "BAD_SERVICE", `Unknown services: ${unknown.join(", ")}.`);
  }
  const taken = await first<{ provider: string; phone: string }>(
    db,
    q`SELECT provider, phone FROM own_sims
      WHERE phone = ${input.phone} OR (provider = ${input.provider} AND device_id = ${input.deviceId} AND slot = ${input.slot})`,
  );
  if (taken) {
    throw new AppError(
      409,
      "SIM_EXISTS",
      taken.phone === input.phone
        ? `${input.phone} is already registered (entry "${taken.provider}").`
        : `Device ${input.deviceId} slot ${input.slot} already holds ${taken.phone}.`,
    );
  }
  const sim: OwnSim = {
    id: newId("osim"),
    provider: input.provider,
    phone: input.phone,
    country,
    deviceId: input.deviceId,
    slot: input.slot,
    services: input.services ? [...new Set(input.services)] : null,
    rentalRef: null,
    rentalService: null,
    rentedAt: null,
    lastRentedAt: null,
    createdAt: Date.now(),
  };
  // The unique indexes settle a race between two registrations of the same card.
  try {
    await db.batch([
      db.insert(ownSims).values({ ...sim, services: sim.services ? JSON.stringify(sim.services) : null }),
      audit,
    ]);
  } catch (error) {
    if (String(error).includes("UNIQUE"))
      throw new AppError(409, "SIM_EXISTS", `${input.phone} is already registered.`);
    throw error;
  }
  return sim;
};

export type SimListing = OwnSim & {
  device: { lastSeenAt: number | null; health: string | null; healthy: boolean } | null;
  spent: Array<{ service: string; spentAt: number; blocking: boolean }>;
};

/** Every SIM (of one entry, or all), with its device's health and the services it is spent for. */
export const listSims = async (
  db: Db,
  rules: SimRules,
  at: number,
  provider?: string,
): Promise<SimListing[]> => {
  const rows = await all<SimRow & { last_seen_at: number | null; health: string | null }>(
    db,
    q`SELECT s.*, d.last_seen_at, d.health FROM own_sims s
      LEFT JOIN own_sim_devices d ON d.provider = s.provider AND d.device_id = s.device_id
      WHERE ${provider ?? null} IS NULL OR s.provider = ${provider ?? null}
      ORDER BY s.provider, s.phone`,
  );
  const spent = await all<{ sim_id: string; service: string; spent_at: number }>(
    db,
    q`SELECT p.sim_id, p.service, p.spent_at FROM own_sim_spent p JOIN own_sims s ON s.id = p.sim_id
      WHERE ${provider ?? null} IS NULL OR s.provider = ${provider ?? null}
      ORDER BY p.spent_at`,
  );
  const threshold = spentAfter(rules, at);
  return rows.map((r) => ({
    ...toSim(r),
    device:
      r.device_id === null
        ? null
        : {
            lastSeenAt: r.last_seen_at,
            health: r.health,
            healthy: r.last_seen_at !== null && r.last_seen_at >= at - rules.silentMs,
          },
    spent: spent
      .filter((p) => p.sim_id === r.id)
      .map((p) => ({ service: p.service, spentAt: p.spent_at, blocking: p.spent_at > threshold })),
  }));
};

export const findSim = async (db: Db, provider: string, phone: string): Promise<OwnSim | null> => {
  const row = await first<SimRow>(
    db,
    q`SELECT * FROM own_sims WHERE provider = ${provider} AND phone = ${phone}`,
  );
  return row ? toSim(row) : null;
};

/** Removes a SIM that serves no one now (409 SIM_RENTED otherwise), with its spent marks. */
export const removeSim = async (
  db: Db,
  provider: string,
  phone: string,
  auditFor: (sim: OwnSim) => AuditQuery,
): Promise<OwnSim> => {
  const sim = await findSim(db, provider, phone);
  if (!sim) throw new AppError(404, "NOT_FOUND", `No SIM ${phone} in entry "${provider}".`);
  const rented = () =>
    new AppError(409, "SIM_RENTED", `${phone} serves a live activation; remove it once that ends.`);
  if (sim.rentalRef !== null) throw rented();
  try {
    await db.batch([
      // Rented since the read: this statement breaks NOT NULL, so the batch (and its audit row) rolls back.
      db
        .update(ownSims)
        .set({ phone: sql`NULL` })
        .where(and(eq(ownSims.id, sim.id), isNotNull(ownSims.rentalRef))),
      db.delete(ownSimSpent).where(eq(ownSimSpent.simId, sim.id)),
      db.delete(ownSims).where(eq(ownSims.id, sim.id)),
      auditFor(sim),
    ]);
  } catch (error) {
    if (String(error).includes("NOT NULL")) throw rented();
    throw error;
  }
  return sim;
};

// ── renting ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Lends the least recently used free SIM of a gateway entry that may serve `service` in `country`,
 * is not spent there, and whose device reported within the silence threshold. One UPDATE: of
 * concurrent orders each gets a different SIM or none.
 */
export const claimGatewaySim = async (
  db: Db,
  rules: SimRules,
  claim: { provider: string; service: string; country: number; rentalRef: string; at: number },
): Promise<OwnSim | null> => {
  const { provider, service, country, rentalRef, at } = claim;
  const row = await first<SimRow>(
    db,
    q`UPDATE own_sims SET rental_ref = ${rentalRef}, rental_service = ${service}, rented_at = ${at}, last_rented_at = ${at}
      WHERE rental_ref IS NULL AND id = (
        SELECT s.id FROM own_sims s
        JOIN own_sim_devices d ON d.provider = s.provider AND d.device_id = s.device_id
        WHERE s.provider = ${provider} AND s.country = ${country} AND s.rental_ref IS NULL
          AND d.last_seen_at >= ${at - rules.silentMs}
          AND (s.services IS NULL OR EXISTS (SELECT 1 FROM json_each(s.services) WHERE value = ${service}))
          AND NOT EXISTS (SELECT 1 FROM own_sim_spent p
                          WHERE p.sim_id = s.id AND p.service = ${service} AND p.spent_at > ${spentAfter(rules, at)})
        ORDER BY COALESCE(s.last_rented_at, 0), s.id LIMIT 1)
      RETURNING *`,
  );
  return row ? toSim(row) : null;
};

/** Phones of an agent entry not to hand out for `service`: those rented now, and those spent there. */
export const agentExclusions = async (
  db: Db,
  rules: SimRules,
  provider: string,
  service: string,
  at: number,
) => {
  const rows = await all<{ phone: string; rented: number }>(
    db,
    q`SELECT phone, rental_ref IS NOT NULL AS rented FROM own_sims WHERE provider = ${provider} AND (rental_ref IS NOT NULL OR id IN (
        SELECT sim_id FROM own_sim_spent WHERE service = ${service} AND spent_at > ${spentAfter(rules, at)}))
      ORDER BY phone`,
  );
  return {
    rented: rows.filter((r) => r.rented).map((r) => r.phone),
    spent: rows.filter((r) => !r.rented).map((r) => r.phone),
  };
};

/**
 * Records the SIM an agent handed out as rented by `rentalRef`, creating its row the first time.
 * False when that card already serves another activation, belongs to another entry, or is spent for
 * the service: the caller gives it back to the agent.
 */
export const claimAgentSim = async (
  db: Db,
  rules: SimRules,
  claim: { provider: string; phone: string; country: number; service: string; rentalRef: string; at: number },
): Promise<boolean> => {
  const { provider, phone, country, service, rentalRef, at } = claim;
  const [, updated] = await runBatch(db, [
    q`INSERT INTO own_sims (id, provider, phone, country, created_at)
      VALUES (${newId("osim")}, ${provider}, ${phone}, ${country}, ${at}) ON CONFLICT (phone) DO NOTHING`,
    q`UPDATE own_sims SET rental_ref = ${rentalRef}, rental_service = ${service}, rented_at = ${at}, last_rented_at = ${at}
      WHERE phone = ${phone} AND provider = ${provider} AND rental_ref IS NULL
        AND NOT EXISTS (SELECT 1 FROM own_sim_spent p WHERE p.sim_id = own_sims.id AND p.service = ${service}
                        AND p.spent_at > ${spentAfter(rules, at)})`,
  ]);
  return (updated?.meta.changes ?? 0) === 1;
};

/**
 * Ends a rental: the SIM is free again. `sold` (the activation finished with a code) also marks it
 * spent for that service. Safe to repeat: a second call finds no rental and changes nothing.
 */
export const releaseSim = async (db: Db, provider: string, rentalRef: string, sold: boolean, at: number) => {
  await runBatch(db, [
    ...(sold
      ? [
          q`INSERT INTO own_sim_spent (sim_id, service, spent_at)
            SELECT id, rental_service, ${at} FROM own_sims
            WHERE provider = ${provider} AND rental_ref = ${rentalRef} AND rental_service IS NOT NULL
            ON CONFLICT (sim_id, service) DO UPDATE SET spent_at = excluded.spent_at`,
        ]
      : []),
    q`UPDATE own_sims SET rental_ref = NULL, rental_service = NULL, rented_at = NULL
      WHERE provider = ${provider} AND rental_ref = ${rentalRef}`,
  ]);
};

/** The SIM a gateway device reports an SMS for; with no slot, the device's only SIM. */
export const simOfDevice = async (db: Db, provider: string, deviceId: string, slot: number | null) => {
  const rows = await all<SimRow>(
    db,
    q`SELECT * FROM own_sims WHERE provider = ${provider} AND device_id = ${deviceId}
      AND (${slot} IS NULL OR slot = ${slot})`,
  );
  return rows.length === 1 && rows[0] ? toSim(rows[0]) : null;
};

export const simOfPhone = async (db: Db, provider: string, phone: string) => {
  const row = await first<SimRow>(
    db,
    q`SELECT * FROM own_sims WHERE provider = ${provider} AND phone = ${phone}`,
  );
  return row ? toSim(row) : null;
};

/**
 * Whether an SMS that reached `sim` belongs to its live rental. An SMS stamped well before the
 * rental began is the previous renter's (a late delivery), and goes nowhere.
 */
export const rentalOf = (sim: OwnSim | null, receivedAt: number): string | null =>
  sim?.rentalRef && sim.rentedAt !== null && receivedAt >= sim.rentedAt - CLOCK_SKEW_MS
    ? sim.rentalRef
    : null;

export type UnrentedSms = {
  id: string;
  provider: string;
  phone: string | null;
  deviceId: string | null;
  slot: number | null;
  sender: string | null;
  text: string;
  receivedAt: number;
};

/** Keeps who sent what length when, never the text; logged so the operator can see strays. */
export const recordUnrentedSms = async (db: Db, requestId: string | undefined, sms: UnrentedSms) => {
  const at = Date.now();
  await runBatch(db, [
    q`INSERT INTO own_sim_unrented_sms (id, provider, phone, device_id, slot, sender, length, received_at, recorded_at)
      VALUES (${sms.id}, ${sms.provider}, ${sms.phone}, ${sms.deviceId}, ${sms.slot}, ${sms.sender},
              ${sms.text.length}, ${sms.receivedAt}, ${at})
      ON CONFLICT (id) DO NOTHING`,
  ]);
  log(requestId, "own_sim_unrented_sms", {
    provider: sms.provider,
    phone: sms.phone,
    deviceId: sms.deviceId,
    slot: sms.slot,
    sender: sms.sender,
    length: sms.text.length,
  });
};

/** The cron's retention for that metadata: gone SMS_RETENTION_DAYS after it was recorded, like SMS text. */
export const purgeUnrentedSms = async (db: Db, at: number, retentionDays: number): Promise<number> => {
  const [result] = await runBatch(db, [
    q`DELETE FROM own_sim_unrented_sms WHERE recorded_at < ${at - retentionDays * DAY_MS}`,
  ]);
  return result?.meta.changes ?? 0;
};

// ── device health ─────────────────────────────────────────────────────────────────────────────────

/** A webhook from the device (ping or SMS): it is alive, and told again if it goes silent later. */
export const touchDevice = async (
  db: Db,
  provider: string,
  deviceId: string,
  at: number,
  health?: string,
) => {
  await runBatch(db, [
    q`INSERT INTO own_sim_devices (provider, device_id, last_seen_at, health) VALUES (${provider}, ${deviceId}, ${at}, ${health ?? null})
      ON CONFLICT (provider, device_id) DO UPDATE SET
        last_seen_at = MAX(last_seen_at, excluded.last_seen_at),
        health = COALESCE(excluded.health, health),
        silent_alert_at = NULL`,
  ]);
};

/** Devices of the entry holding registered SIMs that have not reported within the threshold. */
const silentDevices = (db: Db, rules: SimRules, provider: string, at: number) =>
  all<{ device_id: string; last_seen_at: number | null; silent_alert_at: number | null; sims: number }>(
    db,
    q`SELECT s.device_id, d.last_seen_at, d.silent_alert_at, COUNT(*) AS sims FROM own_sims s
      LEFT JOIN own_sim_devices d ON d.provider = s.provider AND d.device_id = s.device_id
      WHERE s.provider = ${provider} AND s.device_id IS NOT NULL
        AND (d.last_seen_at IS NULL OR d.last_seen_at < ${at - rules.silentMs})
      GROUP BY s.device_id ORDER BY s.device_id`,
  );

/**
 * The operator's standing alert for an entry's phones: every silent device, shown on the entry's
 * provider status until it reports again.
 */
export const silentDevicesAlert = async (db: Db, rules: SimRules, provider: string, at: number) => {
  const silent = await silentDevices(db, rules, provider, at);
  if (silent.length === 0) return null;
  const minutes = Math.round(rules.silentMs / MINUTE_MS);
  const names = silent.map((d) => `${d.device_id} (${d.sims} SIM${d.sims === 1 ? "" : "s"})`).join(", ");
  return `${silent.length} phone${silent.length === 1 ? " has" : "s have"} not reported for ${minutes} min, so their SIMs are not offered: ${names}`;
};

/**
 * Silent devices not reported yet: logged once per silence as an operator alert
 * (`own_sim_device_silent`). Their SIMs are already out of the offers and claims by the same threshold.
 */
export const alertSilentDevices = async (db: Db, rules: SimRules, provider: string, at: number) => {
  const silent = (await silentDevices(db, rules, provider, at)).filter((d) => d.silent_alert_at === null);
  for (const device of silent) {
    log(undefined, "own_sim_device_silent", {
      alert: true,
      provider,
      deviceId: device.device_id,
      lastSeenAt: device.last_seen_at === null ? null : new Date(device.last_seen_at).toISOString(),
      sims: device.sims,
    });
  }
  const known = silent.filter((d) => d.last_seen_at !== null).map((d) => d.device_id);
  if (known.length > 0) {
    await runBatch(
      db,
      known.map(
        (deviceId) =>
          q`UPDATE own_sim_devices SET silent_alert_at = ${at} WHERE provider = ${provider} AND device_id = ${deviceId}`,
      ),
    );
  }
  return silent.map((d) => d.device_id);
};

/**
 * What a gateway entry can sell: per service × country, the free SIMs of healthy devices allowed
 * and not spent there, each at the entry's cost.
 */
export const gatewayOffers = async (
  db: Db,
  rules: SimRules,
  provider: string,
  cost: number,
  at: number,
): Promise<CatalogOffer[]> => {
  const rows = await all<{ service: string; country: number; stock: number }>(
    db,
    q`SELECT v.code AS service, s.country, COUNT(*) AS stock
      FROM own_sims s
      JOIN own_sim_devices d ON d.provider = s.provider AND d.device_id = s.device_id
      JOIN services v ON s.services IS NULL OR EXISTS (SELECT 1 FROM json_each(s.services) WHERE value = v.code)
      WHERE s.provider = ${provider} AND s.rental_ref IS NULL AND d.last_seen_at >= ${at - rules.silentMs}
        AND NOT EXISTS (SELECT 1 FROM own_sim_spent p
                        WHERE p.sim_id = s.id AND p.service = v.code AND p.spent_at > ${spentAfter(rules, at)})
      GROUP BY v.code, s.country
      ORDER BY v.code, s.country`,
  );
  return rows.map((r) => ({ service: r.service, country: r.country, cost, stock: r.stock }));
};
