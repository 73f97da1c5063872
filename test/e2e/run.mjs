// The browser suite: starts the service exactly as `npm start` does (own port, fresh local state),
// then drives Debian's Chromium through the dashboard as a customer would. Screenshots of every main
// screen land in test-output/e2e/. Run with `npm run test:e2e`; `npm run test:e2e -- <words>` runs
// only the scenarios whose name contains <words> (case-insensitive; several phrases split by "|"). The server listens on a free
// port chosen at start.
//
// The server runs with EARLY_CANCEL_SECONDS=0 (so the cancel path needs no two-minute wait) and
// SIMULATOR_AUTO_SMS=false (so every SMS in these tests is one the test sends on purpose).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { en } from "../../public/js/i18n/en.js";
import { ru } from "../../public/js/i18n/ru.js";
import { freePort } from "../../scripts/lib/free-port.mjs";

// axe-core, injected into each page through the DevTools protocol (page.evaluate is not subject to
// the page's CSP, which would refuse an inline script tag).
const AXE = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

const PORT = await freePort();
const BASE = `http://localhost:${PORT}`;
// `npm run test:e2e -- "phone width | keyboard"` runs the scenarios whose names hold either phrase.
const ONLY = process.argv
  .slice(2)
  .join(" ")
  .toLowerCase()
  .split("|")
  .map((w) => w.trim())
  .filter(Boolean);
const OUT = "test-output/e2e";
const PASSWORD = "purple-otter-lantern-42";
const START_TIMEOUT_MS = 120_000;

// Each run starts from an empty folder, so every screenshot there is from this run.
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const state = mkdtempSync(join(tmpdir(), "smsprof-e2e-"));

/** @type {import("node:child_process").ChildProcess | null} */
let server = null;
/** @type {import("playwright-core").Browser | null} */
let browser = null;

// ── the service ──────────────────────────────────────────────────────────────────────────────────

const stopServer = (signal = "SIGTERM") => {
  if (!server?.pid || server.exitCode !== null) return;
  try {
    // The whole group: npm start spawns wrangler, which spawns workerd.
    process.kill(-server.pid, signal);
  } catch {
    // Already gone.
  }
};
process.on("exit", () => stopServer("SIGKILL"));
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopServer("SIGKILL");
    process.exit(130);
  });
}

const healthy = async () => {
  try {
    return (await fetch(`${BASE}/api/health`)).ok;
  } catch {
    return false;
  }
};

const startServer = async () => {
  if (await healthy()) throw new Error(`Something already answers on port ${PORT}; stop it first.`);
  const log = createWriteStream(join(OUT, "server.log"));
  server = spawn("node", ["scripts/dev.mjs"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(PORT),
      PERSIST_TO: state,
      EXTRA_VARS: "EARLY_CANCEL_SECONDS:0 SIMULATOR_AUTO_SMS:false",
    },
  });
  server.stdout?.pipe(log);
  server.stderr?.pipe(log);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The service exited early; see ${OUT}/server.log`);
    if (await healthy()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The service did not answer /api/health in time; see ${OUT}/server.log`);
};

before(async () => {
  await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // Playwright gives every launch a fresh, temporary user-data-dir of its own.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  stopServer();
  rmSync(state, { recursive: true, force: true });
});

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A page that records anything a customer should never cause: requests to other sites, script
 * errors, and console errors other than the failed-request lines the browser prints for 4xx answers
 * (CSP violations land here too).
 * @param {import("playwright-core").BrowserContext} context
 */
const openPage = async (context) => {
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(BASE) && !url.startsWith(`ws://localhost:${PORT}`) && !url.startsWith("data:")) {
      problems.push(`third-party request: ${url}`);
    }
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return { page, problems };
};

/** @param {{ viewport?: { width: number, height: number }, colorScheme?: "light" | "dark", isMobile?: boolean, javaScriptEnabled?: boolean, locale?: string }} [opts] */
const newContext = async (opts = {}) => {
  assert.ok(browser);
  const context = await browser.newContext({
    baseURL: BASE,
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    colorScheme: opts.colorScheme ?? "light",
    isMobile: opts.isMobile ?? false,
    hasTouch: opts.isMobile ?? false,
    // The browser's language (navigator.languages and Accept-Language): English unless a test says.
    locale: opts.locale ?? "en-US",
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
  context.setDefaultTimeout(15_000);
  return context;
};

/**
 * A test with its own browser context (own cookies), closed afterwards; when the test fails, every
 * page it opened is photographed as FAILED-<n>-<page>.png so the failure can be seen, not guessed.
 * @param {string} name
 * @param {Parameters<typeof newContext>[0]} options
 * @param {(context: import("playwright-core").BrowserContext) => Promise<void>} body
 */
const scenario = (name, options, body) =>
  test(name, {
    skip: ONLY.length > 0 && !ONLY.some((w) => name.toLowerCase().includes(w)) ? "not selected" : false,
  }, async () => {
    const context = await newContext(options);
    try {
      await body(context);
    } catch (err) {
      const n = ++failures;
      for (const [i, page] of context.pages().entries()) {
        await page.screenshot({ path: join(OUT, `FAILED-${n}-${i}.png`), fullPage: true }).catch(() => {});
      }
      throw err;
    } finally {
      await context.close();
    }
  });
let failures = 0;

/** Follows a link of the main navigation. @param {import("playwright-core").Page} page @param {string} name */
const nav = (page, name) =>
  page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();

/** @param {string} text */
const literally = (text) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

/** @param {import("playwright-core").Page} page @param {string} name */
const shot = async (page, name) => {
  // In front (a background tab's timers are throttled), from the top (so the sticky header sits
  // where a person sees it), with animations at their end.
  await page.bringToFront();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true, animations: "disabled" });
};

/** What fits in the window, for pages too long for a full-page picture. @param {import("playwright-core").Page} page @param {string} name */
const shotTop = async (page, name) => {
  await page.bringToFront();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(OUT, `${name}.png`), animations: "disabled" });
};

const uniqueEmail = (label) =>
  `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

/** Signs up through the form. @param {import("playwright-core").Page} page */
const signUp = async (page, label = "e2e") => {
  const email = uniqueEmail(label);
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel(/18 years/).check();
  await page.getByLabel(/I accept/).check();
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  return email;
};

/** @param {import("playwright-core").Page} page @param {string} path */
const apiGet = (page, path) =>
  page.evaluate(async (p) => {
    const res = await fetch(p, { headers: { Accept: "application/json" } });
    return { status: res.status, body: await res.json() };
  }, path);

/** @param {import("playwright-core").Page} page */
const balance = async (page) => (await apiGet(page, "/api/v1/billing/balance")).body;

/** Adds demo credit from the home screen and waits for the header to show it. @param {import("playwright-core").Page} page */
const demoTopUp = async (page, amount) => {
  await page.getByLabel(/^Amount/).fill(amount);
  await page.getByRole("button", { name: "Add demo credit" }).click();
  await page.locator(".balance-chip", { hasText: amount }).waitFor();
};

/**
 * Whether all of the element is on screen, below the sticky header (asked for up to 5 s: a screen may
 * still be settling when the element first shows, and a smooth scroll on a loaded CI machine once
 * took longer than 2 s).
 * @param {import("playwright-core").Locator} locator
 */
const onScreen = async (locator) => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const visible = await locator.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const header = document.querySelector(".topbar")?.getBoundingClientRect().bottom ?? 0;
      return box.height > 0 && box.top >= header && box.bottom <= window.innerHeight;
    });
    if (visible) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
};

/** @param {import("playwright-core").Page} page */
const focusedElement = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName, id: el?.id, name: el?.getAttribute("name"), className: el?.className };
  });

/** Picks a service and its cheapest country in stock on the Buy screen. @param {import("playwright-core").Page} page */
const chooseOffer = async (page, serviceName = "Telegram") => {
  await nav(page, "Buy");
  await page.getByPlaceholder(/Search services/).fill(serviceName.slice(0, 4).toLowerCase());
  await page.locator(".service-option", { hasText: serviceName }).click();
  await page.locator(".country-option:not(.is-out)").first().click();
};

/** Buys the cheapest number in stock for a service and waits for its card. @param {import("playwright-core").Page} page */
const buyNumber = async (page, serviceName = "Telegram") => {
  await chooseOffer(page, serviceName);
  // The order stays on screen however long the country list is.
  assert.ok(
    await onScreen(page.locator(".buy-button")),
    "the Buy button is off screen after picking a country",
  );
  // …and it does not sit over the countries.
  const list = await page.locator(".buy-side .option-list").boundingBox();
  const orderBox = await page.locator(".order-card").boundingBox();
  assert.ok(list && orderBox && orderBox.y >= list.y + list.height, "the order covers the country list");
  await page.locator(".buy-button").click();
  await page.waitForURL(/\/numbers\/act_/);
  await page.locator(".act-card .phone-number").waitFor();
  const id = decodeURIComponent(new URL(page.url()).pathname.replace("/numbers/", ""));
  const { body } = await apiGet(page, `/api/v1/activations/${id}`);
  return body;
};

/** @param {import("playwright-core").Page} page @param {string} text */
const simulateSms = async (page, text) => {
  await page.getByLabel(/Simulate an SMS/).fill(text);
  await page.getByRole("button", { name: "Send SMS" }).click();
};

/** @param {import("playwright-core").Page} page @param {string} reference */
const ledgerFor = async (page, reference) => {
  const { body } = await apiGet(page, "/api/v1/billing/transactions?limit=100");
  return body.items.filter((t) => t.reference === reference);
};

/**
 * The newest link of one kind mailed to `to`: locally the email adapter logs every message, and the
 * server's log is this suite's inbox.
 * @param {string} to
 * @param {"verify-email" | "reset-password"} kind
 */
const emailLink = async (to, kind) => {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const links = readFileSync(join(OUT, "server.log"), "utf8")
      .split("\n")
      .filter((line) => line.includes('"email_outbox"') && line.includes(`"to":"${to}"`))
      .flatMap((line) => line.match(new RegExp(`http[^\\s"\\\\]+#/${kind}\\?token=[\\w-]+`, "g")) ?? []);
    if (links.length > 0) return links.at(-1);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`No ${kind} email reached ${to}`);
};

