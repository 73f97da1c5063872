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
      NOTIFY_LIMITER: RateLimit;
      ACCOUNT_LIMITER: RateLimit;

      BRAND_NAME: string;
      SUPPORT_EMAIL: string;
      CURRENCY: string;
      PUBLIC_URL: string;
      REQUIRE_EMAIL_VERIFICATION: string;
      DEMO_TOPUP: string;
      TOPUP_MIN: string;
      TOPUP_MAX: string;
      PROVIDERS?: string; // JSON array of upstream entries (src/providers/config.ts); unset: the simulator
      PROVIDER_LOW_BALANCE: string; // minor units: an upstream wallet below this is an operator alert
      SIMULATOR_ENABLED: string;
      SIMULATOR_AUTO_SMS: string;
      SIMULATOR_AUTO_SMS_DELAY_MS: string;
      SIMULATOR_POOL_SIZE: string; // numbers per country in the simulator's pool (the bench raises it)
      PRICE_MARKUP_PERCENT: string;
      ACTIVATION_MINUTES: string;
      EARLY_CANCEL_SECONDS: string;
      MAX_ACTIVE_ACTIVATIONS: string;
      MAX_WATCHERS_PER_ACCOUNT: string;
      PROVIDER_TIMEOUT_MS: string;
      SMS_RETENTION_DAYS: string;
      SIM_SERVICE_COOLDOWN_DAYS: string; // own SIMs: days before a SIM sold for a service may serve it again; 0: never
      SIM_DEVICE_SILENT_MINUTES: string; // own SIMs: a gateway device silent this long is no longer offered
      SECURITY_LOG_RETENTION_DAYS: string; // security log and failed sign-ins of unknown emails
      SUPPORT_RETENTION_DAYS: string; // support tickets, after they are closed
      ACCOUNTING_RETENTION_YEARS: string; // ledger, holds, top-ups, activations (shown on /privacy)
      SUPPORT_DUE_BUSINESS_HOURS: string; // the promised answer time of a ticket
      EMAIL_FROM: string;
      // Cloudflare Access in front of /admin (optional): the team domain (myteam.cloudflareaccess.com)
      // and the application's AUD tag. Empty: only ADMIN_TOKEN opens the operators' API.
      ACCESS_TEAM_DOMAIN?: string;
      ACCESS_AUD?: string;
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
      // Per PROVIDERS entry, by its uppercased name: PROVIDER_<NAME>_KEY, PROVIDER_<NAME>_WEBHOOK_TOKEN
      // (read by name in src/providers/index.ts).

      // Only in tests (vitest.config.ts)
      TEST_MIGRATIONS?: import("cloudflare:test").D1Migration[];

      // Only on a bench server: `npm run bench` gives its own server one; never set in production
      BENCH_SEED?: string; // opens POST /api/bench/seed (src/bench)
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
  /** A linked test account (sk_test_ keys): play money, served by the test provider only. */
  test: boolean;
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
  /** The route's read done with the caller's authentication (requireUserReading). */
  userRead: (() => unknown) | undefined;
};

export type AppEnv = { Bindings: Env; Variables: AppVariables };

/** Config flags arrive as strings from [vars] and .dev.vars. */
export const flag = (value: string | undefined): boolean => value === "true" || value === "1";
export const int = (value: string | undefined, fallback: number): number => {
  const n = Number.parseInt(value ?? "", 10);
  return Number.isFinite(n) ? n : fallback;
};
