// The catalog: services, countries and our sell price per service × country. Services and countries
// are reference data (a migration); each upstream's cost and stock per service × country
// (provider_offers) are refreshed by syncCatalog (cron, seed, tests), and the price a customer sees
// is the best route's (prices). Ordering reads one offer with getOffer and its routes with routesFor.
import { and, asc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { countries, priceOverrides, prices, providerOffers, services } from "../db/schema";
import type { Env } from "../env";
import { now } from "../lib/time";
import { getProvider } from "../providers";
import type { ProviderEntry } from "../providers/config";
import { enabledEntries } from "../providers/enabled";
import { type Route, rankRoutes, routeOf, sellPrice } from "../providers/routing";
import { routeKey, routeOutcomes, successRate } from "../providers/success";

export { sellPrice };

export type Offer = { price: number; cost: number; currency: string; stock: number; provider: string };

/** An operator's override of one price (see priceOverrides): a fixed price or a markup of its own. */
export type PriceRule = { price: number | null; markupPercent: number | null };

export const priceFor = (cost: number, defaultMarkup: number, rule?: PriceRule | null): number => {
  if (rule?.price != null) return rule.price;
  return sellPrice(cost, rule?.markupPercent ?? defaultMarkup);
};

// D1 binds at most 100 parameters per statement: as many rows per upsert as their columns allow.
const MAX_BOUND_PARAMETERS = 100;

const chunks = <T extends object>(rows: T[]): T[][] => {
  const perChunk = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / Object.keys(rows[0] ?? {}).length));
  return Array.from({ length: Math.ceil(rows.length / perChunk) }, (_, i) =>
    rows.slice(i * perChunk, (i + 1) * perChunk),
  );
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

/** Keeps the displayed stock close to the upstream's between syncs; never below zero. */
export const adjustStock = async (
  db: Db,
  service: string,
  country: number,
  delta: number,
  provider?: string,
): Promise<void> => {
  const batch = [
    db
      .update(prices)
      .set({ stock: sql`MAX(0, ${prices.stock} + ${delta})` })
      .where(and(eq(prices.service, service), eq(prices.country, country))),
  ] as const;
  if (provider === undefined) {
    await db.batch(batch);
    return;
  }
  await db.batch([
    ...batch,
    db
      .update(providerOffers)
      .set({ stock: sql`MAX(0, ${providerOffers.stock} + ${delta})` })
      .where(
        and(
          eq(providerOffers.provider, provider),
          eq(providerOffers.service, service),
          eq(providerOffers.country, country),
        ),
      ),
  ]);
};

/**
 * The routes that may serve an order now: upstreams enabled now (configuration and operator) with
 * stock, ranked (success rate, cost, priority). Read per order, so a switch takes effect at once.
 */
export const routesFor = async (env: Env, db: Db, service: string, country: number): Promise<Route[]> => {
  const entries = await enabledEntries(env, db);
  if (entries.size === 0) return [];
  const [offers, outcomes] = await Promise.all([
    db
      .select()
      .from(providerOffers)
      .where(
        and(
          eq(providerOffers.service, service),
          eq(providerOffers.country, country),
          inArray(providerOffers.provider, [...entries.keys()]),
        ),
      )
      .all(),
    routeOutcomes(db, now(), { service, country }),
  ]);
  const routes = offers.flatMap((o) => {
    const entry = entries.get(o.provider);
    if (!entry || o.stock <= 0) return [];
    return [routeOf(entry, o, successRate(outcomes.get(routeKey(o.provider, service, country))))];
  });
  return rankRoutes(routes);
};

/**
 * Asks one upstream for its costs and stock and rewrites its provider_offers from them. Offers for
 * services or countries we do not list are ignored; its rows it stopped offering drop to stock 0.
 */
