// ops sessions revoke-all · users affected · notify — what a breach response needs.
import { readFileSync } from "node:fs";
import { api, OpsError, printTable, reasonOf } from "./lib.mjs";

const instant = (name, text) => {
  const t = Date.parse(text ?? "");
  if (Number.isNaN(t)) throw new OpsError(`--${name} is a date and time (ISO 8601), not "${text ?? ""}".`);
  return new Date(t).toISOString();
};

const PAGE = 50;
const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

export const commands = {
  "sessions revoke-all": {
    usage: "sessions revoke-all --reason <text>",
    summary: "end every customer's session (e.g. after SESSION_SECRET leaked)",
    options: { reason: { type: "string" } },
    run: async ({ values, json }) => {
      const result = await api("POST", "/sessions/revoke-all", { reason: reasonOf(values) });
      if (json) return result;
      console.log(`Revoked ${result.revoked} session(s).`);
    },
  },
  "users affected": {
    usage: "users affected --since <ISO> --until <ISO> [--ip <address>]",
    summary: "who was active in a window (sign-ins, sessions, orders)",
    options: { since: { type: "string" }, until: { type: "string" }, ip: { type: "string" } },
    run: async ({ values, json }) => {
      const query = new URLSearchParams({
        since: instant("since", values.since),
        until: instant("until", values.until),
      });
      if (values.ip) query.set("ip", values.ip);
      const { items } = await api("GET", `/incidents/affected-users?${query}`);
      if (json) return items;
      printTable(
        items.map((i) => ({ ...i, ips: i.ips.join(" ") })),
        [
          ["userId", "USER"],
          ["email", "EMAIL"],
          ["firstAt", "FIRST"],
          ["lastAt", "LAST"],
          ["events", "EVENTS"],
          ["ips", "IPS"],
        ],
      );
    },
  },
  notify: {
    usage:
      "notify (<users-file> | --all) --subject <text> (--body <text> | --body-file <file>) [--reason <text>]",
    summary: "email customers (one usr_… id or email per line of the file), rate limited and logged",
    options: {
      all: { type: "boolean" },
      subject: { type: "string" },
      body: { type: "string" },
      "body-file": { type: "string" },
      reason: { type: "string" },
    },
    run: async ({ positionals: [file], values, json }) => {
      if (Boolean(file) === Boolean(values.all)) throw new OpsError("Give either a users file or --all.");
      if (!values.subject) throw new OpsError("--subject is required.");
      const body = values["body-file"] ? readFileSync(values["body-file"], "utf8") : values.body;
      if (!body) throw new OpsError("--body or --body-file is required.");
      const base = { subject: values.subject, body, reason: values.reason };
      const totals = { sent: [], failed: [], unknown: [] };
      // Each request is one page; a page the server's rate limit stopped short is sent again after it.
      const send = async (request) => {
        let answer = await api("POST", "/notify", { ...base, ...request });
        for (;;) {
          totals.sent.push(...answer.sent);
          totals.failed.push(...answer.failed);
          totals.unknown.push(...answer.unknown);
          if (answer.remaining.length === 0) return answer;
          if (!json)
            console.error(
              `Rate limited: waiting ${answer.retryAfter} s for ${answer.remaining.length} more…`,
            );
          await sleep(answer.retryAfter ?? 60);
          const { nextCursor } = answer;
          answer = { ...(await api("POST", "/notify", { ...base, users: answer.remaining })), nextCursor };
        }
      };
      if (values.all) {
        let after;
        do after = (await send({ all: true, after })).nextCursor ?? undefined;
        while (after);
      } else {
        const lines = readFileSync(file, "utf8")
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith("#"));
        for (let i = 0; i < lines.length; i += PAGE) await send({ users: lines.slice(i, i + PAGE) });
      }
      if (json) return totals;
      console.log(
        `Sent ${totals.sent.length}, failed ${totals.failed.length}, unknown ${totals.unknown.length}.`,
      );
      for (const u of totals.unknown) console.log(`  unknown: ${u}`);
    },
  },
};
