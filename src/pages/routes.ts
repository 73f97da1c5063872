// The Worker's HTML front: the landing page (`/` for visitors), `/prices`, the dashboard's app shell
// for its real paths, and the HTML 404. JSON APIs keep their JSON 404 (see `notFound`).
import { type Context, Hono } from "hono";
import { setCookie } from "hono/cookie";
import { html } from "hono/html";
import { isLang, LANG_COOKIE } from "../../public/js/i18n/index.js";
import { authenticateSession } from "../accounts/sessions";
import type { AppEnv } from "../env";
import { errorBody } from "../lib/errors";
import { pageLang } from "./i18n";
import { renderPage } from "./layout";
import { formatMoney, loadPriceRows, priceList, SORTS, type Sort } from "./price-list";

export const pagesRoutes = new Hono<AppEnv>();

/** The dashboard's screens (public/js/app.js has the same list): each is served the app shell. */
export const APP_PATHS = [
  "/buy",
  "/numbers/:id",
  "/history",
  "/balance",
  "/keys",
  "/security",
  "/settings",
  "/login",
  "/signup",
  "/forgot",
  "/reset-password",
  "/verify-email",
  // Until the server-rendered policy pages are mounted (they answer before this router), the
  // dashboard shows its own copy.
  "/privacy",
  "/terms",
];

/** Only these answer a miss with the JSON error envelope; everything else is a page. */
const JSON_PREFIXES = ["/api", "/webhooks", "/stubs", "/admin", "/simulator"];

const isJsonPath = (path: string) => JSON_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

/**
 * The dashboard's HTML, from the static assets. no-cache: the shell names the current scripts, so
 * it is revalidated on every load (cheaply, by its ETag), while the scripts themselves can be cached.
 */
const appShell = async (c: Context<AppEnv>) => {
  const res = await c.env.ASSETS.fetch(new URL("/app.html", c.req.url));
  const out = new Response(res.body, res);
  out.headers.set("Cache-Control", "no-cache");
  return out;
};

const query = (c: Context<AppEnv>) => {
  const q = (c.req.query("q") ?? "").slice(0, 100).trim();
  const raw = c.req.query("sort");
  const sort: Sort = SORTS.includes(raw as Sort) ? (raw as Sort) : "service";
  return { q, sort };
};

const landing = async (c: Context<AppEnv>) => {
  const { lang, t, here } = pageLang(c);
  const rows = await loadPriceRows(c.get("db"));
  const services = new Set(rows.map((r) => r.service)).size;
  const countries = new Set(rows.map((r) => r.country)).size;
  const cheapest = rows.filter((r) => r.stock > 0).sort((a, b) => a.price - b.price)[0];
  const brand = c.env.BRAND_NAME;
  return c.html(
    renderPage(c.env, {
      lang,
      here,
      title: t("landing.title"),
      description: t("landing.description", { services, countries }),
      script: "/js/pages/prices.js",
      body: html`<section class="hero">
          <h1>${t("landing.h1")}</h1>
          <p class="lead">
            ${t("landing.lead", { services, countries })}${
              cheapest
                ? html`${t("landing.from")} <strong>${formatMoney(cheapest.price, cheapest.currency, lang)}</strong>`
                : ""
            }.
          </p>
          <p class="hero-actions">
            <a class="btn btn-primary btn-large" href="/signup">${t("landing.create")}</a>
            <a class="btn btn-ghost btn-large" href="/login">${t("session.login")}</a>
          </p>
          <ul class="selling-points">
            <li class="point"><strong>${t("landing.point1")}</strong> ${t("landing.point1Text")}</li>
            <li class="point"><strong>${t("landing.point2")}</strong> ${t("landing.point2Text")}</li>
            <li class="point"><strong>${t("landing.point3")}</strong> ${t("landing.point3Text")}</li>
          </ul>
        </section>
        <section aria-labelledby="prices-title" class="prices-section">
          <h2 id="prices-title">${t("landing.pricesNow")}</h2>
          ${priceList(rows, { ...query(c), action: "/", headingId: "prices-title", lang, t })}
        </section>
        <p class="muted small">${t("page.brandLine", { brand })}</p>`,
    }),
  );
};

pagesRoutes.get("/", async (c) => ((await authenticateSession(c)) ? appShell(c) : landing(c)));

pagesRoutes.get("/prices", async (c) => {
  const rows = await loadPriceRows(c.get("db"));
  const { lang, t, here } = pageLang(c);
  return c.html(
    renderPage(c.env, {
      lang,
      here,
      title: t("prices.title"),
      description: t("prices.description"),
      script: "/js/pages/prices.js",
      body: html`<div class="page-header">
          <h1 id="prices-title">${t("prices.title")}</h1>
          <p class="lead">${t("prices.lead")}</p>
        </div>
        ${priceList(rows, { ...query(c), action: "/prices", headingId: "prices-title", lang, t })}`,
    }),
  );
});

for (const path of APP_PATHS) pagesRoutes.get(path, appShell);

// The server pages' language switch, for readers without JavaScript: remember the choice in the
// cookie both the pages and the dashboard read, and go back to the page it was made on.
pagesRoutes.get("/language/:lang", (c) => {
  const lang = c.req.param("lang");
  if (!isLang(lang)) return notFound(c);
  const back = c.req.query("back") ?? "/";
  // Only a path of this site: never an open redirect.
  const target = back.startsWith("/") && !back.startsWith("//") && !back.startsWith("/\\") ? back : "/";
  setCookie(c, LANG_COOKIE, lang, {
    path: "/",
    maxAge: 31536000,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
  });
  return c.redirect(target, 303);
});
// The dashboard's old address of a number (now /numbers/<id>).
pagesRoutes.get("/activations/:id", (c) =>
  c.redirect(`/numbers/${encodeURIComponent(c.req.param("id"))}`, 301),
);

/** The app's 404: JSON under the APIs, a page everywhere else. */
export const notFound = (c: Context<AppEnv>) => {
  if (isJsonPath(c.req.path)) {
    return c.json(errorBody("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`), 404);
  }
  const { lang, t, here } = pageLang(c);
  const [before = "", after = ""] = t("notFound.lead", { path: "\u0000" }).split("\u0000");
  return c.html(
    renderPage(c.env, {
      lang,
      here,
      title: t("notFound.title"),
      body: html`<div class="page-header not-found">
          <h1>${t("notFound.title")}</h1>
          <p class="lead">${before}<code>${c.req.path}</code>${after}</p>
          <p class="hero-actions">
            <a class="btn btn-primary" href="/">${t("notFound.home")}</a>
            <a class="btn btn-ghost" href="/prices">${t("notFound.prices")}</a>
          </p>
        </div>`,
    }),
    404,
  );
};
