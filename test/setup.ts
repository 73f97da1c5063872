import { applyD1Migrations, env } from "cloudflare:test";
import { afterEach, expect } from "vitest";
import { verifyLedger } from "../src/billing/ledger";
import { createDb } from "../src/db/client";

// Storage is isolated per test file; migrations are applied once for each file's database.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS ?? []);

// Money moves in many features' tests: after every test, every balance must equal its ledger entries.
afterEach(async () => {
  expect((await verifyLedger(createDb(env.DB))).mismatches).toEqual([]);
});
