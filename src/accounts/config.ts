// What the dashboard needs to know about this deployment before anyone signs in.
import { type Env, flag, int } from "../env";

export const publicConfig = (env: Env) => ({
  brandName: env.BRAND_NAME,
  supportEmail: env.SUPPORT_EMAIL,
  policyVersion: env.POLICY_VERSION,
  policyLastUpdated: env.POLICY_LAST_UPDATED,
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
