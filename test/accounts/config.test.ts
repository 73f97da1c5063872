import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { POLICY_LAST_UPDATED, POLICY_VERSION } from "../../src/privacy/policy";
import { call } from "../support";

describe("GET /api/v1/config", () => {
  it("tells the dashboard about this deployment without sign-in", async () => {
    const res = await call("/api/v1/config");
    expect(res.status).toBe(200);
    // Values from wrangler.toml [vars] as overridden by vitest.config.ts bindings.
    expect(await res.json()).toEqual({
      brandName: env.BRAND_NAME,
      supportEmail: env.SUPPORT_EMAIL,
      policyVersion: POLICY_VERSION,
      policyLastUpdated: POLICY_LAST_UPDATED,
      currency: env.CURRENCY,
      demoTopUp: true,
      stripeEnabled: true,
      simulator: true,
      requireEmailVerification: false,
      topUpMin: 100,
      topUpMax: Number(env.TOPUP_MAX),
      earlyCancelSeconds: Number(env.EARLY_CANCEL_SECONDS),
      activationMinutes: Number(env.ACTIVATION_MINUTES),
      smsRetentionDays: Number(env.SMS_RETENTION_DAYS),
    });
  });
});
