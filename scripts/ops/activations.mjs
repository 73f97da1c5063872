// ops activations show|cancel|stuck · refund — activations, through their rooms and the ledger.
import { api, money, OpsError, printRecord, printTable, reasonOf } from "./lib.mjs";

const activationPath = (id) => {
  if (!id) throw new OpsError("Name the activation: its act_… id.");
  return `/activations/${encodeURIComponent(id)}`;
};

const printActivation = (a) => {
  printRecord({
    id: a.id,
    user: `${a.userId} (${a.email ?? "—"})`,
    service: `${a.service} in country ${a.country}`,
    phone: a.phone,
    status: a.status,
    upstream: `${a.upstream.provider} ${a.upstream.providerRef}`,
    price: money(a.price, a.currency),
    cost: a.cost === null ? "unknown" : money(a.cost, a.currency),
    charged: a.charged ? "yes" : "no",
    refunded: a.refunded ? money(a.refunded, a.currency) : "no",
    margin: a.margin === null ? "—" : money(a.margin, a.currency),
    hold: a.hold ? `${a.hold.id} ${a.hold.status}` : "none",
    created: a.createdAt,
    expires: a.expiresAt,
    ended: a.endedAt,
  });
  console.log("\nEvents");
  printTable(
    a.events.map((e) => ({ ...e, status: e.data?.status, code: e.data?.code })),
    [
      ["seq", "SEQ"],
      ["at", "AT"],
      ["type", "TYPE"],
      ["status", "STATUS"],
      ["code", "CODE"],
    ],
  );
};

export const commands = {
  "activations show": {
    usage: "activations show <id>",
    summary: "one activation: events, upstream, cost, margin",
    run: async ({ positionals: [id], json }) => {
      const a = await api("GET", activationPath(id));
      if (json) return a;
      printActivation(a);
    },
  },
  "activations cancel": {
    usage: "activations cancel <id> --reason <text>",
    summary: "cancel through its room (refunds the hold), even inside the early window",
    options: { reason: { type: "string" } },
    run: async ({ positionals: [id], values, json }) => {
      const a = await api("POST", `${activationPath(id)}/cancel`, { reason: reasonOf(values) });
      if (json) return a;
      console.log(`${a.id} is ${a.status}; hold ${a.hold?.status ?? "none"}.`);
    },
  },
  "activations stuck": {
    usage: "activations stuck",
    summary: "live past their expiry, rooms that still owe D1, the ledger or the provider",
    run: async ({ json }) => {
      const { items } = await api("GET", "/activations/stuck");
      if (json) return items;
      printTable(
        items.map((i) => ({ ...i, problems: i.problems.join(" ") })),
        [
          ["id", "ID"],
          ["status", "D1 STATUS"],
          ["roomStatus", "ROOM"],
          ["expiresAt", "EXPIRES"],
          ["d1Seq", "D1 SEQ"],
          ["roomSeq", "ROOM SEQ"],
          ["problems", "PROBLEMS"],
        ],
      );
    },
  },
  refund: {
    usage: "refund <activation> --reason <text>",
    summary: "give a charged activation's price back (once)",
    options: { reason: { type: "string" } },
    run: async ({ positionals: [id], values, json }) => {
      const result = await api("POST", `${activationPath(id)}/refund`, { reason: reasonOf(values) });
      if (json) return result;
      console.log(
        result.applied
          ? `Refunded ${money(result.amount)} to ${result.userId} (entry ${result.entryId}).`
          : `Already refunded (entry ${result.entryId}); nothing moved.`,
      );
    },
  },
};
