// The provider registry: each configured PROVIDERS entry is an instance of an adapter kind. Orders
// rent from the routes the catalog ranks; a live activation keeps talking to the entry that rented
// its number; webhooks name theirs in the URL.
import type { Env } from "../env";
import { int } from "../env";
import { AndroidSmsGatewayProvider } from "./android-sms-gateway";
import { type ProviderEntry, type ProviderKind, parseProviders, secretName } from "./config";
import { FiveSimProvider } from "./fivesim";
import { SimulatorProvider } from "./simulator/adapter";
import { SmsActivateProvider } from "./sms-activate";
import { SmshubAgentProvider } from "./smshub-agent";
import { TEST_PROVIDER, TestModeProvider } from "./test-mode";
import { type Provider, ProviderError } from "./types";

const ADAPTERS: Record<ProviderKind, (env: Env, entry: ProviderEntry) => Provider> = {
  simulator: (env, entry) => new SimulatorProvider(env, entry),
  "sms-activate": (env, entry) =>
    new SmsActivateProvider(entry, secretOf(env, entry, "KEY"), secretOf(env, entry, "WEBHOOK_TOKEN")),
  "5sim": (env, entry) => new FiveSimProvider(entry, secretOf(env, entry, "KEY")),
  "android-sms-gateway": (env, entry) =>
    new AndroidSmsGatewayProvider(env, entry, secretOf(env, entry, "SIGNING_KEY")),
  "smshub-agent": (env, entry) => new SmshubAgentProvider(env, entry, secretOf(env, entry, "KEY")),
};

// Parsed once per distinct configuration (an isolate sees one, tests may pass others).
const parsed = new Map<string, ProviderEntry[]>();
// Every request asks (the misconfiguration guard): an isolate's env object is the same from request
// to request, so the answer is kept by object before the configuration's text is even looked at.
const byEnv = new WeakMap<Env, ProviderEntry[]>();

/** Every configured entry, enabled or not; throws ProvidersConfigError for a bad PROVIDERS. */
export const providerEntries = (env: Env): ProviderEntry[] => {
  const known = byEnv.get(env);
  if (known) return known;
  const markupPercent = int(env.PRICE_MARKUP_PERCENT, 0);
  const key = `${env.CURRENCY}\u0000${markupPercent}\u0000${env.PROVIDERS ?? ""}`;
  let entries = parsed.get(key);
  if (!entries) {
    entries = parseProviders(env.PROVIDERS, { currency: env.CURRENCY, markupPercent });
    parsed.set(key, entries);
  }
  byEnv.set(env, entries);
  return entries;
};

export const findEntry = (env: Env, name: string): ProviderEntry | undefined =>
  providerEntries(env).find((e) => e.name === name);

export const isKnownProvider = (env: Env, name: string): boolean => findEntry(env, name) !== undefined;

/** A secret of an entry by its uppercased name (PROVIDER_HERO_KEY); "" when it is not set. */
export const secretOf = (
  env: Env,
  entry: ProviderEntry,
  what: "KEY" | "WEBHOOK_TOKEN" | "SIGNING_KEY",
): string => {
  const value = (env as unknown as Record<string, unknown>)[secretName(entry, what)];
  return typeof value === "string" ? value : "";
};

/**
 * The adapter of the entry called `name`; UNAVAILABLE when none is configured. The test provider is
 * no entry (it serves test accounts in every deployment): its rooms reach it by its own name.
 */
export const getProvider = (env: Env, name: string): Provider => {
  if (name === TEST_PROVIDER) return new TestModeProvider(env);
  const entry = findEntry(env, name);
  if (!entry) throw new ProviderError("UNAVAILABLE", `No provider is configured as "${name}".`);
  return ADAPTERS[entry.kind](env, entry);
};
