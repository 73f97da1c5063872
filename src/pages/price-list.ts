// The public price list: every service × country with price and stock (and success rate once the
// catalog carries one), rendered by the Worker so it reads without JavaScript. Search and sort are
// query parameters (`?q=…&sort=…`), so the plain HTML form works as it is; the page's script then
// filters and sorts in place without a round trip.
import { html } from "hono/html";
import { listCountries, listPrices, listServices } from "../activations/catalog";
import type { Db } from "../db/client";
import type { Lang, T } from "./i18n";

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

/** Intl's locale for a page language (the dashboard formats with the browser's own variant). */
export const LOCALES: Record<Lang, string> = { en: "en-US", ru: "ru-RU" };

export const formatMoney = (minor: number, currency: string, lang: Lang = "en") => {
  const format = new Intl.NumberFormat(LOCALES[lang], { style: "currency", currency });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
};

/**
 * The searchable, sortable table. `action` is the page the form submits to (the same page), so
 * search and sort work with JavaScript off.
 */
export const priceList = (
  given: PriceRow[],
  opts: { q: string; sort: Sort; action: string; headingId: string; lang: Lang; t: T },
) => {
  const { t, lang } = opts;
  // The catalog's own Russian names (English where it has none), also for sorting by country.
  const countryName = (r: PriceRow) => (lang === "ru" && r.countryNameRu) || r.countryName;
  // The catch-all service's name is the catalog's one English phrase: worded in the page's language.
  const serviceLabel = (r: PriceRow) => (r.service === "ot" ? t("service.other") : r.serviceName);
  const all = lang === "en" ? given : given.map((r) => ({ ...r, countryName: countryName(r) }));
  // The query sits in its own element, so the script can change it as the reader types.
  const [before = "", after = ""] = t("prices.empty", { q: "\u0000" }).split("\u0000");
  const emptyNote = html`${before}<span data-price-q>${opts.q}</span>${after}`;
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
    }"><a href="${sortLink(s)}" data-sort="${s}">${t(`sort.${s}`)}</a></th>`;
  return html`<form class="price-search" method="get" action="${opts.action}" role="search" data-price-search>
      <div class="field">
        <label for="price-q">${t("prices.search")}</label>
        <input id="price-q" name="q" type="search" value="${opts.q}" placeholder="${t("prices.placeholder")}" autocomplete="off" />
      </div>
      <div class="field">
        <label for="price-sort">${t("prices.sortBy")}</label>
        <select id="price-sort" name="sort">
          ${sorts.map((s) => html`<option value="${s}" ${s === opts.sort ? "selected" : ""}>${t(`sort.${s}`)}</option>`)}
        </select>
      </div>
      <button class="btn btn-secondary" type="submit" data-no-js>${t("prices.submit")}</button>
    </form>
    <p class="muted small" role="status" data-price-count>${t("prices.count", { shown: shown.size, total: all.length })}</p>
    <div class="table-wrap">
      <table class="price-table" aria-labelledby="${opts.headingId}">
        <thead>
          <tr>
            ${header("service")}${header("country")}${header("price", true)}${header("stock", true)}${
              withRate ? header("success", true) : ""
            }<th scope="col"><span class="visually-hidden">${t("prices.buy")}</span></th>
          </tr>
        </thead>
        <tbody data-price-rows>
          ${rows.map(
            (
              r,
            ) => html`<tr${shown.has(r) ? "" : " hidden"} data-service="${r.service}" data-country="${r.country}" data-price="${r.price}" data-stock="${r.stock}" data-success="${r.successRate ?? ""}" data-search="${`${r.serviceName} ${r.service} ${r.countryName} ${r.iso} ${r.countryNameRu ?? ""}`}">
              <td><span class="svc-name">${serviceLabel(r)}</span></td>
              <td><span class="country-badge">${r.iso}</span> ${countryName(r)}</td>
              <td class="num">${formatMoney(r.price, r.currency, lang)}</td>
              <td class="num">${r.stock > 0 ? r.stock.toLocaleString(LOCALES[lang]) : html`<span class="muted">${t("prices.outOfStock")}</span>`}</td>
              ${withRate ? html`<td class="num">${r.successRate === null ? "—" : `${Math.round(r.successRate * 100)} %`}</td>` : ""}
              <td class="buy-cell">${
                r.stock > 0
                  ? html`<a class="btn btn-small btn-secondary" href="/buy?service=${r.service}&amp;country=${r.country}" aria-label="${t("prices.buyLabel", { service: serviceLabel(r), country: countryName(r) })}">${t("prices.buy")}</a>`
                  : ""
              }</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="empty-note" data-price-empty ${shown.size === 0 ? "" : "hidden"}>${emptyNote}</p>`;
};
