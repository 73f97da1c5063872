// The providers' part of the cron: refresh costs and stock in the catalog, and let the simulated
// upstream send what it was holding back (late_sms mode, failed webhooks). A failure is logged and
// left to the next run; it must not stop the other sweeps.
import { syncCatalog } from "../activations/catalog";
import { createDb } from "../db/client";
import { type Env, flag } from "../env";
import { log } from "../lib/log";
import { deliverDue } from "./simulator/upstream";

export const sweepProviders = async (env: Env, at: number): Promise<void> => {
  const db = createDb(env.DB);
  try {
    const { updated } = await syncCatalog(env, db);
    log(undefined, "catalog_synced", { provider: env.PROVIDER, updated });
  } catch (err) {
    log(undefined, "catalog_sync_failed", { provider: env.PROVIDER, error: String(err) });
  }
  if (!flag(env.SIMULATOR_ENABLED)) return;
  try {
    await deliverDue(env, db, at);
  } catch (err) {
    log(undefined, "simulator_delivery_failed", { error: String(err) });
  }
};
