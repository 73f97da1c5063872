// The money invariant over the whole local database the browser suite used: every balance equals the
// sum of its ledger entries, none is negative, and what is held is exactly the pending holds. Run at
// the end of test/e2e/run.mjs, after the dashboard has moved real money through the ledger.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

const CHECKS = {
  "balances that differ from their entries": `SELECT u.id, u.available, u.held,
      COALESCE(SUM(e.amount), 0) AS entries_available, COALESCE(SUM(e.held_delta), 0) AS entries_held
    FROM users u LEFT JOIN ledger_entries e ON e.user_id = u.id GROUP BY u.id
    HAVING u.available != entries_available OR u.held != entries_held`,
  "negative balances": "SELECT id, available, held FROM users WHERE available < 0 OR held < 0",
  "held money that no pending hold explains": `SELECT u.id, u.held, COALESCE(SUM(h.amount), 0) AS pending
    FROM users u LEFT JOIN holds h ON h.user_id = u.id AND h.status = 'pending' GROUP BY u.id
    HAVING u.held != pending`,
  "holds resolved more than once": `SELECT reference, COUNT(*) AS resolutions FROM ledger_entries
    WHERE kind IN ('post', 'void') GROUP BY reference HAVING COUNT(*) > 1`,
};

/** Asserts the invariant over the local D1 kept in `persistTo` (the server's --persist-to folder). */
export const assertLedgerInvariant = (persistTo) => {
  // One wrangler run for every check (each run costs seconds): one result set per statement, in order.
  const out = execFileSync(
    "npx",
    [
      "wrangler",
      "d1",
      "execute",
      "DB",
      "--local",
      "--persist-to",
      persistTo,
      "--json",
      "--command",
      Object.values(CHECKS).join(";\n"),
    ],
    { encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  const results = JSON.parse(out);
  assert.equal(results.length, Object.keys(CHECKS).length, "one result per check");
  Object.keys(CHECKS).forEach((what, i) => {
    assert.deepEqual(results[i].results ?? [], [], `the ledger over the whole database: ${what}`);
  });
};
