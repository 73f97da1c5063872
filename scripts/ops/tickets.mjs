// ops tickets: support tickets and privacy requests, over /admin/api/v1/tickets.
import { api, OpsError, printTable } from "./lib.mjs";

const columns = [
  ["id", "id"],
  ["kind", "kind"],
  ["privacyType", "privacy"],
  ["status", "status"],
  ["dueAt", "due"],
  ["overdue", "overdue"],
  ["email", "email"],
  ["subject", "subject"],
];

const idOf = (positionals) => {
  const [id] = positionals;
  if (!id) throw new OpsError("Give the ticket id.");
  return encodeURIComponent(id);
};

export const commands = {
  "tickets list": {
    usage: "tickets list [--overdue]",
    summary: "tickets waiting or answered, by due time (overdue ones flagged)",
    options: { overdue: { type: "boolean" } },
    run: async ({ values, json }) => {
      const result = await api("GET", `/tickets${values.overdue ? "?overdue=true" : ""}`);
      if (!json) {
        printTable(result.items, columns);
        if (result.overdue > 0) console.log(`\n${result.overdue} overdue: past the promised answer time.`);
      }
      return result;
    },
  },
  "tickets show": {
    usage: "tickets show <id>",
    summary: "a ticket with its whole thread",
    run: async ({ positionals, json }) => {
      const ticket = await api("GET", `/tickets/${idOf(positionals)}`);
      if (!json) {
        console.log(
          `${ticket.id} · ${ticket.kind}${ticket.privacyType ? ` (${ticket.privacyType})` : ""} · ${ticket.status}`,
        );
        console.log(
          `${ticket.subject} — ${ticket.email}, due ${ticket.dueAt}${ticket.overdue ? " (OVERDUE)" : ""}\n`,
        );
        for (const m of ticket.messages ?? []) console.log(`[${m.createdAt}] ${m.author}:\n${m.body}\n`);
      }
      return ticket;
    },
  },
  "tickets answer": {
    usage: "tickets answer <id> --body <text>",
    summary: "answer a ticket; the customer is emailed",
    options: { body: { type: "string" } },
    run: async ({ positionals, values, json }) => {
      if (!values.body) throw new OpsError("Give the answer with --body.");
      const ticket = await api("POST", `/tickets/${idOf(positionals)}/answer`, { body: values.body });
      if (!json) console.log(`Answered ${ticket.id}; the customer was emailed.`);
      return ticket;
    },
  },
  "tickets close": {
    usage: "tickets close <id>",
    summary: "close a ticket",
    run: async ({ positionals, json }) => {
      const ticket = await api("POST", `/tickets/${idOf(positionals)}/close`, {});
      if (!json) console.log(`Closed ${ticket.id}.`);
      return ticket;
    },
  },
};
