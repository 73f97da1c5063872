// "Is this upstream enabled now": enabled in PROVIDERS and not disabled by an operator
// (provider_overrides). Routing, pricing, the cron sync and ordering all read it from here, so an
// operator's switch is honoured everywhere at once.
import type { Db } from "../db/client";
import { providerOverrides } from "../db/schema";
import type { Env } from "../env";
import { providerEntries } from ".";
import type { ProviderEntry } from "./config";

/** The names an operator disabled, with when. */
export const operatorDisabled = async (db: Db): Promise<Map<string, number>> =>
  new Map((await db.select().from(providerOverrides).all()).map((r) => [r.name, r.disabledAt]));

/** The entries enabled now, by name, in configuration order. */
export const enabledEntries = async (env: Env, db: Db): Promise<Map<string, ProviderEntry>> => {
  const disabled = await operatorDisabled(db);
  return new Map(
    providerEntries(env)
      .filter((e) => e.enabled && !disabled.has(e.name))
      .map((e) => [e.name, e]),
  );
};
