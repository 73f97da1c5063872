// getNumberV2 as the original answers it. The types follow sms-activate-go's GetNumberV2 struct
// (github.com/solodecode/sms-activate-go, get_number.go): activationId, activationCost and countryCode
// are strings, canGetAnotherSms a boolean; Go's decoder refuses a number where it expects a string, so
// the types are part of the answer, not a detail.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalogForTests } from "../../support-catalog";
import {
  balanceOf,
  customer,
  handlerJson,
  protocolTimeOf,
  rawJson,
  restView,
  STARTING_BALANCE,
  word,
} from "../helpers";

beforeAll(() => seedCatalogForTests(env));

describe("getNumberV2", () => {
  it("answers the exact JSON of the original, with its types", async () => {
    const { key, auth } = await customer();
    const text = await rawJson({ api_key: key, action: "getNumberV2", service: "ig", country: 0 });
    const id = /^\{"activationId":"(\d+)"/.exec(text)?.[1];
    const view = await restView(auth, Number(id));
    expect(text).toBe(
      `{"activationId":"${view.numericId}","phoneNumber":"${view.phone.slice(1)}",` +
        `"activationCost":"${(view.price / 100).toFixed(2)}","currency":840,"countryCode":"0",` +
        `"canGetAnotherSms":true,"activationTime":"${protocolTimeOf(view.createdAt)}",` +
        `"activationEndTime":"${protocolTimeOf(view.expiresAt)}","activationOperator":"any"}`,
    );
  });

  it("treats orderId as an idempotency key: the same order once, ORDER_ALREADY_EXISTS with other parameters", async () => {
    const { key, userId } = await customer();
    const params = { api_key: key, action: "getNumberV2", service: "fb", country: 0, orderId: "order-7" };
    const first = await handlerJson(params);
    const again = await handlerJson(params);
    expect(again).toEqual(first);
    const { available, held } = (await balanceOf(userId)) ?? { available: 0, held: 0 };
    expect(held).toBe(Math.round(Number(first.activationCost) * 100));
    expect(available + held).toBe(STARTING_BALANCE);
    expect(await word({ ...params, service: "tw" })).toBe("ORDER_ALREADY_EXISTS");
    expect(await balanceOf(userId)).toEqual({ available, held });
  });

  it("answers BAD_DATA, a protocol word, for an orderId over 255 characters, and orders nothing", async () => {
    const { key, userId } = await customer();
    const orderId = "o".repeat(256);
    expect(await word({ api_key: key, action: "getNumberV2", service: "fb", country: 0, orderId })).toBe(
      "BAD_DATA",
    );
    expect(await balanceOf(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
  });
});
