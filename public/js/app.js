// The dashboard's shell: loads the configuration and the signed-in customer, draws the header and the
// footer, and renders the screen the URL's path names (the Worker serves this shell at each of them).
import { api, onUnauthorized } from "./api.js";
import { $, h, mount } from "./dom.js";
import { money } from "./format.js";
import { langSwitch, t } from "./lang.js";
import { policyPrompt } from "./policy-prompt.js";
import { currentLocation, here, legacyRedirect, navigate, onNavigate, resolve } from "./router.js";
import { loadConfig, loadMe, onSessionChange, session, setMe } from "./session.js";
import { errorBox, messageOf, pageHeader } from "./ui.js";

/**
 * A screen's code is fetched when it is first shown, so the first load carries only its own.
 * @param {() => Promise<Record<string, any>>} load
 * @param {string} name the view's export
 * @returns {import("./router.js").Route["load"]}
 */
const lazy = (load, name) => async () => (await load())[name];

/** @type {import("./router.js").Route[]} */
const routes = [
  {
    path: "/",
    load: lazy(() => import("./views/home.js"), "homeView"),
    title: t("title.dashboard"),
    access: "user",
  },
  {
    path: "/buy",
    load: lazy(() => import("./views/buy.js"), "buyView"),
    title: t("title.buy"),
    access: "user",
  },
  {
    path: "/numbers/:id",
    load: lazy(() => import("./views/activation.js"), "activationView"),
    title: t("title.number"),
    access: "user",
  },
  {
    path: "/history",
    load: lazy(() => import("./views/history.js"), "historyView"),
    title: t("title.history"),
    access: "user",
  },
  {
    path: "/balance",
    load: lazy(() => import("./views/billing.js"), "billingView"),
    title: t("title.balance"),
    access: "user",
  },
  {
    path: "/keys",
    load: lazy(() => import("./views/keys.js"), "keysView"),
    title: t("title.keys"),
    access: "user",
  },
  {
    path: "/security",
    load: lazy(() => import("./views/security.js"), "securityView"),
    title: t("title.security"),
    access: "user",
  },
  {
    path: "/settings",
    load: lazy(() => import("./views/settings.js"), "settingsView"),
    title: t("title.settings"),
    access: "user",
  },
  {
    path: "/login",
    load: lazy(() => import("./views/auth.js"), "loginView"),
    title: t("title.login"),
    access: "guest",
  },
  {
    path: "/signup",
    load: lazy(() => import("./views/auth.js"), "signupView"),
    title: t("title.signup"),
    access: "guest",
  },
  {
    path: "/forgot",
    load: lazy(() => import("./views/auth.js"), "forgotView"),
    title: t("title.forgot"),
    access: "guest",
  },
  {
    path: "/reset-password",
    load: lazy(() => import("./views/auth.js"), "resetView"),
    title: t("title.reset"),
    access: "public",
  },
  {
    path: "/verify-email",
    load: lazy(() => import("./views/auth.js"), "verifyEmailView"),
    title: t("title.verify"),
    access: "public",
  },
  {
    path: "/webhooks",
    load: lazy(() => import("./views/webhooks.js"), "webhooksView"),
    title: t("title.webhooks"),
    access: "user",
  },
  {
    path: "/support",
    load: lazy(() => import("./views/support.js"), "supportView"),
    title: t("title.support"),
    access: "user",
  },
  {
    path: "/support/confirm",
    load: lazy(() => import("./views/support.js"), "confirmRequestView"),
    title: t("title.privacyRequest"),
    access: "public",
  },
  {
    path: "/support/:id",
    load: lazy(() => import("./views/support.js"), "ticketView"),
    title: t("title.ticket"),
    access: "user",
  },
  {
    path: "/confirm-email-change",
    load: lazy(() => import("./views/privacy-settings.js"), "confirmEmailChangeView"),
    title: t("title.newEmail"),
    access: "public",
  },
  {
    path: "/privacy",
    load: lazy(() => import("./views/legal.js"), "privacyView"),
    title: t("title.privacy"),
    access: "public",
  },
  {
    path: "/terms",
    load: lazy(() => import("./views/legal.js"), "termsView"),
    title: t("title.terms"),
    access: "public",
  },
];

