// Selling own SIMs safely: one live activation per SIM whatever the service, a SIM sold for a service
// is spent there (until SIM_SERVICE_COOLDOWN_DAYS), and own SIMs route like any upstream.
import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { parseProviders } from "../../src/providers/config";
import { claimGatewaySim, releaseSim, type SimRules } from "../../src/providers/own-sims";
import { act, customer, get, holdsOf, makeCancelable, order, ordered } from "../activations/helpers";
import { deliver, GATEWAY, onlinePhone, resetOwnSims, simRow, sync } from "./own-sims-helpers";

const db = () => createDb(env.DB);
// Many orders at once on a shared two-core machine: room for a slow run, never a timed assertion.
const SLOW = 30_000;
const DAY = 86_400_000;
const rules = (cooldownDays: number | null): SimRules => ({
  cooldownMs: cooldownDays === null ? null : cooldownDays * DAY,
  silentMs: 15 * 60_000,
});

const providerOf = async (activationId: string) =>
  (
    await env.DB.prepare("SELECT provider FROM activations WHERE id = ?")
      .bind(activationId)
      .first<{ provider: string }>()
  )?.provider;

beforeEach(resetOwnSims);

describe("one live activation per SIM", () => {
  it(
    "concurrent claims never share a SIM: 5 SIMs, 20 claims, 5 distinct winners",
    async () => {
      await onlinePhone(5, ["tg"]);
      const at = Date.now();
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          claimGatewaySim(db(), rules(null), {
            provider: GATEWAY,
            service: "tg",
            country: 16,
            rentalRef: `r${i}`,
            at,
          }),
        ),
      );
      const won = claims.filter((c) => c !== null);
      expect(won).toHaveLength(5);
      expect(new Set(won.map((c) => c?.phone)).size).toBe(5);
    },
    SLOW,
  );

  it(
    "concurrent orders get distinct SIMs, and the rest fall over to the remote upstream under one hold each",
    async () => {
      const { numbers } = await onlinePhone(3, ["tg"]);
      await sync();
      const customers = await Promise.all(Array.from({ length: 6 }, () => customer()));
      const results = await Promise.all(customers.map((c) => order(c.auth, { service: "tg", country: 16 })));
      const views = await Promise.all(
        results.map(async (r) => {
          expect(r.status).toBe(201);
          return (await r.json()) as { id: string; phone: string };
        }),
      );
      const own = views.filter((v) => numbers.includes(v.phone));
      expect(own).toHaveLength(3);
      expect(new Set(own.map((v) => v.phone)).size).toBe(3);
      for (const v of views.filter((v) => !numbers.includes(v.phone)))
        expect(await providerOf(v.id)).toBe("simulator");
      for (const c of customers) expect((await holdsOf(c.userId)).map((h) => h.status)).toEqual(["pending"]);
    },
    SLOW,
  );

  it("a SIM rented for one service is not lent for another at the same time", async () => {
    const { numbers } = await onlinePhone(1);
    await sync();
    const first = await ordered((await customer()).auth, "wa", 16);
    expect(first.phone).toBe(numbers[0]);
    const second = await ordered((await customer()).auth, "tg", 16);
    expect(second.phone).not.toBe(numbers[0]);
    expect(await providerOf(second.id)).toBe("simulator");
  });
});