/** @param {import("playwright-core").Page} page */
const assertNoHorizontalScroll = async (page, screen) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${screen} scrolls sideways by ${overflow}px at phone width`);
};

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on what the page shows now; fails with every violation,
 * its nodes and how to fix it.
 * @param {import("playwright-core").Page} page
 * @param {string} screen
 */
const assertAccessible = async (page, screen) => {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(`${AXE}\n;void 0`);
  // Colours are judged at rest, not halfway through a fade-in.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Number.POSITIVE_INFINITY)
        .map((a) => a.finished.catch(() => {})),
    ),
  );
  const violations = await page.evaluate(async () => {
    const result = await /** @type {any} */ (window).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((/** @type {any} */ v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((/** @type {any} */ n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
  });
  assert.deepEqual(violations, [], `${screen}: ${JSON.stringify(violations, null, 2)}`);
};

/**
 * The code an authenticator app would show now (RFC 6238: HMAC-SHA1, 30 s, 6 digits), computed
 * independently of the service's own implementation.
 * @param {string} base32 the set-up key
 */
const totpCode = (base32, at = Date.now()) => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...base32.replace(/\s/g, "")]
    .map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0"))
    .join("");
  const key = Buffer.from(bits.match(/.{8}/g)?.map((b) => Number.parseInt(b, 2)) ?? []);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = (mac.at(-1) ?? 0) & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
};

// ── scenarios ────────────────────────────────────────────────────────────────────────────────────

scenario(
  "a visitor reads every price at / and /prices without JavaScript, and unknown paths are a 404 page",
  { javaScriptEnabled: false },
  async (context) => {
    const { page, problems } = await openPage(context);
    const catalog = await (await fetch(`${BASE}/api/v1/catalog`)).json();
    const landing = await page.goto("/");
    assert.equal(landing?.status(), 200);
    assert.match(landing?.headers()["content-security-policy"] ?? "", /default-src 'self'/);
    await page.getByRole("heading", { level: 1, name: /Receive SMS verification codes/ }).waitFor();
    const rows = page.locator("table.price-table tbody tr");
    assert.equal(await rows.count(), catalog.prices.length, "the landing does not list every offer");
    // Sign-up and log-in are one click away.
    assert.equal(
      await page.getByRole("link", { name: "Create a free account" }).getAttribute("href"),
      "/signup",
    );
    assert.equal(
      await page.getByRole("banner").getByRole("link", { name: "Log in" }).getAttribute("href"),
      "/login",
    );
    await shotTop(page, "00-landing-no-js");

    // The plain form searches and sorts on the server.
    await page.getByLabel("Search services and countries").fill("telegram");
    await page.getByLabel("Sort by").selectOption("price");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/\?q=telegram&sort=price/);
    const visible = page.locator("table.price-table tbody tr:not([hidden])");
    const telegram = catalog.prices.filter((p) => p.service === "tg");
    assert.equal(await visible.count(), telegram.length);
    const prices = await visible.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.price)));
    assert.deepEqual(
      prices,
      prices.toSorted((x, y) => x - y),
      "not sorted by price",
    );
    assert.match((await visible.first().textContent()) ?? "", /Telegram/);

    const pricesPage = await page.goto("/prices");
    assert.equal(pricesPage?.status(), 200);
    await page.getByRole("heading", { level: 1, name: "Prices" }).waitFor();
    assert.equal(await rows.count(), catalog.prices.length);
    await shotTop(page, "00b-prices-no-js");

    const missing = await page.goto("/no/such/page");
    assert.equal(missing?.status(), 404);
    assert.match(missing?.headers()["content-type"] ?? "", /text\/html/);
    await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
    await page.getByRole("link", { name: "See the prices" }).waitFor();
    await shot(page, "00c-not-found");
    // JSON stays JSON under the APIs.
    for (const path of ["/api/v1/nope", "/webhooks/nope", "/stubs/nope", "/admin/nope"]) {
      const res = await fetch(`${BASE}${path}`);
      assert.ok(
        res.status === 404 || (path.startsWith("/admin") && res.status === 401),
        `${path}: ${res.status}`,
      );
      assert.match(res.headers.get("content-type") ?? "", /application\/json/, path);
    }
    // Static files skip the Worker: public/_headers gives them the same policy.
    const script = await fetch(`${BASE}/js/app.js`);
    assert.match(script.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.deepEqual(problems, []);
  },
);

/**
 * Loads `path` in a fresh page and counts what it took: requests, bytes on the wire (headers and
 * bodies) and the time until `ready`. Printed, not asserted: a shared machine's timing varies.
 * @param {import("playwright-core").BrowserContext} context
 * @param {string} path
 * @param {(page: import("playwright-core").Page) => Promise<unknown>} ready what "shown" means here
 */
const firstLoad = async (context, path, ready) => {
  const page = await context.newPage();
  /** @type {Promise<number>[]} */
  const sizes = [];
  /** @type {string[]} */
  const paths = [];
  page.on("requestfinished", (request) => {
    paths.push(new URL(request.url()).pathname);
    sizes.push(request.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
  });
  const started = Date.now();
  await page.goto(path);
  await ready(page);
  const shownMs = Date.now() - started;
  await page.waitForLoadState("networkidle");
  const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  console.log(
    `first load of ${path}: ${sizes.length} requests, ${(bytes / 1024).toFixed(1)} KB, shown after ${shownMs} ms`,
  );
  await page.close();
  return { requests: sizes.length, bytes, paths };
};

scenario(
  "the landing's search knows other names, and old #/ links land on real paths",
  {},
  async (context) => {
    await firstLoad(context, "/", (p) => p.locator("table.price-table tbody tr").first().waitFor());
    const { page, problems } = await openPage(context);
    await page.goto("/");
    const search = page.getByLabel("Search services and countries");
    const visible = page.locator("table.price-table tbody tr:not([hidden])");
    for (const [typed, want] of [
      ["britain", /United Kingdom/],
      ["gmail", /Google/],
      ["россия", /Russia/],
      ["deutschland", /Germany/],
    ]) {
      await search.fill(typed);
      // Filtering runs on each keystroke, synchronously.
      const texts = await visible.allTextContents();
      assert.ok(texts.length > 0, `nothing found for ${typed}`);
      assert.ok(
        texts.every((t) => want.test(t)),
        `"${typed}" found rows without ${want}`,
      );
    }
    // Sorting by a column header, then by stock from the menu, happens in place.
    await search.fill("");
    await page.getByRole("columnheader", { name: "Price" }).getByRole("link").click();
    const prices = await visible.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.price)));
    assert.deepEqual(
      prices,
      prices.toSorted((x, y) => x - y),
    );
    assert.equal(
      await page.getByRole("columnheader", { name: "Price" }).getAttribute("aria-sort"),
      "ascending",
    );
    assert.match(page.url(), /sort=price/);
    await page.getByLabel("Sort by").selectOption("stock");
    const stock = await visible.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.stock)));
    assert.deepEqual(
      stock,
      stock.toSorted((x, y) => y - x),
    );
    await shotTop(page, "00d-landing-sorted");

    // Old links of the hash-routed dashboard.
    await page.goto("/#/signup");
    await page.waitForURL(/\/signup$/);
    await page.getByRole("heading", { name: "Create your account" }).waitFor();
    await page.goto("/#/buy?service=tg");
    await page.waitForURL(/\/login\?next=%2Fbuy%3Fservice%3Dtg$/);
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    assert.deepEqual(problems, []);
  },
);

scenario(
  "sign up, top up, buy, see the code arrive live in two tabs, finish: charged exactly once",
  {},
  async (context) => {
    const { page, problems } = await openPage(context);

    const response = await page.goto("/login");
    assert.match(response?.headers()["content-security-policy"] ?? "", /default-src 'self'/);
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    await shot(page, "01-login");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByRole("heading", { name: "Create your account" }).waitFor();
    await shot(page, "02-signup");

    const email = await signUp(page);
    await page.getByText("Please verify your email").waitFor();
    // Only the first screen's code loads with it: the other views come when first shown.
    const dashboard = await firstLoad(context, "/", (p) => p.getByText("No active numbers").waitFor());
    const otherScreens = dashboard.paths.filter((p) =>
      /\/js\/views\/(buy|history|billing|keys|security|settings|auth|legal)\.js$/.test(p),
    );
    assert.deepEqual(otherScreens, [], "the dashboard loaded the code of other screens");
    await page.getByText("No active numbers").waitFor();
    await shot(page, "03-home-empty");

    await demoTopUp(page, "10.00");
    assert.deepEqual(await balance(page), { available: 1000, held: 0, currency: "USD" });

    await nav(page, "Buy");
    await page.locator(".service-option").first().waitFor();
    await shot(page, "04-buy");
    const activation = await buyNumber(page);
    assert.equal(activation.status, "waiting");
    assert.deepEqual(await balance(page), {
      available: 1000 - activation.price,
      held: activation.price,
      currency: "USD",
    });

    await page.getByText("Waiting for the SMS").waitFor();
    await page.locator(".live-live").waitFor();
    await shot(page, "05-activation-waiting");

    // Chromium offers permessage-deflate; the live stream declines it (frames are small, and each
    // would be compressed once per watcher): the socket opens with no extension agreed.
    const extensions = await page.evaluate(
      (id) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}/api/v1/activations/${id}/live`);
          ws.onopen = () => {
            resolve(ws.extensions);
            ws.close();
          };
          ws.onerror = () => reject(new Error("the live socket did not open"));
        }),
      activation.id,
    );
    assert.equal(extensions, "");

    await page.getByRole("button", { name: "Copy phone number" }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), activation.phone);

    // The second tab watches the same activation over its own WebSocket.
    const second = await openPage(context);
    // An old hash link still leads to the number.
    await second.page.goto(`/#/activations/${activation.id}`);
    await second.page.waitForURL(new RegExp(`/numbers/${activation.id}$`));
    await second.page.locator(".live-live").waitFor();

    // Marks this document: if the page reloaded to show the code, the mark would be gone.
    await page.evaluate(() => {
      Object.assign(window, { e2eMark: "no reload" });
    });
    const before = await page.locator(".act-meta").boundingBox();
    await simulateSms(page, "Your Telegram code is 482913. Don't share it.");
    await page.locator(".code-value", { hasText: "482913" }).waitFor();
    await second.page.locator(".code-value", { hasText: "482913" }).waitFor();
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).e2eMark), "no reload");
    await page.getByText("Your Telegram code is 482913. Don't share it.").waitFor();
    const afterCode = await page.locator(".act-meta").boundingBox();
    assert.equal(afterCode?.y, before?.y, "the lines below the code moved when it arrived");
    await shot(page, "06-activation-code");
    await shot(second.page, "06b-second-tab");

    // Another SMS on the same number: the new code replaces the old one, which moves to "earlier".
    await page.getByRole("button", { name: "Another SMS" }).click();
    await page.getByText("Waiting for another SMS…").waitFor();
    await simulateSms(page, "Telegram code: 551177");
    await page.locator(".code-value", { hasText: "551177" }).waitFor();
    await second.page.locator(".code-value", { hasText: "551177" }).waitFor();
    await page.getByText("Earlier messages (1)").click();
    await page.locator(".earlier .code-value", { hasText: "482913" }).waitFor();
    await shot(page, "06c-another-sms");

    await page.getByRole("button", { name: "Finish" }).click();
    await page.locator(".status-finished").waitFor();
    await second.page.locator(".status-finished").waitFor();
    // The Finish button is gone: focus moves to the card's status, not to the page's body.
    await page.waitForFunction(() => document.activeElement?.classList.contains("status-finished"));
    await shot(page, "07-activation-finished");

    assert.deepEqual(await balance(page), { available: 1000 - activation.price, held: 0, currency: "USD" });
    const entries = await ledgerFor(page, activation.id);
    assert.deepEqual(entries.map((e) => e.kind).sort(), ["hold", "post"]);
    assert.equal(
      entries.reduce((sum, e) => sum + e.amount, 0),
      -activation.price,
    );

    await nav(page, "Balance");
    await page.getByText("reserved for a number, then charged for a code").waitFor();
    // The number's hold and charge are one line: its service, country and net amount, and the
    // balance after it.
    const line = page.locator(`.txn-row[data-reference="${activation.id}"]`);
    assert.equal(await line.count(), 1);
    assert.match((await line.textContent()) ?? "", /Telegram · /);
    assert.match(
      (await line.locator(".row-amount").first().textContent()) ?? "",
      literally(`−$${(activation.price / 100).toFixed(2)}`),
    );
    assert.match(
      (await line.locator(".balance-after").textContent()) ?? "",
      literally(`$${((1000 - activation.price) / 100).toFixed(2)}`),
    );
    await page.getByLabel("Show").selectOption("topups");
    assert.equal(await page.locator(".txn-row").count(), 1);
    await page.getByLabel("Show").selectOption("");
    const [txnCsv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    const txnFile = join(OUT, "transactions.csv");
    await txnCsv.saveAs(txnFile);
    const txnLines = readFileSync(txnFile, "utf8").trim().split("\r\n");
    assert.equal(txnLines[0], "id,at,kind,amount,reserved_change,balance_after,currency,reference");
    assert.equal(txnLines.length, 4, "top-up, hold and charge");
    assert.match(
      txnLines[1] ?? "",
      new RegExp(
        `,post,0\\.00,-[\\d.]+,${((1000 - activation.price) / 100).toFixed(2)},USD,${activation.id}$`,
      ),
    );
    await shot(page, "08-billing");
    // A bad amount is explained at the field; "$5" is an amount; the new top-up shows in the list.
    const amount = page.getByLabel(/^Amount/);
    await amount.fill("five");
    await page.getByRole("button", { name: "Add demo credit" }).click();
    await page.getByText("Enter an amount like 10 or 12.50").waitFor();
    assert.equal(await amount.getAttribute("aria-invalid"), "true");
    assert.match((await amount.getAttribute("aria-describedby")) ?? "", /error/);
    assert.equal((await focusedElement(page)).name, "amount");
    await amount.fill("$5");
    await page.getByRole("button", { name: "Add demo credit" }).click();
    await page.locator(".txn-row .row-title", { hasText: "Top-up" }).nth(1).waitFor();
    assert.equal(await amount.getAttribute("aria-invalid"), null);

    await nav(page, "History");
    await page.locator(".act-row", { hasText: "551177" }).waitFor();
    assert.deepEqual((await page.locator(".rows-head span").allTextContents()).filter(Boolean), [
      "Number",
      "Code",
      "Status",
      "Charged",
    ]);
    const [historyCsv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    const historyFile = join(OUT, "history.csv");
    await historyCsv.saveAs(historyFile);
    const historyLines = readFileSync(historyFile, "utf8").trim().split("\r\n");
    assert.equal(historyLines.length, 2);
    assert.match(historyLines[1] ?? "", literally(`${activation.id},`));
    assert.match(historyLines[1] ?? "", /,finished,551177,/);
    await shot(page, "09-history");
    const countries = await page.getByLabel("Country").locator("option").allTextContents();
    assert.deepEqual(
      countries.slice(1),
      countries.slice(1).toSorted((a, b) => a.localeCompare(b)),
    );
    // A slow answer for a filter already replaced by another must not land in the list.
    const finishedOnly = (/** @type {URL} */ url) =>
      url.pathname === "/api/v1/activations" && url.searchParams.get("status") === "finished";
    await page.route(finishedOnly, async (route) => {
      await new Promise((r) => setTimeout(r, 1000));
      await route.continue();
    });
    await page.getByLabel("Status").selectOption("finished");
    await page.getByLabel("Status").selectOption("cancelled");
    await page.getByText("No numbers match these filters.").waitFor();
    await page.waitForTimeout(1500);
    assert.equal(await page.locator(".act-row").count(), 0, "a superseded filter's rows were shown");
    await page.unroute(finishedOnly);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.locator(".act-row", { hasText: "551177" }).waitFor();
    assert.equal(await page.getByLabel("Status").inputValue(), "");

    await nav(page, "API keys");
    // A refused name is explained under the field; the button next to it does not move.
    const create = page.getByRole("button", { name: "Create key" });
    const createAt = await create.boundingBox();
    await page.getByLabel("Key name").fill("   ");
    await create.click();
    await page.getByText("Give the key a name.").waitFor();
    assert.deepEqual(await create.boundingBox(), createAt);
    assert.equal((await focusedElement(page)).name, "name");
    await page.getByLabel("Key name").fill("e2e-bot");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = await page.locator(".secret").textContent();
    assert.match(key ?? "", /^sk_/);
    await page.locator(".key-row", { hasText: "e2e-bot" }).waitFor();
    await shot(page, "10-keys");
    const keyStatus = await page.evaluate(
      (k) =>
        fetch("/api/v1/billing/balance", { headers: { Authorization: `Bearer ${k}` } }).then((r) => r.status),
      key,
    );
    assert.equal(keyStatus, 200);
    await page.getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("button", { name: "Confirm revoke" }).click();
    await page.getByText("No API keys yet").waitFor();
    // The revoked key's secret is gone from the page with it.
    assert.equal(await page.locator(".secret").count(), 0);
    await page.waitForFunction(() => document.activeElement?.id === "keys-title");

    await nav(page, "Security");
    await page.getByText("API key revoked").waitFor();
    await page.getByText("Account created").waitFor();
    await shot(page, "11-security");

    await nav(page, "Settings");
    await page.locator(".facts", { hasText: email }).waitFor();
    await shot(page, "12-settings");

    const config = (await apiGet(page, "/api/v1/config")).body;
    for (const [path, title, file] of [
      ["/privacy", "Privacy Policy", "13-privacy"],
      ["/terms", "Terms of Service", "14-terms"],
    ]) {
      // The policies are the server's own pages (readable without JavaScript), not dashboard screens.
      await page.getByRole("contentinfo").getByRole("link", { name: title }).click();
      await page.waitForURL(new RegExp(`${path}$`));
      await page.getByRole("heading", { name: title, level: 1 }).waitFor();
      const text = (await page.locator("main").textContent()) ?? "";
      assert.match(text, literally(config.brandName));
      assert.match(text, literally(config.supportEmail));
      assert.match(text, /Last updated \w+/);
      await shot(page, file);
      await page.goBack();
    }
    // Back from the server's pages the app draws its footer again: wait for it rather than read it at once.
    await page.getByRole("contentinfo").filter({ hasText: config.supportEmail }).waitFor();

    await page.getByRole("button", { name: "Log out", exact: true }).click();
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    assert.equal((await apiGet(page, "/api/v1/me")).status, 401);

    assert.deepEqual([...problems, ...second.problems], []);
  },
);