const NAV = [
  ["/", t("nav.dashboard")],
  ["/buy", t("nav.buy")],
  ["/history", t("nav.history")],
  ["/balance", t("nav.balance")],
  ["/keys", t("nav.keys")],
  ["/security", t("nav.security")],
  ["/settings", t("nav.settings")],
  ["/support", t("nav.support")],
];

const main = $("#main");

// The header is redrawn only when the screen or the signed-in person changes; a new balance only
// changes the chip's text, so keyboard focus in the header survives the updates.
let headerFor = "";

const renderHeader = () => {
  const { path } = currentLocation();
  const key = `${session.me?.id ?? ""} ${path}`;
  if (key !== headerFor) {
    headerFor = key;
    renderNav(path);
    renderSessionArea(path);
  }
  const chip = document.querySelector(".balance-chip");
  const b = session.balance;
  if (chip) {
    chip.textContent = b ? money(b.available, b.currency) : "…";
    chip.setAttribute(
      "aria-label",
      b ? t("session.balanceOf", { amount: money(b.available, b.currency) }) : t("session.balance"),
    );
  }
  fitHeader();
};

/**
 * The menu keeps one row beside the brand and the balance while it fits; when it does not (a
 * narrower window, the longer Russian names) it takes a row of its own instead of sliding under the
 * balance. Measured, not guessed by width, so any language and font fits. The header's height is
 * published for what sits below it (sticky panels, scroll margins).
 */
const fitHeader = () => {
  const inner = $(".topbar-inner");
  const nav = $("[data-nav]");
  inner.classList.remove("is-stacked");
  if (!nav.hidden && nav.scrollWidth > nav.clientWidth + 1) inner.classList.add("is-stacked");
  document.documentElement.style.setProperty("--topbar-height", `${$(".topbar").offsetHeight}px`);
};

/** @param {string} path */
const renderNav = (path) => {
  const nav = $("[data-nav]");
  nav.hidden = !session.me;
  mount(
    nav,
    h(
      "ul",
      null,
      NAV.map(([href, label]) =>
        h("li", null, h("a", { href, "aria-current": href === path ? "page" : null }, label)),
      ),
    ),
  );
};

/** @param {string} path */
const renderSessionArea = (path) => {
  const area = $("[data-session]");
  if (!session.me) {
    mount(
      area,
      path === "/login"
        ? null
        : h("a", { class: "btn btn-small btn-ghost", href: "/login" }, t("session.login")),
      path === "/signup"
        ? null
        : h("a", { class: "btn btn-small btn-primary", href: "/signup" }, t("session.signup")),
    );
    return;
  }
  const logout = h("button", { type: "button", class: "btn btn-small btn-ghost" }, t("session.logout"));
  logout.addEventListener("click", async () => {
    try {
      await api.post("/api/v1/auth/logout");
    } finally {
      setMe(null);
      navigate("/login");
    }
  });
  mount(area, h("a", { class: "balance-chip", href: "/balance" }), logout);
};

const renderFooter = () => {
  const { brandName, supportEmail } = session.config;
  mount(
    $("[data-footer]"),
    h(
      "div",
      { class: "footer-inner" },
      h(
        "p",
        null,
        `© ${new Date().getFullYear()} ${brandName} · ${t("footer.support")} `,
        h("a", { href: `mailto:${supportEmail}` }, supportEmail),
      ),
      h(
        "nav",
        { "aria-label": t("footer.legal") },
        h("a", { href: "/privacy" }, t("footer.privacy")),
        h("a", { href: "/terms" }, t("footer.terms")),
        h("a", { href: "/docs" }, t("footer.docs")),
      ),
      h("p", { class: "muted small" }, t("footer.cookies")),
      langSwitch(),
    ),
  );
};

/** @param {import("./router.js").ViewContext} ctx */
const notFoundView = ({ main: el }) =>
  mount(
    el,
    pageHeader(t("notFound.title"), t("notFound.app")),
    h("a", { class: "btn btn-primary", href: "/" }, t("notFound.toDashboard")),
  );

