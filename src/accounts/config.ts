// What the dashboard needs to know about this deployment before anyone signs in.
import { type Env, flag, int } from "../env";
import { POLICY_LAST_UPDATED, POLICY_VERSION } from "../privacy/policy";

export const publicConfig = (env: Env) => ({
  brandName: env.BRAND_NAME,
  supportEmail: env.SUPPORT_EMAIL,
  // Read from the policy documents themselves (src/privacy/documents), never configured apart.
  policyVersion: POLICY_VERSION,
  policyLastUpdated: POLICY_LAST_UPDATED,
  currency: env.CURRENCY,
  demoTopUp: flag(env.DEMO_TOPUP),
  stripeEnabled: Boolean(env.STRIPE_SECRET_KEY),
  simulator: flag(env.SIMULATOR_ENABLED),
  requireEmailVerification: flag(env.REQUIRE_EMAIL_VERIFICATION),
  topUpMin: int(env.TOPUP_MIN, 500),
  topUpMax: int(env.TOPUP_MAX, 50_000),
  earlyCancelSeconds: int(env.EARLY_CANCEL_SECONDS, 120),
  activationMinutes: int(env.ACTIVATION_MINUTES, 20),
  smsRetentionDays: int(env.SMS_RETENTION_DAYS, 30),
});