scenario("cancelling a number with no code gives the whole price back", {}, async (context) => {
  const { page, problems } = await openPage(context);
  await signUp(page, "cancel");
  // Without the money for it, the order offers a top-up instead of a Buy button that would fail.
  await chooseOffer(page);
  await page.locator(".shortfall", { hasText: /you need \$\d+\.\d\d more/ }).waitFor();
  assert.equal(await page.locator(".buy-button").count(), 0);
  assert.ok(await onScreen(page.locator(".order-card").getByRole("link", { name: "Top up" })));
  await shot(page, "15a-buy-short");
  await nav(page, "Dashboard");
  await demoTopUp(page, "5.00");

  // While the early-cancel window is open the button is disabled and counts down. This server has
  // no window, so the page is shown an activation bought just now with the production window.
  const activation = await buyNumber(page);
  await nav(page, "Dashboard");
  await page.locator(".act-card .live-live").waitFor();
  await shot(page, "15-home-active");
  await page.route(`**/api/v1/activations/${activation.id}`, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.cancelableAt = new Date(Date.now() + 120_000).toISOString();
    await route.fulfill({ response, json: body });
  });
  await page.locator(".act-card h2 a").click();
  const cancel = page.locator(".act-cancel");
  await cancel.filter({ hasText: /Cancel in 1:5\d|Cancel in 2:00/ }).waitFor();
  // Locked but focusable, so a keyboard user reaches it and hears why; pressing it does nothing.
  assert.equal(await cancel.getAttribute("aria-disabled"), "true");
  await cancel.focus();
  assert.match((await focusedElement(page)).className, /act-cancel/);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
  assert.equal((await apiGet(page, `/api/v1/activations/${activation.id}`)).body.status, "waiting");
  await shot(page, "16-cancel-countdown");
  await page.unroute(`**/api/v1/activations/${activation.id}`);
  await page.reload();

  // A second tab learns of the cancel only from the live stream; its header balance follows.
  const second = await openPage(context);
  await second.page.goto("/");
  await second.page.locator(".act-card .live-live").waitFor();
  await second.page.locator(".balance-chip", { hasText: "$" }).waitFor();
  assert.notEqual(await second.page.locator(".balance-chip").textContent(), "$5.00");

  await page.getByRole("button", { name: "Cancel", exact: true }).click();
  await page.locator(".status-cancelled").waitFor();
  await page.locator(".price-note", { hasText: "Not charged" }).waitFor();
  await shot(page, "17-cancelled");

  assert.deepEqual(await balance(page), { available: 500, held: 0, currency: "USD" });
  const entries = await ledgerFor(page, activation.id);
  assert.deepEqual(entries.map((e) => e.kind).sort(), ["hold", "void"]);
  assert.equal(
    entries.reduce((sum, e) => sum + e.amount, 0),
    0,
  );
  await page.locator(".balance-chip", { hasText: "$5.00" }).waitFor();
  await second.page.locator(".act-card .status-cancelled").waitFor();
  await second.page.locator(".balance-chip", { hasText: "$5.00" }).waitFor();
  await second.page.getByText("Nothing reserved").waitFor();
  assert.deepEqual([...problems, ...second.problems], []);
});

