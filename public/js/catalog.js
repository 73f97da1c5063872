// The catalog (services, countries, prices) changes rarely: load it once per page load and look names
// up from it wherever an activation shows only codes and ids.
import { api } from "./api.js";
import { lang, t } from "./lang.js";

/**
 * @typedef {{ code: string, name: string }} Service
 * @typedef {{ id: number, iso: string, name: string }} Country
 * @typedef {{ service: string, country: number, price: number, currency: string, stock: number,
 *   successRate?: number | null }} Price  successRate: 0–100, once the catalog reports one
 * @typedef {{ services: Service[], countries: Country[], prices: Price[],
 *   serviceName: (code: string) => string, country: (id: number) => Country | undefined }} Catalog
 */

/** @type {Promise<Catalog> | null} */
let cached = null;

/** @returns {Promise<Catalog>} */
export const getCatalog = () => {
  cached ??= api.get(`/api/v1/catalog?lang=${lang}`).then(
    /** @param {{ services: Service[], countries: Country[], prices: Price[] }} data */
    (data) => {
      // The catalog names the catch-all service in English; it is the one name that is a phrase.
      data.services = data.services.map((s) =>
        s.code === OTHER_SERVICE ? { ...s, name: t("service.other") } : s,
      );
      const services = new Map(data.services.map((s) => [s.code, s]));
      const countries = new Map(data.countries.map((c) => [c.id, c]));
      return {
        ...data,
        serviceName: (code) => services.get(code)?.name ?? code,
        country: (id) => countries.get(id),
      };
    },
    (err) => {
      cached = null;
      throw err;
    },
  );
  return cached;
};

/** The code of the catch-all service, for anything not listed. */
export const OTHER_SERVICE = "ot";

// The services people buy most, in that order (the order resellers' own lists use).
const POPULAR = ["tg", "wa", "go", "fb", "ig", "tw", "ds", "am", "mm", "lf", "wx", "ts", "vi", "wb"];

/**
 * Starred first (in the order starred), then the popular ones, then the rest alphabetically; the
 * catch-all service last.
 * @param {Service[]} services
 * @param {string[]} [starred]
 */
export const sortServices = (services, starred = []) => {
  /** @param {Service} s */
  const rank = (s) => {
    if (s.code === OTHER_SERVICE) return 10_000;
    const star = starred.indexOf(s.code);
    if (star !== -1) return star;
    const popular = POPULAR.indexOf(s.code);
    return popular === -1 ? 1_000 : 100 + popular;
  };
  return [...services].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
};

/** @param {Country[]} countries */
export const sortCountries = (countries) => [...countries].sort((a, b) => a.name.localeCompare(b.name));

/** Fresh prices and stock, for the buy screen. */
export const reloadCatalog = () => {
  cached = null;
  return getCatalog();
};
