// The Worker's HTML front: the landing page (`/` for visitors), `/prices`, the dashboard's app shell
// for its real paths, and the HTML 404. JSON APIs keep their JSON 404 (see `notFound`).
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { authenticateSession } from "../accounts/sessions";
import type { AppEnv } from "../env";
import { errorBody } from "../lib/errors";
import { renderPage } from "./layout";
import { loadPriceRows, priceList, SORTS, type Sort } from "./price-list";

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
  const rows = await loadPriceRows(c.get("db"));
  const services = new Set(rows.map((r) => r.service)).size;
  const countries = new Set(rows.map((r) => r.country)).size;
  const cheapest = rows.filter((r) => r.stock > 0).sort((a, b) => a.price - b.price)[0];
  const brand = c.env.BRAND_NAME;
  return c.html(
    renderPage(c.env, {
      title: "Temporary numbers for SMS verification codes",
      description: `Rent a phone number for ${services} services in ${countries} countries and read the code live in your browser. Prices for everyone, no account needed to look.`,
      script: "/js/pages/prices.js",
      body: html`<section class="hero">
          <h1>Receive SMS verification codes on a temporary number</h1>
          <p class="lead">
            Pick a service and a country, pay only when the code arrives, and watch it appear live — in the
            browser or through the API. ${services} services, ${countries} countries${
              cheapest
                ? html`, from <strong>${new Intl.NumberFormat("en-US", { style: "currency", currency: cheapest.currency }).format(cheapest.price / 100)}</strong>`
                : ""
            }.
          </p>
          <p class="hero-actions">
            <a class="btn btn-primary btn-large" href="/signup">Create a free account</a>
            <a class="btn btn-ghost btn-large" href="/login">Log in</a>
          </p>
          <ul class="selling-points">
            <li class="point"><strong>No code, no charge.</strong> The price is reserved when you buy and given back in full if no SMS arrives.</li>
            <li class="point"><strong>The code finds you.</strong> It shows up live, in the tab title, and as a notification if you want one.</li>
            <li class="point"><strong>Works with your tools.</strong> A REST API and the sms-activate protocol most bots already speak.</li>
          </ul>
        </section>
        <section aria-labelledby="prices-title" class="prices-section">
          <h2 id="prices-title">Prices right now</h2>
          ${priceList(rows, { ...query(c), action: "/", headingId: "prices-title" })}
        </section>
        <p class="muted small">${brand} is a reseller: numbers come from upstream providers, prices follow their stock.</p>`,
    }),
  );
};

pagesRoutes.get("/", async (c) => ((await authenticateSession(c)) ? appShell(c) : landing(c)));

pagesRoutes.get("/prices", async (c) => {
  const rows = await loadPriceRows(c.get("db"));
  return c.html(
    renderPage(c.env, {
      title: "Prices",
      description: "Every service and country with its price and the numbers in stock right now.",
      script: "/js/pages/prices.js",
      body: html`<div class="page-header">
          <h1 id="prices-title">Prices</h1>
          <p class="lead">Every service and country, with the price of one number and how many are in stock now. You pay only when a code arrives.</p>
        </div>
        ${priceList(rows, { ...query(c), action: "/prices", headingId: "prices-title" })}`,
    }),
  );
});

for (const path of APP_PATHS) pagesRoutes.get(path, appShell);
// The dashboard's old address of a number (now /numbers/<id>).
pagesRoutes.get("/activations/:id", (c) =>
  c.redirect(`/numbers/${encodeURIComponent(c.req.param("id"))}`, 301),
);

/** The app's 404: JSON under the APIs, a page everywhere else. */
export const notFound = (c: Context<AppEnv>) => {
  if (isJsonPath(c.req.path)) {
    return c.json(errorBody("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`), 404);
  }
  return c.html(
    renderPage(c.env, {
      title: "Page not found",
      body: html`<div class="page-header not-found">
          <h1>Page not found</h1>
          <p class="lead">There is nothing at <code>${c.req.path}</code>. The link may be old or mistyped.</p>
          <p class="hero-actions">
            <a class="btn btn-primary" href="/">Go to the home page</a>
            <a class="btn btn-ghost" href="/prices">See the prices</a>
          </p>
        </div>`,
    }),
    404,
  );
};
