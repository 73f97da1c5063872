// The fake upstreams of the test pool: where they answer, the secrets they expect, and the PROVIDERS
// value (vitest.config.ts) that names them beside the simulator. Imported by the config (Node) and
// by tests (workerd), so it holds data only.
export const FAKE_UPSTREAMS = {
  hero: {
    host: "hero.sms-activate.fake",
    key: "test-hero-key",
    webhookToken: "test-hero-webhook-token",
    profile: "default",
  },
  hub: {
    host: "hub.sms-activate.fake",
    key: "test-hub-key",
    webhookToken: "test-hub-webhook-token",
    profile: "smshub",
  },
  daisy: {
    host: "daisy.sms-activate.fake",
    key: "test-daisy-key",
    webhookToken: "test-daisy-webhook-token",
    profile: "daisysms",
  },
  five: { host: "five.5sim.fake", key: "test-five-token" },
  // Own SIMs: Android phones sign their webhooks; the SIM bank is test/fakes/smshub-agent.ts.
  phones: { signingKey: "test-phones-signing-key" },
  simbank: { host: "smshub-agent.fake", key: "test-agent-key" },
} as const;

/** Where tests read the log of every protocol request the fake upstreams answered (test/fakes/upstream.ts). */
export const FAKE_UPSTREAM_LOG_HOST = "upstream-log.fake";

const { hero, hub, daisy, five, phones, simbank } = FAKE_UPSTREAMS;

/** PROVIDERS for the whole pool. The fakes start with no offers, so only the simulator sells until a test stocks one. */
export const TEST_PROVIDERS = JSON.stringify([
  { name: "simulator", kind: "simulator" },
  {
    name: "hero",
    kind: "sms-activate",
    profile: "herosms",
    baseUrl: `http://${hero.host}/stubs/handler_api.php`,
  },
  { name: "hub", kind: "sms-activate", profile: "smshub", baseUrl: `http://${hub.host}` },
  { name: "daisy", kind: "sms-activate", profile: "daisysms", baseUrl: `http://${daisy.host}`, priority: 1 },
  { name: "five", kind: "5sim", baseUrl: `http://${five.host}/v1` },
  // Own SIMs at the contract suite's cost (40 cents); their tests make the simulator step aside or
  // pick a pair where it is dearer (Telegram in the UK: 50).
  { name: "phones", kind: "android-sms-gateway", cost: 40 },
  { name: "simbank", kind: "smshub-agent", baseUrl: `http://${simbank.host}/smshub`, cost: 40 },
]);

/** The secrets the Worker reads for them, by each entry's uppercased name. */
export const TEST_PROVIDER_SECRETS: Record<string, string> = {
  PROVIDER_HERO_KEY: hero.key,
  PROVIDER_HERO_WEBHOOK_TOKEN: hero.webhookToken,
  PROVIDER_HUB_KEY: hub.key,
  PROVIDER_HUB_WEBHOOK_TOKEN: hub.webhookToken,
  PROVIDER_DAISY_KEY: daisy.key,
  PROVIDER_DAISY_WEBHOOK_TOKEN: daisy.webhookToken,
  PROVIDER_FIVE_KEY: five.key,
  PROVIDER_PHONES_SIGNING_KEY: phones.signingKey,
  PROVIDER_SIMBANK_KEY: simbank.key,
};
