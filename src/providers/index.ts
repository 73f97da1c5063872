// The provider registry: which adapter answers for a provider name. The configured one (PROVIDER)
// serves new orders; webhooks name theirs in the URL.
import type { Env } from "../env";
import { SimulatorProvider } from "./simulator/adapter";
import { type Provider, ProviderError } from "./types";

const ADAPTERS: Record<string, (env: Env) => Provider> = {
  simulator: (env) => new SimulatorProvider(env),
};

export const isKnownProvider = (name: string): boolean => Object.hasOwn(ADAPTERS, name);

/** The adapter for `name` (the configured provider by default); UNAVAILABLE when there is none. */
export const getProvider = (env: Env, name: string = env.PROVIDER): Provider => {
  const make = isKnownProvider(name) ? ADAPTERS[name] : undefined;
  if (!make) throw new ProviderError("UNAVAILABLE", `No provider adapter is named "${name}".`);
  return make(env);
};
