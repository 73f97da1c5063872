// getNumbersStatus: `{"<service>_0": <count>}` for a country. Clients read the count of the service
// they want straight from the map (the official Java client's SMSActivateGetNumbersStatusResponse
// keys it by service code), so every service we sell is present, with 0 when out of stock.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalogForTests } from "../../support-catalog";
import { catalogPrice, customer, handlerJson, rawJson } from "../helpers";

beforeAll(() => seedCatalogForTests(env));

describe("getNumbersStatus", () => {
  it("lists every service with its stock in the country, zero counts included", async () => {
    const { key } = await customer();
    const tg0 = await catalogPrice("tg", 0);
    await env.DB.prepare("UPDATE prices SET stock = 0 WHERE service = 'wa' AND country = 0").run();
    const services = await env.DB.prepare("SELECT code FROM services ORDER BY code").all<{ code: string }>();
    const stock = await handlerJson<Record<string, number>>({
      api_key: key,
      action: "getNumbersStatus",
      country: 0,
    });
    expect(Object.keys(stock).sort()).toEqual(services.results.map((s) => `${s.code}_0`).sort());
    expect(stock.tg_0).toBe(tg0.stock);
    expect(stock.wa_0).toBe(0);
    for (const count of Object.values(stock)) expect(Number.isInteger(count)).toBe(true);
  });

  it("answers {} for a country that names none, malformed or unknown alike", async () => {
    const { key } = await customer();
    for (const country of ["999", "1,2", "x"]) {
      expect(await rawJson({ api_key: key, action: "getNumbersStatus", country }), country).toBe("{}");
    }
  });
});
