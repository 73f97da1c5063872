// Routing and failover across two fake upstreams (hero: sms-activate protocol; five: 5sim) through
// the Worker: the cheaper one rents, the next one takes over when it has no numbers or needs an
// operator, a route dearer than the price is never tried, and a refusal by all voids the one hold.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Route, rankRoutes } from "../../src/providers/routing";
import { balance, customer, holdsOf, order, ordered, STARTING_BALANCE } from "../activations/helpers";
import { FAKE_UPSTREAMS } from "../fakes/hosts";
import { call } from "../support";
import { sim } from "./helpers";
import { DRIVERS, rowOf, syncCatalogNow } from "./upstreams";

const NL = 48; // the Netherlands: the simulator steps aside there in this file
const hero = DRIVERS.find((d) => d.name === "hero");
const five = DRIVERS.find((d) => d.name === "five");

const heroOffer = (service: string, body: Record<string, unknown>) =>
  fetch(`http://${FAKE_UPSTREAMS.hero.host}/__offer`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ service, country: NL, ...body }),
  });

beforeAll(async () => {
  if (!hero || !five) throw new Error("the pool must configure hero and five");
  for (const service of ["tg", "wa", "go", "fb"]) {
    expect((await sim("/api/stock", { service, country: NL, stock: 0 })).status).toBe(200);
  }
  await hero.stock("tg", NL, 30, 10);
  await five.stock("tg", NL, 45, 10);
  await hero.stock("wa", NL, 30, 10);
  await five.stock("wa", NL, 35, 10);
  await hero.stock("go", NL, 30, 10);
  await five.stock("go", NL, 60, 10);
  await hero.stock("fb", NL, 30, 10);
  await five.stock("fb", NL, 38, 10);
  await syncCatalogNow();
}, 60_000);

describe("routing", () => {
  it("prices by the best route and rents from the cheaper upstream, recording its cost and our margin", async () => {
    const { auth } = await customer();
    const activation = await ordered(auth, "tg", NL);
    expect(activation.price).toBe(39); // 30 + 30 %, rounded up
    expect(await rowOf(activation.id)).toMatchObject({ provider: "hero", upstream_cost: 30, margin: 9 });
  });

  it("falls over to the next upstream, under the one hold, when the cheaper has no numbers", async () => {
    // The catalog still believes hero has numbers; hero now says NO_NUMBERS.
    expect((await heroOffer("wa", { cost: 0.3, count: 0 })).status).toBe(200);
    const { auth, userId } = await customer();
    const activation = await ordered(auth, "wa", NL);
    expect(await rowOf(activation.id)).toMatchObject({
      provider: "five",
      price: 39,
      upstream_cost: 35,
      margin: 4,
    });
    expect(await holdsOf(userId)).toEqual([{ reference: activation.id, amount: 39, status: "pending" }]);
  });

  it("falls over when the upstream needs an operator, and raises an alert for it", async () => {
    expect((await heroOffer("fb", { cost: 0.3, count: 10, refuse: "NO_BALANCE" })).status).toBe(200);
    const { auth } = await customer();
    const activation = await ordered(auth, "fb", NL);
    expect((await rowOf(activation.id))?.provider).toBe("five");
    const status = await env.DB.prepare("SELECT alert FROM provider_status WHERE name = 'hero'").first<{
      alert: string;
    }>();
    expect(status?.alert).toMatch(/wallet at this upstream is empty/);
  });

  it("never tries a route dearer than the price; a refusal by all voids the hold", async () => {
    expect((await heroOffer("go", { cost: 0.3, count: 0 })).status).toBe(200);
    const { auth, userId } = await customer();
    const res = await order(auth, { service: "go", country: NL });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "NO_NUMBERS" } });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    expect((await holdsOf(userId)).map((h) => h.status)).toEqual(["voided"]);
  });

  it("ranks routes by measured success rate, then cost, then priority", () => {
    const route = (provider: string, cost: number, successRate: number | null, priority = 0): Route => ({
      provider,
      cost,
      stock: 1,
      priority,
      price: cost,
      successRate,
    });
    const ranked = rankRoutes([
      route("cheap-but-poor", 10, 0.5),
      route("good", 30, 0.93),
      route("good-cheaper", 25, 0.91),
      route("new", 40, null),
      route("good-cheaper-preferred", 25, 0.95, 5),
    ]);
    expect(ranked.map((r) => r.provider)).toEqual([
      "new",
      "good-cheaper-preferred",
      "good-cheaper",
      "good",
      "cheap-but-poor",
    ]);
  });
});

describe("success rate in the catalog", () => {
  it("is null until measured, then codes received / numbers rented of the route behind the price", async () => {
    const rate = async () => {
      const res = await call(`/api/v1/catalog?service=tg&country=${NL}`);
      return ((await res.json()) as { prices: { successRate: number | null }[] }).prices[0]?.successRate;
    };
    expect(await rate()).toBeNull();
    const now = Date.now();
    // Five ended rentals on hero's route, four of which received a code; five on every other route
    // offering it here, two with a code (measured too, so hero's route stays the one behind the price,
    // whatever other entries the pool's shared fakes stock).
    const { userId } = await customer();
    const others = await env.DB.prepare(
      "SELECT DISTINCT provider FROM provider_offers WHERE service = 'tg' AND country = ? AND provider != 'hero'",
    )
      .bind(NL)
      .all<{ provider: string }>();
    const routes = ["hero", ...others.results.map((r) => r.provider)];
    let n = 0;
    for (const provider of routes) {
      for (let i = 0; i < 5; i++, n++) {
        await env.DB.prepare(
          `INSERT INTO activations (id, numeric_id, user_id, service, country, phone, provider, provider_ref, price, currency,
            hold_id, status, last_seq, created_at, expires_at, updated_at, ended_at)
           VALUES (?, ?, ?, 'tg', ?, '+31600000000', ?, ?, 39, 'USD', 'unused', ?, 3, ?, ?, ?, ?)`,
        )
          .bind(
            `act_rate${n}`,
            900_000_000 + n,
            userId,
            NL,
            provider,
            `rate-${n}`,
            i < (provider === "hero" ? 4 : 2) ? "finished" : "cancelled",
            now,
            now,
            now,
            now,
          )
          .run();
      }
    }
    // Shown from the next price rebuild (the cron's sync): the catalog reads one row per price.
    expect(await rate()).toBeNull();
    await syncCatalogNow();
    expect(await rate()).toBe(0.8);
  });
});
