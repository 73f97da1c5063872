// getPricesV2: stock per price tier, `{"<country>": {"<service>": {"<price>": <count>}}}`, as clients
// of the protocol read it (e.g. an SMSBower client that sorts `float(p) for p in service_data.keys()`
// to pick a maxPrice). We sell each pair at one price, so each pair has one tier.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalogForTests } from "../../support-catalog";
import { catalogPrice, customer, rawJson } from "../helpers";

beforeAll(() => seedCatalogForTests(env));

describe("getPricesV2", () => {
  it("answers the stock at our price for one service and country, exactly", async () => {
    const { key } = await customer();
    const tg0 = await catalogPrice("tg", 0);
    expect(await rawJson({ api_key: key, action: "getPricesV2", service: "tg", country: 0 })).toBe(
      `{"0":{"tg":{"${(tg0.price / 100).toFixed(2)}":${tg0.stock}}}}`,
    );
  });

  it("filters by service across countries, and answers {} when nothing matches", async () => {
    const { key } = await customer();
    const all = JSON.parse(await rawJson({ api_key: key, action: "getPricesV2", service: "tg" })) as Record<
      string,
      Record<string, Record<string, number>>
    >;
    expect(Object.keys(all).length).toBeGreaterThan(1);
    for (const services of Object.values(all)) {
      expect(Object.keys(services)).toEqual(["tg"]);
      for (const [price, count] of Object.entries(services.tg ?? {})) {
        expect(price).toMatch(/^\d+\.\d\d$/);
        expect(Number.isInteger(count)).toBe(true);
      }
    }
    expect(await rawJson({ api_key: key, action: "getPricesV2", country: "x" })).toBe("{}");
    expect(await rawJson({ api_key: key, action: "getPricesV2", service: "zz" })).toBe("{}");
  });
});
