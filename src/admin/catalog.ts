// Operators and the catalog: every price with its cost, margin and override; an override per
// service × country (a price or a markup) that syncs keep applying; services and countries disabled
// (hidden from the catalog, refused by ordering) and enabled again.
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, sql } from "drizzle-orm";
import { priceFor } from "../activations/catalog";
import type { Db } from "../db/client";
import { countries, priceOverrides, prices, services } from "../db/schema";
import { int } from "../env";
import { AppError } from "../lib/errors";
import { createRouter, errorResponse, jsonBody, jsonContent } from "../lib/openapi";
import { iso, isoOrNull, now } from "../lib/time";
import { actorOf, auditInsert } from "./audit";

export const catalogAdmin = createRouter();

const unauthorized = errorResponse("UNAUTHORIZED");
const Reason = z.string().trim().min(1).max(500);

const PriceRow = z.object({
  service: z.string(),
  country: z.number().int(),
  provider: z.string().nullable(),
  cost: z.number().int().nullable(),
  price: z.number().int().nullable(),
  margin: z.number().int().nullable(),
  currency: z.string().nullable(),
  stock: z.number().int().nullable(),
  override: z
    .object({ price: z.number().int().nullable(), markupPercent: z.number().int().nullable() })
    .nullable(),
  serviceDisabled: z.boolean(),
  countryDisabled: z.boolean(),
  updatedAt: z.string().nullable(),
});

const listRows = (db: Db, filter: { service?: string; country?: number }) =>
  db
    .select({
      service: prices.service,
      country: prices.country,
      provider: prices.provider,
      cost: prices.cost,
      price: prices.price,
      currency: prices.currency,
      stock: prices.stock,
      updatedAt: prices.updatedAt,
      overridePrice: priceOverrides.price,
      overrideMarkup: priceOverrides.markupPercent,
      hasOverride: sql<number>`${priceOverrides.updatedAt} IS NOT NULL`,
      serviceDisabledAt: services.disabledAt,
      countryDisabledAt: countries.disabledAt,
    })
    .from(prices)
    .innerJoin(services, eq(services.code, prices.service))
    .innerJoin(countries, eq(countries.id, prices.country))
    .leftJoin(
      priceOverrides,
      and(eq(priceOverrides.service, prices.service), eq(priceOverrides.country, prices.country)),
    )
    .where(
      and(
        filter.service === undefined ? undefined : eq(prices.service, filter.service),
        filter.country === undefined ? undefined : eq(prices.country, filter.country),
      ),
    )
    .orderBy(asc(prices.service), asc(prices.country))
    .all();

const shape = (r: Awaited<ReturnType<typeof listRows>>[number]): z.infer<typeof PriceRow> => ({
  service: r.service,
  country: r.country,
  provider: r.provider,
  cost: r.cost,
  price: r.price,
  margin: r.price - r.cost,
  currency: r.currency,
  stock: r.stock,
  override: r.hasOverride ? { price: r.overridePrice, markupPercent: r.overrideMarkup } : null,
  serviceDisabled: r.serviceDisabledAt != null,
  countryDisabled: r.countryDisabledAt != null,
  updatedAt: iso(r.updatedAt),
});

catalogAdmin.openapi(
  createRoute({
    method: "get",
    path: "/prices",
    tags: ["Catalog"],
    summary: "Every price with cost, margin, override and what is disabled",
    request: {
      query: z.object({
        service: z.string().min(1).max(10).optional(),
        country: z.coerce.number().int().min(0).optional(),
      }),
    },
    responses: {
      200: jsonContent(z.object({ items: z.array(PriceRow) }), "Prices"),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
    },
  }),
  async (c) => c.json({ items: (await listRows(c.get("db"), c.req.valid("query"))).map(shape) }, 200),
);

const PairParams = z.object({
  service: z.string().min(1).max(10),
  country: z.coerce.number().int().min(0),
});

const assertPair = async (db: Db, service: string, country: number) => {
  const [s, k] = await Promise.all([
    db.select({ code: services.code }).from(services).where(eq(services.code, service)).get(),
    db.select({ id: countries.id }).from(countries).where(eq(countries.id, country)).get(),
  ]);
  if (!s) throw new AppError(404, "BAD_SERVICE", `Unknown service "${service}".`);
  if (!k) throw new AppError(404, "BAD_COUNTRY", `Unknown country ${country}.`);
};

const currentPrice = async (db: Db, service: string, country: number) => {
  const [row] = await listRows(db, { service, country });
  return row ? shape(row) : null;
};

