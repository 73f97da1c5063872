import { env } from "cloudflare:test";
import { afterEach, expect } from "vitest";
import { verifyLedger } from "../src/billing/ledger";
import { createDb } from "../src/db/client";
import { disarmFaults } from "../src/lib/faults";
import { resetDatabase } from "./reset-db";

// Test files share one runtime per vitest worker (`isolate: false` in vitest.config.ts: starting a
// runtime per file cost more than the tests themselves), so D1 outlives a file. Every file still
// starts from a freshly migrated database: the first file of a runtime migrates, each later one gets
// the migrated state back from a snapshot (test/reset-db.ts, and its test in test/harness).
await resetDatabase(env.DB, env.TEST_MIGRATIONS ?? []);
// Module state is shared the same way: no file inherits a fault another one left armed.
disarmFaults();

// Money moves in many features' tests: after every test, every balance must equal its ledger entries.
afterEach(async () => {
  expect((await verifyLedger(createDb(env.DB))).mismatches).toEqual([]);
});
