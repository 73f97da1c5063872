// getTopCountriesByService: `{"<rank>": {"country", "count", "price", "retail_price"}}` with numbers,
// and `freePriceMap` with freePrice=true, as sms-activate-go decodes it
// (github.com/solodecode/sms-activate-go, get_top_countries.go: TopCountriesInfo{country int,
// count int, price float64, retail_price float64, freePriceMap map[price]count}).
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalogForTests } from "../../support-catalog";
import { customer, rawJson, word } from "../helpers";

beforeAll(() => seedCatalogForTests(env));

type Top = Record<string, { country: number; count: number; price: number; retail_price: number }>;

describe("getTopCountriesByService", () => {
  it("ranks the countries selling a service by stock, with the original's fields and types", async () => {
    const { key } = await customer();
    const rows = (
      await env.DB.prepare(
        "SELECT country, price, stock FROM prices WHERE service = 'tg' AND stock > 0 ORDER BY stock DESC, price, country",
      ).all<{ country: number; price: number; stock: number }>()
    ).results;
    expect(rows.length).toBeGreaterThan(1);
    const expected = Object.fromEntries(
      rows.map((r, rank) => [
        String(rank),
        { country: r.country, count: r.stock, price: r.price / 100, retail_price: r.price / 100 },
      ]),
    );
    expect(await rawJson({ api_key: key, action: "getTopCountriesByService", service: "tg" })).toBe(
      JSON.stringify(expected),
    );
  });

  it("adds freePriceMap with freePrice=true", async () => {
    const { key } = await customer();
    const top = JSON.parse(
      await rawJson({ api_key: key, action: "getTopCountriesByService", service: "tg", freePrice: "true" }),
    ) as Record<string, { count: number; price: number; freePriceMap: Record<string, number> }>;
    const first = top["0"];
    expect(first?.freePriceMap).toEqual({ [(first?.price ?? 0).toFixed(2)]: first?.count });
  });

  it("answers BAD_SERVICE for a missing or unknown service", async () => {
    const { key } = await customer();
    expect(await word({ api_key: key, action: "getTopCountriesByService" })).toBe("BAD_SERVICE");
    expect(await word({ api_key: key, action: "getTopCountriesByService", service: "zz" })).toBe(
      "BAD_SERVICE",
    );
    const top = (await rawJson({
      api_key: key,
      action: "getTopCountriesByService",
      service: "wa",
    })) as string;
    expect(Object.keys(JSON.parse(top) as Top).length).toBeGreaterThan(0);
  });
});