scenario(
  "the card catches up on what it missed while its connection was down, and polls meanwhile",
  {},
  async (context) => {
    const { page, problems } = await openPage(context);
    await signUp(page, "replay");
    await demoTopUp(page, "5.00");
    const activation = await buyNumber(page);
    await page.locator(".live-live").waitFor();

    // Every connection goes through this route: while `down`, the "server" hangs up at once.
    let down = false;
    /** @type {string[]} */
    const urls = [];
    /** @type {import("playwright-core").WebSocketRoute[]} */
    const open = [];
    await page.routeWebSocket(/\/live/, (ws) => {
      urls.push(ws.url());
      if (down) {
        ws.close();
        return;
      }
      ws.connectToServer();
      open.push(ws);
    });
    await page.reload();
    await page.locator(".live-live").waitFor();

    /** @param {string} text */
    const sendSms = async (text) => {
      const sent = await page.evaluate(
        ({ id, text }) =>
          fetch(`/simulator/activations/${id}/sms`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ text }),
          }).then((r) => r.status),
        { id: activation.id, text },
      );
      assert.ok(sent < 300, `the simulator answered ${sent}`);
    };

    // First with no connection at all (the socket and the polling fallback both cut): the SMS waits
    // for the socket, which replays it after the seq the page had.
    const poll = "**/api/v1/activations/*/wait?*";
    await page.route(poll, (route) => route.abort());
    down = true;
    for (const ws of open.splice(0)) await ws.close();
    await page.locator(".live-reconnecting").waitFor();
    await sendSms("Your Telegram code is 775511");
    await page.waitForTimeout(1500);
    assert.equal(await page.locator(".code-value").count(), 0);
    down = false;
    await page.locator(".code-value", { hasText: "775511" }).waitFor({ timeout: 30_000 });
    const last = new URL(urls.at(-1) ?? "");
    assert.equal(last.searchParams.get("after"), String(activation.lastSeq));
    assert.ok(urls.length >= 3, "the page reconnected more than once while the connection was down");
    await page.unroute(poll);

    // Then only the socket cut: the card says so plainly and polls, so the next SMS shows while the
    // socket is still down.
    await page.locator(".live-live").waitFor();
    await page.getByRole("button", { name: "Another SMS" }).click();
    await page.getByText("Waiting for another SMS…").waitFor();
    // The earlier code stays in sight while waiting for the next.
    await page.locator(".code-previous", { hasText: "775511" }).waitFor();
    down = true;
    for (const ws of open.splice(0)) await ws.close();
    await page.locator(".live-reconnecting", { hasText: "Connection lost" }).waitFor();
    await shot(page, "23-connection-lost");
    await sendSms("Telegram code: 220033");
    await page.locator(".code-value", { hasText: "220033" }).waitFor();
    assert.equal(
      await page.locator(".live-reconnecting").count(),
      1,
      "the socket came back: nothing was tested",
    );
    down = false;
    await page.locator(".live-live").waitFor({ timeout: 30_000 });
    assert.deepEqual(problems, []);
  },
);

