// Buying a number: find the service (search knows other names; starred and popular ones first),
// pick a country by price, stock or success rate, buy. Recent purchases are one click from again.
import { ApiError, api, request } from "../api.js";
import { OTHER_SERVICE, reloadCatalog, sortServices } from "../catalog.js";
import { h, mount, nextId } from "../dom.js";
import { duration, money } from "../format.js";
import { t } from "../lang.js";
import { here, navigate } from "../router.js";
import { countryWords, fold, matches, serviceWords } from "../search.js";
import { refreshBalance, session } from "../session.js";
import { countryBadge, emptyState, errorBox, pageHeader, serviceBadge, spinner, whileBusy } from "../ui.js";

/** @typedef {import("../router.js").ViewContext} ViewContext */
/** @typedef {import("../catalog.js").Catalog} Catalog */
/** @typedef {import("../catalog.js").Price} Price */

/**
 * A search box that hides the options whose text does not match.
 * @param {string} label
 * @param {string} placeholder
 * @param {() => HTMLElement[]} options  elements with data-search
 * @param {HTMLElement} none  shown when nothing matches
 */
const searchBox = (label, placeholder, options, none) => {
  const id = nextId("search");
  const input = /** @type {HTMLInputElement} */ (
    h("input", { id, type: "search", placeholder, autocomplete: "off", spellcheck: "false" })
  );
  input.addEventListener("input", () => {
    let shown = 0;
    for (const el of options()) {
      el.hidden = !matches(el.dataset.search ?? "", input.value);
      if (!el.hidden) shown++;
    }
    none.hidden = shown > 0;
  });
  return h("div", { class: "field search" }, h("label", { for: id, class: "visually-hidden" }, label), input);
};

/** Lowest price with stock, and total stock, per service. @param {Price[]} prices */
const serviceSummary = (prices) => {
  /** @type {Map<string, { from: number | null, stock: number, currency: string }>} */
  const out = new Map();
  for (const p of prices) {
    const s = out.get(p.service) ?? { from: null, stock: 0, currency: p.currency };
    s.stock += p.stock;
    if (p.stock > 0 && (s.from === null || p.price < s.from)) s.from = p.price;
    out.set(p.service, s);
  }
  return out;
};

