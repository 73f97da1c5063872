// GET /api/v1/catalog: what can be bought, where, for how much. Public: prices are no secret and the
// dashboard shows them before sign-in.
import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../lib/errors";
import { createRouter, errorResponse, jsonContent } from "../lib/openapi";
import { SUCCESS_WINDOW_MS } from "../providers/success";
import { type CountryName, listCountries, listPrices, listServices } from "./catalog";

export const catalogRoutes = createRouter();

const CatalogSchema = z
  .object({
    services: z.array(
      z.object({
        code: z.string().openapi({ example: "tg" }),
        name: z.string().openapi({ example: "Telegram" }),
      }),
    ),
    countries: z.array(
      z.object({
        id: z.number().int().openapi({ example: 16, description: "sms-activate's numeric country id" }),
        iso: z.string().openapi({ example: "GB" }),
        name: z.string().openapi({ example: "United Kingdom" }),
      }),
    ),
    prices: z.array(
      z.object({
        service: z.string(),
        country: z.number().int(),
        price: z.number().int().openapi({ example: 65, description: "minor units of `currency`" }),
        currency: z.string().openapi({ example: "USD" }),
        stock: z.number().int().openapi({ description: "numbers available now, as last reported" }),
        successRate: z
          .number()
          .min(0)
          .max(1)
          .nullable()
          .openapi({
            example: 0.92,
            description: `share of rentals that received a code over the last ${SUCCESS_WINDOW_MS / 86_400_000} days, on the route this price comes from, as of the last price update (every cron run); null until measured`,
          }),
      }),
    ),
  })
  .openapi("Catalog");

const route = createRoute({
  method: "get",
  path: "/",
  tags: ["Catalog"],
  summary: "Services, countries and prices",
  description:
    "Filter by `service` (code) and/or `country` (numeric id): the lists then hold only the matching " +
    "service, country and prices. Country names come in English, Russian or Chinese (`lang`).",
  request: {
    query: z.object({
      service: z.string().min(1).max(10).optional().openapi({ example: "tg" }),
      country: z.coerce.number().int().min(0).optional().openapi({ example: 16 }),
      lang: z.enum(["en", "ru", "zh"]).default("en"),
    }),
  },
  responses: {
    200: jsonContent(CatalogSchema, "The catalog, or the part of it the filters select"),
    400: errorResponse(
      "BAD_SERVICE or BAD_COUNTRY (the codes ordering uses; details.known lists the valid values), or " +
        "VALIDATION_FAILED for a malformed filter",
    ),
  },
});

const countryName = (c: { name: string; nameRu: string | null; nameZh: string | null }, lang: CountryName) =>
  (lang === "ru" ? c.nameRu : lang === "zh" ? c.nameZh : null) ?? c.name;

catalogRoutes.openapi(route, async (c) => {
  const { service, country, lang } = c.req.valid("query");
  const db = c.get("db");
  const [allServices, allCountries, prices] = await Promise.all([
    listServices(db),
    listCountries(db),
    listPrices(db, { service, country }),
  ]);
  const services = allServices.filter((s) => service === undefined || s.code === service);
  const countries = allCountries.filter((k) => country === undefined || k.id === country);
  if (service !== undefined && services.length === 0) {
    throw new AppError(400, "BAD_SERVICE", `There is no service with code "${service}".`, {
      known: allServices.map((s) => s.code),
    });
  }
  if (country !== undefined && countries.length === 0) {
    throw new AppError(400, "BAD_COUNTRY", `There is no country with id ${country}.`, {
      known: allCountries.map((k) => k.id),
    });
  }
  return c.json(
    {
      services,
      countries: countries.map((k) => ({ id: k.id, iso: k.iso, name: countryName(k, lang) })),
      // The upstream's name is not listed: customers see how well the route serves, not whose it is.
      prices,
    },
    200,
  );
});
