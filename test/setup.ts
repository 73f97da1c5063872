import { applyD1Migrations, env } from "cloudflare:test";
import { afterEach, expect } from "vitest";
import { verifyLedger } from "../src/billing/ledger";
import { createDb } from "../src/db/client";
import { disarmFaults } from "../src/lib/faults";

// Test files share one runtime per vitest worker (`isolate: false` in vitest.config.ts: starting a
// runtime per file cost more than the tests themselves), so D1 outlives a file. Every file still
// starts from a freshly migrated database: drop whatever an earlier file left, then migrate.
const leftovers = await env.DB.prepare(
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
).all<{ name: string }>();
if (leftovers.results.length > 0) {
  // One batch is one transaction: foreign keys are checked at its end, when no table is left.
  await env.DB.batch([
    env.DB.prepare("PRAGMA defer_foreign_keys = on"),
    ...leftovers.results.map(({ name }) => env.DB.prepare(`DROP TABLE "${name}"`)),
  ]);
}
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS ?? []);
// Module state is shared the same way: no file inherits a fault another one left armed.
disarmFaults();

// Money moves in many features' tests: after every test, every balance must equal its ledger entries.
afterEach(async () => {
  expect((await verifyLedger(createDb(env.DB))).mismatches).toEqual([]);
});
