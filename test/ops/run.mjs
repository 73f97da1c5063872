// The ops CLI against a real local server: starts the service as `npm start` does (a free port, fresh
// local state, its own ADMIN_TOKEN), creates customers through the public API, then spawns
// `node scripts/ops.mjs …` for every command and parses what it prints (--json, and the tables).
// Refusals must exit non-zero with a clear message; every change must be in `ops audit`; and
// `ops ledger check` must pass after every money command. Run with `npm run test:ops`.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { freePort } from "../../scripts/lib/free-port.mjs";

const OUT = "test-output/ops";
const START_TIMEOUT_MS = 180_000;
const ADMIN_TOKEN = `ops-test-${crypto.randomUUID()}`;
const PASSWORD = "purple-otter-lantern-42";

const PORT = await freePort();
const BASE = `http://localhost:${PORT}`;
mkdirSync(OUT, { recursive: true });
const state = mkdtempSync(join(tmpdir(), "smsprof-ops-"));
let server = null;

const stopServer = (signal = "SIGTERM") => {
  if (!server?.pid || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, signal); // npm start → wrangler → workerd: the whole group
  } catch {}
};
process.on("exit", () => stopServer("SIGKILL"));

const healthy = async () => {
  try {
    return (await fetch(`${BASE}/api/health`)).ok;
  } catch {
    return false;
  }
};

before(async () => {
  const log = createWriteStream(join(OUT, "server.log"));
  server = spawn("node", ["scripts/dev.mjs"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(PORT),
      PERSIST_TO: state,
      EXTRA_VARS: `ADMIN_TOKEN:${ADMIN_TOKEN} EARLY_CANCEL_SECONDS:0 SIMULATOR_AUTO_SMS:false`,
    },
  });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The service exited early; see ${OUT}/server.log`);
    if (await healthy()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The service did not answer in time; see ${OUT}/server.log`);
});

after(() => {
  stopServer();
  rmSync(state, { recursive: true, force: true });
});

// ── the CLI ──────────────────────────────────────────────────────────────────────────────────────