/** @param {ViewContext} ctx */
export const buyView = async ({ main, signal, query }) => {
  const body = h("div", { class: "buy" }, spinner(t("buy.loading")));
  mount(main, pageHeader(t("title.buy"), t("buy.lead")), body);
  /** @type {Catalog} */
  let catalog;
  /** @type {{ services: string[], countries: number[] }} */
  let starred;
  /** @type {{ items: any[] }} */
  let recent;
  try {
    // Asked together: the screen waits for one round trip, not three.
    [catalog, starred, recent] = await Promise.all([
      reloadCatalog(),
      api.get("/api/v1/me/favourites", { signal }),
      api.get("/api/v1/activations?scope=all&limit=20", { signal }).catch(() => ({ items: [] })),
    ]);
  } catch (err) {
    if (signal.aborted) return;
    const errors = errorBox();
    errors.show(err);
    mount(body, errors);
    return;
  }
  if (signal.aborted) return;

  let service = query.get("service") ?? "";
  let country = Number(query.get("country") ?? Number.NaN);
  const summary = serviceSummary(catalog.prices);

  /**
   * A star that adds a service or a country to the account's favourites (shown first, on every
   * device), or takes it off.
   * @param {"service" | "country"} kind
   * @param {string} ref
   * @param {string} name
   */
  const starButton = (kind, ref, name) => {
    const isStarred = () =>
      kind === "service" ? starred.services.includes(ref) : starred.countries.includes(Number(ref));
    const button = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "star" }));
    const draw = () => {
      const on = isStarred();
      button.textContent = on ? "★" : "☆";
      button.setAttribute("aria-pressed", String(on));
      button.setAttribute("aria-label", t("buy.favourite", { name }));
    };
    button.addEventListener("click", async () => {
      const path = `/api/v1/me/favourites/${kind}/${encodeURIComponent(ref)}`;
      try {
        starred = isStarred() ? await request("DELETE", path) : await request("PUT", path);
        draw();
      } catch (err) {
        errors.show(err);
      }
    });
    draw();
    return button;
  };

  const rememberChoice = () => {
    const q = new URLSearchParams();
    if (service) q.set("service", service);
    if (Number.isFinite(country)) q.set("country", String(country));
    if (sortSelect.value !== "price") q.set("sort", sortSelect.value);
    history.replaceState(null, "", `/buy${q.size ? `?${q}` : ""}`);
  };

  // ── services ──
  const noService = h(
    "p",
    { class: "muted", hidden: true },
    t("buy.noService", { other: catalog.serviceName(OTHER_SERVICE) }),
  );
  const services = sortServices(catalog.services, starred.services);
  const serviceOptions = services.map((s) => {
    const info = summary.get(s.code);
    const input = h("input", { type: "radio", name: "service", value: s.code, checked: s.code === service });
    input.addEventListener("change", () => {
      service = s.code;
      country = Number.NaN;
      rememberChoice();
      renderCountries();
      showCountries("smooth");
    });
    return h(
      "div",
      { class: "option-wrap", dataset: { search: fold(`${s.name} ${s.code} ${serviceWords(s.code)}`) } },
      h(
        "label",
        { class: "option service-option" },
        input,
        serviceBadge(s.code, s.name),
        h("span", { class: "option-name" }, s.name),
        h(
          "span",
          { class: "option-meta" },
          info?.from != null ? t("buy.from", { price: money(info.from, info.currency) }) : t("buy.out"),
        ),
      ),
      starButton("service", s.code, s.name),
    );
  });
  const servicePicker = h(
    "fieldset",
    { class: "card picker" },
    h("legend", null, h("span", { class: "step" }, "1"), t("buy.service")),
    searchBox(t("buy.searchServices"), t("buy.searchServicesHint"), () => serviceOptions, noService),
    h("div", { class: "option-grid" }, serviceOptions),
    noService,
  );

  // ── countries ──
  const countryPanel = h("div", { class: "country-panel" });
  const withRate = catalog.prices.some((p) => typeof p.successRate === "number");
  const sortId = nextId("country-sort");
  const sortSelect = /** @type {HTMLSelectElement} */ (
    h(
      "select",
      { id: sortId, name: "sort" },
      [
        ["price", t("buy.sortPrice")],
        ["stock", t("buy.sortStock")],
        ...(withRate ? [["success", t("buy.sortSuccess")]] : []),
        ["name", t("buy.sortName")],
      ].map(([value, text]) =>
        h("option", { value, selected: value === (query.get("sort") ?? "price") }, text),
      ),
    )
  );
  sortSelect.addEventListener("change", () => {
    rememberChoice();
    renderCountries();
  });
  /** @type {Record<string, (a: { price: Price, name: string }, b: { price: Price, name: string }) => number>} */
  const countryOrder = {
    price: (a, b) => a.price.price - b.price.price,
    stock: (a, b) => b.price.stock - a.price.stock,
    success: (a, b) => (b.price.successRate ?? -1) - (a.price.successRate ?? -1),
    name: (a, b) => a.name.localeCompare(b.name),
  };
  const renderCountries = () => {
    const order = countryOrder[sortSelect.value] ?? countryOrder.price;
    const rows = catalog.prices
      .filter((p) => p.service === service)
      .map((p) => {
        const c = catalog.country(p.country);
        return { price: p, country: c, name: c?.name ?? t("buy.countryN", { id: p.country }) };
      })
      // In stock first, starred first, then the chosen order, then by name.
      .sort(
        (a, b) =>
          Number(b.price.stock > 0) - Number(a.price.stock > 0) ||
          Number(starred.countries.includes(b.price.country)) -
            Number(starred.countries.includes(a.price.country)) ||
          order(a, b) ||
          a.name.localeCompare(b.name),
      );
    if (!service) {
      mount(countryPanel, emptyState(t("buy.chooseServiceFirst")));
      renderOrder();
      return;
    }
    const none = h("p", { class: "muted", hidden: true }, t("buy.noCountry"));
    const options = rows.map(({ price, country: c, name }) => {
      const input = h("input", {
        type: "radio",
        name: "country",
        value: String(price.country),
        checked: price.country === country,
        disabled: price.stock <= 0,
      });
      input.addEventListener("change", () => {
        country = price.country;
        rememberChoice();
        renderOrder();
        showOrder();
      });
      const rate = price.successRate;
      return h(
        "div",
        {
          class: "option-wrap",
          dataset: { search: fold(`${name} ${c?.iso ?? ""} ${countryWords(c?.iso ?? "")}`) },
        },
        h(
          "label",
          { class: `option country-option${price.stock <= 0 ? " is-out" : ""}` },
          input,
          countryBadge(c?.iso ?? "??"),
          h("span", { class: "option-name" }, name),
          h("span", { class: "option-price" }, money(price.price, price.currency)),
          h(
            "span",
            { class: "option-meta" },
            price.stock > 0 ? t("buy.inStock", { count: price.stock }) : t("buy.out"),
            typeof rate === "number" ? ` · ${t("buy.success", { rate: Math.round(rate * 100) })}` : "",
          ),
        ),
        starButton("country", String(price.country), name),
      );
    });
    mount(
      countryPanel,
      rows.length === 0
        ? emptyState(t("buy.noOffers"))
        : [
            h(
              "div",
              { class: "country-tools" },
              searchBox(t("buy.searchCountries"), t("buy.searchCountries"), () => options, none),
              h(
                "div",
                { class: "field inline-field" },
                h("label", { for: sortId }, t("buy.sort")),
                sortSelect,
              ),
            ),
            h("div", { class: "option-list" }, options),
            none,
          ],
    );
    renderOrder();
  };
  const countryPicker = h(
    "fieldset",
    { class: "card picker" },
    h("legend", null, h("span", { class: "step" }, "2"), t("buy.country")),
    countryPanel,
  );
  /** On a phone the countries are below a long list: bring them into view. @param {ScrollBehavior} how */
  const showCountries = (how) => {
    if (!matchMedia("(max-width: 860px)").matches) return;
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    countryPicker.scrollIntoView({ behavior: still ? "auto" : how, block: "start" });
  };

  // ── order ──
  const order = h("div", { class: "order" });
  /** On a phone the Buy button is below the countries: once one is picked, bring it into view. */
  const showOrder = () => {
    if (!matchMedia("(max-width: 860px)").matches) return;
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    order.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "nearest" });
  };
  const errors = errorBox();
  const renderOrder = () => {
    errors.clear();
    const offer = catalog.prices.find((p) => p.service === service && p.country === country);
    if (!offer || offer.stock <= 0) {
      mount(order, h("p", { class: "muted" }, service ? t("buy.chooseCountry") : t("buy.chooseBoth")));
      return;
    }
    const c = catalog.country(country);
    const button = /** @type {HTMLButtonElement} */ (
      h(
        "button",
        { type: "button", class: "btn btn-primary btn-large buy-button" },
        t("buy.buyFor", { price: money(offer.price, offer.currency) }),
      )
    );
    const balance = session.balance;
    const shortfall = balance ? offer.price - balance.available : 0;
    button.addEventListener("click", async () => {
      errors.clear();
      try {
        const activation = await whileBusy(button, t("buy.getting"), () =>
          api.post(
            "/api/v1/activations",
            // maxPrice: never pay more than the price shown, even if it changed a moment ago.
            { service, country, maxPrice: offer.price },
            // A fresh key per click: a retried request of this click never buys twice.
            { headers: { "Idempotency-Key": crypto.randomUUID() } },
          ),
        );
        refreshBalance().catch(() => {});
        navigate(`/numbers/${activation.id}`);
      } catch (err) {
        // The price or the stock changed since the page loaded: show the new ones with the message.
        if (err instanceof ApiError && (err.code === "WRONG_MAX_PRICE" || err.code === "NO_NUMBERS")) {
          catalog = await reloadCatalog().catch(() => catalog);
          renderCountries();
        }
        errors.show(err);
      }
    });
    mount(
      order,
      h(
        "p",
        { class: "order-line" },
        h("strong", null, catalog.serviceName(service)),
        ` ${t("buy.orderLine", { country: c?.name ?? country, price: money(offer.price, offer.currency) })}`,
      ),
      h(
        "p",
        { class: "hint" },
        t("buy.terms", { duration: duration(session.config.activationMinutes * 60) }),
      ),
      balance && shortfall > 0
        ? [
            h(
              "p",
              { class: "alert alert-info shortfall" },
              t("buy.shortfall", {
                balance: money(balance.available, balance.currency),
                more: money(shortfall, balance.currency),
              }),
            ),
            // The top-up brings the customer back to this very order.
            h(
              "a",
              {
                class: "btn btn-primary btn-large btn-block",
                href: `/balance?next=${encodeURIComponent(here())}`,
              },
              t("home.topUp"),
            ),
          ]
        : button,
    );
  };

  mount(
    body,
    servicePicker,
    h(
      "div",
      { class: "buy-side" },
      countryPicker,
      h(
        "section",
        { class: "card order-card", "aria-label": t("buy.yourOrder") },
        h("h2", { class: "label" }, h("span", { class: "step" }, "3"), t("prices.buy")),
        order,
        errors,
      ),
    ),
  );
  body.before(recentPurchases(recent.items, catalog));
  renderCountries();
  // A link to a service lands on its countries, as picking it would.
  if (service) showCountries("auto");
  // The header balance arrives a moment later; the order uses it to offer Buy or a top-up. Redrawn
  // only if it changed, so a Buy button already in use is not swapped under the pointer.
  const shownBalance = session.balance?.available;
  refreshBalance().then(
    (fresh) => signal.aborted || fresh.available === shownBalance || renderOrder(),
    () => {},
  );
};

