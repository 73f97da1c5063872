// The public price list: every service × country with price and stock (and success rate once the
// catalog carries one), rendered by the Worker so it reads without JavaScript. Search and sort are
// query parameters (`?q=…&sort=…`), so the plain HTML form works as it is; the page's script then
// filters and sorts in place without a round trip.
import { html } from "hono/html";
import { listCountries, listPrices, listServices } from "../activations/catalog";
import type { Db } from "../db/client";

export const SORTS = ["service", "country", "price", "stock", "success"] as const;
export type Sort = (typeof SORTS)[number];

export type PriceRow = {
  service: string;
  serviceName: string;
  country: number;
  iso: string;
  countryName: string;
  countryNameRu: string | null;
  price: number;
  currency: string;
  stock: number;
  /** 0–1, once the route is measured (the rate routing uses, as of the last price rebuild). */
  successRate: number | null;
};

export const loadPriceRows = async (db: Db): Promise<PriceRow[]> => {
  const [services, countries, prices] = await Promise.all([
    listServices(db),
    listCountries(db),
    listPrices(db),
  ]);
  const serviceName = new Map(services.map((s) => [s.code, s.name]));
  const country = new Map(countries.map((c) => [c.id, c]));
  return prices.map((p) => {
    const k = country.get(p.country);
    return {
      service: p.service,
      serviceName: serviceName.get(p.service) ?? p.service,
      country: p.country,
      iso: k?.iso ?? "",
      countryName: k?.name ?? String(p.country),
      countryNameRu: k?.nameRu ?? null,
      price: p.price,
      currency: p.currency,
      stock: p.stock,
      // The route that prices the pair, as the catalog API shows it (codes received / rentals ended).
      successRate: p.successRate,
    };
  });
};

const fold = (s: string) => s.toLocaleLowerCase("en").normalize("NFKD").replace(/\p{M}/gu, "");

/** Rows whose service or country matches every word of `q` (names, codes, ISO, Russian name). */
export const filterRows = (rows: PriceRow[], q: string) => {
  const words = fold(q).split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((r) => {
    const hay = fold(`${r.serviceName} ${r.service} ${r.countryName} ${r.iso} ${r.countryNameRu ?? ""}`);
    return words.every((w) => hay.includes(w));
  });
};

export const sortRows = (rows: PriceRow[], sort: Sort) => {
  const byName = (a: PriceRow, b: PriceRow) =>
    a.serviceName.localeCompare(b.serviceName) || a.countryName.localeCompare(b.countryName);
  const compare: Record<Sort, (a: PriceRow, b: PriceRow) => number> = {
    service: byName,
    country: (a, b) =>
      a.countryName.localeCompare(b.countryName) || a.serviceName.localeCompare(b.serviceName),
    price: (a, b) => a.price - b.price || byName(a, b),
    // Most in stock and most successful first: that is what a buyer looks for.
    stock: (a, b) => b.stock - a.stock || byName(a, b),
    success: (a, b) => (b.successRate ?? -1) - (a.successRate ?? -1) || byName(a, b),
  };
  return [...rows].sort(compare[sort]);
};

export const formatMoney = (minor: number, currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency }).format(minor / 100);

const SORT_LABELS: Record<Sort, string> = {
  service: "Service",
  country: "Country",
  price: "Price",
  stock: "Stock",
  success: "Success rate",
};

/**
 * The searchable, sortable table. `action` is the page the form submits to (the same page), so
 * search and sort work with JavaScript off.
 */
export const priceList = (
  all: PriceRow[],
  opts: { q: string; sort: Sort; action: string; headingId: string },
) => {
  const withRate = all.some((r) => r.successRate !== null);
  // Every row is in the page (the non-matching ones hidden), so the script can search them all.
  const rows = sortRows(all, opts.sort);
  const shown = new Set(filterRows(all, opts.q));
  const sorts = SORTS.filter((s) => s !== "success" || withRate);
  const sortLink = (s: Sort) => {
    const params = new URLSearchParams();
    if (opts.q) params.set("q", opts.q);
    if (s !== "service") params.set("sort", s);
    const query = params.toString();
    return `${opts.action}${query ? `?${query}` : ""}`;
  };
  const header = (s: Sort, numeric = false) =>
    html`<th scope="col" class="${numeric ? "num" : ""}" data-sort-key="${s}" aria-sort="${
      s === opts.sort
        ? s === "service" || s === "country" || s === "price"
          ? "ascending"
          : "descending"
        : "none"
    }"><a href="${sortLink(s)}" data-sort="${s}">${SORT_LABELS[s]}</a></th>`;
  return html`<form class="price-search" method="get" action="${opts.action}" role="search" data-price-search>
      <div class="field">
        <label for="price-q">Search services and countries</label>
        <input id="price-q" name="q" type="search" value="${opts.q}" placeholder="Telegram, United Kingdom, gmail…" autocomplete="off" />
      </div>
      <div class="field">
        <label for="price-sort">Sort by</label>
        <select id="price-sort" name="sort">
          ${sorts.map((s) => html`<option value="${s}" ${s === opts.sort ? "selected" : ""}>${SORT_LABELS[s]}</option>`)}
        </select>
      </div>
      <button class="btn btn-secondary" type="submit" data-no-js>Search</button>
    </form>
    <p class="muted small" role="status" data-price-count>${shown.size} of ${all.length} offers</p>
    <div class="table-wrap">
      <table class="price-table" aria-labelledby="${opts.headingId}">
        <thead>
          <tr>
            ${header("service")}${header("country")}${header("price", true)}${header("stock", true)}${
              withRate ? header("success", true) : ""
            }<th scope="col"><span class="visually-hidden">Buy</span></th>
          </tr>
        </thead>
        <tbody data-price-rows>
          ${rows.map(
            (
              r,
            ) => html`<tr${shown.has(r) ? "" : " hidden"} data-service="${r.service}" data-country="${r.country}" data-price="${r.price}" data-stock="${r.stock}" data-success="${r.successRate ?? ""}" data-search="${`${r.serviceName} ${r.service} ${r.countryName} ${r.iso} ${r.countryNameRu ?? ""}`}">
              <td><span class="svc-name">${r.serviceName}</span></td>
              <td><span class="country-badge">${r.iso}</span> ${r.countryName}</td>
              <td class="num">${formatMoney(r.price, r.currency)}</td>
              <td class="num">${r.stock > 0 ? r.stock.toLocaleString("en-US") : html`<span class="muted">Out of stock</span>`}</td>
              ${withRate ? html`<td class="num">${r.successRate === null ? "—" : `${Math.round(r.successRate * 100)} %`}</td>` : ""}
              <td class="buy-cell">${
                r.stock > 0
                  ? html`<a class="btn btn-small btn-secondary" href="/buy?service=${r.service}&amp;country=${r.country}" aria-label="Buy ${r.serviceName}, ${r.countryName}">Buy</a>`
                  : ""
              }</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="empty-note" data-price-empty ${shown.size === 0 ? "" : "hidden"}>No offers match “<span data-price-q>${opts.q}</span>”. Try a service or country name.</p>`;
};
