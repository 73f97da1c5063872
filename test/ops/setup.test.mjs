// `npm run setup` cannot reach Cloudflare here, so its pure parts are tested, and the script itself
// is run against a wrangler with no login, where it must stop at once with a clear message.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  findDatabaseId,
  generateSecret,
  loggedIn,
  missingSecrets,
  PLACEHOLDER_DATABASE_ID,
  parseCreatedDatabaseId,
  readDatabase,
  SECRETS,
  varsToReview,
  writeDatabaseId,
} from "../../scripts/setup-lib.mjs";

const TOML = readFileSync("wrangler.toml", "utf8");
const ID = "0f6a5b1c-2d3e-4f50-8a9b-c0d1e2f30415";

test("the secret list covers every secret the Worker reads, and .dev.vars.example names them all", () => {
  const envTs = readFileSync("src/env.ts", "utf8");
  const example = readFileSync(".dev.vars.example", "utf8");
  const section = envTs.slice(envTs.indexOf("// Secrets"), envTs.indexOf("// Only in tests"));
  const declared = [...section.matchAll(/^\s+([A-Z_]+)\??:/gm)]
    .map((m) => m[1])
    .filter((n) => n !== "STRIPE_API_BASE");
  assert.deepEqual(SECRETS.map((s) => s.name).sort(), declared.sort());
  for (const s of SECRETS) assert.match(example, new RegExp(`^${s.name}=`, "m"));
  // What must exist for the Worker to run at all is generated, never left to a prompt.
  for (const name of ["SESSION_SECRET", "PASSWORD_PEPPER", "ADMIN_TOKEN"]) {
    assert.equal(SECRETS.find((s) => s.name === name).generate, true);
  }
});

test("secrets already set are kept: only the missing ones are put", () => {
  const listed = JSON.stringify([
    { name: "SESSION_SECRET", type: "secret_text" },
    { name: "ADMIN_TOKEN", type: "secret_text" },
  ]);
  const names = missingSecrets(listed).map((s) => s.name);
  assert.ok(!names.includes("SESSION_SECRET") && !names.includes("ADMIN_TOKEN"));
  assert.ok(names.includes("PASSWORD_PEPPER"));
  assert.equal(missingSecrets("[]").length, SECRETS.length);
});

test("generated secrets are 32 random bytes, base64url", () => {
  const a = generateSecret();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, generateSecret());
});

test("whoami: logged out and logged in are told apart", () => {
  assert.equal(loggedIn("You are not authenticated. Please run `wrangler login`."), false);
  assert.equal(
    loggedIn("You are logged in with an OAuth Token, associated with the email ops@example.com."),
    true,
  );
});

test("the D1 id is read from what wrangler prints, in TOML or JSON form, or found by name", () => {
  assert.equal(
    parseCreatedDatabaseId(
      `[[d1_databases]]\nbinding = "DB"\ndatabase_name = "smsprof"\ndatabase_id = "${ID}"`,
    ),
    ID,
  );
  assert.equal(parseCreatedDatabaseId(`{"d1_databases":[{"binding":"DB","database_id":"${ID}"}]}`), ID);
  assert.throws(
    () => parseCreatedDatabaseId("✘ [ERROR] A request to the Cloudflare API failed."),
    /No database_id/,
  );
  const list = JSON.stringify([
    { uuid: ID, name: "smsprof" },
    { uuid: "x", name: "other" },
  ]);
  assert.equal(findDatabaseId(list, "smsprof"), ID);
  assert.equal(findDatabaseId(list, "smsprof-staging"), null);
});

test("wrangler.toml: the database id is written into the right binding, nothing else changes", () => {
  assert.deepEqual(readDatabase(TOML), { name: "smsprof", id: PLACEHOLDER_DATABASE_ID });
  const prod = writeDatabaseId(TOML, ID);
  assert.equal(readDatabase(prod).id, ID);
  assert.equal(readDatabase(prod, "staging").id, readDatabase(TOML, "staging").id);
  const changed = prod.split("\n").filter((line, i) => line !== TOML.split("\n")[i]);
  assert.deepEqual(changed, [`database_id = "${ID}"`]);
  // Re-running writes the same file.
  assert.equal(writeDatabaseId(prod, ID), prod);
  const staging = writeDatabaseId(TOML, ID, "staging");
  assert.equal(readDatabase(staging, "staging").id, ID);
  assert.equal(readDatabase(staging).id, PLACEHOLDER_DATABASE_ID);
  assert.throws(() => writeDatabaseId(TOML, "not-an-id"), /Not a D1 database id/);
  assert.throws(() => writeDatabaseId(TOML, ID, "nowhere"), /no D1 binding/);
});

test("the [vars] still at the project's values are named", () => {
  assert.deepEqual(varsToReview(TOML).sort(), ["BRAND_NAME", "EMAIL_FROM", "PUBLIC_URL", "SUPPORT_EMAIL"]);
  const own = TOML.replace(
    'PUBLIC_URL = "https://smsprof.com"',
    'PUBLIC_URL = "https://numbers.acme-sms.io"',
  );
  assert.ok(!varsToReview(own).includes("PUBLIC_URL"));
  // Staging names itself, but its PUBLIC_URL is a placeholder on an example domain.
  assert.deepEqual(varsToReview(TOML, "staging").sort(), ["PUBLIC_URL", "SUPPORT_EMAIL"]);
});

test("without a Cloudflare login, setup stops at once and says what to do", () => {
  const home = mkdtempSync(join(tmpdir(), "smsprof-setup-"));
  try {
    const r = spawnSync("node", ["scripts/setup.mjs", "--yes"], {
      encoding: "utf8",
      // An empty home: no stored wrangler login, and no token in the environment.
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, ".config"),
        CLOUDFLARE_API_TOKEN: "",
        CLOUDFLARE_ACCOUNT_ID: "",
      },
      timeout: 120_000,
    });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /not logged in to Cloudflare\. Run `npx wrangler login`/);
    assert.equal(readFileSync("wrangler.toml", "utf8"), TOML, "nothing was written");
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
