// The operator's switch on an upstream (POST /admin/api/v1/providers/{name}/disable|enable): a
// disabled upstream is no longer routed nor priced, through syncs too, and comes back when enabled;
// every switch is audited; the list shows each upstream's success rate and both switches.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { getOffer } from "../../src/activations/catalog";
import { createDb } from "../../src/db/client";
import { sweepProviders } from "../../src/providers/sweep";
import {
  act,
  balance,
  customer,
  makeCancelable,
  order,
  ordered,
  STARTING_BALANCE,
  sms,
} from "../activations/helpers";
import { admin, adminJson } from "../admin/helpers";
import { call } from "../support";
import { sim } from "./helpers";
import { DRIVERS, rowOf, syncCatalogNow } from "./upstreams";

// The Netherlands, where the fake 5sim sells; only hero and five sell Instagram there in this file.
const NL = 48;
const IG = "ig";
const hero = DRIVERS.find((d) => d.name === "hero");
const five = DRIVERS.find((d) => d.name === "five");

const offer = () => getOffer(createDb(env.DB), IG, NL);
const switchTo = (name: string, action: "disable" | "enable", reason = `${action} ${name} for the test`) =>
  adminJson("POST", `/providers/${name}/${action}`, { reason });

type Item = Record<string, unknown> & { name: string };
const listed = async (name: string) => {
  const res = await admin("/providers");
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Item[] }).items.find((i) => i.name === name);
};

const auditOf = (target: string) =>
  env.DB.prepare(
    "SELECT action, before, after, reason, operator FROM operator_audit WHERE target = ? ORDER BY at, id",
  )
    .bind(target)
    .all<{ action: string; before: string; after: string; reason: string; operator: string }>()
    .then((r) => r.results.map((a) => ({ ...a, before: JSON.parse(a.before), after: JSON.parse(a.after) })));

beforeAll(async () => {
  if (!hero || !five) throw new Error("the pool must configure hero and five");
  expect((await sim("/api/stock", { service: IG, country: NL, stock: 0 })).status).toBe(200);
  await hero.stock(IG, NL, 30, 10);
  await five.stock(IG, NL, 45, 10);
  // Only hero and five compete here: the fake SIM bank's stock is shared by every test file of the
  // pool (its state lives in the outbound service), so the own-SIM entries are switched off first.
  for (const name of ["phones", "simbank"]) {
    expect((await switchTo(name, "disable", "only hero and five compete in this file")).status).toBe(200);
  }
  await syncCatalogNow();
}, 60_000);

describe("an operator disables and enables an upstream", () => {
  it("stops routing and pricing from it at once and through syncs, and brings it back when enabled", async () => {
    expect(await offer()).toMatchObject({ provider: "hero", price: 39, stock: expect.any(Number) });

    const off = await switchTo("hero", "disable");
    expect(off.status, await off.clone().text()).toBe(200);
    expect(((await off.json()) as { item: Item }).item).toMatchObject({
      name: "hero",
      enabled: false,
      enabledByConfig: true,
      disabledByOperator: true,
      disabledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // The catalog follows now: five's price and stock alone.
    expect(await offer()).toMatchObject({ provider: "five", price: 59 });
    expect((await offer())?.stock).toBeGreaterThan(0);
    const { auth } = await customer();
    const first = await ordered(auth, IG, NL);
    expect(first.price).toBe(59);
    expect(await rowOf(first.id)).toMatchObject({ provider: "five", upstream_cost: 45 });

    // The cron's sync neither asks hero nor routes to it again.
    await sweepProviders(env, Date.now());
    expect(await offer()).toMatchObject({ provider: "five", price: 59 });
    expect((await listed("hero"))?.enabled).toBe(false);

    // With both disabled nothing is sold there, and no money moves.
    expect((await switchTo("five", "disable")).status).toBe(200);
    expect((await offer())?.stock).toBe(0);
    const { auth: other, userId } = await customer();
    const refused = await order(other, { service: IG, country: NL });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: "NO_NUMBERS" } });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });

    expect((await switchTo("hero", "enable")).status).toBe(200);
    expect((await switchTo("five", "enable")).status).toBe(200);
    expect(await offer()).toMatchObject({ provider: "hero", price: 39 });
    const back = await ordered(auth, IG, NL);
    expect(await rowOf(back.id)).toMatchObject({ provider: "hero", upstream_cost: 30 });
    expect(await listed("hero")).toMatchObject({
      enabled: true,
      disabledByOperator: false,
      disabledAt: null,
    });
  });

  it("switched off, the simulator no longer tells the dashboard it is an upstream to simulate SMS for", async () => {
    const status = async () => (await sim("/api/status")).body as { isProvider: boolean };
    expect(await status()).toMatchObject({ isProvider: true });
    expect((await switchTo("simulator", "disable")).status).toBe(200);
    expect(await status()).toMatchObject({ isProvider: false });
    expect((await switchTo("simulator", "enable")).status).toBe(200);
    expect(await status()).toMatchObject({ isProvider: true });
  });

  it("audits every switch, before → after with the reason, and repeats harmlessly", async () => {
    expect((await switchTo("daisy", "disable", "their numbers are recycled")).status).toBe(200);
    expect((await switchTo("daisy", "disable", "again")).status).toBe(200);
    expect((await switchTo("daisy", "enable", "fixed upstream")).status).toBe(200);
    const on = { enabled: true, enabledByConfig: true, disabledByOperator: false };
    const off = { enabled: false, enabledByConfig: true, disabledByOperator: true };
    expect(await auditOf("daisy")).toEqual([
      {
        action: "provider.disable",
        before: on,
        after: off,
        reason: "their numbers are recycled",
        operator: expect.any(String),
      },
      { action: "provider.disable", before: off, after: off, reason: "again", operator: expect.any(String) },
      {
        action: "provider.enable",
        before: off,
        after: on,
        reason: "fixed upstream",
        operator: expect.any(String),
      },
    ]);
  });

  it("refuses an unknown upstream (404), a missing reason (400) and a caller who is no operator (401)", async () => {
    const unknown = await switchTo("nosuch", "disable");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    const noReason = await adminJson("POST", "/providers/hero/disable", {});
    expect(noReason.status).toBe(400);
    expect(await noReason.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const stranger = await call("/admin/api/v1/providers/hero/disable", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ reason: "x" }),
    });
    expect(stranger.status).toBe(401);
    expect((await call("/admin/api/v1/providers")).status).toBe(401);
    expect(await auditOf("nosuch")).toEqual([]);
    expect((await listed("hero"))?.enabled).toBe(true);
  });
});

describe("GET /admin/api/v1/providers", () => {
  it("shows each upstream's success rate over the routing's window", async () => {
    expect((await listed("simulator"))?.successRate).toBeNull(); // fewer than five ended rentals
    const { auth } = await customer();
    for (let i = 0; i < 5; i++) {
      const a = await ordered(auth, "tg", 0);
      if (i < 3) {
        await sms(a.id, `Telegram code ${12340 + i}`);
        expect((await act(auth, a.id, "finish")).status).toBe(200);
      } else {
        await makeCancelable(a.id);
        expect((await act(auth, a.id, "cancel")).status).toBe(200);
      }
    }
    expect(await listed("simulator")).toMatchObject({ rented: 5, received: 3, successRate: 0.6 });
    expect(await listed("five")).toMatchObject({ rented: 0, received: 0, successRate: null });
  });
});
