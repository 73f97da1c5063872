// Every number bought, newest first, filterable by service, country and status.
import { api, query } from "../api.js";
import { getCatalog, sortCountries, sortServices } from "../catalog.js";
import { allPages, downloadCsv } from "../csv.js";
import { h, mount, nextId } from "../dom.js";
import { dateTime, money, statusLabel } from "../format.js";
import { t } from "../lang.js";
import { emptyState, errorBox, pageHeader, serviceBadge, spinner, whileBusy } from "../ui.js";

/** @typedef {import("../activation-card.js").Activation} Activation */

/**
 * @param {string} label
 * @param {string} name
 * @param {[string, string][]} options  [value, text]
 * @param {string} value
 */
const select = (label, name, options, value) => {
  const id = nextId(name);
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h(
      "select",
      { id, name },
      options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
    ),
  );
};

/** @param {import("../router.js").ViewContext} ctx */
export const historyView = async ({ main, signal, query: params }) => {
  const results = h("div", { class: "history" }, spinner());
  mount(main, pageHeader(t("title.history"), t("history.lead")), results);
  let catalog;
  try {
    catalog = await getCatalog();
  } catch (err) {
    const errors = errorBox();
    errors.show(err);
    mount(results, errors);
    return;
  }
  if (signal.aborted) return;

  const filters = {
    service: params.get("service") ?? "",
    country: params.get("country") ?? "",
    status: params.get("status") ?? "",
  };
  const form = h(
    "form",
    { class: "filters card", "aria-label": t("history.filters") },
    select(
      t("col.service"),
      "service",
      [
        ["", t("history.allServices")],
        ...sortServices(catalog.services).map((s) => /** @type {[string, string]} */ ([s.code, s.name])),
      ],
      filters.service,
    ),
    select(
      t("col.country"),
      "country",
      [
        ["", t("history.allCountries")],
        ...sortCountries(catalog.countries).map(
          (c) => /** @type {[string, string]} */ ([String(c.id), c.name]),
        ),
      ],
      filters.country,
    ),
    select(
      t("col.status"),
      "status",
      [
        ["", t("history.anyStatus")],
        ...["waiting", "received", "waiting_retry", "finished", "cancelled", "expired"].map(
          (s) => /** @type {[string, string]} */ ([s, statusLabel(s)]),
        ),
      ],
      filters.status,
    ),
  );
  const applyFilters = () => {
    history.replaceState(null, "", `/history${query(filters)}`);
    load();
  };
  form.addEventListener("change", (event) => {
    const target = /** @type {HTMLSelectElement} */ (event.target);
    filters[/** @type {"service" | "country" | "status"} */ (target.name)] = target.value;
    applyFilters();
  });
  const clearFilters = () => {
    for (const select of Array.from(form.querySelectorAll("select"))) select.value = "";
    Object.assign(filters, { service: "", country: "", status: "" });
    applyFilters();
    form.querySelector("select")?.focus();
  };

  const list = h("ol", { class: "rows" });
  const more = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-secondary", hidden: true }, t("history.more"))
  );
  const errors = errorBox();
  const status = h("div", { role: "status" });
  /** @type {string | null} */
  let cursor = null;
  // Filters can change faster than pages arrive: only the newest load may touch the list.
  let generation = 0;

  /** @param {Activation} a */
  const row = (a) => {
    const c = catalog.country(a.country);
    const name = catalog.serviceName(a.service);
    return h(
      "li",
      { class: "row act-row" },
      serviceBadge(a.service, name),
      h(
        "div",
        { class: "row-main" },
        h("a", { href: `/numbers/${a.id}`, class: "row-title" }, `${name} · ${c?.name ?? a.country}`),
        h("span", { class: "muted small", translate: "no" }, `${a.phone} · ${dateTime(a.createdAt)}`),
        h(
          "a",
          { class: "small buy-again", href: `/buy?service=${a.service}&country=${a.country}` },
          t("buy.again"),
          h("span", { class: "visually-hidden" }, `: ${name}, ${c?.name ?? a.country}`),
        ),
      ),
      h("span", { class: "row-code", translate: "no" }, a.code ?? "—"),
      h("span", { class: `status status-${a.status}` }, statusLabel(a.status)),
      h(
        "span",
        { class: "row-amount" },
        a.charged ? money(a.price, a.currency) : h("span", { class: "muted" }, t("history.notCharged")),
      ),
    );
  };

  /** @param {string | null} at */
  const fetchPageAt = (at) =>
    api.get(`/api/v1/activations${query({ scope: "all", ...filters, cursor: at })}`, { signal });
  const fetchPage = () => fetchPageAt(cursor);

  // What the list shows, with the current filters, as a file for a spreadsheet.
  const csv = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-secondary btn-small" }, t("history.csv"))
  );
  csv.addEventListener("click", async () => {
    errors.clear();
    try {
      const items = await whileBusy(csv, t("history.preparing"), () => allPages(fetchPageAt));
      downloadCsv("history.csv", [
        ["id", "bought_at", "service", "country", "phone", "status", "code", "price", "currency", "charged"],
        ...items.map((/** @type {Activation} */ a) => [
          a.id,
          a.createdAt,
          catalog.serviceName(a.service),
          catalog.country(a.country)?.name ?? a.country,
          a.phone,
          a.status,
          a.code ?? "",
          (a.price / 100).toFixed(2),
          a.currency,
          a.charged ? "yes" : "no",
        ]),
      ]);
    } catch (err) {
      errors.show(err);
    }
  });
  // Column names for the rows below; the rows' own text says the same to a screen reader.
  const head = h(
    "div",
    { class: "row rows-head act-cols", "aria-hidden": "true" },
    h("span"),
    h("span", null, t("col.number")),
    h("span", null, t("col.code")),
    h("span", null, t("col.status")),
    h("span", { class: "row-amount" }, t("history.charged")),
  );

  const nothingFound = () => {
    if (!filters.service && !filters.country && !filters.status) {
      return emptyState(
        t("history.empty"),
        h("a", { class: "btn btn-secondary", href: "/buy" }, t("home.buy")),
      );
    }
    const clear = h("button", { type: "button", class: "btn btn-secondary" }, t("history.clear"));
    clear.addEventListener("click", clearFilters);
    return emptyState(t("history.noMatch"), clear);
  };

  const load = async () => {
    const mine = ++generation;
    cursor = null;
    errors.clear();
    mount(status, spinner());
    list.replaceChildren();
    more.hidden = true;
    try {
      const page = await fetchPage();
      if (signal.aborted || mine !== generation) return;
      mount(status, page.items.length === 0 ? nothingFound() : null);
      list.replaceChildren(...page.items.map(row));
      head.hidden = page.items.length === 0;
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (err) {
      if (signal.aborted || mine !== generation) return;
      status.replaceChildren();
      errors.show(err);
    }
  };
  more.addEventListener("click", async () => {
    const mine = generation;
    try {
      const page = await whileBusy(more, t("loading"), fetchPage);
      if (mine !== generation) return;
      list.append(...page.items.map(row));
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (err) {
      errors.show(err);
    }
  });

  mount(
    results,
    form,
    h("div", { class: "list-tools" }, csv),
    errors,
    status,
    h("div", { class: "rows-table" }, head, list),
    h("div", { class: "more" }, more),
  );
  load();
};
