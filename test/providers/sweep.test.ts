// The providers' part of the cron: catalog refresh, and the upstream's held-back webhooks.
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getOffer } from "../../src/activations/catalog";
import { createDb } from "../../src/db/client";
import { sweepProviders } from "../../src/providers/sweep";
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