scenario(
  "with three live numbers in the compact table, a code reaches the tab title, the favicon and a notification",
  {},
  async (context) => {
    // Records the notifications the page shows (the browser's own, with permission granted).
    await context.grantPermissions(["notifications"], { origin: BASE });
    await context.addInitScript(() => {
      const Real = window.Notification;
      /** @type {string[]} */
      const shown = [];
      Object.assign(window, { e2eNotifications: shown });
      window.Notification = class extends Real {
        /** @param {string} title @param {NotificationOptions} [options] */
        constructor(title, options) {
          super(title, options);
          shown.push(title);
        }
      };
    });
    const { page, problems } = await openPage(context);
    await signUp(page, "attention");
    await demoTopUp(page, "10.00");

    // Sound and notification are off until asked for; the choice is remembered.
    await nav(page, "Settings");
    await page.getByLabel("Show a browser notification").check();
    await page.getByLabel("Play a short sound").check();
    await page.reload();
    assert.equal(await page.getByLabel("Show a browser notification").isChecked(), true);
    assert.equal(await page.getByLabel("Play a short sound").isChecked(), true);

    const bought = [];
    for (const service of ["Telegram", "WhatsApp", "Google"]) bought.push(await buyNumber(page, service));
    await nav(page, "Dashboard");
    await page.getByRole("button", { name: "Table" }).click();
    const rows = page.locator(".act-table tbody tr");
    await rows.nth(2).waitFor();
    assert.equal(await rows.count(), 3);
    assert.deepEqual(await page.locator(".act-table thead th").allTextContents(), [
      "Service",
      "Country",
      "Number",
      "Status",
      "Code",
      "Time left",
      "Actions",
    ]);
    await shot(page, "24-table-view");

    // The customer is in another tab when the code comes.
    const other = await openPage(context);
    await other.page.goto("/prices");
    await other.page.bringToFront();
    const wa = bought[1];
    await other.page.evaluate(
      ({ id }) =>
        fetch(`/simulator/activations/${id}/sms`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ text: "Your WhatsApp code: 318-204" }),
        }),
      wa,
    );
    await page.locator(".act-table-row", { hasText: "318204" }).waitFor();
    await page.waitForFunction(() => document.title === "318204 · WhatsApp · SMSPROF");
    assert.match(
      (await page.locator('link[rel="icon"]').getAttribute("href")) ?? "",
      /^data:image\/svg\+xml/,
    );
    assert.deepEqual(await page.evaluate(() => /** @type {any} */ (window).e2eNotifications), [
      "WhatsApp code: 318204",
    ]);

    // The choice of view is remembered for the account.
    await page.reload();
    await page.locator(".act-table tbody tr").nth(2).waitFor();
    assert.equal(await page.getByRole("button", { name: "Table" }).getAttribute("aria-pressed"), "true");

    // Cancelled with no code, the number is replaced by one of the same service and country in one click.
    const tg = bought[0];
    await page
      .locator(".act-table-row", { hasText: "Telegram" })
      .getByRole("button", { name: /^Cancel/ })
      .click();
    await page.locator(".act-table-row", { hasText: "Telegram" }).locator(".status-cancelled").waitFor();
    await page.goto(`/numbers/${tg.id}`);
    await page.getByRole("button", { name: "Replace number" }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/numbers/") && !url.pathname.endsWith(tg.id));
    await page.locator(".act-card .phone-number").waitFor();
    const id = decodeURIComponent(new URL(page.url()).pathname.replace("/numbers/", ""));
    const replacement = (await apiGet(page, `/api/v1/activations/${id}`)).body;
    assert.equal(replacement.service, tg.service);
    assert.equal(replacement.country, tg.country);
    assert.equal(replacement.status, "waiting");
    // The number reads in groups, and copies with or without the country code.
    assert.match((await page.locator(".act-card .phone-number").textContent()) ?? "", /^\+\d{1,3} \d{3} /);
    await page.getByRole("button", { name: /^Copy without \+\d+: number without the country code$/ }).click();
    const national = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(replacement.phone.endsWith(national) && replacement.phone.length > national.length + 1);
    assert.equal(
      await page.getByRole("button", { name: "Copied the number without the country code" }).count(),
      1,
    );
    assert.deepEqual([...problems, ...other.problems], []);
  },
);

scenario(
  "buying faster: other names find services, favourites come first, a top-up leads back to the order, buy again",
  {},
  async (context) => {
    const { page, problems } = await openPage(context);
    await signUp(page, "faster");
    await nav(page, "Buy");
    const services = page.locator(".option-wrap:has(.service-option):not([hidden])");
    await services.first().waitFor();
    // Popular first.
    assert.match((await services.first().textContent()) ?? "", /Telegram/);
    const search = page.getByPlaceholder(/Search services/);
    for (const [typed, want] of [
      ["gmail", "Google"],
      ["twitter", "Twitter / X"],
    ]) {
      await search.fill(typed);
      assert.deepEqual(await services.locator(".option-name").allTextContents(), [want], typed);
    }
    await search.fill("");

    // A starred service is first, here and on any other device (it is stored with the account).
    await page.getByRole("button", { name: "Favourite: WhatsApp" }).click();
    await page.getByRole("button", { name: "Favourite: WhatsApp", pressed: true }).waitFor();
    assert.deepEqual((await apiGet(page, "/api/v1/me/favourites")).body, { services: ["wa"], countries: [] });
    await page.reload();
    await services.first().waitFor();
    assert.match((await services.first().textContent()) ?? "", /WhatsApp/);

    // Countries sort by stock; a starred country comes first.
    await page.locator(".service-option", { hasText: "WhatsApp" }).click();
    await page.getByLabel("Sort", { exact: true }).selectOption("stock");
    const stock = await page
      .locator(".country-option:not(.is-out) .option-meta")
      .evaluateAll((els) => els.map((el) => Number.parseInt(el.textContent ?? "", 10)));
    assert.deepEqual(
      stock,
      stock.toSorted((a, b) => b - a),
      "countries not sorted by stock",
    );
    const lastName =
      (await page.locator(".country-option:not(.is-out) .option-name").last().textContent()) ?? "";
    await page.getByRole("button", { name: `Favourite: ${lastName}` }).click();
    await page.getByRole("button", { name: `Favourite: ${lastName}`, pressed: true }).waitFor();
    await page.reload();
    await page.locator(".country-option").first().waitFor();
    assert.equal(await page.locator(".country-option .option-name").first().textContent(), lastName);
    await shot(page, "25-buy-favourites");

    // No balance: the order leads to a top-up, and the top-up back to the order.
    await page.locator(".country-option").first().click();
    const wanted = new URL(page.url());
    await page.locator(".order-card").getByRole("link", { name: "Top up" }).click();
    await page.waitForURL(/\/balance\?next=/);
    await page.getByText("go straight back to your order").waitFor();
    await demoTopUp(page, "5.00");
    await page.waitForURL((url) => url.pathname === "/buy" && url.search === wanted.search);
    await page.locator(".buy-button").click();
    await page.waitForURL(/\/numbers\/act_/);
    const id = decodeURIComponent(new URL(page.url()).pathname.replace("/numbers/", ""));
    const bought = (await apiGet(page, `/api/v1/activations/${id}`)).body;
    assert.equal(bought.service, "wa");

    // Bought once, it is one click away on the Buy screen.
    await nav(page, "Buy");
    await page.getByRole("link", { name: /WhatsApp · .* buy again/ }).click();
    await page.locator(".buy-button").waitFor();
    assert.equal(new URL(page.url()).searchParams.get("country"), String(bought.country));
    assert.equal(await page.locator(".service-option input:checked").getAttribute("value"), "wa");
    assert.deepEqual(problems, []);
  },
);

