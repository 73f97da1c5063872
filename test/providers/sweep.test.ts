// The providers' part of the cron: catalog refresh, and the upstream's held-back webhooks.
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getOffer } from "../../src/activations/catalog";
import { createDb } from "../../src/db/client";
import { listProviderStatus } from "../../src/providers/status";
import { sweepProviders } from "../../src/providers/sweep";
import { admin } from "../admin/helpers";
import { TEST_PROVIDERS } from "../fakes/hosts";
import { call, createUserWithKey, json } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { setMode, setStock, sim, smsCount } from "./helpers";

beforeAll(async () => {
  await seedCatalogForTests(env);
});

afterEach(async () => {
  await setMode("normal");
});

describe("the providers' cron sweep", () => {
  it("refreshes the catalog's stock from the provider", async () => {
    await setStock("wb", 7, 3);
    await sweepProviders(env, Date.now());
    expect((await getOffer(createDb(env.DB), "wb", 7))?.stock).toBe(3);
  });

  it("sends a late SMS once its time has come, not before", async () => {
    const { auth } = await createUserWithKey({ available: 10_000 });
    const res = await call("/api/v1/activations", json({ service: "am", country: 187 }, auth));
    expect(res.status).toBe(201);
    const activation = (await res.json()) as { id: string; phone: string };
    await setMode("late_sms");
    await sim("/sms", { phone: activation.phone, text: "123456 is your Amazon OTP." });

    await sweepProviders(env, Date.now());
    expect(await smsCount(activation.id)).toBe(0);

    const afterExpiry = Date.now() + (Number(env.ACTIVATION_MINUTES) + 2) * 60_000;
    await sweepProviders(env, afterExpiry);
    expect(await smsCount(activation.id)).toBe(1);
  });
});

describe("the upstreams' status", () => {
  // One more upstream that is down: the fakes' dispatcher knows no such host and answers 502.
  const withDownUpstream = {
    ...env,
    PROVIDERS: JSON.stringify([
      ...JSON.parse(TEST_PROVIDERS),
      { name: "down", kind: "sms-activate", baseUrl: "http://down.sms-activate.fake" },
    ]),
  };

  it("records each upstream's wallet and sync, and alerts for a failing or low one", async () => {
    await sweepProviders({ ...withDownUpstream, PROVIDER_LOW_BALANCE: "1000" }, Date.now());
    const rows = new Map((await listProviderStatus(createDb(env.DB))).map((r) => [r.name, r]));
    expect(rows.get("hero")).toMatchObject({
      enabled: 1,
      alert: null,
      last_error: null,
      balance: expect.any(Number),
    });
    expect(rows.get("hero")?.last_sync_at).toEqual(expect.any(Number));
    expect(rows.get("simulator")).toMatchObject({ balance: null, alert: null });
    expect(rows.get("down")).toMatchObject({
      last_sync_at: null,
      alert: "the upstream is failing: see last_error",
    });
    expect(rows.get("down")?.last_error).toMatch(/HTTP 502/);

    // Our wallet at five is below what the operator wants to keep there.
    await sweepProviders({ ...env, PROVIDER_LOW_BALANCE: "100000000" }, Date.now());
    const five = (await listProviderStatus(createDb(env.DB))).find((r) => r.name === "five");
    expect(five?.alert).toMatch(/^our wallet at this upstream is low: \d+\.\d\d USD, below 1000000\.00$/);
  });
});

describe("GET /admin/api/v1/providers", () => {
  it("lists every configured upstream with its last sync, for operators only", async () => {
    await sweepProviders(env, Date.now());
    const res = await admin("/providers");
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Record<string, unknown>[] };
    expect(items.map((i) => i.name)).toEqual([
      "simulator",
      "hero",
      "hub",
      "daisy",
      "five",
      "phones",
      "simbank",
    ]);
    expect(items.find((i) => i.name === "hero")).toMatchObject({
      kind: "sms-activate",
      profile: "herosms",
      enabled: true,
      balance: expect.any(Number),
      lastSyncAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      alert: null,
    });
    expect((await call("/admin/api/v1/providers")).status).toBe(401);
  });
});
