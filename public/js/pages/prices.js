// Enhances the server-rendered price list (the landing page and /prices): search as you type, with
// the aliases people use, and sort by a column, without a round trip. Without JavaScript the same
// form submits and the Worker filters and sorts.

import { isLang, translate } from "../i18n/index.js";
import { countryWords, fold, matches, serviceWords } from "../search.js";

// The page speaks the language the Worker rendered it in.
const lang = isLang(document.documentElement.lang) ? document.documentElement.lang : "en";

// Old dashboard links were "/#/buy", "/#/verify-email?token=…": they now live at real paths.
const followOldLink = () => {
  if (location.hash.startsWith("#/")) location.replace(location.hash.slice(1));
};
followOldLink();
window.addEventListener("hashchange", followOldLink);

const form = /** @type {HTMLFormElement | null} */ (document.querySelector("[data-price-search]"));
const body = document.querySelector("[data-price-rows]");
if (form && body) {
  const input = /** @type {HTMLInputElement} */ (form.elements.namedItem("q"));
  const sortSelect = /** @type {HTMLSelectElement} */ (form.elements.namedItem("sort"));
  const count = document.querySelector("[data-price-count]");
  const empty = /** @type {HTMLElement | null} */ (document.querySelector("[data-price-empty]"));
  const emptyQuery = document.querySelector("[data-price-q]");
  const rows = /** @type {HTMLTableRowElement[]} */ ([...body.querySelectorAll("tr")]);
  const total = rows.length;
  const hay = new Map(
    rows.map((r) => {
      const iso = r.querySelector(".country-badge")?.textContent ?? "";
      const words = `${r.dataset.search} ${serviceWords(r.dataset.service ?? "")} ${countryWords(iso)}`;
      return [r, fold(words)];
    }),
  );
  for (const button of form.querySelectorAll("[data-no-js]")) button.setAttribute("hidden", "");

  /** @param {HTMLTableRowElement} r */
  const name = (r) => r.cells[0]?.textContent ?? "";
  /** @param {HTMLTableRowElement} r */
  const country = (r) => r.cells[1]?.textContent?.slice(3) ?? "";
  /** @type {Record<string, (a: HTMLTableRowElement, b: HTMLTableRowElement) => number>} */
  const compare = {
    service: (a, b) => name(a).localeCompare(name(b)) || country(a).localeCompare(country(b)),
    country: (a, b) => country(a).localeCompare(country(b)) || name(a).localeCompare(name(b)),
    price: (a, b) => Number(a.dataset.price) - Number(b.dataset.price) || compare.service(a, b),
    stock: (a, b) => Number(b.dataset.stock) - Number(a.dataset.stock) || compare.service(a, b),
    success: (a, b) =>
      Number(b.dataset.success || -1) - Number(a.dataset.success || -1) || compare.service(a, b),
  };

  const apply = () => {
    const q = input.value.trim();
    const sort = sortSelect.value in compare ? sortSelect.value : "service";
    const shown = rows.filter((r) => matches(hay.get(r) ?? "", q)).sort(compare[sort]);
    const visible = new Set(shown);
    for (const r of rows) r.hidden = !visible.has(r);
    body.append(...shown);
    if (count) count.textContent = translate(lang, "prices.count", { shown: shown.length, total });
    if (empty) empty.hidden = shown.length > 0;
    if (emptyQuery) emptyQuery.textContent = q;
    for (const th of document.querySelectorAll("th[data-sort-key]")) {
      const key = /** @type {HTMLElement} */ (th).dataset.sortKey;
      const ascending = key === "service" || key === "country" || key === "price";
      th.setAttribute("aria-sort", key === sort ? (ascending ? "ascending" : "descending") : "none");
    }
    // The address follows, so the view can be shared and survives a reload.
    const url = new URL(location.href);
    if (q) url.searchParams.set("q", q);
    else url.searchParams.delete("q");
    if (sort !== "service") url.searchParams.set("sort", sort);
    else url.searchParams.delete("sort");
    history.replaceState(null, "", url);
  };

  input.addEventListener("input", apply);
  sortSelect.addEventListener("change", apply);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  for (const link of document.querySelectorAll("a[data-sort]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      sortSelect.value = /** @type {HTMLElement} */ (link).dataset.sort ?? "service";
      apply();
    });
  }
  // The server already filtered by the query; apply the aliases too.
  if (input.value) apply();
}
