import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_PROVIDER_SECRETS, TEST_PROVIDERS } from "./test/fakes/hosts.ts";
import { fakeUpstream } from "./test/fakes/upstream.ts";
import { importedPackages } from "./test/imported-packages.mjs";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // Fixed values so tests never depend on a developer's .dev.vars.
          bindings: {
            TEST_MIGRATIONS: migrations,
            PUBLIC_URL: "http://localhost:8787",
            DEMO_TOPUP: "true",
            TOPUP_MIN: "100",
            SIMULATOR_ENABLED: "true",
            SIMULATOR_AUTO_SMS: "false",
            SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789abcdef",
            PASSWORD_PEPPER: "test-pepper-0123456789abcdef",
            SIMULATOR_WEBHOOK_SECRET: "test-simulator-webhook-secret",
            ADMIN_TOKEN: "test-admin-token-0123456789abcdef",
            STRIPE_SECRET_KEY: "sk_test_fake",
            STRIPE_WEBHOOK_SECRET: "whsec_test_fake",
            STRIPE_API_BASE: "http://stripe.fake",
            EMAIL_API_URL: "",
            EMAIL_API_KEY: "",
            // Own SIMs: sold-for-a-service is for good; a phone silent 15 minutes is not offered.
            SIM_SERVICE_COOLDOWN_DAYS: "0",
            SIM_DEVICE_SILENT_MINUTES: "15",
            // The simulator plus fake upstreams of each kind (test/fakes/hosts.ts).
            PROVIDERS: TEST_PROVIDERS,
            ...TEST_PROVIDER_SECRETS,
            ACCESS_TEAM_DOMAIN: "smsprof-test.cloudflareaccess.com",
            ACCESS_AUD: "test-access-aud-0123456789",
            SMS_RETENTION_DAYS: "30",
            SECURITY_LOG_RETENTION_DAYS: "90",
            SUPPORT_RETENTION_DAYS: "365",
            ACCOUNTING_RETENTION_YEARS: "10",
            SUPPORT_DUE_BUSINESS_HOURS: "48",
            // Production's refusals apply in tests; the receiver fake is a public HTTPS host.
            WEBHOOKS_ALLOW_PRIVATE_TARGETS: "false",
            WEBHOOKS_DNS_URL: "https://dns.fake/dns-query",
            // Every webhook alarm lands an hour ahead: only runDurableObjectAlarm fires it in a test.
            WEBHOOK_MIN_DELAY_MS: "3600000",
            // Small enough to reach in a test with real sockets.
            MAX_WATCHERS_PER_ACCOUNT: "4",
          },
          // Every outbound fetch of the Worker lands here: fakes of the services we cannot reach.
          outboundService: fakeUpstream,
        },
      }),
    ],
    test: {
      // Request logs are useful when a test fails, noise when it passes.
      silent: "passed-only" as const,
      // Order-heavy tests (ten orders to reach a cap) outgrow 5 s on a loaded 2-core machine when
      // every file runs at once; this bounds a hung test, it is not a timed assertion.
      testTimeout: 20_000,
      // One runtime per vitest worker for all the files it runs, not one per file (about 4.5 s of
      // startup each); test/setup.ts gives every file a freshly migrated D1 all the same.
      isolate: false,
      // Vitest's default is one worker fewer than the cores: on two cores, one runtime doing every
      // file in turn. Two keep both cores busy (each file still runs alone in its runtime).
      maxWorkers: 2,
      // Every dependency the Worker and the tests import, bundled once per run (and cached under
      // node_modules/.vite) instead of sent to each runtime module by module: test/imported-packages.mjs.
      deps: {
        optimizer: { ssr: { enabled: true, include: importedPackages(["src", "test"], ["test/e2e"]) } },
      },
      setupFiles: ["./test/setup.ts"],
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**"],
    },
  };
});
