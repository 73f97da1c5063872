// getOperators: `{"status":"success","countryOperators":{"<country>":[…]}}`, and for a country with
// none the JSON error `{"status":"error","error":"OPERATORS_NOT_FOUND"}`, which sms-activate-go
// (github.com/solodecode/sms-activate-go, errors.go) compares byte for byte.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalogForTests } from "../../support-catalog";
import { customer, rawJson } from "../helpers";

beforeAll(() => seedCatalogForTests(env));

describe("getOperators", () => {
  it('answers "any" for a country we serve, exactly', async () => {
    const { key } = await customer();
    expect(await rawJson({ api_key: key, action: "getOperators", country: 0 })).toBe(
      '{"status":"success","countryOperators":{"0":["any"]}}',
    );
  });

  it("lists every country we serve when no country is given", async () => {
    const { key } = await customer();
    const served = (
      await env.DB.prepare("SELECT DISTINCT country FROM prices ORDER BY country").all<{ country: number }>()
    ).results;
    const answer = JSON.parse(await rawJson({ api_key: key, action: "getOperators" })) as {
      countryOperators: Record<string, string[]>;
    };
    expect(answer.countryOperators).toEqual(
      Object.fromEntries(served.map((r) => [String(r.country), ["any"]])),
    );
  });

  it("answers OPERATORS_NOT_FOUND as JSON for a country we do not serve", async () => {
    const { key } = await customer();
    for (const country of ["999", "x"]) {
      expect(await rawJson({ api_key: key, action: "getOperators", country })).toBe(
        '{"status":"error","error":"OPERATORS_NOT_FOUND"}',
      );
    }
  });
});
