// The contract every upstream adapter keeps, run against each configured kind: the simulator, the
// sms-activate protocol in three profiles (HeroSMS with getNumberV2/getStatusV2, SMSHub with getNumber
// only, DaisySMS with its own price-cap and error words), 5sim and the own-SIM kinds (Android phones,
// an SMSHUB agent), each behind its protocol-faithful fake. Everything goes through the Worker (orders,
// webhooks, the room's alarm) and D1; each upstream sells in a country of its own here so that routing
// always picks it.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  act,
  balance,
  customer,
  get,
  makeCancelable,
  ordered,
  STARTING_BALANCE,
} from "../activations/helpers";
import { sim, smsCount } from "./helpers";
import { DRIVERS, expireNow, pollNow, room, rowOf, syncCatalogNow } from "./upstreams";

const COUNTRY: Record<string, number> = {
  simulator: 36,
  hero: 56,
  hub: 78,
  daisy: 86,
  five: 15,
  phones: 16,
  simbank: 48,
};
const SERVICES = ["tg", "wa", "go", "fb", "ig", "tw", "vi", "wb", "ds", "mm"] as const;
const COST = 40; // cents, at every upstream: the price is then 52 with the 30 % markup

beforeAll(async () => {
  // The simulator sells everywhere; it steps aside in the other upstreams' countries.
  for (const [name, country] of Object.entries(COUNTRY)) {
    if (name === "simulator") continue;
    for (const service of SERVICES)
      expect((await sim("/api/stock", { service, country, stock: 0 })).status).toBe(200);
  }
  for (const driver of DRIVERS) {
    for (const service of SERVICES) await driver.stock(service, COUNTRY[driver.name] ?? 0, COST, 50);
  }
  await syncCatalogNow();
}, 60_000);

