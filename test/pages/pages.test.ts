// The Worker's HTML front: the landing page and /prices are readable without JavaScript (every
// offer in the HTML, search and sort as query parameters), a signed-in person's "/" is the app
// shell, and a miss is an HTML 404 except under the JSON APIs.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { signUp } from "../accounts/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";

beforeAll(() => seedCatalogForTests(env));

const catalog = async () =>
  (await (await call("/api/v1/catalog")).json()) as { prices: { service: string; price: number }[] };

/** The rows of the price table: whether shown, and their data attributes. */
const rowsOf = (page: string) =>
  [...page.matchAll(/<tr (hidden )?data-service="([^"]+)" data-country="(\d+)" data-price="(\d+)"/g)].map(
    (m) => ({ hidden: Boolean(m[1]), service: m[2], country: Number(m[3]), price: Number(m[4]) }),
  );

describe("the landing page", () => {
  it("lists every offer to a visitor, with sign-up and log-in links", async () => {
    const res = await call("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/text\/html/);
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'self'");
    const page = await res.text();
    const rows = rowsOf(page);
    expect(rows.length).toBe((await catalog()).prices.length);
    expect(rows.every((r) => !r.hidden)).toBe(true);
    expect(page).toContain('href="/signup"');
    expect(page).toContain('href="/login"');
    expect(page).toContain('href="/privacy"');
    expect(page).toContain('href="/terms"');
    // No inline script: the CSP allows only the site's own files.
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)/);
  });

  it("filters and sorts by query parameters, so the form works without JavaScript", async () => {
    const page = await (await call("/?q=Telegram&sort=price")).text();
    const rows = rowsOf(page);
    const shown = rows.filter((r) => !r.hidden);
    const tg = (await catalog()).prices.filter((p) => p.service === "tg");
    expect(shown.map((r) => r.service)).toEqual(tg.map(() => "tg"));
    const prices = rows.map((r) => r.price);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(page).toContain(`${tg.length} of ${rows.length} offers`);
    expect(page).toMatch(/<th scope="col" class="num" data-sort-key="price" aria-sort="ascending">/);
  });

  it("escapes the search text it shows back", async () => {
    const page = await (await call(`/?q=${encodeURIComponent('<img src=x onerror="alert(1)">')}`)).text();
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x");
  });

  it("ignores an unknown sort instead of failing", async () => {
    const res = await call("/prices?sort=evil");
    expect(res.status).toBe(200);
  });

  it("is the dashboard's shell for someone signed in", async () => {
    const { cookie } = await signUp();
    const res = await call("/", { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('src="/js/app.js"');
    expect(page).not.toContain("price-table");
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
  });
});

describe("/prices", () => {
  it("is its own page with the same list", async () => {
    const res = await call("/prices");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<h1 id="prices-title">Prices</h1>');
    expect(rowsOf(page).length).toBe((await catalog()).prices.length);
  });
});

describe("real paths and misses", () => {
  it("serves the app shell at the dashboard's paths", async () => {
    for (const path of ["/buy", "/numbers/act_x", "/history", "/balance", "/keys", "/settings", "/login"]) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain('src="/js/app.js"');
    }
  });

  it("redirects the old address of a number", async () => {
    const res = await call("/activations/act_123", { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe("/numbers/act_123");
  });

  it("answers an unknown page with an HTML 404", async () => {
    const res = await call("/no/such/page");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain("Page not found");
    expect(page).toContain("/no/such/page");
  });

  it("keeps JSON errors under the APIs", async () => {
    for (const path of ["/api/v1/nothing", "/webhooks/nothing", "/stubs/nothing"]) {
      const res = await call(path);
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
  });
});