for (const [label, options] of /** @type {const} */ ([
  ["desktop, light", {}],
  ["desktop, dark", { colorScheme: "dark" }],
  ["phone, light", { viewport: { width: 390, height: 844 }, isMobile: true }],
  ["phone, dark", { viewport: { width: 390, height: 844 }, isMobile: true, colorScheme: "dark" }],
])) {
  scenario(`axe-core finds no WCAG A/AA violation on any screen (${label})`, options, async (context) => {
    const { page, problems } = await openPage(context);
    for (const [path, ready] of [
      ["/", "table.price-table"],
      ["/prices", "table.price-table"],
      ["/no/such/page", "h1"],
      ["/login", "form"],
      ["/signup", "form"],
    ]) {
      await page.goto(path);
      await page.locator(ready).first().waitFor();
      await assertAccessible(page, path);
    }
    await signUp(page, "axe");
    await demoTopUp(page, "10.00");
    const bought = await buyNumber(page);
    await simulateSms(page, "Your Telegram code is 404040");
    await page.locator(".code-value", { hasText: "404040" }).waitFor();
    await assertAccessible(page, "/numbers/<id>");
    for (const [path, ready] of [
      ["/", ".act-card"],
      [`/buy?service=${bought.service}&country=${bought.country}`, ".buy-button"],
      ["/history", ".act-row"],
      ["/balance", ".txn-row"],
      ["/keys", "form"],
      ["/security", ".sec-row"],
      ["/settings", ".device-row"],
    ]) {
      await page.goto(path);
      await page.locator(ready).first().waitFor();
      await page.waitForLoadState("networkidle");
      await assertAccessible(page, path);
    }
    // The compact table too.
    await page.goto("/");
    await page.getByRole("button", { name: "Table" }).click();
    await page.locator(".act-table-row").waitFor();
    await assertAccessible(page, "/ (table)");
    assert.deepEqual(problems, []);
  });
}

scenario(
  "at phone width, in dark mode, every main screen fits and works",
  { viewport: { width: 390, height: 844 }, colorScheme: "dark", isMobile: true },
  async (context) => {
    const { page, problems } = await openPage(context);
    await page.goto("/signup");
    await page.getByRole("heading", { name: "Create your account" }).waitFor();
    await assertNoHorizontalScroll(page, "signup");
    await shot(page, "phone-01-signup");
    await signUp(page, "phone");
    await demoTopUp(page, "10.00");
    await assertNoHorizontalScroll(page, "home");
    await shot(page, "phone-02-home");

    await nav(page, "Buy");
    await page.locator(".service-option").first().waitFor();
    await assertNoHorizontalScroll(page, "buy");
    await shot(page, "phone-03-buy");
    const bought = await buyNumber(page, "WhatsApp");
    await simulateSms(page, "Your WhatsApp code: 123-456. Don't share this code with others");
    await page.locator(".code-value").waitFor();
    await assertNoHorizontalScroll(page, "activation");
    await shot(page, "phone-04-activation");

    await page.goto("/");
    await page.locator(".act-card").waitFor();
    await assertNoHorizontalScroll(page, "home with a number");
    // A returning customer sees the number and its code before the top-up form.
    const cardTop = (await page.locator(".act-card").boundingBox())?.y ?? Infinity;
    assert.ok(cardTop < ((await page.locator(".balance-card").boundingBox())?.y ?? 0));
    assert.ok(cardTop < 844, "the active number is below the first screen");
    await shot(page, "phone-05-home-active");

    // A link to an offer shows the countries (heading clear of the sticky header) and the order.
    await page.goto(`/buy?service=${bought.service}&country=${bought.country}`);
    await page.locator(".buy-button").waitFor();
    assert.ok(await onScreen(page.locator(".buy-button")), "the Buy button is off screen on a deep link");
    assert.ok(
      await onScreen(page.locator(".picker legend", { hasText: "Country" })),
      "the Country heading is hidden",
    );
    const cut = await page
      .locator(".country-option .option-name")
      .evaluateAll((names) => names.filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent));
    assert.deepEqual(cut, [], "country names are cut off");
    await page.screenshot({ path: join(OUT, "phone-03b-buy-deep-link.png"), animations: "disabled" });
    for (const [path, heading, name] of [
      ["/history", "History", "phone-06-history"],
      ["/balance", "Balance & transactions", "phone-07-billing"],
      ["/keys", "API keys", "phone-08-keys"],
      ["/privacy", "Privacy Policy", "phone-09-privacy"],
    ]) {
      await page.goto(path);
      await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
      await page.waitForLoadState("networkidle");
      await assertNoHorizontalScroll(page, path);
      await shot(page, name);
    }
    assert.deepEqual(problems, []);
  },
);

scenario(
  "the whole sign-up form works from the keyboard alone, with a visible focus ring",
  {},
  async (context) => {
    const { page, problems } = await openPage(context);
    await page.goto("/signup");
    await page.getByRole("heading", { name: "Create your account" }).waitFor();

    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
    assert.match(page.url(), /\/signup$/);
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "email");
    const ring = await page.evaluate(
      () => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle,
    );
    assert.notEqual(ring, "none");

    await page.keyboard.type(uniqueEmail("keys"));
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space"); // 18+
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space"); // terms
    // Past the two policy links to the button.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Create account");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();

    // A wrong password shows the API's own message, plainly.
    await page.getByRole("button", { name: "Log out", exact: true }).click();
    await page.getByLabel("Email").fill(uniqueEmail("nobody"));
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Log in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.ok(((await alert.textContent()) ?? "").length > 10);
    await shot(page, "18-login-error");
    assert.deepEqual(problems, []);
  },
);

scenario("a customer downloads their data and deletes their account from Settings", {}, async (context) => {
  const { page, problems } = await openPage(context);
  const email = await signUp(page, "erase");
  await nav(page, "Settings");

  // Each password error is shown once, at its field, and focus goes there.
  const change = page.locator("form", { has: page.getByRole("button", { name: "Change password" }) });
  await change.getByLabel("Current password").fill("not-my-password-1");
  await change.getByLabel("New password").fill("another-otter-lantern-9");
  await change.getByRole("button", { name: "Change password" }).click();
  await change.locator("[data-field=currentPassword] .field-error", { hasText: "not right" }).waitFor();
  assert.equal((await focusedElement(page)).name, "currentPassword");
  assert.equal(await change.getByRole("alert").count(), 0);
  await change.getByLabel("Current password").fill(PASSWORD);
  await change.getByLabel("New password").fill("1234567890");
  await change.getByRole("button", { name: "Change password" }).click();
  await change.locator("[data-field=newPassword] .field-error", { hasText: "Too common" }).waitFor();
  assert.equal(await page.getByText("Too common").count(), 1);
  assert.equal((await focusedElement(page)).name, "newPassword");
  await shot(page, "12b-settings-password-errors");
  await nav(page, "Security");
  await page.locator(".sec-row.is-warning", { hasText: "Failed password change" }).waitFor();
  await nav(page, "Settings");

  // Another device signs in; this one sees it in the list and signs it out.
  const laptop = await newContext();
  try {
    const other = await laptop.newPage();
    await other.goto("/login");
    await other.getByLabel("Email").fill(email);
    await other.getByLabel("Password").fill(PASSWORD);
    await other.getByRole("button", { name: "Log in" }).click();
    await other.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.reload();
    const devices = page.locator(".device-row");
    await devices.nth(1).waitFor();
    assert.equal(await devices.count(), 2);
    assert.equal(await page.locator(".device-row .tag", { hasText: "this device" }).count(), 1);
    await page
      .locator(".device-row:not(:has(.tag))")
      .getByRole("button", { name: /^Sign out this device/ })
      .click();
    await page
      .getByText(/^Signed out /)
      .first()
      .waitFor();
    await page.locator(".device-row").nth(1).waitFor({ state: "detached" });
    assert.equal((await apiGet(other, "/api/v1/me")).status, 401);
    await shot(page, "12c-settings-devices");
  } finally {
    await laptop.close();
  }

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download my data" }).click(),
  ]);
  const file = join(OUT, "data-export.json");
  await download.saveAs(file);
  assert.match(readFileSync(file, "utf8"), literally(email));

  const form = page.locator("form", { has: page.getByRole("button", { name: "Delete my account" }) });
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByLabel("Type DELETE to confirm").fill("DELETE");
  await form.getByRole("button", { name: "Delete my account" }).click();
  await page.getByText("Your account has been deleted").waitFor();
  await shot(page, "19-account-deleted");

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("alert").waitFor();
  assert.equal((await apiGet(page, "/api/v1/me")).status, 401);
  assert.deepEqual(problems, []);
});

