// Fills the catalog's prices from the simulator, through the same path the cron sweep takes
// (provider.offers() over HTTP → syncCatalog), so tests order against real stock and prices.

import { syncCatalog } from "../src/activations/catalog";
import { createDb } from "../src/db/client";
import type { Env } from "../src/env";

export const seedCatalogForTests = async (env: Env): Promise<void> => {
  await syncCatalog(env, createDb(env.DB));
};
