// The catalog (services, countries, prices) changes rarely: load it once per page load and look names
// up from it wherever an activation shows only codes and ids.
import { api } from "./api.js";

/**
 * @typedef {{ code: string, name: string }} Service
 * @typedef {{ id: number, iso: string, name: string }} Country
 * @typedef {{ service: string, country: number, price: number, currency: string, stock: number }} Price
 * @typedef {{ services: Service[], countries: Country[], prices: Price[],
 *   serviceName: (code: string) => string, country: (id: number) => Country | undefined }} Catalog
 */

/** @type {Promise<Catalog> | null} */
let cached = null;

/** @returns {Promise<Catalog>} */
export const getCatalog = () => {
  cached ??= api.get("/api/v1/catalog").then(
    /** @param {{ services: Service[], countries: Country[], prices: Price[] }} data */
    (data) => {
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

/** Fresh prices and stock, for the buy screen. */
export const reloadCatalog = () => {
  cached = null;
  return getCatalog();
};