/** Runs `ops <args>`; returns exit status, stdout, stderr. */
const ops = (args, env = {}) => {
  const r = spawnSync("node", ["scripts/ops.mjs", ...args], {
    encoding: "utf8",
    env: { ...process.env, OPS_URL: BASE, ADMIN_TOKEN, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Runs a command that must succeed with --json; returns the parsed answer. */
const opsJson = (...args) => {
  const r = ops([...args, "--json"]);
  assert.equal(r.status, 0, `ops ${args.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
};

/** Runs a command that must be refused: non-zero exit and the error code in its message. */
const refused = (args, code) => {
  const r = ops(args);
  assert.notEqual(r.status, 0, `ops ${args.join(" ")} should have failed`);
  assert.match(r.stderr, new RegExp(code), r.stderr);
  return r;
};

/** After every money command: the invariant over the whole database. */
const ledgerOk = () => {
  const r = ops(["ledger", "check"]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^Ledger OK/);
};

/** A table's rows as objects keyed by its header (columns are separated by two or more spaces). */
const parseTable = (text) => {
  const [header, ...rows] = text.trim().split("\n");
  const names = header.split(/\s{2,}/);
  return rows.map((line) => Object.fromEntries(line.split(/\s{2,}/).map((v, i) => [names[i], v])));
};

const auditActions = () => opsJson("audit", "--limit", "200").map((i) => `${i.action} ${i.target}`);

/**
 * fetch, once more when the server had closed the idle keep-alive connection the request went out on
 * (the dev server drops idle connections while a CLI run takes seconds). Such a request never reached
 * it; every unsafe request below carries an Idempotency-Key or is refused when repeated anyway.
 */
const request = async (url, init) => {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error?.cause?.code !== "UND_ERR_SOCKET") throw error;
    return fetch(url, init);
  }
};

// ── customers, through the public API ────────────────────────────────────────────────────────────

const customer = async (label) => {
  const email = `${label}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const signup = await request(`${BASE}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: BASE },
    body: JSON.stringify({ email, password: PASSWORD, acceptTerms: true, confirmAdult: true }),
  });
  assert.equal(signup.status, 201, await signup.clone().text());
  const { user } = await signup.json();
  const cookie = signup.headers.get("set-cookie").split(";")[0];
  const keyRes = await request(`${BASE}/api/v1/keys`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: BASE, Cookie: cookie },
    body: JSON.stringify({ name: "ops test" }),
  });
  assert.equal(keyRes.status, 201, await keyRes.clone().text());
  const { key } = await keyRes.json();
  return { email, id: user.id, auth: { Authorization: `Bearer ${key}` } };
};

const topUp = async (c, amount) => {
  const res = await request(`${BASE}/api/v1/billing/demo-topup`, {
    method: "POST",
    headers: { ...c.auth, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({ amount }),
  });
  assert.equal(res.status, 200, await res.clone().text());
};

const order = async (c, service = "tg", country = 0) => {
  const res = await request(`${BASE}/api/v1/activations`, {
    method: "POST",
    headers: { ...c.auth, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({ service, country }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
};

const sendSms = async (phone, text) => {
  // The simulator's controls are an operator's (since the upstreams' issue): same token as the CLI.
  const res = await request(`${BASE}/simulator/sms`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ phone, text }),
  });
  assert.equal(res.status, 202, await res.clone().text());
};

// ── the tests ────────────────────────────────────────────────────────────────────────────────────

describe("credentials", () => {
  test("whoami with the ADMIN_TOKEN", () => {
    assert.deepEqual(opsJson("whoami"), { operator: "admin-token", via: "token" });
    assert.equal(ops(["whoami"]).stdout.trim(), "admin-token (token)");
  });

  test("a wrong token is refused: exit 1 and the server's UNAUTHORIZED", () => {
    const r = ops(["users", "find", "x"], { ADMIN_TOKEN: "wrong-token-0123456789abcdef" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /UNAUTHORIZED: An operator credential is required/);
  });

  test("a customer's API key is not an operator credential", async () => {
    const c = await customer("keyholder");
    const r = ops(["whoami"], { ADMIN_TOKEN: c.auth.Authorization.slice("Bearer ".length) });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /UNAUTHORIZED/);
  });

  test("an unknown command and a missing argument explain themselves", () => {
    const unknown = ops(["frobnicate"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown command: frobnicate/);
    const missing = ops(["credit"]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Name the user/);
    assert.match(missing.stderr, /usage: npm run ops -- credit <user> <amount>/);
  });
});

describe("customers and money", () => {
  let alice;
  before(async () => {
    alice = await customer("alice");
    await topUp(alice, 1000);
  });

  test("users find: a table by default, objects with --json", () => {
    const rows = parseTable(ops(["users", "find", alice.email]).stdout);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].EMAIL, alice.email);
    assert.equal(rows[0].AVAILABLE, "10.00 USD");
    assert.equal(rows[0].FROZEN, "no");
    const [found] = opsJson("users", "find", alice.id);
    assert.equal(found.available, 1000);
    assert.ok(found.lastLoginAt === null || typeof found.lastLoginAt === "string");
  });

  test("users show: the record, its holds and its ledger", () => {
    const shown = opsJson("users", "show", alice.email);
    assert.equal(shown.user.id, alice.id);
    assert.equal(shown.liveKeys, 1);
    assert.equal(shown.recentLedger[0].kind, "top_up");
    const text = ops(["users", "show", alice.id]).stdout;
    assert.match(text, /^id: +usr_/m);
    assert.match(text, /available: +10\.00 USD/);
    assert.match(text, /Recent ledger/);
  });

  test("an unknown user is refused", () => {
    refused(["users", "show", "nobody@example.com"], "USER_NOT_FOUND");
    refused(["credit", "usr_missing", "5", "--reason", "x"], "USER_NOT_FOUND");
  });

  test("credit: applied once per --key, audited, ledger intact", () => {
    const first = opsJson("credit", alice.id, "500", "--reason", "goodwill", "--key", "credit-1");
    assert.deepEqual([first.applied, first.amount, first.available], [true, 500, 1500]);
    ledgerOk();
    const replay = opsJson("credit", alice.id, "500", "--reason", "goodwill", "--key", "credit-1");
    assert.deepEqual([replay.applied, replay.available], [false, 1500]);
    assert.match(
      ops(["credit", alice.id, "500", "--reason", "again", "--key", "credit-1"]).stdout,
      /Nothing moved/,
    );
    ledgerOk();
    const [entry] = opsJson("audit", "--limit", "1");
    assert.equal(entry.action, "user.credit");
    assert.deepEqual([entry.before.available, entry.after.available], [1000, 1500]);
    assert.equal(entry.reason, "goodwill");
  });

  test("debit: within the balance it moves; past it, refused and nothing moves", () => {
    const ok = ops(["debit", alice.email, "200", "--reason", "fee"]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Debited 2\.00 to usr_\w+; available now 13\.00/);
    ledgerOk();
    refused(["debit", alice.id, "1301", "--reason", "too much"], "INSUFFICIENT_BALANCE");
    assert.equal(opsJson("users", "show", alice.id).user.available, 1300);
    ledgerOk();
    refused(["debit", alice.id, "abc", "--reason", "x"], "positive whole number");
    refused(["credit", alice.id, "5"], "--reason is required");
  });

  test("freeze and unfreeze, each audited", () => {
    const frozen = opsJson("freeze", alice.id, "--reason", "fraud review");
    assert.equal(frozen.frozen, true);
    refused(["freeze", alice.id, "--reason", "again"], "ALREADY_FROZEN");
    assert.match(parseTable(ops(["users", "find", alice.email]).stdout)[0].FROZEN, /^yes: fraud review/);
    assert.match(ops(["unfreeze", alice.id, "--reason", "cleared"]).stdout, /is not frozen/);
    refused(["unfreeze", alice.id, "--reason", "again"], "NOT_FROZEN");
    const [unfreeze, freeze] = opsJson("audit", "--limit", "2");
    assert.equal(unfreeze.action, "user.unfreeze");
    assert.equal(freeze.action, "user.freeze");
    assert.equal(freeze.after.frozenReason, "fraud review");
  });
});

describe("activations and refunds", () => {
  let bob;
  let charged;
  let waiting;
  before(async () => {
    bob = await customer("bob");
    await topUp(bob, 5000);
    charged = await order(bob);
    await sendSms(charged.phone, `Your Telegram code is 48213`);
    waiting = await order(bob);
  });

  test("activations show: events, upstream, cost and margin", () => {
    const a = opsJson("activations", "show", charged.id);
    assert.equal(a.status, "received");
    assert.equal(a.charged, true);
    assert.equal(a.upstream.provider, "simulator");
    assert.equal(a.margin, a.price - a.cost);
    const text = ops(["activations", "show", charged.id]).stdout;
    assert.match(text, /upstream: +simulator /);
    assert.match(text, /margin: +\d+\.\d\d USD/);
    assert.ok(parseTable(text.split("Events\n")[1]).length >= 2);
  });

  test("refund: the price back once; an uncharged activation is refused", () => {
    const before = opsJson("users", "show", bob.id).user.available;
    const first = opsJson("refund", charged.id, "--reason", "code did not work");
    assert.deepEqual([first.applied, first.amount], [true, charged.price]);
    ledgerOk();
    assert.equal(opsJson("users", "show", bob.id).user.available, before + charged.price);
    assert.match(ops(["refund", charged.id, "--reason", "twice"]).stdout, /Already refunded/);
    ledgerOk();
    refused(["refund", waiting.id, "--reason", "no code"], "NOT_CHARGED");
    refused(["refund", "act_missing", "--reason", "x"], "ACTIVATION_NOT_FOUND");
    ledgerOk();
  });

  test("activations cancel: through the room, the hold voided", () => {
    const heldBefore = opsJson("users", "show", bob.id).user.held;
    assert.equal(heldBefore, waiting.price);
    assert.match(
      ops(["activations", "cancel", waiting.id, "--reason", "customer asked"]).stdout,
      /is cancelled; hold voided/,
    );
    assert.equal(opsJson("users", "show", bob.id).user.held, 0);
    ledgerOk();
    refused(["activations", "cancel", charged.id, "--reason", "has a code"], "BAD_TRANSITION");
  });

  test("activations stuck: none on a healthy server", () => {
    assert.deepEqual(opsJson("activations", "stuck"), []);
    assert.equal(ops(["activations", "stuck"]).stdout.trim(), "(none)");
  });

  test("stats: revenue, cost, margin, outcomes, success by pair", () => {
    const s = opsJson("stats", "--days", "30");
    assert.equal(s.revenue, 0); // the one charged activation was refunded
    assert.equal(s.margin, s.revenue - s.upstreamCost);
    assert.equal(s.activations.cancelled, 1);
    assert.equal(s.successByPair.find((p) => p.service === "tg").charged, 1);
    assert.match(ops(["stats"]).stdout, /upstream cost: +\d+\.\d\d/);
    refused(["stats", "--days", "x"], "whole number");
  });
});

describe("catalog", () => {
  test("prices list and prices set: the override shows and is audited", () => {
    const [tg] = opsJson("prices", "list", "--service", "tg", "--country", "0");
    assert.ok(tg.price > 0 && tg.cost > 0);
    const set = opsJson("prices", "set", "tg", "0", "--price", "777", "--reason", "promo");
    assert.equal(set.item.price, 777);
    const rows = parseTable(ops(["prices", "list", "--service", "tg", "--country", "0"]).stdout);
    assert.equal(rows[0].PRICE, "7.77");
    assert.equal(rows[0].OVERRIDE, "price 7.77");
    assert.match(
      ops(["prices", "set", "tg", "0", "--markup", "50", "--reason", "m"]).stdout,
      /override kept by syncs/,
    );
    opsJson("prices", "set", "tg", "0", "--clear", "--reason", "end of promo");
    assert.equal(opsJson("prices", "list", "--service", "tg", "--country", "0")[0].override, null);
    refused(["prices", "set", "tg", "0", "--price", "5", "--markup", "5", "--reason", "x"], "exactly one");
    refused(["prices", "set", "zz", "0", "--price", "5", "--reason", "x"], "BAD_SERVICE");
  });

  test("services and countries disable/enable hide them from the catalog", async () => {
    assert.match(ops(["services", "disable", "wa", "--reason", "outage"]).stdout, /Service wa is disabled/);
    const catalog = await (await request(`${BASE}/api/v1/catalog`)).json();
    assert.ok(!catalog.services.some((s) => s.code === "wa"));
    opsJson("services", "enable", "wa", "--reason", "back");
    opsJson("countries", "disable", "16", "--reason", "regulator");
    const after = await (await request(`${BASE}/api/v1/catalog`)).json();
    assert.ok(!after.countries.some((c) => c.id === 16));
    assert.match(ops(["countries", "enable", "16", "--reason", "back"]).stdout, /Country 16 is enabled/);
    refused(["countries", "disable", "99999", "--reason", "x"], "BAD_COUNTRY");
  });
});

describe("providers", () => {
  test("providers list shows each upstream with its switches, wallet, sync and success rate", () => {
    const [simulator] = opsJson("providers", "list");
    assert.equal(simulator.name, "simulator");
    assert.equal(simulator.enabled, true);
    assert.equal(simulator.enabledByConfig, true);
    assert.equal(simulator.disabledByOperator, false);
    assert.equal(typeof simulator.rented, "number");
    const rows = parseTable(ops(["providers", "list"]).stdout);
    assert.equal(rows[0].NAME, "simulator");
    assert.equal(rows[0].ENABLED, "yes");
    assert.match(rows[0].SUCCESS, /^(— |\d+% )\(\d+\/\d+\)$/);
  });

  test("providers disable stops orders and prices at once; enable brings them back", async () => {
    const c = await customer("routed");
    await topUp(c, 2000);
    assert.match(
      ops(["providers", "disable", "simulator", "--reason", "upstream outage"]).stdout,
      /Upstream simulator is disabled; \d+ prices rebuilt\./,
    );
    assert.equal(parseTable(ops(["providers", "list"]).stdout)[0].ENABLED, "no (operator)");
    assert.equal(opsJson("prices", "list", "--service", "tg", "--country", "0")[0].stock, 0);
    const refusedOrder = await request(`${BASE}/api/v1/activations`, {
      method: "POST",
      headers: { ...c.auth, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ service: "tg", country: 0 }),
    });
    assert.equal(refusedOrder.status, 409, await refusedOrder.clone().text());
    assert.equal((await refusedOrder.json()).error.code, "NO_NUMBERS");

    const enabled = opsJson("providers", "enable", "simulator", "--reason", "outage over");
    assert.equal(enabled.item.enabled, true);
    assert.ok(enabled.prices > 0);
    assert.ok(opsJson("prices", "list", "--service", "tg", "--country", "0")[0].stock > 0);
    const activation = await order(c);
    assert.equal(activation.status, "waiting");
    ledgerOk();
  });

  test("refusals: no name, no reason, an unknown upstream", () => {
    refused(["providers", "disable", "--reason", "x"], "Name the upstream");
    refused(["providers", "disable", "simulator"], "--reason is required");
    refused(["providers", "enable", "nosuch", "--reason", "x"], "NOT_FOUND");
    assert.equal(opsJson("providers", "list")[0].enabled, true);
  });
});

describe("incidents and accounts", () => {
  let carol;
  const started = new Date(Date.now() - 60_000).toISOString();
  before(async () => {
    carol = await customer("carol");
  });

  test("users affected: who was active in the window", () => {
    const until = new Date(Date.now() + 60_000).toISOString();
    const items = opsJson("users", "affected", "--since", started, "--until", until);
    assert.ok(items.some((i) => i.userId === carol.id));
    const rows = parseTable(ops(["users", "affected", "--since", started, "--until", until]).stdout);
    assert.ok(rows.some((r) => r.EMAIL === carol.email));
    const elsewhere = opsJson(
      "users",
      "affected",
      "--since",
      started,
      "--until",
      until,
      "--ip",
      "198.51.100.7",
    );
    assert.ok(!elsewhere.some((i) => i.userId === carol.id));
    refused(["users", "affected", "--since", "yesterday-ish", "--until", until], "ISO 8601");
  });

  test("notify: a users file, through the email adapter, with the unknown ones named", () => {
    const file = join(state, "users.txt");
    writeFileSync(file, `# affected\n${carol.email}\nnobody@example.com\n`);
    const result = opsJson(
      "notify",
      file,
      "--subject",
      "Security notice",
      "--body",
      "Please change your password.",
    );
    assert.deepEqual(result, { sent: [carol.id], failed: [], unknown: ["nobody@example.com"] });
    refused(["notify", "--subject", "x", "--body", "y"], "users file or --all");
    const [entry] = opsJson("audit", "--limit", "1");
    assert.equal(entry.action, "notify.send");
  });

  test("revoke: every session and key of one customer", async () => {
    const r = opsJson("revoke", carol.id, "--reason", "stolen laptop");
    assert.deepEqual(r, { sessions: 1, keys: 1 });
    assert.equal((await request(`${BASE}/api/v1/me`, { headers: carol.auth })).status, 401);
  });

  test("sessions revoke-all", () => {
    const r = ops(["sessions", "revoke-all", "--reason", "secret rotated"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Revoked \d+ session\(s\)/);
  });

  test("users erase: as self-service, a balance only when forfeited", async () => {
    const dave = await customer("dave");
    await topUp(dave, 300);
    refused(["users", "erase", dave.id, "--reason", "request"], "BALANCE_REMAINING");
    const r = opsJson("users", "erase", dave.id, "--reason", "request", "--forfeit-balance");
    assert.equal(r.userId, dave.id);
    ledgerOk();
    assert.equal(opsJson("users", "show", dave.id).user.email, `erased+${dave.id}@invalid`);
  });
});

describe("the audit log", () => {
  test("holds every change, with the table showing before → after", () => {
    const actions = auditActions();
    for (const action of [
      "user.credit",
      "user.debit",
      "user.freeze",
      "user.unfreeze",
      "activation.refund",
      "activation.cancel",
      "price.set",
      "price.clear",
      "service.disable",
      "service.enable",
      "country.disable",
      "country.enable",
      "provider.disable",
      "provider.enable",
      "notify.send",
      "user.revoke",
      "sessions.revoke_all",
      "user.erase",
    ]) {
      assert.ok(
        actions.some((a) => a.startsWith(`${action} `)),
        `no ${action} in the audit log`,
      );
    }
    // The refused debit and the refused refund left no row.
    assert.equal(actions.filter((a) => a.startsWith("user.debit ")).length, 1);
    assert.equal(actions.filter((a) => a.startsWith("activation.refund ")).length, 1);
    const rows = parseTable(ops(["audit", "--limit", "3"]).stdout);
    assert.equal(rows.length, 3);
    assert.equal(rows[0].OPERATOR, "admin-token");
    assert.ok("BEFORE → AFTER" in rows[0]);
    const since = opsJson("audit", "--since", new Date(Date.now() + 60_000).toISOString());
    assert.deepEqual(since, []);
  });
});
