// The catalog as the handler_api.php protocol spells it, read through the catalog's own queries.
import { listCountries, listPrices, listServices } from "../activations/catalog";
import type { Db } from "../db/client";
import { decimalNumber, ProtocolWord } from "./compat-format";

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

export const numbersStatusAnswer = async (db: Db, params: Params) => {
  const country = countryFilter(params.country, 0);
  if (country === null) return {};
  const rows = await listPrices(db, { country });
  // "_0" is the protocol's "without call forwarding", the only kind of number there is here.
  return Object.fromEntries(rows.map((row) => [`${row.service}_0`, row.stock]));
};
