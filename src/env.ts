// Bindings of the Worker (wrangler.toml [vars], secrets, D1, the Durable Object, rate limiters)
// and the per-request context Variables that middleware fills in.
import type { Db } from "./db/client";

declare global {
  namespace Cloudflare {
    // Types `exports` from "cloudflare:workers" (the Worker's loopback to its own entrypoints).
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "ActivationRoom" | "WebhookOutbox";
    }
    interface Env {
      DB: D1Database;
      ACTIVATION_ROOM: DurableObjectNamespace<import("./activations/room").ActivationRoom>;
      WEBHOOK_OUTBOX: DurableObjectNamespace<import("./webhooks/outbox").WebhookOutbox>;
      ASSETS: Fetcher;
      AUTH_IP_LIMITER: RateLimit;
      AUTH_EMAIL_LIMITER: RateLimit;
      API_KEY_LIMITER: RateLimit;
      ACCOUNT_LIMITER: RateLimit;

      BRAND_NAME: string;
      SUPPORT_EMAIL: string;
      POLICY_VERSION: string;
      POLICY_LAST_UPDATED: string;
      CURRENCY: string;
      PUBLIC_URL: string;
      REQUIRE_EMAIL_VERIFICATION: string;
      DEMO_TOPUP: string;
      TOPUP_MIN: string;
      TOPUP_MAX: string;
      PROVIDER: string;
      SIMULATOR_ENABLED: string;
      SIMULATOR_AUTO_SMS: string;
      SIMULATOR_AUTO_SMS_DELAY_MS: string;
      PRICE_MARKUP_PERCENT: string;
      ACTIVATION_MINUTES: string;
      EARLY_CANCEL_SECONDS: string;
      MAX_ACTIVE_ACTIVATIONS: string;
      MAX_WATCHERS_PER_ACCOUNT: string;
      PROVIDER_TIMEOUT_MS: string;
      SMS_RETENTION_DAYS: string;
      EMAIL_FROM: string;
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: string;
      WEBHOOKS_DNS_URL: string;
      WEBHOOK_DISABLE_AFTER_HOURS: string;
      WEBHOOK_MIN_DELAY_MS: string; // 0 in production; tests set it far ahead and fire alarms themselves

      // Secrets
      SESSION_SECRET: string;
      PASSWORD_PEPPER: string;
      SIMULATOR_WEBHOOK_SECRET: string;
      ADMIN_TOKEN?: string; // the operators' API credential (/admin/api/v1)
      STRIPE_SECRET_KEY?: string;
      STRIPE_WEBHOOK_SECRET?: string;
      STRIPE_API_BASE?: string; // only for tests: where the Stripe SDK sends its requests
      EMAIL_API_URL?: string;
      EMAIL_API_KEY?: string;

      // Only in tests (vitest.config.ts)
      TEST_MIGRATIONS?: import("cloudflare:test").D1Migration[];
    }
  }
}

export type Env = Cloudflare.Env;

/** The customer a request acts for, loaded by the auth middleware. */
export type CurrentUser = {
  id: string;
  email: string;
  emailVerified: boolean;
  frozen: boolean;
  /** When the request came with an API key: what that key may do. */
  key?: import("./accounts/key-policy").KeyPolicy;
};

/** How the request proved who it is: cookie session or API key. */
export type AuthVia = { kind: "session"; sessionId: string } | { kind: "key"; keyId: string };

export type AppVariables = {
  requestId: string;
  db: Db;
  user: CurrentUser;
  auth: AuthVia;
  operator: import("./admin/auth").Operator;
};

export type AppEnv = { Bindings: Env; Variables: AppVariables };

/** Config flags arrive as strings from [vars] and .dev.vars. */
export const flag = (value: string | undefined): boolean => value === "true" || value === "1";
export const int = (value: string | undefined, fallback: number): number => {
  const n = Number.parseInt(value ?? "", 10);
  return Number.isFinite(n) ? n : fallback;
};
