// getBalanceAndCashBack answers ACCESS_BALANCE:<balance + cashback>, the same word as getBalance: the
// official Java client (github.com/sms-activate/SMSActivateApi, SMSActivateApi.getBalanceAndCashBack)
// parses both with getBalanceByAction and takes the cashback as the difference. We pay no cashback.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalogForTests } from "../../support-catalog";
import { customer, getNumber, word } from "../helpers";

beforeAll(() => seedCatalogForTests(env));

describe("getBalanceAndCashBack", () => {
  it("answers ACCESS_BALANCE:<available> with two decimals, equal to getBalance", async () => {
    const { key } = await customer(12_345);
    expect(await word({ api_key: key, action: "getBalanceAndCashBack" })).toBe("ACCESS_BALANCE:123.45");
    await getNumber(key);
    const balance = await word({ api_key: key, action: "getBalance" });
    expect(await word({ api_key: key, action: "getBalanceAndCashBack" })).toBe(balance);
  });

  it("answers BAD_KEY for an unknown key", async () => {
    expect(await word({ api_key: "sk_unknown", action: "getBalanceAndCashBack" })).toBe("BAD_KEY");
  });
});
