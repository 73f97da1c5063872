// The dashboard's shell: loads the configuration and the signed-in customer, draws the header and the
// footer, and renders the screen the URL's path names (the Worker serves this shell at each of them).
import { api, onUnauthorized } from "./api.js";
import { $, h, mount } from "./dom.js";
import { money } from "./format.js";
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
  { path: "/", load: lazy(() => import("./views/home.js"), "homeView"), title: "Dashboard", access: "user" },
  {
    path: "/buy",
    load: lazy(() => import("./views/buy.js"), "buyView"),
    title: "Buy a number",
    access: "user",
  },
  {
    path: "/numbers/:id",
    load: lazy(() => import("./views/activation.js"), "activationView"),
    title: "Your number",
    access: "user",
  },
  {
    path: "/history",
    load: lazy(() => import("./views/history.js"), "historyView"),
    title: "History",
    access: "user",
  },
  {
    path: "/balance",
    load: lazy(() => import("./views/billing.js"), "billingView"),
    title: "Balance",
    access: "user",
  },
  {
    path: "/keys",
    load: lazy(() => import("./views/keys.js"), "keysView"),
    title: "API keys",
    access: "user",
  },
  {
    path: "/security",
    load: lazy(() => import("./views/security.js"), "securityView"),
    title: "Security log",
    access: "user",
  },
  {
    path: "/settings",
    load: lazy(() => import("./views/settings.js"), "settingsView"),
    title: "Settings",
    access: "user",
  },
  {
    path: "/login",
    load: lazy(() => import("./views/auth.js"), "loginView"),
    title: "Log in",
    access: "guest",
  },
  {
    path: "/signup",
    load: lazy(() => import("./views/auth.js"), "signupView"),
    title: "Sign up",
    access: "guest",
  },
  {
    path: "/forgot",
    load: lazy(() => import("./views/auth.js"), "forgotView"),
    title: "Forgot password",
    access: "guest",
  },
  {
    path: "/reset-password",
    load: lazy(() => import("./views/auth.js"), "resetView"),
    title: "New password",
    access: "public",
  },
  {
    path: "/verify-email",
    load: lazy(() => import("./views/auth.js"), "verifyEmailView"),
    title: "Verify email",
    access: "public",
  },
  {
    path: "/webhooks",
    load: lazy(() => import("./views/webhooks.js"), "webhooksView"),
    title: "Webhooks",
    access: "user",
  },
  {
    path: "/support",
    load: lazy(() => import("./views/support.js"), "supportView"),
    title: "Support",
    access: "user",
  },
  {
    path: "/support/confirm",
    load: lazy(() => import("./views/support.js"), "confirmRequestView"),
    title: "Privacy request",
    access: "public",
  },
  {
    path: "/support/:id",
    load: lazy(() => import("./views/support.js"), "ticketView"),
    title: "Ticket",
    access: "user",
  },
  {
    path: "/confirm-email-change",
    load: lazy(() => import("./views/privacy-settings.js"), "confirmEmailChangeView"),
    title: "New email",
    access: "public",
  },
  {
    path: "/privacy",
    load: lazy(() => import("./views/legal.js"), "privacyView"),
    title: "Privacy Policy",
    access: "public",
  },
  {
    path: "/terms",
    load: lazy(() => import("./views/legal.js"), "termsView"),
    title: "Terms of Service",
    access: "public",
  },
];

const NAV = [
  ["/", "Dashboard"],
  ["/buy", "Buy"],
  ["/history", "History"],
  ["/balance", "Balance"],
  ["/keys", "API keys"],
  ["/security", "Security"],
  ["/settings", "Settings"],
  ["/support", "Support"],
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
    chip.setAttribute("aria-label", b ? `Balance ${money(b.available, b.currency)}` : "Balance");
  }
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
      path === "/login" ? null : h("a", { class: "btn btn-small btn-ghost", href: "/login" }, "Log in"),
      path === "/signup" ? null : h("a", { class: "btn btn-small btn-primary", href: "/signup" }, "Sign up"),
    );
    return;
  }
  const logout = h("button", { type: "button", class: "btn btn-small btn-ghost" }, "Log out");
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
        `© ${new Date().getFullYear()} ${brandName} · Support: `,
        h("a", { href: `mailto:${supportEmail}` }, supportEmail),
      ),
      h(
        "nav",
        { "aria-label": "Legal" },
        h("a", { href: "/privacy" }, "Privacy Policy"),
        h("a", { href: "/terms" }, "Terms of Service"),
        h("a", { href: "/docs" }, "API docs"),
      ),
      h("p", { class: "muted small" }, "Only essential cookies are used (see the Privacy Policy)."),
    ),
  );
};

/** @param {import("./router.js").ViewContext} ctx */
const notFoundView = ({ main: el }) =>
  mount(
    el,
    pageHeader("Page not found", "There is nothing at this address."),
    h("a", { class: "btn btn-primary", href: "/" }, "Go to the dashboard"),
  );

/** The screen's code could not be fetched (offline, or a deploy replaced it). @param {import("./router.js").ViewContext} ctx */
const unreachableView = ({ main: el }) => {
  const retry = h("button", { type: "button", class: "btn btn-primary" }, "Reload the page");
  retry.addEventListener("click", () => location.reload());
  mount(el, pageHeader("This screen did not load", "Check your connection, then reload."), retry);
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
  document.title = `${found?.route.title ?? "Not found"} · ${session.config.brandName}`;
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
    const retry = h("button", { type: "button", class: "btn btn-primary" }, "Try again");
    retry.addEventListener("click", () => location.reload());
    mount(
      main,
      h(
        "div",
        { class: "card" },
        h("h1", null, "The service is not reachable"),
        h("p", null, messageOf(err)),
        retry,
      ),
    );
    return;
  }
  $("[data-brand]").textContent = session.config.brandName;
  renderFooter();
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