scenario(
  "two-factor sign-in: set up with an app's code, then sign in with a code or a recovery code",
  {},
  async (context) => {
    const { page, problems } = await openPage(context);
    const email = await signUp(page, "totp");
    await nav(page, "Settings");
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    const secret = ((await page.locator(".totp-secret").textContent()) ?? "").replace(/\s/g, "");
    assert.match(secret, /^[A-Z2-7]{32}$/);
    // The previous step's code, so the sign-in below can use the current one.
    await page.getByLabel("Code from the app").fill(totpCode(secret, Date.now() - 30_000));
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.getByText("Two-factor sign-in is on.").waitFor();
    const codes = await page.locator(".recovery-codes li").allTextContents();
    assert.equal(codes.length, 10);
    await shot(page, "26-totp-recovery-codes");
    await page.getByRole("button", { name: "I have saved them" }).click();
    await page.getByText("10 recovery codes left").waitFor();

    const signIn = async (/** @type {string} */ second) => {
      await page.getByRole("button", { name: "Log out", exact: true }).click();
      // Settings has password fields of its own: wait until it is gone.
      await page.locator("[name=currentPassword]").waitFor({ state: "detached" });
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Log in" }).click();
      // The password was right: now the code.
      const field = page.getByLabel("Authentication code");
      await field.waitFor();
      assert.equal((await focusedElement(page)).name, "code");
      await field.fill(second);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    };
    await signIn(totpCode(secret));
    await shot(page, "27-totp-signed-in");
    await signIn(codes[0] ?? "");
    await nav(page, "Settings");
    await page.getByText("9 recovery codes left").waitFor();
    // A spent recovery code does not work twice.
    await page.getByRole("button", { name: "Log out", exact: true }).click();
    await page.locator("[name=currentPassword]").waitFor({ state: "detached" });
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByLabel("Authentication code").fill(codes[0] ?? "");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.locator("[data-field=code] .field-error", { hasText: "used already" }).waitFor();
    assert.equal((await apiGet(page, "/api/v1/me")).status, 401);
    assert.deepEqual(problems, []);
  },
);

scenario(
  "the links from the emails verify the address and reset a forgotten password",
  {},
  async (context) => {
    const { page, problems } = await openPage(context);
    const email = await signUp(page, "links");
    await page.getByText("Please verify your email").waitFor();

    await page.goto(await emailLink(email, "verify-email"));
    await page.getByRole("heading", { name: "Email verified" }).waitFor();
    await shot(page, "20-email-verified");
    await page.getByRole("link", { name: "Go to the dashboard" }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    assert.equal(await page.getByText("Please verify your email").count(), 0);

    await page.getByRole("button", { name: "Log out", exact: true }).click();
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.getByText("a link to choose a new password is on its way").waitFor();
    await shot(page, "21-forgot");

    const newPassword = "second-otter-lantern-77";
    await page.goto(await emailLink(email, "reset-password"));
    await page.getByLabel("New password").fill(newPassword);
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByText("Your password has been changed").waitFor();
    await shot(page, "22-reset");
    // The same link again: it is spent, and the page says so with the way to a fresh one.
    const resetLink = await emailLink(email, "reset-password");
    await page.goto("/");
    await page.goto(resetLink);
    await page.getByLabel("New password").fill("third-otter-lantern-55");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("link", { name: "Request a new reset email" }).waitFor();
    await shot(page, "22b-reset-link-spent");

    // Signing in to a screen that does not load the balance itself still shows it in the header.
    await page.goto("/login?next=%2Fsecurity");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(newPassword);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Security log" }).waitFor();
    await page.locator(".balance-chip", { hasText: "$0.00" }).waitFor();
    assert.deepEqual(problems, []);
  },
);

scenario(
  "a Russian reader gets the landing in Russian without JavaScript (Accept-Language)",
  { javaScriptEnabled: false, locale: "ru-RU" },
  async (context) => {
    const { page, problems } = await openPage(context);
    await page.goto("/");
    assert.equal(await page.getAttribute("html", "lang"), "ru");
    await page.getByRole("heading", { level: 1, name: /Получайте SMS с кодами подтверждения/ }).waitFor();
    await page.getByRole("banner").getByRole("link", { name: "Войти" }).waitFor();
    await page.getByRole("columnheader", { name: "Сервис" }).waitFor();
    await page
      .getByRole("cell", { name: /Великобритания/ })
      .first()
      .waitFor();
    // Money as a Russian reader writes it: "0,39 $".
    assert.match(
      (await page.locator("table.price-table td.num").first().textContent()) ?? "",
      /^\d+,\d{2}\s\$$/,
    );
    await shotTop(page, "30-landing-ru-no-js");

    // The switch is a plain link without JavaScript: English, and back on the same page.
    await page.goto("/prices?q=telegram");
    await page.getByRole("link", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "Prices" }).waitFor();
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, "/prices?q=telegram");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.deepEqual(problems, []);
  },
);

scenario(
  "the dashboard switches to Russian, keeps it on reload, and the server pages follow",
  {},
  async (context) => {
    const { page, problems } = await openPage(context);
    await signUp(page, "ru");
    await demoTopUp(page, "5.00");
    assert.equal(await page.getAttribute("html", "lang"), "en");

    // The visible switch, in the header: each language named in itself.
    await page.getByRole("button", { name: "Русский" }).click();
    await page.getByRole("heading", { level: 1, name: "Панель" }).waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "ru");
    assert.equal(await page.getByRole("button", { name: "Русский" }).getAttribute("aria-pressed"), "true");
    const main = page.getByRole("navigation", { name: "Главное меню" });
    for (const name of ["Панель", "Купить", "История", "Баланс", "Настройки"]) {
      await main.getByRole("link", { name, exact: true }).waitFor();
    }
    await page.getByRole("heading", { name: "Активные номера" }).waitFor();
    await page.getByText("Доступный баланс").waitFor();
    await page.getByLabel("Сумма (USD)").waitFor();
    await page.getByRole("button", { name: "Добавить демо-баланс" }).waitFor();
    // Money in the Russian format, from the same integer minor units.
    await page.locator(".balance-chip", { hasText: /^5,00\s\$$/ }).waitFor();
    assert.match(await page.title(), /^Панель · /);
    await shot(page, "31-dashboard-ru");

    // Remembered: a reload, and a screen reached through the navigation, stay Russian.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Панель" }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem("smsprof:lang")), "ru");
    await main.getByRole("link", { name: "История", exact: true }).click();
    await page.waitForURL(/\/history$/);
    await page.waitForFunction(() => document.title.startsWith("История · "));

    // The server-rendered pages read the same choice from the cookie, though the browser is English.
    await page.goto("/prices");
    await page.getByRole("heading", { level: 1, name: "Цены" }).waitFor();
    await page.getByLabel("Поиск сервисов и стран").fill("telegram");
    await page.getByText(/^Предложений: \d+ из \d+$/).waitFor();
    await shotTop(page, "32-prices-ru");

    // Signed out, the log-in screen is Russian too; back to English with the same switch.
    await page.goto("/");
    await page.getByRole("button", { name: "Выйти", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Вход" }).waitFor();
    await page.getByLabel("Почта").waitFor();
    await page.getByRole("link", { name: "Забыли пароль?" }).click();
    await page.getByRole("heading", { level: 1, name: "Забыли пароль?" }).waitFor();
    await page.getByRole("banner").getByRole("link", { name: "Регистрация" }).click();
    await page.getByRole("heading", { level: 1, name: "Создайте аккаунт" }).waitFor();
    await page.getByLabel("Мне исполнилось 18 лет.").waitFor();
    await page.getByRole("button", { name: "Создать аккаунт" }).waitFor();
    await shot(page, "33-signup-ru");
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "Create your account" }).waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.deepEqual(problems, []);
  },
);

/**
 * What the English catalogue says that Russian says differently: each message's fixed text (split at
 * its {placeholders} and plural forms), as phrases of two or more words and as single words of five
 * letters or more. A Russian screen showing any of them still has an English string.
 */
