// setStatus's legacy cancel: older clients of the protocol cancel with status -1 (BrowserAutomationStudio's
// PhoneVerification module, SMS_SetStatus_interface.js, offers "-1: Cancel activation" beside 8), so -1
// means 8 here.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { makeCancelable } from "../../activations/helpers";
import { seedCatalogForTests } from "../../support-catalog";
import { balanceOf, customer, getNumber, STARTING_BALANCE, word } from "../helpers";

beforeAll(() => seedCatalogForTests(env));

describe("setStatus -1", () => {
  it("is refused in the early window like 8, then cancels and refunds with ACCESS_CANCEL", async () => {
    const { key, userId } = await customer();
    const { id } = await getNumber(key, "tg");
    expect(await word({ api_key: key, action: "setStatus", id, status: -1 })).toBe("EARLY_CANCEL_DENIED");
    const row = await env.DB.prepare("SELECT id FROM activations WHERE numeric_id = ?")
      .bind(id)
      .first<{ id: string }>();
    await makeCancelable(row?.id as string);
    expect(await word({ api_key: key, action: "setStatus", id, status: -1 })).toBe("ACCESS_CANCEL");
    expect(await word({ api_key: key, action: "getStatus", id })).toBe("STATUS_CANCEL");
    expect(await balanceOf(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
  });
});