export const syncProviderOffers = async (env: Env, db: Db, entry: ProviderEntry): Promise<number> => {
  const offers = await getProvider(env, entry.name).offers();
  const [knownServices, knownCountries] = await Promise.all([
    db.select({ code: services.code }).from(services).all(),
    db.select({ id: countries.id }).from(countries).all(),
  ]);
  const serviceSet = new Set(knownServices.map((s) => s.code));
  const countrySet = new Set(knownCountries.map((c) => c.id));
  const syncedAt = now();
  const rows = offers
    .filter((o) => serviceSet.has(o.service) && countrySet.has(o.country))
    .map((o) => ({
      provider: entry.name,
      service: o.service,
      country: o.country,
      cost: o.cost,
      stock: Math.max(0, o.stock),
      updatedAt: syncedAt,
    }));
  const upserts = chunks(rows).map((chunk) =>
    db
      .insert(providerOffers)
      .values(chunk)
      .onConflictDoUpdate({
        target: [providerOffers.provider, providerOffers.service, providerOffers.country],
        set: { cost: sql`excluded.cost`, stock: sql`excluded.stock`, updatedAt: sql`excluded.updated_at` },
      }),
  );
  const gone = db
    .update(providerOffers)
    .set({ stock: 0, updatedAt: syncedAt })
    .where(and(eq(providerOffers.provider, entry.name), lt(providerOffers.updatedAt, syncedAt)));
  await db.batch([gone, ...upserts]);
  return rows.length;
};

/**
 * Rewrites our prices from the upstreams' offers: each service × country is priced by its best
 * route (the one an order tries first); with no route in stock, by its cheapest, at stock 0. Prices
 * rows no upstream offers any more drop to stock 0 and stay, so history keeps its prices.
 */
export const rebuildPrices = async (env: Env, db: Db): Promise<number> => {
  const [entries, offers, outcomes, overrides] = await Promise.all([
    enabledEntries(env, db),
    db.select().from(providerOffers).all(),
    routeOutcomes(db, now()),
    db.select().from(priceOverrides).all(),
  ]);
  // An operator's price survives every sync: it is applied again to each fresh cost.
  const rules = new Map(overrides.map((o) => [`${o.service}\u0000${o.country}`, o]));
  const byPair = new Map<string, Route[]>();
  for (const o of offers) {
    const entry = entries.get(o.provider);
    if (!entry) continue;
    const key = `${o.service}\u0000${o.country}`;
    const route = routeOf(entry, o, successRate(outcomes.get(routeKey(o.provider, o.service, o.country))));
    byPair.set(key, [...(byPair.get(key) ?? []), route]);
  }
  const syncedAt = now();
  const rows = [...byPair.entries()].map(([key, routes]) => {
    const [service = "", country = "0"] = key.split("\u0000");
    const inStock = rankRoutes(routes.filter((r) => r.stock > 0));
    const best = inStock[0] ?? [...routes].sort((a, b) => a.price - b.price)[0];
    return {
      service,
      country: Number(country),
      provider: best?.provider ?? "",
      cost: best?.cost ?? 0,
      price: best ? priceWithRule(best, rules.get(key)) : 0,
      currency: env.CURRENCY,
      stock: inStock.reduce((n, r) => n + r.stock, 0),
      successRate: best?.successRate ?? null,
      updatedAt: syncedAt,
    };
  });
  const upserts = chunks(rows).map((chunk) =>
    db
      .insert(prices)
      .values(chunk)
      .onConflictDoUpdate({
        target: [prices.service, prices.country],
        set: {
          provider: sql`excluded.provider`,
          cost: sql`excluded.cost`,
          price: sql`excluded.price`,
          currency: sql`excluded.currency`,
          stock: sql`excluded.stock`,
          successRate: sql`excluded.success_rate`,
          updatedAt: sql`excluded.updated_at`,
        },
      }),
  );
  const gone = db.update(prices).set({ stock: 0, updatedAt: syncedAt }).where(lt(prices.updatedAt, syncedAt));
  await db.batch([gone, ...upserts]);
  return rows.length;
};

const priceWithRule = (best: Route, rule: PriceRule | undefined): number =>
  rule ? priceFor(best.cost, 0, rule) : best.price;

export type SyncOutcome = { provider: string; offers: number } | { provider: string; error: unknown };

/**
 * Refreshes every enabled upstream's offers (one failing upstream keeps its last offers and does
 * not stop the others), then our prices. Returns what happened per upstream.
 */
export const syncCatalog = async (
  env: Env,
  db: Db,
): Promise<{ updated: number; outcomes: SyncOutcome[] }> => {
  const outcomes: SyncOutcome[] = [];
  for (const entry of (await enabledEntries(env, db)).values()) {
    try {
      outcomes.push({ provider: entry.name, offers: await syncProviderOffers(env, db, entry) });
    } catch (error) {
      outcomes.push({ provider: entry.name, error });
    }
  }
  return { updated: await rebuildPrices(env, db), outcomes };
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
      successRate: prices.successRate,
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
