import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { adjustStock, getOffer, sellPrice, syncCatalog } from "../../src/activations/catalog";
import { createDb } from "../../src/db/client";
import { offerOf, setStock, sim } from "../providers/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";

type Catalog = {
  services: { code: string; name: string }[];
  countries: { id: number; iso: string; name: string }[];
  prices: { service: string; country: number; price: number; currency: string; stock: number }[];
};

const catalog = async (query = "") => {
  const res = await call(`/api/v1/catalog${query}`);
  return {
    status: res.status,
    body: (await res.json()) as Catalog & { error?: { code: string; message: string } },
  };
};

const db = () => createDb(env.DB);

beforeAll(async () => {
  await seedCatalogForTests(env);
});

describe("GET /api/v1/catalog", () => {
  it("lists services by code, countries by sms-activate id, and a price per service × country, without sign-in", async () => {
    const { status, body } = await catalog();
    expect(status).toBe(200);
    expect(body.services).toContainEqual({ code: "tg", name: "Telegram" });
    expect(body.services).toContainEqual({ code: "wa", name: "WhatsApp" });
    expect(body.services.length).toBeGreaterThanOrEqual(20);
    expect(body.countries).toContainEqual({ id: 0, iso: "RU", name: "Russia" });
    expect(body.countries).toContainEqual({ id: 16, iso: "GB", name: "United Kingdom" });
    expect(body.countries).toContainEqual({ id: 187, iso: "US", name: "United States" });
    expect(body.countries.length).toBeGreaterThanOrEqual(15);
    expect(body.prices.length).toBe(body.services.length * body.countries.length);
    expect(body.prices).toContainEqual(
      expect.objectContaining({ service: "tg", country: 0, currency: "USD", price: expect.any(Number) }),
    );
  });

  it("prices each offer at the provider's cost plus the markup, rounded up to a whole cent", async () => {
    const { cost } = await offerOf("wa", 22);
    const { body } = await catalog("?service=wa&country=22");
    expect(body.prices).toEqual([
      {
        service: "wa",
        country: 22,
        price: Math.ceil((cost * 130) / 100),
        currency: "USD",
        stock: expect.any(Number),
        successRate: null, // no activation of this route has ended yet
      },
    ]);
  });

  it("filters by service", async () => {
    const { body } = await catalog("?service=tg");
    expect(body.services).toEqual([{ code: "tg", name: "Telegram" }]);
    expect(body.prices.length).toBe(body.countries.length);
    expect(body.prices.every((p) => p.service === "tg")).toBe(true);
  });

  it("filters by country, and by both", async () => {
    const byCountry = await catalog("?country=16");
    expect(byCountry.body.countries).toEqual([{ id: 16, iso: "GB", name: "United Kingdom" }]);
    expect(byCountry.body.prices.every((p) => p.country === 16)).toBe(true);
    expect(byCountry.body.prices.length).toBe(byCountry.body.services.length);

    const both = await catalog("?service=ig&country=43");
    expect(both.body.services).toEqual([{ code: "ig", name: "Instagram" }]);
    expect(both.body.countries).toEqual([{ id: 43, iso: "DE", name: "Germany" }]);
    expect(both.body.prices).toHaveLength(1);
  });

  it("names countries in Russian or Chinese on request", async () => {
    expect((await catalog("?country=0&lang=ru")).body.countries).toEqual([
      { id: 0, iso: "RU", name: "Россия" },
    ]);
    expect((await catalog("?country=187&lang=zh")).body.countries).toEqual([
      { id: 187, iso: "US", name: "美国" },
    ]);
  });

  it("answers an unknown service or country with 400 and says which", async () => {
    const service = await catalog("?service=zz");
    expect(service.status).toBe(400);
    expect(service.body.error).toMatchObject({
      code: "BAD_SERVICE",
      details: { known: expect.arrayContaining(["tg"]) },
    });
    expect(service.body.error?.message).toContain('"zz"');

    const country = await catalog("?country=999");
    expect(country.status).toBe(400);
    expect(country.body.error).toMatchObject({
      code: "BAD_COUNTRY",
      details: { known: expect.arrayContaining([0, 187]) },
    });
    expect(country.body.error?.message).toContain("999");
  });

  it("answers a malformed filter with 400 and the field", async () => {
    for (const query of ["?country=abc", "?country=-1", "?country=1.5", "?lang=fr"]) {
      const res = await call(`/api/v1/catalog${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    }
  });
});

describe("syncCatalog", () => {
  it("follows the provider's cost and stock, and an offer the provider dropped shows zero stock", async () => {
    await sim("/api/stock", { service: "ub", country: 73, stock: 42, cost: 17 });
    await setStock("nf", 73, 0);
    await syncCatalog(env, db());
    expect(await getOffer(db(), "ub", 73)).toEqual({
      price: 23,
      cost: 17,
      currency: "USD",
      stock: 42,
      provider: "simulator",
    });
    expect((await getOffer(db(), "nf", 73))?.stock).toBe(0);
    expect((await catalog("?service=ub&country=73")).body.prices[0]).toMatchObject({ price: 23, stock: 42 });
  });
});

describe("getOffer and adjustStock", () => {
  it("reads one offer, or null when it is not for sale", async () => {
    const offer = await getOffer(db(), "tg", 6);
    expect(offer).toMatchObject({ currency: "USD", provider: "simulator" });
    expect(offer?.price).toBeGreaterThan(offer?.cost ?? Number.POSITIVE_INFINITY);
    expect(await getOffer(db(), "zz", 6)).toBeNull();
    expect(await getOffer(db(), "tg", 999)).toBeNull();
  });

  it("moves the displayed stock and never below zero", async () => {
    await setStock("oi", 86, 3);
    await syncCatalog(env, db());
    await adjustStock(db(), "oi", 86, -1);
    expect((await getOffer(db(), "oi", 86))?.stock).toBe(2);
    await adjustStock(db(), "oi", 86, -5);
    expect((await getOffer(db(), "oi", 86))?.stock).toBe(0);
    await adjustStock(db(), "oi", 86, 1);
    expect((await getOffer(db(), "oi", 86))?.stock).toBe(1);
  });
});

describe("sellPrice", () => {
  it.each([
    [17, 30, 23],
    [10, 30, 13],
    [1, 30, 2],
    [100, 30, 130],
    [33, 0, 33],
    [7, 15, 9],
  ])("cost %i with %i %% markup sells at %i", (cost, markup, price) => {
    expect(sellPrice(cost, markup)).toBe(price);
  });
});
