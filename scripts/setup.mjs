// `npm run setup [-- --env staging] [-- --yes]`: a first production (or staging) deploy, safe to run
// again. In order: checks `wrangler whoami`; finds or creates the D1 database and writes its id into
// wrangler.toml; sets every missing secret with `wrangler secret put` (generated ones are random,
// the others are asked for; existing ones are left alone); names the [vars] still at the project's
// values; applies the remote migrations; deploys. Each step says what it does before doing it.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import {
  findDatabaseId,
  generateSecret,
  loggedIn,
  missingSecrets,
  PLACEHOLDER_DATABASE_ID,
  parseCreatedDatabaseId,
  readDatabase,
  varsToReview,
  writeDatabaseId,
} from "./setup-lib.mjs";

const { values: args } = parseArgs({
  options: { env: { type: "string" }, yes: { type: "boolean" }, help: { type: "boolean" } },
});
if (args.help) {
  console.log(
    "Usage: npm run setup [-- --env staging] [-- --yes]\n  --yes: no questions (optional secrets stay unset)",
  );
  process.exit(0);
}
const env = args.env ?? null;
const envArgs = env ? ["--env", env] : [];
const CONFIG = "wrangler.toml";

const fail = (message) => {
  console.error(`\nsetup: ${message}`);
  process.exit(1);
};

/** Runs wrangler; `input` goes to its stdin (secret values never appear on a command line). */
const wrangler = (wranglerArgs, { input, quiet = false } = {}) => {
  const r = spawnSync("npx", ["wrangler", ...wranglerArgs], {
    encoding: "utf8",
    input,
    env: { WRANGLER_SEND_METRICS: "false", ...process.env },
    stdio: [input === undefined ? "inherit" : "pipe", "pipe", "pipe"],
  });
  if (!quiet) process.stdout.write(r.stdout ?? "");
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
};

const step = (text) => console.log(`\n▸ ${text}`);

// 1. Who are we deploying as?
step("Checking the Cloudflare login (wrangler whoami)");
const whoami = wrangler(["whoami"], { quiet: true });
if (!whoami.ok || !loggedIn(whoami.out)) {
  fail(
    "wrangler is not logged in to Cloudflare. Run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN " +
      "and CLOUDFLARE_ACCOUNT_ID), then run `npm run setup` again.",
  );
}
console.log(
  whoami.out
    .split("\n")
    .filter((l) => /logged in|email|account/i.test(l))
    .slice(0, 3)
    .join("\n"),
);

// 2. The D1 database.
let toml = readFileSync(CONFIG, "utf8");
const database = readDatabase(toml, env);
if (!database.name) fail(`The D1 binding in ${CONFIG} has no database_name.`);
if (database.id && database.id !== PLACEHOLDER_DATABASE_ID) {
  step(`D1 database ${database.name}: ${database.id} (already in ${CONFIG})`);
} else {
  step(`Finding or creating the D1 database ${database.name}`);
  const list = wrangler(["d1", "list", "--json"], { quiet: true });
  let id = list.ok ? findDatabaseId(list.out.slice(list.out.indexOf("[")), database.name) : null;
  if (!id) {
    const created = wrangler(["d1", "create", database.name]);
    if (!created.ok) fail(`wrangler d1 create failed:\n${created.out}`);
    id = parseCreatedDatabaseId(created.out);
  }
  toml = writeDatabaseId(toml, id, env);
  writeFileSync(CONFIG, toml);
  console.log(`Wrote database_id = "${id}" into ${CONFIG} (commit it: it is not a secret).`);
}

// 3. Secrets.
step("Secrets (wrangler secret put; existing ones are kept)");
const listed = wrangler(["secret", "list", "--format", "json", ...envArgs], { quiet: true });
// A Worker that was never deployed has no secrets yet; anything else unreadable is a real problem.
const listText = listed.ok ? listed.out.slice(listed.out.indexOf("[")) : "[]";
const missing = missingSecrets(listText);
const ask = args.yes ? null : createInterface({ input: process.stdin, output: process.stdout });
for (const secret of missing) {
  let value = secret.generate ? generateSecret() : "";
  if (!secret.generate && ask)
    value = (await ask.question(`  ${secret.name} — ${secret.about}\n  value (empty to skip): `)).trim();
  if (!value) {
    console.log(`  ${secret.name}: left unset${secret.optional ? " (optional)" : ""}`);
    continue;
  }
  const put = wrangler(["secret", "put", secret.name, ...envArgs], { input: `${value}\n`, quiet: true });
  if (!put.ok) fail(`wrangler secret put ${secret.name} failed:\n${put.out}`);
  console.log(`  ${secret.name}: ${secret.generate ? "generated and set" : "set"}`);
  if (secret.name === "ADMIN_TOKEN") {
    console.log(
      `  ADMIN_TOKEN is ${value}\n  Keep it in your password manager: it is shown this once (OPS_URL + ADMIN_TOKEN for npm run ops).`,
    );
  }
}
ask?.close();
if (missing.length === 0) console.log("  every secret is already set");

// 4. What only the operator can decide.
const review = varsToReview(toml, env);
if (review.length > 0) {
  step(`Change these [${env ? `env.${env}.` : ""}vars] in ${CONFIG} to your own, then deploy again:`);
  for (const name of review) console.log(`  ${name}`);
}

// 5. Schema, then code.
step("Applying the migrations to the remote database");
const migrated = wrangler(["d1", "migrations", "apply", "DB", "--remote", ...envArgs], { input: "y\n" });
if (!migrated.ok) fail(`migrations failed:\n${migrated.out}`);

step("Deploying");
const deployed = wrangler(["deploy", ...envArgs]);
if (!deployed.ok) fail(`wrangler deploy failed:\n${deployed.out}`);
console.log("\nDone. Next: the README's operator guide (custom domain, Stripe webhook, email, backups).");
