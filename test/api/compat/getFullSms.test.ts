// getFullSms as the official Java client reads it (github.com/sms-activate/SMSActivateApi,
// SMSActivateApi.getFullSms and SMSActivateStatusNumber): FULL_SMS:<text> once an SMS arrived,
// STATUS_WAIT_CODE while waiting, STATUS_CANCEL once cancelled, NO_ACTIVATION for an unknown id.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { makeCancelable } from "../../activations/helpers";
import { seedCatalogForTests } from "../../support-catalog";
import { customer, getNumber, smsTo, word } from "../helpers";

beforeAll(() => seedCatalogForTests(env));

const actIdOf = async (numericId: number) =>
  (
    await env.DB.prepare("SELECT id FROM activations WHERE numeric_id = ?")
      .bind(numericId)
      .first<{ id: string }>()
  )?.id as string;

describe("getFullSms", () => {
  it("answers STATUS_WAIT_CODE, then FULL_SMS:<the whole text, colons included>", async () => {
    const { key } = await customer();
    const { id, phone } = await getNumber(key, "tg");
    expect(await word({ api_key: key, action: "getFullSms", id })).toBe("STATUS_WAIT_CODE");
    await smsTo(phone, "Telegram code: 48213. Do not give it to anyone: not even us.");
    expect(await word({ api_key: key, action: "getFullSms", id })).toBe(
      "FULL_SMS:Telegram code: 48213. Do not give it to anyone: not even us.",
    );
  });

  it("answers STATUS_CANCEL for a cancelled activation", async () => {
    const { key } = await customer();
    const { id } = await getNumber(key, "tg");
    await makeCancelable(await actIdOf(id));
    expect(await word({ api_key: key, action: "setStatus", id, status: 8 })).toBe("ACCESS_CANCEL");
    expect(await word({ api_key: key, action: "getFullSms", id })).toBe("STATUS_CANCEL");
  });

  it("answers NO_ACTIVATION for another customer's id and a malformed one", async () => {
    const owner = await customer();
    const other = await customer();
    const { id } = await getNumber(owner.key, "tg");
    expect(await word({ api_key: other.key, action: "getFullSms", id })).toBe("NO_ACTIVATION");
    expect(await word({ api_key: owner.key, action: "getFullSms", id: "x" })).toBe("NO_ACTIVATION");
  });
});