const ENGLISH_PHRASES = (() => {
  const russian = Object.values(ru).join(" ");
  const pieces = Object.values(en)
    .flatMap((text) => text.split(/\||\{\w+\}/))
    .map((piece) => piece.replace(/^[\s.,:;·—–()!?“”"'…]+|[\s.,:;·—–()!?“”"'…]+$/g, ""))
    .filter((piece) => /[a-z]{2}/i.test(piece) && !russian.includes(piece));
  return [...new Set(pieces)].filter((piece) => piece.includes(" ") || piece.length >= 5);
})();

/**
 * The English phrases a Russian screen still shows, in its visible text or in the names a screen
 * reader hears (aria-label, placeholder, title, the document title). What a customer wrote and what
 * an SMS said are content, not the interface: service and country names, numbers, SMS texts.
 * @param {import("playwright-core").Page} page
 */
const englishLeftOn = async (page) => {
  const shown = await page.evaluate(() => {
    const parts = [document.title];
    // Marked as another language on purpose (the switch's "English") or not to be translated.
    const skip = ".sms-text, [translate='no'], .simulator, [lang]:not(html):not([lang='ru'])";
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest(skip) || el.closest("[hidden]") || !el.checkVisibility()) continue;
      parts.push(node.textContent ?? "");
    }
    for (const el of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
      if (el.closest(skip)) continue;
      for (const name of ["aria-label", "placeholder", "title"]) parts.push(el.getAttribute(name) ?? "");
    }
    return parts.join("\n");
  });
  return ENGLISH_PHRASES.filter((phrase) =>
    new RegExp(`(^|[^\\p{L}])${phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}])`, "u").test(shown),
  );
};

/**
 * Every entry of the signed-in menu is inside the header and clear of the balance and Log out: none
 * slides under them, whatever the window's width and the language's word lengths.
 * @param {import("playwright-core").Page} page
 * @param {string} label
 */
const assertHeaderFits = async (page, label) => {
  const hidden = () =>
    page.evaluate(() => {
      const session = /** @type {Element} */ (document.querySelector(".session")).getBoundingClientRect();
      const bar = /** @type {Element} */ (document.querySelector(".topbar-inner")).getBoundingClientRect();
      return [...document.querySelectorAll("[data-nav] a")]
        .filter((a) => {
          const r = a.getBoundingClientRect();
          const underSession =
            r.left < session.right &&
            r.right > session.left &&
            r.top < session.bottom &&
            r.bottom > session.top;
          return (
            underSession ||
            r.right > bar.right + 0.5 ||
            r.left < bar.left - 0.5 ||
            r.bottom > bar.bottom + 0.5
          );
        })
        .map((a) => a.textContent);
    });
  // The header settles on the frame after a resize.
  for (let attempt = 0; attempt < 10 && (await hidden()).length > 0; attempt++) {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  }
  assert.deepEqual(
    await hidden(),
    [],
    `${label}: menu entries hidden under the balance or outside the header`,
  );
  // The content starts below the header, never under it.
  const [barBottom, mainTop] = await page.evaluate(() => [
    /** @type {Element} */ (document.querySelector(".topbar")).getBoundingClientRect().bottom,
    /** @type {Element} */ (document.querySelector("#main")).getBoundingClientRect().top,
  ]);
  assert.ok(mainTop >= barBottom, `${label}: the page starts under the header`);
};

scenario(
  "signed in at 1280 and 1024 px, in English and in Russian, the whole menu shows beside the balance",
  {},
  async (context) => {
    const { page, problems } = await openPage(context);
    await signUp(page, "header");
    await demoTopUp(page, "25.00");
    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await assertHeaderFits(page, `English at ${width}`);
      await page.locator(".topbar").screenshot({ path: join(OUT, `34-header-en-${width}.png`) });
    }
    await page.getByRole("button", { name: "Русский" }).click();
    await page.getByRole("heading", { level: 1, name: "Панель" }).waitFor();
    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await assertHeaderFits(page, `Russian at ${width}`);
      await page.locator(".topbar").screenshot({ path: join(OUT, `35-header-ru-${width}.png`) });
    }
    assert.deepEqual(problems, []);
  },
);

scenario(
  "in Russian, buy → the number and its code → history → keys → settings show no English",
  { locale: "ru-RU" },
  async (context) => {
    const { page, problems } = await openPage(context);
    // The browser asks for Russian: the dashboard follows navigator.languages from the first screen.
    await page.goto("/signup");
    await page.getByRole("heading", { level: 1, name: "Создайте аккаунт" }).waitFor();
    await page.getByLabel("Почта").fill(uniqueEmail("ru-walk"));
    await page.getByLabel("Пароль").fill(PASSWORD);
    await page.getByLabel("Мне исполнилось 18 лет.").check();
    await page.getByLabel(/Я принимаю/).check();
    await page.getByRole("button", { name: "Создать аккаунт" }).click();
    await page.getByRole("heading", { level: 1, name: "Панель" }).waitFor();
    await page.getByLabel("Сумма (USD)").fill("10");
    await page.getByRole("button", { name: "Добавить демо-баланс" }).click();
    await page.locator(".balance-chip", { hasText: /^10,00\s\$$/ }).waitFor();
    const menu = page.getByRole("navigation", { name: "Главное меню" });
    /** @param {string} screen */
    const noEnglish = async (screen) =>
      assert.deepEqual(await englishLeftOn(page), [], `English left on the Russian ${screen} screen`);
    await noEnglish("dashboard");

    await menu.getByRole("link", { name: "Купить", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Купить номер" }).waitFor();
    await page.getByPlaceholder(/Найти сервис/).fill("tele");
    await page.locator(".service-option", { hasText: "Telegram" }).click();
    // Countries by their Russian names, stock counted with Russian plurals.
    await page.getByText("Великобритания").first().waitFor();
    await page.locator(".country-option:not(.is-out)").first().click();
    await page.getByRole("button", { name: /^Купить за \d+,\d{2}\s\$$/ }).waitFor();
    assert.match(await page.title(), /^Купить номер · /);
    await noEnglish("buy");
    await shot(page, "36-buy-ru");

    await page.locator(".buy-button").click();
    await page.waitForURL(/\/numbers\/act_/);
    await page.getByText("Ждём SMS…").waitFor();
    await page.getByText(/^Истекает через \d+:\d{2}$/).waitFor();
    await page.getByRole("button", { name: "Копировать: номер телефона" }).waitFor();
    await noEnglish("number (waiting)");
    await page.getByLabel(/Имитировать SMS/).fill("Telegram code: 73519. Never share it.");
    await page.getByRole("button", { name: "Отправить SMS" }).click();
    await page.locator(".code-value", { hasText: "73519" }).waitFor();
    // The tab title names the code, in the page's language around it.
    await page.waitForFunction(() => document.title.startsWith("73519 · Telegram · "));
    await page.getByRole("button", { name: "Завершить" }).waitFor();
    await page.getByText(/^Списано \d+,\d{2}\s\$$/).waitFor();
    await noEnglish("number (code)");
    await shot(page, "37-activation-ru");
    await page.getByRole("button", { name: "Копировать: код" }).click();
    await page.getByRole("button", { name: "Скопировано: код" }).waitFor();

    await menu.getByRole("link", { name: "История", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "История" }).waitFor();
    await page.locator(".act-row .status", { hasText: "Код получен" }).waitFor();
    await page.getByRole("button", { name: "Скачать CSV" }).waitFor();
    await noEnglish("history");
    await shot(page, "38-history-ru");

    await menu.getByRole("link", { name: "Баланс", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Баланс и операции" }).waitFor();
    await page.locator(".txn-row").first().waitFor();
    await noEnglish("balance");

    await menu.getByRole("link", { name: "API-ключи", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "API-ключи" }).waitFor();
    await page.getByText("API-ключей пока нет.", { exact: false }).waitFor();
    await page.getByLabel("Название ключа").fill("бот");
    await page.getByRole("button", { name: "Создать ключ" }).click();
    await page.getByText("Ваш новый ключ «бот».").waitFor();
    await page.getByText("Последнее использование: никогда · 0 запросов").waitFor();
    await noEnglish("keys");
    await shot(page, "39-keys-ru");

    await menu.getByRole("link", { name: "Безопасность", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Журнал безопасности" }).waitFor();
    await page.getByText("API-ключ создан").waitFor();
    await noEnglish("security");

    await menu.getByRole("link", { name: "Настройки", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Настройки" }).waitFor();
    await page.getByRole("button", { name: "Выйти на этом устройстве" }).waitFor();
    await page.getByRole("button", { name: "Настроить двухфакторный вход" }).waitFor();
    await noEnglish("settings");
    await shot(page, "40-settings-ru");

    await menu.getByRole("link", { name: "Поддержка", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Поддержка" }).waitFor();
    await page.getByText("Обращений пока нет.").waitFor();
    await noEnglish("support");

    // An error from the API, by its stable code, in Russian: a wrong current password.
    await menu.getByRole("link", { name: "Настройки", exact: true }).click();
    await page.getByLabel("Текущий пароль").fill("not-the-password-1");
    await page.getByLabel("Новый пароль").fill("another-long-password-2");
    await page.getByRole("button", { name: "Сменить пароль" }).click();
    await page.getByText("Пароль неверный.").waitFor();
    assert.deepEqual(problems, []);
  },
);

test("the money invariant holds over the whole database", async () =>
  (await import("./ledger-check.mjs")).assertLedgerInvariant(state));
