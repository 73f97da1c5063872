// getActiveActivations as the original answers it. Shapes follow sms-activate-go
// (github.com/solodecode/sms-activate-go): errors.go compares the empty answer byte for byte with
// `{"status":"error","error":"NO_ACTIVATIONS"}`, and get_active_activations.go declares every field of
// an item as a string (activationId, serviceCode, phoneNumber, activationCost, activationStatus,
// smsCode, smsText, activationTime, discount, repeated, countryCode, countryName, canGetAnotherSms).
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalogForTests } from "../../support-catalog";
import { customer, getNumber, protocolTimeOf, rawJson, restView, smsTo, word } from "../helpers";

beforeAll(() => seedCatalogForTests(env));

describe("getActiveActivations", () => {
  it('answers {"status":"error","error":"NO_ACTIVATIONS"} as JSON when nothing is active', async () => {
    const { key } = await customer();
    expect(await rawJson({ api_key: key, action: "getActiveActivations" })).toBe(
      '{"status":"error","error":"NO_ACTIVATIONS"}',
    );
  });

  it("lists the live activations with every field clients read, as strings, not the ended ones", async () => {
    const { key, auth } = await customer();
    const waiting = await getNumber(key, "mt");
    const received = await getNumber(key, "mt");
    const ended = await getNumber(key, "mt");
    await smsTo(received.phone, "Steam Guard code: 7731");
    await smsTo(ended.phone, "Steam Guard code: 1188");
    await word({ api_key: key, action: "setStatus", id: ended.id, status: 6 });

    const item = async (
      n: { id: number; digits: string },
      status: string,
      code: string | null,
      text: string | null,
    ) => {
      const view = await restView(auth, n.id);
      return (
        `{"activationId":"${n.id}","serviceCode":"mt","phoneNumber":"${n.digits}",` +
        `"activationCost":"${(view.price / 100).toFixed(2)}","activationStatus":"${status}",` +
        `"smsCode":${JSON.stringify(code)},"smsText":${JSON.stringify(text)},` +
        `"activationTime":"${protocolTimeOf(view.createdAt)}","discount":"0.00","repeated":"0",` +
        `"countryCode":"0","countryName":"Russia","canGetAnotherSms":"1"}`
      );
    };
    const text = await rawJson({ api_key: key, action: "getActiveActivations" });
    // Newest first, as the list pages.
    expect(text).toBe(
      `{"status":"success","activeActivations":[${await item(received, "2", "7731", "Steam Guard code: 7731")},` +
        `${await item(waiting, "4", null, null)}]}`,
    );
  });
});