/**
 * The last few different offers bought, each one click from being chosen again.
 * @param {any[]} items activations, newest first
 * @param {Catalog} catalog
 */
const recentPurchases = (items, catalog) => {
  /** @type {Map<string, { service: string, country: number }>} */
  const offers = new Map();
  for (const a of items) {
    const key = `${a.service}:${a.country}`;
    if (!offers.has(key)) offers.set(key, { service: a.service, country: a.country });
  }
  const links = [...offers.values()].slice(0, 4).flatMap(({ service, country }) => {
    const price = catalog.prices.find((p) => p.service === service && p.country === country);
    if (!price || price.stock <= 0) return [];
    const name = `${catalog.serviceName(service)} · ${catalog.country(country)?.name ?? country}`;
    return [
      h(
        "a",
        { class: "chip recent", href: `/buy?service=${service}&country=${country}` },
        h("span", null, name),
        h("span", { class: "muted" }, ` ${money(price.price, price.currency)}`),
        h("span", { class: "visually-hidden" }, t("buy.againHidden")),
      ),
    ];
  });
  if (links.length === 0) return h("span", { hidden: true });
  return h(
    "section",
    { class: "recent-purchases", "aria-labelledby": "recent-title" },
    h("h2", { id: "recent-title", class: "label" }, t("buy.again")),
    h("div", { class: "chips" }, links),
  );
};