catalogAdmin.openapi(
  createRoute({
    method: "put",
    path: "/prices/{service}/{country}",
    tags: ["Catalog"],
    summary: "Set an override: a fixed price, or a markup over the provider's cost; clear to go back",
    description:
      "Exactly one of `price` (minor units), `markupPercent` or `clear: true`. The price row changes " +
      "now, and every catalog sync applies the override again to the fresh cost.",
    request: {
      params: PairParams,
      body: jsonBody(
        z
          .object({
            price: z.number().int().positive().max(10_000_000).optional(),
            markupPercent: z.number().int().min(0).max(1000).optional(),
            clear: z.literal(true).optional(),
            reason: Reason,
          })
          .refine((b) => [b.price, b.markupPercent, b.clear].filter((v) => v !== undefined).length === 1, {
            message: "Send exactly one of price, markupPercent or clear",
            path: ["price"],
          }),
      ),
    },
    responses: {
      200: jsonContent(z.object({ item: PriceRow.nullable(), applied: z.boolean() }), "The price now"),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
      404: errorResponse("BAD_SERVICE or BAD_COUNTRY"),
    },
  }),
  async (c) => {
    const db = c.get("db");
    const { service, country } = c.req.valid("param");
    const body = c.req.valid("json");
    await assertPair(db, service, country);
    const before = await currentPrice(db, service, country);
    const rule = body.clear ? null : { price: body.price ?? null, markupPercent: body.markupPercent ?? null };
    const pair = and(eq(prices.service, service), eq(prices.country, country));
    const overridePair = and(eq(priceOverrides.service, service), eq(priceOverrides.country, country));
    const markup = int(c.env.PRICE_MARKUP_PERCENT, 0);
    const newPrice = before?.cost != null ? priceFor(before.cost, markup, rule) : null;
    await db.batch([
      rule
        ? db
            .insert(priceOverrides)
            .values({ service, country, ...rule, updatedAt: now() })
            .onConflictDoUpdate({
              target: [priceOverrides.service, priceOverrides.country],
              set: { ...rule, updatedAt: now() },
            })
        : db.delete(priceOverrides).where(overridePair),
      // No price row yet (the provider does not offer the pair): the next sync applies the override.
      db
        .update(prices)
        .set({ price: newPrice ?? sql`${prices.price}` })
        .where(pair),
      auditInsert(db, {
        ...actorOf(c),
        action: rule ? "price.set" : "price.clear",
        target: `${service}/${country}`,
        before: { price: before?.price ?? null, override: before?.override ?? null },
        after: { price: newPrice, override: rule },
        reason: body.reason,
      }),
    ]);
    return c.json({ item: await currentPrice(db, service, country), applied: before !== null }, 200);
  },
);

// ── services and countries ───────────────────────────────────────────────────────────────────────

const toggleRoute = (kind: "services" | "countries", action: "disable" | "enable") =>
  createRoute({
    method: "post",
    path: `/${kind}/{code}/${action}`,
    tags: ["Catalog"],
    summary: `${action === "disable" ? "Disable" : "Enable"} a ${kind === "services" ? "service" : "country"}`,
    request: {
      params: z.object({ code: z.string().min(1).max(10) }),
      body: jsonBody(z.object({ reason: Reason })),
    },
    responses: {
      200: jsonContent(
        z.object({ code: z.string(), disabled: z.boolean(), disabledAt: z.string().nullable() }),
        "Its state now",
      ),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
      404: errorResponse("BAD_SERVICE or BAD_COUNTRY"),
    },
  });

for (const action of ["disable", "enable"] as const) {
  catalogAdmin.openapi(toggleRoute("services", action), async (c) => {
    const db = c.get("db");
    const { code } = c.req.valid("param");
    const row = await db.select().from(services).where(eq(services.code, code)).get();
    if (!row) throw new AppError(404, "BAD_SERVICE", `Unknown service "${code}".`);
    const disabledAt = action === "disable" ? (row.disabledAt ?? now()) : null;
    await db.batch([
      db.update(services).set({ disabledAt }).where(eq(services.code, code)),
      auditInsert(db, {
        ...actorOf(c),
        action: `service.${action}`,
        target: code,
        before: { disabled: row.disabledAt != null },
        after: { disabled: disabledAt != null },
        reason: c.req.valid("json").reason,
      }),
    ]);
    return c.json({ code, disabled: disabledAt != null, disabledAt: isoOrNull(disabledAt) }, 200);
  });

  catalogAdmin.openapi(toggleRoute("countries", action), async (c) => {
    const db = c.get("db");
    const { code } = c.req.valid("param");
    const id = /^\d+$/.test(code) ? Number(code) : -1;
    const row = await db.select().from(countries).where(eq(countries.id, id)).get();
    if (!row) throw new AppError(404, "BAD_COUNTRY", `Unknown country ${code}.`);
    const disabledAt = action === "disable" ? (row.disabledAt ?? now()) : null;
    await db.batch([
      db.update(countries).set({ disabledAt }).where(eq(countries.id, id)),
      auditInsert(db, {
        ...actorOf(c),
        action: `country.${action}`,
        target: String(id),
        before: { disabled: row.disabledAt != null },
        after: { disabled: disabledAt != null },
        reason: c.req.valid("json").reason,
      }),
    ]);
    return c.json({ code: String(id), disabled: disabledAt != null, disabledAt: isoOrNull(disabledAt) }, 200);
  });
}
