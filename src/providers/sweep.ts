// The providers' part of the cron: refresh each upstream's offers and our wallet there, rebuild the
// prices from them, record each upstream's state in provider_status (a low or failing upstream, or own
// SIMs' phones gone silent, is an alert and a `provider_alert` log line), let the simulated upstream
// send what it was holding back (late_sms mode, failed webhooks), and the test provider its delayed
// codes. A failure is logged and left to the next run; it must not stop the other upstreams or the
// other sweeps.
import { syncCatalog } from "../activations/catalog";
import type { Db } from "../db/client";
import { createDb } from "../db/client";
import { type Env, flag, int } from "../env";
import { log } from "../lib/log";
import { toDecimalString } from "../lib/money";
import { getProvider } from ".";
import type { ProviderEntry } from "./config";
import { enabledEntries } from "./enabled";
import { deliverDue } from "./simulator/upstream";
import { recordSync } from "./status";
import { deliverDueTestSms } from "./test-mode";
import { ProviderError } from "./types";

const alertOf = (error: unknown): string =>
  error instanceof ProviderError && error.alert ? error.alert : "the upstream is failing: see last_error";

const syncStatus = async (env: Env, db: Db, entry: ProviderEntry, offersError: unknown): Promise<void> => {
  let balance: number | null = null;
  let standing: string | null = null;
  let error: unknown = offersError;
  try {
    const provider = getProvider(env, entry.name);
    balance = await provider.balance();
    standing = (await provider.alert?.()) ?? null;
  } catch (err) {
    error ??= err;
  }
  const low = int(env.PROVIDER_LOW_BALANCE, 0);
  const alert =
    error !== undefined
      ? alertOf(error)
      : (standing ??
        (balance !== null && balance < low
          ? `our wallet at this upstream is low: ${toDecimalString(balance)} ${env.CURRENCY}, below ${toDecimalString(low)}`
          : null));
  await recordSync(db, {
    name: entry.name,
    enabled: entry.enabled,
    balance,
    ok: error === undefined,
    error: error === undefined ? null : String(error),
    alert,
  });
};

export const sweepProviders = async (env: Env, at: number): Promise<void> => {
  const db = createDb(env.DB);
  try {
    const { updated, outcomes } = await syncCatalog(env, db);
    log(undefined, "catalog_synced", { updated, providers: outcomes.map((o) => o.provider) });
    // Only the upstreams syncCatalog asked (enabled now): a disabled one keeps its last status.
    for (const entry of (await enabledEntries(env, db)).values()) {
      const outcome = outcomes.find((o) => o.provider === entry.name);
      const offersError = outcome && "error" in outcome ? outcome.error : undefined;
      if (offersError !== undefined) {
        log(undefined, "catalog_sync_failed", { provider: entry.name, error: String(offersError) });
      }
      await syncStatus(env, db, entry, offersError).catch((err: unknown) => {
        log(undefined, "provider_status_failed", { provider: entry.name, error: String(err) });
      });
    }
  } catch (err) {
    log(undefined, "catalog_sync_failed", { error: String(err) });
  }
  // Test mode runs in every deployment, so its delayed codes do not wait for SIMULATOR_ENABLED.
  try {
    await deliverDueTestSms(env, db, at);
  } catch (err) {
    log(undefined, "test_sms_delivery_failed", { error: String(err) });
  }
  if (!flag(env.SIMULATOR_ENABLED)) return;
  try {
    await deliverDue(env, db, at);
  } catch (err) {
    log(undefined, "simulator_delivery_failed", { error: String(err) });
  }
};