describe("spent for a service", () => {
  it("a SIM that got a code and finished is not sold for that service again, but still for others", async () => {
    const { device, numbers } = await onlinePhone(1);
    await sync();
    const { auth } = await customer();
    const sold = await ordered(auth, "tg", 16);
    expect(sold.phone).toBe(numbers[0]);
    await deliver(await device.smsReceived({ simNumber: 1, from: "Telegram", text: "Telegram code 11223" }));
    expect((await act(auth, sold.id, "finish")).status).toBe(200);
    expect((await get(auth, sold.id)).status).toBe("finished");
    expect(await simRow(numbers[0] ?? "")).toMatchObject({ rental_ref: null });
    await sync();
    const again = await ordered((await customer()).auth, "tg", 16);
    expect(again.phone).not.toBe(numbers[0]);
    const other = await ordered((await customer()).auth, "wa", 16);
    expect(other.phone).toBe(numbers[0]);
  });

  it("a cancelled rental (no code) does not spend the SIM", async () => {
    const { numbers } = await onlinePhone(1);
    await sync();
    const { auth } = await customer();
    const first = await ordered(auth, "tg", 16);
    expect(first.phone).toBe(numbers[0]);
    await makeCancelable(first.id);
    expect((await act(auth, first.id, "cancel")).status).toBe(200);
    await sync();
    const again = await ordered((await customer()).auth, "tg", 16);
    expect(again.phone).toBe(numbers[0]);
  });

  it("SIM_SERVICE_COOLDOWN_DAYS lets a spent SIM serve the service again once that long has passed", async () => {
    await onlinePhone(1, ["tg"]);
    const now = Date.now();
    const first = await claimGatewaySim(db(), rules(30), {
      provider: GATEWAY,
      service: "tg",
      country: 16,
      rentalRef: "sold-once",
      at: now,
    });
    expect(first).not.toBeNull();
    await releaseSim(db(), GATEWAY, "sold-once", true, now);
    const claim = (at: number, r: SimRules, rentalRef: string) =>
      claimGatewaySim(db(), r, { provider: GATEWAY, service: "tg", country: 16, rentalRef, at });
    // Never by default; not within the cooldown. The device must still be fresh at the later time.
    const fresh = (at: number) =>
      env.DB.prepare("UPDATE own_sim_devices SET last_seen_at = ?").bind(at).run();
    expect(await claim(now + 1000, rules(null), "a")).toBeNull();
    await fresh(now + 29 * DAY);
    expect(await claim(now + 29 * DAY, rules(30), "b")).toBeNull();
    await fresh(now + 31 * DAY);
    expect(await claim(now + 31 * DAY, rules(null), "c")).toBeNull();
    expect(await claim(now + 31 * DAY, rules(30), "d")).not.toBeNull();
  });
});

describe("routing", () => {
  it("an own SIM cheaper than the remote upstream is rented first; the activation records its cost and margin", async () => {
    const { numbers } = await onlinePhone(1, ["tg"]);
    await sync();
    const view = await ordered((await customer()).auth, "tg", 16);
    expect(view.phone).toBe(numbers[0]);
    const row = await env.DB.prepare(
      "SELECT provider, price, upstream_cost, margin FROM activations WHERE id = ?",
    )
      .bind(view.id)
      .first<{ provider: string; price: number; upstream_cost: number; margin: number }>();
    expect(row?.provider).toBe(GATEWAY);
    expect(row?.margin).toBe((row?.price ?? 0) - (row?.upstream_cost ?? 0));
  });

  it("with every own SIM busy, the order falls over to the remote upstream", async () => {
    const { numbers } = await onlinePhone(1, ["tg"]);
    await sync();
    await ordered((await customer()).auth, "tg", 16);
    // The catalog still says one is free (no sync since): the claim refuses, the next route serves.
    const next = await ordered((await customer()).auth, "tg", 16);
    expect(next.phone).not.toBe(numbers[0]);
    expect(await providerOf(next.id)).toBe("simulator");
  });
});

describe("PROVIDERS entries of own SIMs", () => {
  const parse = (entries: unknown[]) =>
    parseProviders(JSON.stringify(entries), { currency: "USD", markupPercent: 30 });
  const refusal = (entries: unknown[]) => {
    try {
      parse(entries);
    } catch (error) {
      return (error as Error).message;
    }
    return null;
  };

  it("a gateway needs no baseUrl (the phones call us); both kinds need their cost", () => {
    expect(parse([{ name: "phones", kind: "android-sms-gateway", cost: 20 }])[0]).toMatchObject({
      kind: "android-sms-gateway",
      baseUrl: "",
      cost: 20,
    });
    expect(refusal([{ name: "phones", kind: "android-sms-gateway" }])).toBe(
      'PROVIDERS[0] ("phones"): cost: required for own SIMs (minor units per sold activation)',
    );
    expect(refusal([{ name: "bank", kind: "smshub-agent", cost: 20 }])).toBe(
      'PROVIDERS[0] ("bank"): baseUrl: required for this kind',
    );
    expect(
      refusal([{ name: "bank", kind: "smshub-agent", baseUrl: "https://agent.example/hub", cost: 2.5 }]),
    ).toMatch(/^PROVIDERS\[0\] \("bank"\): cost: /);
    expect(refusal([{ name: "hero", kind: "sms-activate", baseUrl: "https://h.example", cost: 20 }])).toBe(
      'PROVIDERS[0] ("hero"): cost: only own-SIM kinds have a fixed cost',
    );
  });
});