/** The screen's code could not be fetched (offline, or a deploy replaced it). @param {import("./router.js").ViewContext} ctx */
const unreachableView = ({ main: el }) => {
  const retry = h("button", { type: "button", class: "btn btn-primary" }, t("unreachable.reload"));
  retry.addEventListener("click", () => location.reload());
  mount(el, pageHeader(t("unreachable.title"), t("unreachable.lead")), retry);
};

/** @type {AbortController | null} */
let current = null;
let firstRender = true;

const render = async () => {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const { path, query } = currentLocation();
  const found = resolve(routes, path);
  if (found?.route.access === "user" && !session.me) {
    const at = here();
    navigate(at === "/" ? "/login" : `/login?next=${encodeURIComponent(at)}`, { replace: true });
    return;
  }
  if (found?.route.access === "guest" && session.me) {
    navigate("/", { replace: true });
    return;
  }
  /** @type {import("./router.js").View} */
  let view = notFoundView;
  try {
    if (found) view = await found.route.load();
  } catch {
    view = unreachableView;
  }
  if (controller.signal.aborted) return;
  document.title = `${found?.route.title ?? t("title.notFound")} · ${session.config.brandName}`;
  renderHeader();
  // A note about the last screen means nothing on the next one.
  document.querySelector("[data-toasts]")?.replaceChildren();
  main.replaceChildren();
  // A view draws its heading before its first await: focus can go there before its data arrives.
  Promise.resolve(view({ params: found?.params ?? {}, query, signal: controller.signal, main })).catch(
    (err) => {
      if (controller.signal.aborted) return;
      const errors = errorBox();
      errors.show(err);
      main.append(errors);
    },
  );
  if (!firstRender) {
    window.scrollTo(0, 0);
    // Move focus to the new screen's heading so keyboard and screen-reader users land on it.
    main.querySelector("h1")?.focus();
  }
  firstRender = false;
};

// Pages the Worker renders itself: links to them load the page rather than a screen of the shell.
const SERVER_PAGES = new Set(["/prices", "/privacy", "/terms", "/docs"]);

/**
 * A click on a link to one of the shell's screens shows it without loading a page. Modified clicks
 * (new tab, download) and other pages keep the browser's own behaviour.
 * @param {MouseEvent} event
 */
const followLink = (event) => {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  ) {
    return;
  }
  const link = /** @type {Element} */ (event.target).closest?.("a[href]");
  if (!(link instanceof HTMLAnchorElement) || link.target || link.hasAttribute("download")) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || SERVER_PAGES.has(url.pathname)) return;
  // A visitor's "/" is the landing page, which the Worker renders.
  if (url.pathname === "/" && !session.me) return;
  if (!resolve(routes, url.pathname)) return;
  event.preventDefault();
  navigate(`${url.pathname}${url.search}`);
};

const start = async () => {
  const legacy = legacyRedirect(location);
  if (legacy) history.replaceState(null, "", legacy);
  try {
    // Independent: asked together, so the first screen waits for one round trip, not two.
    await Promise.all([loadConfig(), loadMe()]);
  } catch (err) {
    const retry = h("button", { type: "button", class: "btn btn-primary" }, t("down.retry"));
    retry.addEventListener("click", () => location.reload());
    mount(
      main,
      h("div", { class: "card" }, h("h1", null, t("down.title")), h("p", null, messageOf(err)), retry),
    );
    return;
  }
  $("[data-brand]").textContent = session.config.brandName;
  $(".skip-link").textContent = t("skip");
  $("[data-nav]").setAttribute("aria-label", t("nav.main"));
  renderFooter();
  addEventListener("resize", fitHeader);
  document.fonts?.ready.then(fitHeader);
  onSessionChange(renderHeader);
  onSessionChange(() => void policyPrompt());
  void policyPrompt();
  onUnauthorized(() => {
    if (!session.me) return;
    setMe(null);
    navigate(`/login?reason=expired&next=${encodeURIComponent(here())}`);
  });
  onNavigate(render);
  // An old "/#/…" link opened while a page is already at "/" changes only the hash: no new load.
  window.addEventListener("hashchange", () => {
    const legacy = legacyRedirect(location);
    if (legacy) navigate(legacy, { replace: true });
  });
  document.addEventListener("click", followLink);
  // The skip link moves focus itself, so the address keeps no "#main".
  $(".skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  render();
};

start();
