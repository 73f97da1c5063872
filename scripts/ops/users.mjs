// ops users find|show|erase · credit · debit · freeze · unfreeze · revoke — customers' accounts.
import { api, money, OpsError, printRecord, printTable, reasonOf } from "./lib.mjs";

const userPath = (ref) => {
  if (!ref) throw new OpsError("Name the user: a usr_… id or an email.");
  return `/users/${encodeURIComponent(ref)}`;
};

const minorUnits = (text) => {
  if (!/^\d+$/.test(text ?? "") || Number(text) <= 0) {
    throw new OpsError(`The amount is a positive whole number of minor units (cents), not "${text ?? ""}".`);
  }
  return Number(text);
};

const userColumns = [
  ["id", "ID"],
  ["email", "EMAIL"],
  ["availableShown", "AVAILABLE"],
  ["heldShown", "HELD"],
  ["frozenShown", "FROZEN"],
  ["liveNumbers", "LIVE"],
  ["lastLoginAt", "LAST LOGIN"],
];
const userRow = (u) => ({
  ...u,
  availableShown: money(u.available, u.currency),
  heldShown: money(u.held, u.currency),
  frozenShown: u.frozen ? `yes: ${u.frozenReason ?? ""}` : "no",
});

const adjust = (direction) => ({
  usage: `${direction} <user> <amount> --reason <text> [--key <idempotency key>]`,
  summary: `${direction === "credit" ? "add to" : "take from"} the available balance (minor units; a ledger adjustment)`,
  options: { reason: { type: "string" }, key: { type: "string" } },
  run: async ({ positionals: [ref, amount], values, json }) => {
    const path = `${userPath(ref)}/${direction}`;
    const body = { amount: minorUnits(amount), reason: reasonOf(values), key: values.key };
    const result = await api("POST", path, body);
    if (json) return result;
    console.log(
      result.applied
        ? `${direction === "credit" ? "Credited" : "Debited"} ${money(Math.abs(result.amount))} to ${result.userId}; available now ${money(result.available)} (entry ${result.entryId}).`
        : `Nothing moved: key ${values.key} was already used (entry ${result.entryId}); available ${money(result.available)}.`,
    );
  },
});

const freeze = (action) => ({
  usage: `${action} <user> --reason <text>`,
  summary:
    action === "freeze" ? "freeze an account (no new orders)" : "lift a freeze (settles a shortfall freeze)",
  options: { reason: { type: "string" } },
  run: async ({ positionals: [ref], values, json }) => {
    const { user } = await api("POST", `${userPath(ref)}/${action}`, { reason: reasonOf(values) });
    if (json) return user;
    console.log(`${user.id} is ${user.frozen ? `frozen: ${user.frozenReason}` : "not frozen"}.`);
  },
});

export const commands = {
  "users find": {
    usage: "users find <email|id|part of an email>",
    summary: "find customers: balance, holds, frozen, live numbers, last login",
    run: async ({ positionals: [text], json }) => {
      if (!text) throw new OpsError("Give an email, part of one, or a usr_… id.");
      const { items } = await api("GET", `/users?q=${encodeURIComponent(text)}`);
      if (json) return items;
      printTable(items.map(userRow), userColumns);
    },
  },
  "users show": {
    usage: "users show <email|id>",
    summary: "one customer in full: holds, live numbers, logins, keys, recent ledger",
    run: async ({ positionals: [ref], json }) => {
      const shown = await api("GET", userPath(ref));
      if (json) return shown;
      const u = shown.user;
      printRecord({
        id: u.id,
        email: u.email,
        available: money(u.available, u.currency),
        held: money(u.held, u.currency),
        frozen: u.frozen ? `since ${u.frozenAt}: ${u.frozenReason}` : "no",
        "live numbers": u.liveNumbers,
        "live sessions": shown.liveSessions,
        "live keys": shown.liveKeys,
        created: u.createdAt,
        erased: u.erasedAt,
      });
      console.log("\nHolds");
      printTable(shown.holds, [
        ["reference", "REFERENCE"],
        ["amount", "AMOUNT"],
        ["expiresAt", "EXPIRES"],
      ]);
      console.log("\nLive activations");
      printTable(shown.liveActivations, [
        ["id", "ID"],
        ["service", "SERVICE"],
        ["country", "COUNTRY"],
        ["status", "STATUS"],
        ["expiresAt", "EXPIRES"],
      ]);
      console.log("\nLast logins");
      printTable(shown.lastLogins, [
        ["at", "AT"],
        ["kind", "KIND"],
        ["ip", "IP"],
      ]);
      console.log("\nRecent ledger");
      printTable(shown.recentLedger, [
        ["at", "AT"],
        ["kind", "KIND"],
        ["amount", "AMOUNT"],
        ["heldDelta", "HELD Δ"],
        ["reference", "REFERENCE"],
      ]);
    },
  },
  credit: adjust("credit"),
  debit: adjust("debit"),
  freeze: freeze("freeze"),
  unfreeze: freeze("unfreeze"),
  revoke: {
    usage: "revoke <user> --reason <text>",
    summary: "revoke every session and API key of a customer",
    options: { reason: { type: "string" } },
    run: async ({ positionals: [ref], values, json }) => {
      const result = await api("POST", `${userPath(ref)}/revoke`, { reason: reasonOf(values) });
      if (json) return result;
      console.log(`Revoked ${result.sessions} session(s) and ${result.keys} key(s).`);
    },
  },
  "users erase": {
    usage: "users erase <user> --reason <text> [--forfeit-balance]",
    summary: "erase an account, as the customer's own deletion does",
    options: { reason: { type: "string" }, "forfeit-balance": { type: "boolean" } },
    run: async ({ positionals: [ref], values, json }) => {
      const body = { reason: reasonOf(values), forfeitBalance: Boolean(values["forfeit-balance"]) };
      const result = await api("POST", `${userPath(ref)}/erase`, body);
      if (json) return result;
      console.log(`Erased ${result.userId} at ${result.erasedAt}.`);
    },
  },
};
