// The catalog: services, countries and our sell price per service × country. Services and countries
// are reference data (a migration); cost and stock come from the provider and are refreshed by
// syncCatalog (cron, seed, tests). Ordering reads one offer with getOffer.
import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { countries, priceOverrides, prices, services } from "../db/schema";
import { type Env, int } from "../env";
import { now } from "../lib/time";
import { getProvider } from "../providers";

export type Offer = { price: number; cost: number; currency: string; stock: number; provider: string };

// D1 binds at most 100 parameters per statement; a prices row has 8.
const ROWS_PER_UPSERT = 12;

/**
 * Our price for a provider cost: cost × (1 + markup/100), rounded UP to a whole minor unit, so the
 * margin is never below the configured markup (cost 17, markup 30 % → 22.1 → 23). Integer
 * arithmetic: no floating-point drift on amounts.
 */
export const sellPrice = (cost: number, markupPercent: number): number =>
  Math.ceil((cost * (100 + markupPercent)) / 100);

/** An operator's override of one price (see priceOverrides), or the configured markup. */
export type PriceRule = { price: number | null; markupPercent: number | null };

export const priceFor = (cost: number, defaultMarkup: number, rule?: PriceRule | null): number => {
  if (rule?.price != null) return rule.price;
  return sellPrice(cost, rule?.markupPercent ?? defaultMarkup);
};

/** The offer of a service in a country; null when not sold, also while an operator disabled either. */
export const getOffer = async (db: Db, service: string, country: number): Promise<Offer | null> => {
  const row = await db
    .select({
      price: prices.price,
      cost: prices.cost,
      currency: prices.currency,
      stock: prices.stock,
      provider: prices.provider,
    })
    .from(prices)
    .innerJoin(services, eq(services.code, prices.service))
    .innerJoin(countries, eq(countries.id, prices.country))
    .where(
      and(
        eq(prices.service, service),
        eq(prices.country, country),
        isNull(services.disabledAt),
        isNull(countries.disabledAt),
      ),
    )
    .get();
  return row ?? null;
};

/** Keeps the displayed stock close to the provider's between syncs; never below zero. */
export const adjustStock = async (db: Db, service: string, country: number, delta: number): Promise<void> => {
  await db
    .update(prices)
    .set({ stock: sql`MAX(0, ${prices.stock} + ${delta})` })
    .where(and(eq(prices.service, service), eq(prices.country, country)))
    .run();
};

/**
 * Asks the configured provider for its costs and stock and rewrites our prices from them. Offers
 * for services or countries we do not list are ignored; our rows the provider no longer offers
 * drop to zero stock rather than disappear, so history keeps its prices.
 */
export const syncCatalog = async (env: Env, db: Db): Promise<{ updated: number }> => {
  const provider = getProvider(env);
  const offers = await provider.offers();
  const [knownServices, knownCountries, overrides] = await Promise.all([
    db.select({ code: services.code }).from(services).all(),
    db.select({ id: countries.id }).from(countries).all(),
    db.select().from(priceOverrides).all(),
  ]);
  // An operator's price survives every sync: it is applied again to each fresh cost.
  const rules = new Map(overrides.map((o) => [`${o.service}/${o.country}`, o]));
  const serviceSet = new Set(knownServices.map((s) => s.code));
  const countrySet = new Set(knownCountries.map((c) => c.id));
  const markup = int(env.PRICE_MARKUP_PERCENT, 0);
  const syncedAt = now();
  const rows = offers
    .filter((o) => serviceSet.has(o.service) && countrySet.has(o.country))
    .map((o) => ({
      service: o.service,
      country: o.country,
      provider: provider.name,
      cost: o.cost,
      price: priceFor(o.cost, markup, rules.get(`${o.service}/${o.country}`)),
      currency: env.CURRENCY,
      stock: Math.max(0, o.stock),
      updatedAt: syncedAt,
    }));
  const upserts = Array.from({ length: Math.ceil(rows.length / ROWS_PER_UPSERT) }, (_, i) =>
    db
      .insert(prices)
      .values(rows.slice(i * ROWS_PER_UPSERT, (i + 1) * ROWS_PER_UPSERT))
      .onConflictDoUpdate({
        target: [prices.service, prices.country],
        set: {
          provider: sql`excluded.provider`,
          cost: sql`excluded.cost`,
          price: sql`excluded.price`,
          currency: sql`excluded.currency`,
          stock: sql`excluded.stock`,
          updatedAt: sql`excluded.updated_at`,
        },
      }),
  );
  const gone = db
    .update(prices)
    .set({ stock: 0, updatedAt: syncedAt })
    .where(and(eq(prices.provider, provider.name), lt(prices.updatedAt, syncedAt)));
  await db.batch([gone, ...upserts]);
  return { updated: rows.length };
};

export type CountryName = "en" | "ru" | "zh";

// What customers see: services and countries an operator disabled are hidden everywhere.
export const listServices = (db: Db) =>
  db
    .select({ code: services.code, name: services.name })
    .from(services)
    .where(isNull(services.disabledAt))
    .orderBy(asc(services.code))
    .all();

/** Countries with their names in English, Russian and Chinese (the languages sms-activate serves). */
export const listCountries = (db: Db) =>
  db
    .select({
      id: countries.id,
      iso: countries.iso,
      name: countries.name,
      nameRu: countries.nameRu,
      nameZh: countries.nameZh,
    })
    .from(countries)
    .where(isNull(countries.disabledAt))
    .orderBy(asc(countries.id))
    .all();

export const listPrices = (db: Db, filter: { service?: string; country?: number } = {}) =>
  db
    .select({
      service: prices.service,
      country: prices.country,
      price: prices.price,
      currency: prices.currency,
      stock: prices.stock,
    })
    .from(prices)
    .innerJoin(services, eq(services.code, prices.service))
    .innerJoin(countries, eq(countries.id, prices.country))
    .where(
      and(
        isNull(services.disabledAt),
        isNull(countries.disabledAt),
        filter.service === undefined ? undefined : eq(prices.service, filter.service),
        filter.country === undefined ? undefined : eq(prices.country, filter.country),
      ),
    )
    .orderBy(asc(prices.service), asc(prices.country))
    .all();
