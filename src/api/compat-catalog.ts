// The catalog as the handler_api.php protocol spells it, read through the catalog's own queries.
import { listCountries, listPrices, listServices } from "../activations/catalog";
import type { Db } from "../db/client";
import { toDecimalString } from "../lib/money";
import { decimalNumber, jsonError, ProtocolWord } from "./compat-format";

type Params = Record<string, string | undefined>;

const isCountryId = (value: string) => /^\d+$/.test(value.trim()) && Number.isSafeInteger(Number(value));

/** An order's numeric country id; `fallback` when the parameter is absent (the protocol's default is 0). */
export const countryParam = (value: string | undefined, fallback: number | undefined) => {
  if (value === undefined || value === "") return fallback;
  if (!isCountryId(value)) throw new ProtocolWord("BAD_COUNTRY");
  return Number(value);
};

/**
 * The catalog reads' country filter; null when the value names no country. The protocol gives these
 * reads no error word, so a malformed country is answered like an unknown one: nothing matches, `{}`.
 */
const countryFilter = (value: string | undefined, fallback: number | undefined) => {
  if (value === undefined || value === "") return fallback;
  return isCountryId(value) ? Number(value) : null;
};

export const pricesAnswer = async (db: Db, params: Params) => {
  const country = countryFilter(params.country, undefined);
  if (country === null) return {};
  const rows = await listPrices(db, { service: params.service || undefined, country });
  const answer: Record<string, Record<string, { cost: number; count: number }>> = {};
  for (const row of rows) {
    answer[row.country] = {
      ...answer[row.country],
      [row.service]: { cost: decimalNumber(row.price), count: row.stock },
    };
  }
  return answer;
};

export const countriesAnswer = async (db: Db) =>
  Object.fromEntries(
    (await listCountries(db)).map((country) => [
      country.id,
      {
        id: country.id,
        eng: country.name,
        rus: country.nameRu ?? country.name,
        chn: country.nameZh ?? country.name,
        visible: 1,
        // Another SMS on the same number: yes. Long-term rentals and multi-service numbers: not offered.
        retry: 1,
        rent: 0,
        multiService: 0,
      },
    ]),
  );

export const servicesListAnswer = async (db: Db) => ({
  status: "success",
  services: (await listServices(db)).map(({ code, name }) => ({ code, name })),
});

/**
 * getNumbersStatus: every service we sell, with its stock in the country, 0 included (clients read
 * `tg_0` without checking it exists). A country we do not serve at all is `{}`.
 */
export const numbersStatusAnswer = async (db: Db, params: Params) => {
  const country = countryFilter(params.country, 0);
  if (country === null) return {};
  const [rows, all] = await Promise.all([listPrices(db, { country }), listServices(db)]);
  if (rows.length === 0) return {};
  const stock = new Map(rows.map((row) => [row.service, row.stock]));
  // "_0" is the protocol's "without call forwarding", the only kind of number there is here.
  return Object.fromEntries(all.map(({ code }) => [`${code}_0`, stock.get(code) ?? 0]));
};

/**
 * getPricesV2: stock per price tier, `{"<country>": {"<service>": {"<price>": <count>}}}`. Each pair
 * has one price here, so one tier; the price is the key as a decimal string, as in the original.
 */
export const pricesV2Answer = async (db: Db, params: Params) => {
  const country = countryFilter(params.country, undefined);
  if (country === null) return {};
  const rows = await listPrices(db, { service: params.service || undefined, country });
  const answer: Record<string, Record<string, Record<string, number>>> = {};
  for (const row of rows) {
    answer[row.country] = {
      ...answer[row.country],
      [row.service]: { [toDecimalString(row.price)]: row.stock },
    };
  }
  return answer;
};

/**
 * getTopCountriesByService: the countries selling a service, most stock first, keyed by rank
 * ("0", "1", …) with `{country, count, price, retail_price}` as numbers; with `freePrice=true` also the
 * stock per price tier (`freePriceMap`). We sell at one list price, so price and retail price agree.
 */
export const topCountriesAnswer = async (db: Db, params: Params) => {
  const service = params.service;
  if (!service) throw new ProtocolWord("BAD_SERVICE");
  const rows = await listPrices(db, { service });
  if (rows.length === 0 && !(await listServices(db)).some((s) => s.code === service))
    throw new ProtocolWord("BAD_SERVICE");
  const withFreePrice = params.freePrice === "true" || params.freePrice === "1";
  const ranked = rows
    .filter((row) => row.stock > 0)
    .sort((a, b) => b.stock - a.stock || a.price - b.price || a.country - b.country);
  return Object.fromEntries(
    ranked.map((row, rank) => [
      String(rank),
      {
        country: row.country,
        count: row.stock,
        price: decimalNumber(row.price),
        retail_price: decimalNumber(row.price),
        ...(withFreePrice ? { freePriceMap: { [toDecimalString(row.price)]: row.stock } } : {}),
      },
    ]),
  );
};

/**
 * getOperators: `{"status":"success","countryOperators":{"<country>":["any"]}}` for the countries we
 * serve (or the one asked for). The provider picks the operator, so "any" is the one we can promise.
 */
export const operatorsAnswer = async (db: Db, params: Params) => {
  const country = countryFilter(params.country, undefined);
  const rows = country === null ? [] : await listPrices(db, { country });
  const served = [...new Set(rows.map((row) => row.country))].sort((a, b) => a - b);
  if (served.length === 0) return jsonError("OPERATORS_NOT_FOUND");
  return { status: "success", countryOperators: Object.fromEntries(served.map((id) => [id, ["any"]])) };
};
