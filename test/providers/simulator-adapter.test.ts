// The simulator adapter is a real HTTP client of the simulated upstream: these tests go through the
// Worker's loopback and the upstream's own D1 state, as ordering does.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { getProvider } from "../../src/providers";
import { ProviderError } from "../../src/providers/types";
import { offerOf, setMode, setStock, sim } from "./helpers";

const provider = () => getProvider(env, "simulator");
const request = (service: string, country: number, extra: { maxCost?: number } = {}) => ({
  service,
  country,
  activationId: `act_test_${service}_${country}`,
  ...extra,
});

const providerError = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
};

afterEach(async () => {
  await setMode("normal");
});

describe("the simulator adapter", () => {
  it("is a configured provider and answers by name", () => {
    expect(getProvider(env, "simulator").name).toBe("simulator");
    expect(() => getProvider(env, "nope")).toThrow(ProviderError);
  });

  it("rents a number in the country's E.164 format at the upstream's cost, and counts it out of stock", async () => {
    const before = await offerOf("tg", 16);
    const number = await provider().acquire(request("tg", 16));
    expect(number.phone).toMatch(/^\+447\d{9}$/);
    expect(number.cost).toBe(before.cost);
    expect(number.providerRef).toMatch(/^\d{10}$/);
    expect((await offerOf("tg", 16)).stock).toBe(before.stock - 1);

    const us = await provider().acquire(request("wa", 187));
    expect(us.phone).toMatch(/^\+1[2-9]\d{2}[2-9]\d{6}$/);
  });

  it("hands out each number to one activation at a time", async () => {
    const a = await provider().acquire(request("ds", 48));
    const b = await provider().acquire(request("ds", 48));
    expect(a.phone).not.toBe(b.phone);
    expect(a.providerRef).not.toBe(b.providerRef);
  });

  it("reports NO_NUMBERS once the stock runs out", async () => {
    await setStock("vi", 2, 1);
    await provider().acquire(request("vi", 2));
    const error = await providerError(provider().acquire(request("vi", 2)));
    expect(error.code).toBe("NO_NUMBERS");
    expect((await offerOf("vi", 2)).stock).toBe(0);
  });

  it("reports NO_NUMBERS when the cost is above the most we would pay", async () => {
    const { cost } = await offerOf("go", 43);
    const error = await providerError(provider().acquire(request("go", 43, { maxCost: cost - 1 })));
    expect(error.code).toBe("NO_NUMBERS");
  });

  it("reports BAD_SERVICE for what the upstream does not sell", async () => {
    const error = await providerError(provider().acquire(request("zz", 0)));
    expect(error.code).toBe("BAD_SERVICE");
  });

  it("reports UNAVAILABLE in acquire_error mode, and NO_NUMBERS in no_numbers mode", async () => {
    await setMode("acquire_error");
    expect((await providerError(provider().acquire(request("tg", 0)))).code).toBe("UNAVAILABLE");
    await setMode("no_numbers");
    expect((await providerError(provider().acquire(request("tg", 0)))).code).toBe("NO_NUMBERS");
    await setMode("normal");
    await expect(provider().acquire(request("tg", 0))).resolves.toMatchObject({ phone: expect.any(String) });
  });

  it("gives a cancelled number back: stock restored, the number free, cancelling twice harmless", async () => {
    const before = await offerOf("ig", 22);
    const number = await provider().acquire(request("ig", 22));
    await provider().cancel(number.providerRef);
    expect((await offerOf("ig", 22)).stock).toBe(before.stock);
    await provider().cancel(number.providerRef);
    expect((await offerOf("ig", 22)).stock).toBe(before.stock);

    const rental = await sim(`/api/activations/${number.providerRef}`);
    expect(rental.body.rental).toMatchObject({ status: "cancelled" });
    // Nobody rents the number now: an SMS to it has no activation to go to.
    const sms = await sim("/sms", { phone: number.phone, text: "Your code is 1234" });
    expect(sms.status).toBe(404);
  });

  it("finishes a number without returning it to stock; a finished number cannot be cancelled", async () => {
    const before = await offerOf("fb", 10);
    const number = await provider().acquire(request("fb", 10));
    await provider().finish(number.providerRef);
    expect((await offerOf("fb", 10)).stock).toBe(before.stock - 1);
    const error = await providerError(provider().cancel(number.providerRef));
    expect(error.code).toBe("REJECTED");
  });

  it("accepts a request for another SMS only while the number is rented", async () => {
    const number = await provider().acquire(request("mm", 15));
    await expect(provider().requestAnotherSms(number.providerRef)).resolves.toBeUndefined();
    await provider().cancel(number.providerRef);
    expect((await providerError(provider().requestAnotherSms(number.providerRef))).code).toBe("REJECTED");
    expect((await providerError(provider().cancel("0000000000"))).code).toBe("REJECTED");
  });

  it("lists its offers with cost and stock for every service × country it sells", async () => {
    const offers = await provider().offers();
    expect(offers.length).toBeGreaterThan(300);
    expect(offers).toContainEqual(expect.objectContaining({ service: "tg", country: 0 }));
    for (const offer of offers) {
      expect(offer.cost).toBeGreaterThan(0);
      expect(offer.stock).toBeGreaterThanOrEqual(0);
    }
  });
});
