// The dashboard's shell: loads the configuration and the signed-in customer, draws the header and the
// footer, and renders the screen the URL's path names (the Worker serves this shell at each of them).
import { api, onUnauthorized } from "./api.js";
import { $, h, mount } from "./dom.js";
import { money } from "./format.js";
import { currentLocation, here, legacyRedirect, navigate, onNavigate, resolve } from "./router.js";
import { loadConfig, loadMe, onSessionChange, session, setMe } from "./session.js";
import { errorBox, messageOf, pageHeader } from "./ui.js";
import { activationView } from "./views/activation.js";
import { forgotView, loginView, resetView, signupView, verifyEmailView } from "./views/auth.js";
import { billingView } from "./views/billing.js";
import { buyView } from "./views/buy.js";
import { historyView } from "./views/history.js";
import { homeView } from "./views/home.js";
import { keysView } from "./views/keys.js";
import { privacyView, termsView } from "./views/legal.js";
import { securityView } from "./views/security.js";
import { settingsView } from "./views/settings.js";

/** @type {import("./router.js").Route[]} */
const routes = [
  { path: "/", view: homeView, title: "Dashboard", access: "user" },
  { path: "/buy", view: buyView, title: "Buy a number", access: "user" },
  { path: "/numbers/:id", view: activationView, title: "Your number", access: "user" },
  { path: "/history", view: historyView, title: "History", access: "user" },
  { path: "/balance", view: billingView, title: "Balance", access: "user" },
  { path: "/keys", view: keysView, title: "API keys", access: "user" },
  { path: "/security", view: securityView, title: "Security log", access: "user" },
  { path: "/settings", view: settingsView, title: "Settings", access: "user" },
  { path: "/login", view: loginView, title: "Log in", access: "guest" },
  { path: "/signup", view: signupView, title: "Sign up", access: "guest" },
  { path: "/forgot", view: forgotView, title: "Forgot password", access: "guest" },
  { path: "/reset-password", view: resetView, title: "New password", access: "public" },
  { path: "/verify-email", view: verifyEmailView, title: "Verify email", access: "public" },
  { path: "/privacy", view: privacyView, title: "Privacy Policy", access: "public" },
  { path: "/terms", view: termsView, title: "Terms of Service", access: "public" },
];

const NAV = [
  ["/", "Dashboard"],
  ["/buy", "Buy"],
  ["/history", "History"],
  ["/balance", "Balance"],
  ["/keys", "API keys"],
  ["/security", "Security"],
  ["/settings", "Settings"],
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
  // On a phone the nav scrolls sideways: keep the current screen's entry in sight.
  nav.querySelector("[aria-current]")?.scrollIntoView({ block: "nearest", inline: "nearest" });
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
      h("p", { class: "muted small" }, "Only essential cookies are used: one to keep you signed in."),
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

/** @type {AbortController | null} */
let current = null;
let firstRender = true;

const render = () => {
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
  document.title = `${found?.route.title ?? "Not found"} · ${session.config.brandName}`;
  renderHeader();
  main.replaceChildren();
  const view = found?.route.view ?? notFoundView;
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
  onUnauthorized(() => {
    if (!session.me) return;
    setMe(null);
    navigate(`/login?reason=expired&next=${encodeURIComponent(here())}`);
  });
  onNavigate(render);
  document.addEventListener("click", followLink);
  // The skip link moves focus itself, so the address keeps no "#main".
  $(".skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  render();
};

start();