describe.each(DRIVERS)("the $name upstream", (driver) => {
  const country = COUNTRY[driver.name] ?? 0;

  const rent = async (service: (typeof SERVICES)[number]) => {
    const { auth, userId } = await customer();
    const activation = await ordered(auth, service, country);
    const row = await rowOf(activation.id);
    expect(row?.provider).toBe(driver.name);
    return { auth, userId, activation, ref: row?.provider_ref ?? "" };
  };

  /** An SMS the way this upstream reports it: pushed by webhook, or found by the room's poll. */
  const receive = async (id: string, ref: string, phone: string, text: string) => {
    await driver.sms(ref, phone, text);
    if (!driver.pushes) await pollNow(id);
  };

  it("order → code → finish: charged once, the upstream told to finish", async () => {
    const { auth, userId, activation, ref } = await rent("tg");
    expect(activation.price).toBe(52);
    expect(await rowOf(activation.id)).toMatchObject({ upstream_cost: COST, margin: 12 });
    await receive(activation.id, ref, activation.phone, "Telegram code: 48213. Do not give it to anyone.");
    expect(await get(auth, activation.id)).toMatchObject({ status: "received", code: "48213" });
    expect((await act(auth, activation.id, "finish")).status).toBe(200);
    expect(await driver.actions(ref)).toEqual(["finish"]);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - 52, held: 0 });
  });

  it("cancel: nothing charged, the number given back upstream", async () => {
    const { auth, userId, activation, ref } = await rent("wa");
    await makeCancelable(activation.id);
    const res = await act(auth, activation.id, "cancel");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "cancelled" });
    expect(await driver.actions(ref)).toEqual(["cancel"]);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
  });

  it("another SMS on the same number: the new code shows, the customer pays once", async () => {
    const { auth, userId, activation, ref } = await rent("go");
    await receive(activation.id, ref, activation.phone, "G-112233 is your Google verification code.");
    expect((await act(auth, activation.id, "retry")).status).toBe(200);
    await receive(activation.id, ref, activation.phone, "G-445566 is your Google verification code.");
    const seen = await get(auth, activation.id);
    expect(seen).toMatchObject({ status: "received", code: "445566" });
    expect(seen.sms).toHaveLength(2);
    // 5sim, the simulator and own SIMs have nothing to be told: the number keeps receiving.
    if (!["five", "simulator", "phones", "simbank"].includes(driver.name))
      expect(await driver.actions(ref)).toEqual(["retry"]);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - 52, held: 0 });
  });

  it("expiry without a code: nothing charged, the number given back upstream", async () => {
    const { auth, userId, activation, ref } = await rent("fb");
    await expireNow(activation.id);
    expect((await get(auth, activation.id)).status).toBe("expired");
    expect(await driver.actions(ref)).toEqual(["cancel"]);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
  });

  it.skipIf(!driver.polled)(
    "a cancel the upstream refuses because it has the SMS: received and charged",
    async () => {
      const { auth, userId, activation, ref } = await rent("ig");
      // The SMS reached the upstream, but its webhook (if it has one) was lost: only the upstream knows.
      await driver.sms(ref, activation.phone, "Instagram code: 772211", { push: false });
      await makeCancelable(activation.id);
      const res = await act(auth, activation.id, "cancel");
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: "received", code: "772211", charged: true });
      expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - 52, held: 0 });
    },
  );

  it.skipIf(!driver.denyCancel)(
    "a cancel refused as too early is asked again from the alarm; the hold waits for it",
    async () => {
      const { auth, userId, activation, ref } = await rent("ds");
      await driver.denyCancel?.(ref, 1);
      await makeCancelable(activation.id);
      expect(await (await act(auth, activation.id, "cancel")).json()).toMatchObject({ status: "cancelled" });
      // Not voided yet: the upstream has not let the number go.
      expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - 52, held: 52 });
      expect(await runDurableObjectAlarm(room(activation.id))).toBe(true);
      expect(await driver.actions(ref)).toEqual(["cancel", "cancel"]);
      expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    },
  );

  it.skipIf(!driver.denyCancel)(
    "an SMS that reaches the upstream while our cancel waits is received and charged",
    async () => {
      const { auth, userId, activation, ref } = await rent("mm");
      await driver.denyCancel?.(ref, 1);
      await makeCancelable(activation.id);
      await act(auth, activation.id, "cancel");
      await driver.sms(ref, activation.phone, "Microsoft code: 918273", { push: false });
      expect(await runDurableObjectAlarm(room(activation.id))).toBe(true);
      expect(await get(auth, activation.id)).toMatchObject({
        status: "received",
        code: "918273",
        charged: true,
      });
      expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - 52, held: 0 });
    },
  );

  it.skipIf(!driver.polled)("an activation the upstream ends on its own ends here, uncharged", async () => {
    const { auth, userId, activation, ref } = await rent("tw");
    await driver.end(ref);
    await pollNow(activation.id);
    expect(["cancelled", "expired"]).toContain((await get(auth, activation.id)).status);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
  });

  it("duplicate deliveries store one SMS; forged ones store nothing", async () => {
    const { auth, activation, ref } = await rent("vi");
    for (const res of (await driver.forge?.(ref, "Viber code: 111111")) ?? []) {
      expect(res.status).toBe(401);
    }
    expect(await smsCount(activation.id)).toBe(0);
    await receive(activation.id, ref, activation.phone, "Viber code: 246810");
    if (driver.redeliver) {
      const again = await driver.redeliver();
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ delivered: 0, duplicates: 1 });
    }
    if (!driver.pushes) await pollNow(activation.id); // the same SMS seen by a second poll
    expect(await smsCount(activation.id)).toBe(1);
    expect((await get(auth, activation.id)).code).toBe("246810");
  });

  it.skipIf(!driver.polled)("polling catches a code the webhook missed", async () => {
    const { auth, userId, activation, ref } = await rent("wb");
    await driver.sms(ref, activation.phone, "[WeChat] 验证码：135790", { push: false });
    expect((await get(auth, activation.id)).status).toBe("waiting");
    await pollNow(activation.id);
    expect(await get(auth, activation.id)).toMatchObject({ status: "received", code: "135790" });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - 52, held: 0 });
  });
});

it("the pool's PROVIDERS binding is what this suite exercises", () => {
  expect(JSON.parse(env.PROVIDERS ?? "[]").map((e: { name: string }) => e.name)).toEqual(
    DRIVERS.map((d) => d.name),
  );
});
