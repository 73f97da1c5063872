// ops whoami · ops audit [--since <ISO date>] [--limit n]
import { api, printTable } from "./lib.mjs";

export const commands = {
  whoami: {
    usage: "whoami",
    summary: "which operator the credential is",
    run: async ({ json }) => {
      const me = await api("GET", "/whoami");
      if (json) return me;
      console.log(`${me.operator} (${me.via})`);
    },
  },
  audit: {
    usage: "audit [--since <ISO date>] [--limit <n>]",
    summary: "the operators' audit log, newest first",
    options: { since: { type: "string" }, limit: { type: "string" } },
    run: async ({ values, json }) => {
      const query = new URLSearchParams();
      if (values.since) query.set("since", new Date(values.since).toISOString());
      if (values.limit) query.set("limit", values.limit);
      const { items } = await api("GET", `/audit?${query}`);
      if (json) return items;
      printTable(
        items.map((i) => ({ ...i, change: `${JSON.stringify(i.before)} → ${JSON.stringify(i.after)}` })),
        [
          ["at", "AT"],
          ["operator", "OPERATOR"],
          ["action", "ACTION"],
          ["target", "TARGET"],
          ["change", "BEFORE → AFTER"],
          ["reason", "REASON"],
          ["requestId", "REQUEST"],
        ],
      );
    },
  },
};
