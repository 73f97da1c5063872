// The pure parts of `npm run setup`: which secrets exist and how each is obtained, reading what
// wrangler prints, and rewriting wrangler.toml. No I/O here, so node:test covers it offline
// (test/ops/setup.test.mjs).
import { randomBytes } from "node:crypto";

export const PLACEHOLDER_DATABASE_ID = "00000000-0000-0000-0000-000000000000";

/**
 * Every secret of a deployment. `generate`: made here (random, never shown); otherwise asked for,
 * and `optional` ones may be left unset (the feature stays off: Stripe, the email API).
 */
export const SECRETS = [
  { name: "SESSION_SECRET", generate: true, about: "signs the session cookies" },
  {
    name: "PASSWORD_PEPPER",
    generate: true,
    about: "HMAC key applied to every password (never rotate it casually: it invalidates every password)",
  },
  { name: "SIMULATOR_WEBHOOK_SECRET", generate: true, about: "signs the simulator's webhooks" },
  { name: "ADMIN_TOKEN", generate: true, about: "the operators' API credential (`npm run ops`)" },
  {
    name: "STRIPE_SECRET_KEY",
    optional: true,
    about: "Stripe secret key (sk_live_… or sk_test_…); empty: no card top-ups",
  },
  {
    name: "STRIPE_WEBHOOK_SECRET",
    optional: true,
    about: "the signing secret (whsec_…) of the endpoint <PUBLIC_URL>/webhooks/stripe",
  },
  {
    name: "EMAIL_API_URL",
    optional: true,
    about: "HTTP email API endpoint (POST {from,to,subject,text}); empty: emails only logged",
  },
  { name: "EMAIL_API_KEY", optional: true, about: "Bearer key of that email API" },
];

/** 32 random bytes, base64url: the same strength ensure-dev-vars gives local secrets. */
export const generateSecret = () => randomBytes(32).toString("base64url");

/** The secrets still to set: those `wrangler secret list --format json` does not name. */
export const missingSecrets = (secretListJson) => {
  const present = new Set(JSON.parse(secretListJson || "[]").map((s) => s.name));
  return SECRETS.filter((s) => !present.has(s.name));
};

/** `wrangler whoami` exits 0 even when logged out; its text says which. */
export const loggedIn = (whoamiOutput) =>
  !/not authenticated|wrangler login/i.test(whoamiOutput) &&
  /logged in|associated with the email|account/i.test(whoamiOutput);

/** The id in what `wrangler d1 create` prints (a TOML or JSON snippet of the new binding). */
export const parseCreatedDatabaseId = (output) => {
  const match = /"?database_id"?\s*[=:]\s*"([0-9a-f-]{36})"/i.exec(output);
  if (!match) throw new Error(`No database_id in the output of wrangler d1 create:\n${output}`);
  return match[1];
};

/** The id of an existing database of that name, from `wrangler d1 list --json`, or null. */
export const findDatabaseId = (listJson, name) => {
  const db = JSON.parse(listJson || "[]").find((d) => d.name === name);
  return db ? db.uuid : null;
};

/**
 * The lines of the D1 binding of an environment: top level (env = null) or [env.<name>]. Returns the
 * index range [start, end) of the first [[…d1_databases]] table there.
 */
const d1Block = (lines, env) => {
  const header = env ? `[[env.${env}.d1_databases]]` : "[[d1_databases]]";
  const start = lines.findIndex((l) => l.trim() === header);
  if (start === -1) return null;
  let end = start + 1;
  while (end < lines.length && !lines[end].trim().startsWith("[")) end++;
  return [start, end];
};

/** The database name and id configured for an environment. */
export const readDatabase = (toml, env = null) => {
  const lines = toml.split("\n");
  const block = d1Block(lines, env);
  if (!block)
    throw new Error(`wrangler.toml has no ${env ? `[[env.${env}.d1_databases]]` : "[[d1_databases]]"} table`);
  const get = (key) => {
    const line = lines.slice(...block).find((l) => new RegExp(`^\\s*${key}\\s*=`).test(l));
    return line ? (/=\s*"([^"]*)"/.exec(line)?.[1] ?? null) : null;
  };
  return { name: get("database_name"), id: get("database_id") };
};

/** wrangler.toml with the environment's database_id set to `id`; the rest of the file untouched. */
export const writeDatabaseId = (toml, id, env = null) => {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error(`Not a D1 database id: ${id}`);
  const lines = toml.split("\n");
  const block = d1Block(lines, env);
  if (!block) throw new Error(`wrangler.toml has no D1 binding for ${env ?? "production"}`);
  const at = lines.slice(...block).findIndex((l) => /^\s*database_id\s*=/.test(l));
  if (at === -1) throw new Error("The D1 binding has no database_id line");
  // The comment beside the placeholder tells how to fill it in; once filled in, it has done its job.
  lines[block[0] + at] = `database_id = "${id}"`;
  return lines.join("\n");
};

// [vars] that name this deployment and must not keep the project's own values.
const REVIEW = {
  PUBLIC_URL: "https://smsprof.com",
  BRAND_NAME: "SMSPROF",
  SUPPORT_EMAIL: "support@smsprof.com",
  EMAIL_FROM: "SMSPROF <no-reply@smsprof.com>",
};

/** The [vars] (of the top level or of [env.<name>.vars]) still at the project's defaults. */
export const varsToReview = (toml, env = null) => {
  const header = env ? `[env.${env}.vars]` : "[vars]";
  const lines = toml.split("\n");
  const start = lines.findIndex((l) => l.trim() === header);
  const values = {};
  if (start !== -1) {
    for (let i = start + 1; i < lines.length && !lines[i].trim().startsWith("["); i++) {
      const m = /^\s*([A-Z_]+)\s*=\s*"([^"]*)"/.exec(lines[i]);
      if (m) values[m[1]] = m[2];
    }
  }
  // An environment inherits nothing from [vars]: an unset one there is as bad as a default; a value
  // on an example domain (staging's placeholder PUBLIC_URL) is one too.
  return Object.entries(REVIEW)
    .filter(([name, projectValue]) => {
      const value = values[name] ?? projectValue;
      return value === projectValue || /\bexample\.(com|org|net|workers\.dev)\b|\.example\./.test(value);
    })
    .map(([name]) => name);
};
