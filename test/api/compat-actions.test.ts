// Every handler_api.php action and every error word, over HTTP, as an sms-activate client drives them.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { makeCancelable, room } from "../activations/helpers";
import { seedCatalogForTests } from "../support-catalog";
import {
  balanceOf,
  catalogPrice,
  customer,
  getNumber,
  handler,
  handlerJson,
  restView,
  STARTING_BALANCE,
  simulator,
  smsTo,
  word,
} from "./helpers";

beforeAll(() => seedCatalogForTests(env));

describe("getBalance", () => {
  it("answers the available balance with two decimals", async () => {
    const { key } = await customer(12_345);
    expect(await word({ api_key: key, action: "getBalance" })).toBe("ACCESS_BALANCE:123.45");
  });

  it("shows the price held as soon as a number is ordered", async () => {
    const { key, auth } = await customer(1_000);
    const { id } = await getNumber(key);
    const { price } = await restView(auth, id);
    const expected = ((1_000 - price) / 100).toFixed(2);
    expect(await word({ api_key: key, action: "getBalance" })).toBe(`ACCESS_BALANCE:${expected}`);
  });
});

describe("getNumber", () => {
  it("rents a number: ACCESS_NUMBER:<id>:<digits>, the same activation REST shows", async () => {
    const { key, auth, userId } = await customer();
    const text = await word({
      api_key: key,
      action: "getNumber",
      service: "tg",
      country: 0,
      operator: "any",
    });
    const [, id, digits] = text.split(":");
    expect(text).toMatch(/^ACCESS_NUMBER:\d+:79\d{9}$/);
    const view = await restView(auth, Number(id));
    expect(view).toMatchObject({ service: "tg", country: 0, phone: `+${digits}`, status: "waiting" });
    expect(await balanceOf(userId)).toEqual({ available: STARTING_BALANCE - view.price, held: view.price });
  });

  it("uses the protocol's default country 0 when none is given", async () => {
    const { key, auth } = await customer();
    const text = await word({ api_key: key, action: "getNumber", service: "wa" });
    expect(await restView(auth, Number(text.split(":")[1]))).toMatchObject({ country: 0, service: "wa" });
  });

  it("answers BAD_SERVICE for a missing or unknown service, BAD_COUNTRY for an unknown country", async () => {
    const { key, userId } = await customer();
    expect(await word({ api_key: key, action: "getNumber", country: 0 })).toBe("BAD_SERVICE");
    expect(await word({ api_key: key, action: "getNumber", service: "zz", country: 0 })).toBe("BAD_SERVICE");
    expect(await word({ api_key: key, action: "getNumber", service: "tg", country: 9999 })).toBe(
      "BAD_COUNTRY",
    );
    expect(await word({ api_key: key, action: "getNumber", service: "tg", country: "russia" })).toBe(
      "BAD_COUNTRY",
    );
    expect(await balanceOf(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
  });

  it("answers NO_BALANCE when the balance does not cover the price", async () => {
    const { key, userId } = await customer(1);
    expect(await word({ api_key: key, action: "getNumber", service: "tg", country: 0 })).toBe("NO_BALANCE");
    expect(await balanceOf(userId)).toEqual({ available: 1, held: 0 });
  });

  it("answers WRONG_MAX_PRICE:<min> when the price is above maxPrice, and orders at maxPrice = price", async () => {
    const { key, userId } = await customer();
    const { price } = await catalogPrice("go", 0);
    const min = (price / 100).toFixed(2);
    const below = ((price - 1) / 100).toFixed(2);
    expect(
      await word({ api_key: key, action: "getNumber", service: "go", country: 0, maxPrice: below }),
    ).toBe(`WRONG_MAX_PRICE:${min}`);
    expect(await balanceOf(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    expect(
      await word({ api_key: key, action: "getNumber", service: "go", country: 0, maxPrice: min }),
    ).toMatch(/^ACCESS_NUMBER:/);
    expect(
      await word({ api_key: key, action: "getNumber", service: "go", country: 0, maxPrice: "cheap" }),
    ).toBe("BAD_MAX_PRICE");
  });

  it("reads a maxPrice written without a leading zero, as PHP prints 0.82", async () => {
    const { key } = await customer();
    const { price } = await catalogPrice("am", 0);
    expect(price).toBeLessThan(100);
    const cents = String(price).padStart(2, "0");
    expect(
      await word({ api_key: key, action: "getNumber", service: "am", country: 0, maxPrice: ".01" }),
    ).toBe(`WRONG_MAX_PRICE:0.${cents}`);
    expect(
      await word({ api_key: key, action: "getNumber", service: "am", country: 0, maxPrice: `.${cents}` }),
    ).toMatch(/^ACCESS_NUMBER:/);
  });

  it("answers NO_NUMBERS when the upstream has none, or is down", async () => {
    const { key, userId } = await customer();
    await simulator("/api/stock", { service: "ds", country: 0, stock: 0 });
    expect(await word({ api_key: key, action: "getNumber", service: "ds", country: 0 })).toBe("NO_NUMBERS");
    await simulator("/api/mode", { mode: "acquire_error" });
    try {
      expect(await word({ api_key: key, action: "getNumber", service: "tg", country: 0 })).toBe("NO_NUMBERS");
    } finally {
      await simulator("/api/mode", { mode: "normal" });
    }
    expect(await balanceOf(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
  });

  it("answers BANNED:unknown for a frozen account (a freeze has no end date)", async () => {
    const { key, userId } = await customer();
    await env.DB.prepare("UPDATE users SET frozen_at = ?, frozen_reason = 'dispute' WHERE id = ?")
      .bind(Date.now(), userId)
      .run();
    expect(await word({ api_key: key, action: "getNumber", service: "tg", country: 0 })).toMatch(
      /^BANNED:.+/,
    );
    // Reading is still allowed: only new orders are refused.
    expect(await word({ api_key: key, action: "getBalance" })).toBe("ACCESS_BALANCE:100.00");
  });

  it("answers TOO_MANY_ACTIVE past the cap on concurrently active activations", async () => {
    const { key } = await customer(100_000);
    const cap = Number(env.MAX_ACTIVE_ACTIVATIONS);
    for (let i = 0; i < cap; i++) await getNumber(key, "vi");
    expect(await word({ api_key: key, action: "getNumber", service: "vi", country: 0 })).toBe(
      "TOO_MANY_ACTIVE",
    );
  });
});

describe("getStatus and getStatusV2", () => {
  it("follow an activation: waiting, code, another SMS, finished", async () => {
    const { key } = await customer();
    const { id, phone } = await getNumber(key, "tg");
    const status = () => word({ api_key: key, action: "getStatus", id });
    const statusV2 = () => handler({ api_key: key, action: "getStatusV2", id });

    expect(await status()).toBe("STATUS_WAIT_CODE");
    expect(JSON.parse((await statusV2()).text)).toEqual({ verificationType: 0, sms: null, call: null });

    await smsTo(phone, "Your Telegram code is 48213. Don't share it.");
    expect(await status()).toBe("STATUS_OK:48213");
    expect(JSON.parse((await statusV2()).text)).toEqual({
      verificationType: 0,
      sms: {
        dateTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        code: "48213",
        text: "Your Telegram code is 48213. Don't share it.",
      },
      call: null,
    });

    expect(await word({ api_key: key, action: "setStatus", id, status: 3 })).toBe("ACCESS_RETRY_GET");
    expect(await status()).toBe("STATUS_WAIT_RETRY:48213");
    await smsTo(phone, "Telegram code: 90377");
    expect(await status()).toBe("STATUS_OK:90377");

    expect(await word({ api_key: key, action: "setStatus", id, status: 6 })).toBe("ACCESS_ACTIVATION");
    expect(await status()).toBe("STATUS_OK:90377");
  });

  it("answer STATUS_CANCEL for a cancelled or expired activation", async () => {
    const { key } = await customer();
    const cancelled = await getNumber(key, "am");
    const expired = await getNumber(key, "am");
    const { id: expiredId } = expired;
    await makeCancelable(await actIdOf(cancelled.id));
    expect(await word({ api_key: key, action: "setStatus", id: cancelled.id, status: 8 })).toBe(
      "ACCESS_CANCEL",
    );
    expect(await runDurableObjectAlarm(room(await actIdOf(expiredId)))).toBe(true);
    for (const id of [cancelled.id, expiredId]) {
      expect(await word({ api_key: key, action: "getStatus", id })).toBe("STATUS_CANCEL");
      expect(await word({ api_key: key, action: "getStatusV2", id })).toBe("STATUS_CANCEL");
    }
  });

  it("answer NO_ACTIVATION for another customer's id, an unknown id and a malformed one", async () => {
    const owner = await customer();
    const other = await customer();
    const { id } = await getNumber(owner.key);
    for (const action of ["getStatus", "getStatusV2"]) {
      expect(await word({ api_key: other.key, action, id })).toBe("NO_ACTIVATION");
      expect(await word({ api_key: owner.key, action, id: 999_999_999 })).toBe("NO_ACTIVATION");
      expect(await word({ api_key: owner.key, action, id: "abc" })).toBe("NO_ACTIVATION");
      expect(await word({ api_key: owner.key, action })).toBe("NO_ACTIVATION");
    }
  });
});

// The id REST and the Durable Object use, for the protocol's numeric id.
const actIdOf = async (numericId: number) => {
  const row = await env.DB.prepare("SELECT id FROM activations WHERE numeric_id = ?")
    .bind(numericId)
    .first<{ id: string }>();
  if (!row) throw new Error(`no activation ${numericId}`);
  return row.id;
};

describe("setStatus", () => {
  it("1 acknowledges a live activation with ACCESS_READY", async () => {
    const { key } = await customer();
    const { id } = await getNumber(key);
    expect(await word({ api_key: key, action: "setStatus", id, status: 1 })).toBe("ACCESS_READY");
    expect(await word({ api_key: key, action: "getStatus", id })).toBe("STATUS_WAIT_CODE");
  });

  it("8 is refused in the first two minutes with EARLY_CANCEL_DENIED, then cancels and refunds", async () => {
    const { key, userId } = await customer();
    const { id } = await getNumber(key, "ub");
    expect(await word({ api_key: key, action: "setStatus", id, status: 8 })).toBe("EARLY_CANCEL_DENIED");
    expect(await word({ api_key: key, action: "getStatus", id })).toBe("STATUS_WAIT_CODE");
    await makeCancelable(await actIdOf(id));
    expect(await word({ api_key: key, action: "setStatus", id, status: 8 })).toBe("ACCESS_CANCEL");
    expect(await balanceOf(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    expect(await word({ api_key: key, action: "setStatus", id, status: 1 })).toBe("BAD_STATUS");
  });

  it("answers BAD_STATUS for a transition the state does not allow and for an unknown status", async () => {
    const { key } = await customer();
    const { id } = await getNumber(key, "nf");
    expect(await word({ api_key: key, action: "setStatus", id, status: 6 })).toBe("BAD_STATUS");
    expect(await word({ api_key: key, action: "setStatus", id, status: 3 })).toBe("BAD_STATUS");
    expect(await word({ api_key: key, action: "setStatus", id, status: 5 })).toBe("BAD_STATUS");
    expect(await word({ api_key: key, action: "setStatus", id })).toBe("BAD_STATUS");
    expect(await word({ api_key: key, action: "getStatus", id })).toBe("STATUS_WAIT_CODE");
  });

  it("answers NO_ACTIVATION for another customer's activation and changes nothing", async () => {
    const owner = await customer();
    const other = await customer();
    const { id, phone } = await getNumber(owner.key, "oi");
    await smsTo(phone, "Tinder code 551200");
    for (const status of [1, 3, 6, 8]) {
      expect(await word({ api_key: other.key, action: "setStatus", id, status })).toBe("NO_ACTIVATION");
    }
    expect(await word({ api_key: owner.key, action: "getStatus", id })).toBe("STATUS_OK:551200");
  });
});

describe("the catalog actions", () => {
  it("getPrices answers cost and stock per country and service, filtered by either", async () => {
    const { key } = await customer();
    const tg0 = await catalogPrice("tg", 0);
    const all = await handlerJson<Record<string, Record<string, { cost: number; count: number }>>>({
      api_key: key,
      action: "getPrices",
    });
    expect(all["0"]?.tg).toEqual({ cost: tg0.price / 100, count: tg0.stock });
    expect(Object.keys(all).length).toBeGreaterThan(1);

    const tgOnly = await handlerJson<Record<string, Record<string, unknown>>>({
      api_key: key,
      action: "getPrices",
      service: "tg",
    });
    for (const services of Object.values(tgOnly)) expect(Object.keys(services)).toEqual(["tg"]);
    const russia = await handlerJson({ api_key: key, action: "getPrices", country: 0 });
    expect(Object.keys(russia)).toEqual(["0"]);
  });

  it("getPrices answers {} for a country that names none, malformed or unknown alike", async () => {
    const { key } = await customer();
    for (const action of ["getPrices"]) {
      for (const country of ["999", "1,2", "x"]) {
        expect(await handlerJson({ api_key: key, action, country }), `${action} ${country}`).toEqual({});
      }
    }
  });

  it("getCountries answers every country with the protocol's fields", async () => {
    const { key } = await customer();
    const countries = await handlerJson({ api_key: key, action: "getCountries" });
    expect(countries["0"]).toEqual({
      id: 0,
      eng: "Russia",
      rus: "Россия",
      chn: "俄罗斯",
      visible: 1,
      retry: 1,
      rent: 0,
      multiService: 0,
    });
    expect(Object.keys(countries).length).toBeGreaterThan(5);
  });

  it("getServicesList answers the services with their codes", async () => {
    const { key } = await customer();
    const answer = await handlerJson<{ status: string; services: { code: string; name: string }[] }>({
      api_key: key,
      action: "getServicesList",
    });
    expect(answer.status).toBe("success");
    expect(answer.services).toContainEqual({ code: "tg", name: "Telegram" });
  });
});
