// ops ledger check · stats — the books.
import { api, money, OpsError, printRecord, printTable } from "./lib.mjs";

export const commands = {
  "ledger check": {
    usage: "ledger check",
    summary: "the ledger invariant over the whole database (exit 1 on a break)",
    run: async ({ json }) => {
      const result = await api("GET", "/ledger/check");
      // A break is an answer, not an error of the command: print it, then fail the exit status.
      if (!result.ok) process.exitCode = 1;
      if (json) return result;
      if (result.ok) {
        console.log(
          `Ledger OK: ${result.users} accounts, ${result.entries} entries; every balance and hold is explained.`,
        );
        return;
      }
      console.log("LEDGER BROKEN");
      printTable(result.mismatches, [
        ["userId", "USER"],
        ["available", "AVAILABLE"],
        ["expectedAvailable", "BY ENTRIES"],
        ["held", "HELD"],
        ["expectedHeld", "BY ENTRIES"],
      ]);
      printTable(result.holdMismatches, [
        ["userId", "USER"],
        ["held", "HELD"],
        ["pendingHolds", "PENDING HOLDS"],
      ]);
    },
  },
  stats: {
    usage: "stats [--days <n>]",
    summary: "revenue, upstream cost, margin, activations by outcome, success by service × country",
    options: { days: { type: "string" } },
    run: async ({ values, json }) => {
      const days = values.days ?? "30";
      if (!/^\d+$/.test(days)) throw new OpsError(`--days is a whole number, not "${days}".`);
      const s = await api("GET", `/stats?days=${days}`);
      if (json) return s;
      printRecord({
        since: s.since,
        revenue: money(s.revenue),
        refunded: money(s.refunded),
        "upstream cost": money(s.upstreamCost),
        margin: money(s.margin),
        "top-ups": money(s.topUps),
        charged: s.charged,
        ...Object.fromEntries(Object.entries(s.activations).map(([k, v]) => [`activations ${k}`, v])),
      });
      console.log("\nSuccess by service × country");
      printTable(
        s.successByPair.map((p) => ({
          ...p,
          rate: p.successRate === null ? "—" : `${Math.round(p.successRate * 100)}%`,
        })),
        [
          ["service", "SERVICE"],
          ["country", "COUNTRY"],
          ["total", "ORDERED"],
          ["ended", "ENDED"],
          ["charged", "CODE"],
          ["rate", "SUCCESS"],
        ],
      );
    },
  },
};
