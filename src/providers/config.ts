// PROVIDERS: the upstreams this deployment rents numbers from, as the operator configures them (a JSON
// array in [vars] or .dev.vars). Parsed and validated here only, so the Worker, `npm start` and the
// tests all refuse a bad value with the same message naming the entry and the field.
// Plain TypeScript with only zod imported: scripts/dev.mjs loads this file directly in Node.
import { z } from "zod";

export const PROVIDER_KINDS = [
  "simulator",
  "sms-activate",
  "5sim",
  "android-sms-gateway",
  "smshub-agent",
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** Known variants of a kind (see src/providers/sms-activate.ts for what each one changes). */
export const PROFILES: Record<ProviderKind, readonly string[]> = {
  simulator: ["default"],
  "sms-activate": ["default", "herosms", "grizzly", "smsbower", "smshub", "daisysms"],
  "5sim": ["default"],
  "android-sms-gateway": ["default"],
  "smshub-agent": ["default"],
};

/** Own SIMs (src/providers/own-sims.ts): their entries say what one sold activation costs us. */
const OWN_SIM_KINDS: readonly ProviderKind[] = ["android-sms-gateway", "smshub-agent"];

const Entry = z
  .object({
    name: z.string().regex(/^[a-z0-9]+$/, "lowercase letters and digits only"),
    kind: z.enum(PROVIDER_KINDS),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    enabled: z.boolean().default(true),
    priority: z.number().int().default(0),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "a three-letter currency code")
      .optional(),
    rate: z.number().positive().optional(),
    markupPercent: z.number().int().min(0).max(1000).optional(),
    profile: z.string().default("default"),
    pollSeconds: z.number().int().min(2).max(600).optional(),
    cost: z.number().int().min(0).optional(),
  })
  .strict();

export type ProviderEntry = {
  name: string;
  kind: ProviderKind;
  baseUrl: string;
  enabled: boolean;
  priority: number;
  currency: string | null; // null: the same currency as CURRENCY
  rate: number; // how many CURRENCY units one unit of `currency` is worth
  markupPercent: number;
  profile: string;
  pollSeconds: number;
  cost: number | null; // own-SIM kinds: what one sold activation costs us, CURRENCY minor units
};

export class ProvidersConfigError extends Error {}

// The simulator lives inside the Worker; it has no base URL of its own.
const SIMULATOR_BASE = "http://simulator.internal/simulator/api";
// 5sim has no webhooks: it is polled at this pace unless pollSeconds says otherwise. sms-activate
// upstreams push by webhook; their poll is only the safety net, so it is slower.
// Own SIMs push every SMS and have no upstream state to poll.
const DEFAULT_POLL_SECONDS: Record<ProviderKind, number> = {
  simulator: 60,
  "sms-activate": 30,
  "5sim": 10,
  "android-sms-gateway": 60,
  "smshub-agent": 60,
};

/** What an unset PROVIDERS means: today's behaviour, the built-in simulator. */
export const DEFAULT_PROVIDERS = JSON.stringify([{ name: "simulator", kind: "simulator" }]);

const where = (index: number, raw: unknown) => {
  const name = (raw as { name?: unknown } | null)?.name;
  return typeof name === "string" ? `PROVIDERS[${index}] ("${name}")` : `PROVIDERS[${index}]`;
};

/**
 * Reads PROVIDERS (unset or blank: the simulator alone) and returns its entries with defaults filled
 * in; throws ProvidersConfigError naming the entry (index and name) and the field at fault.
 */
export const parseProviders = (
  raw: string | undefined,
  defaults: { currency: string; markupPercent: number },
): ProviderEntry[] => {
  const text = raw === undefined || raw.trim() === "" ? DEFAULT_PROVIDERS : raw;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProvidersConfigError(`PROVIDERS is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(json)) throw new ProvidersConfigError("PROVIDERS must be a JSON array of entries.");
  const seen = new Set<string>();
  return json.map((item, index) => {
    const parsed = Entry.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".") || "(entry)";
      throw new ProvidersConfigError(`${where(index, item)}: ${field}: ${issue?.message ?? "invalid"}`);
    }
    const e = parsed.data;
    const fail = (field: string, message: string) =>
      new ProvidersConfigError(`${where(index, item)}: ${field}: ${message}`);
    if (seen.has(e.name)) throw fail("name", `"${e.name}" is used by an earlier entry`);
    seen.add(e.name);
    if (!PROFILES[e.kind].includes(e.profile)) {
      throw fail("profile", `"${e.profile}" is not a profile of ${e.kind} (${PROFILES[e.kind].join(", ")})`);
    }
    // The phones of an android-sms-gateway entry call us; we never call them.
    const callsUs = e.kind === "simulator" || e.kind === "android-sms-gateway";
    if (!callsUs && e.baseUrl === undefined) throw fail("baseUrl", "required for this kind");
    const ownSims = OWN_SIM_KINDS.includes(e.kind);
    if (ownSims && e.cost === undefined)
      throw fail("cost", "required for own SIMs (minor units per sold activation)");
    if (!ownSims && e.cost !== undefined) throw fail("cost", "only own-SIM kinds have a fixed cost");
    const foreign = e.currency !== undefined && e.currency !== defaults.currency;
    if (foreign && e.rate === undefined) throw fail("rate", `required when currency differs from CURRENCY`);
    return {
      name: e.name,
      kind: e.kind,
      baseUrl: (e.baseUrl ?? (e.kind === "simulator" ? SIMULATOR_BASE : "")).replace(/\/+$/, ""),
      enabled: e.enabled,
      priority: e.priority,
      currency: foreign ? (e.currency ?? null) : null,
      rate: foreign ? (e.rate ?? 1) : 1,
      markupPercent: e.markupPercent ?? defaults.markupPercent,
      profile: e.profile,
      pollSeconds: e.pollSeconds ?? DEFAULT_POLL_SECONDS[e.kind],
      cost: e.cost ?? null,
    };
  });
};

/** The name of an entry's secret: PROVIDER_<NAME>_KEY, _WEBHOOK_TOKEN, _SIGNING_KEY (Android gateways). */
export const secretName = (entry: { name: string }, what: "KEY" | "WEBHOOK_TOKEN" | "SIGNING_KEY") =>
  `PROVIDER_${entry.name.toUpperCase()}_${what}`;
