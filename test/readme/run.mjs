// The README's tours, run as a newcomer would paste them: every ```sh block whose info string says
// `tour=<name>` is taken in order, and each tour's blocks run one after the other in bash (`set -eo
// pipefail`: a failing command fails its block), the shell variables and functions of a block carried
// into the next as they would be in one terminal. A `# → <expected>` line (or several) under a command
// is the answer the README shows: the text printed since the previous check must match it, where `…`
// stands for anything. The service is started as `npm start` would (scripts/dev.mjs) on a free port
// with fresh local state and its own ADMIN_TOKEN; the blocks read its address from $SMSPROF.
// Run with `npm run test:readme` (or `node test/readme/run.mjs --list` to see the blocks).
// With SMSPROF and ADMIN_TOKEN already set, it runs against that server instead of starting one.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { freePort } from "../../scripts/lib/free-port.mjs";
import { anchors, instrument, matches, relativeLinks, tourBlocks } from "./tours.mjs";

const OUT = "test-output/readme";
const START_TIMEOUT_MS = 180_000;
const BLOCK_TIMEOUT_MS = 90_000;

const readme = readFileSync("README.md", "utf8");
const blocks = tourBlocks(readme);

if (process.argv.includes("--list")) {
  for (const b of blocks)
    console.log(`README.md:${b.line}  tour=${b.tour}  ${b.code.split("\n").length} lines`);
  process.exit(0);
}

const external = process.env.SMSPROF && process.env.ADMIN_TOKEN;
const ADMIN_TOKEN = external ? process.env.ADMIN_TOKEN : `readme-test-${crypto.randomUUID()}`;
const BASE = external ? process.env.SMSPROF : `http://localhost:${await freePort()}`;
mkdirSync(OUT, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "smsprof-readme-"));
const state = join(work, "state");
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
  if (external) return;
  const log = createWriteStream(join(OUT, "server.log"));
  // The local defaults a newcomer gets (the simulator's automatic SMS on, its 4 s delay), except the
  // operator's token, which is this run's own.
  server = spawn("node", ["scripts/dev.mjs"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: new URL(BASE).port,
      PERSIST_TO: state,
      EXTRA_VARS: `ADMIN_TOKEN:${ADMIN_TOKEN}`,
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
  rmSync(work, { recursive: true, force: true });
});

// What a block leaves for the next one, as one terminal would keep it: its new variables and functions.
const SAVE_STATE = (file) => `
__smsprof_save() {
  for __v in $(compgen -v); do
    case " $__BASELINE " in *" $__v "*) continue ;; esac
    declare -p "$__v" 2>/dev/null
  done > '${file}'
  declare -f >> '${file}'
}
trap __smsprof_save EXIT`;

/** Runs one block in bash after the tour's earlier state; returns {status, output}. */
const runBlock = (code, stateFile) => {
  const { script, steps } = instrument(code);
  const full = [
    `__BASELINE="$(compgen -v | tr '\\n' ' ') __v __BASELINE"`,
    SAVE_STATE(stateFile),
    `source '${stateFile}'`,
    "set -eo pipefail",
    script,
  ].join("\n");
  const r = spawnSync("bash", ["-c", full], {
    encoding: "utf8",
    timeout: BLOCK_TIMEOUT_MS,
    env: { ...process.env, SMSPROF: BASE, ADMIN_TOKEN },
  });
  const outputs = (r.stdout ?? "").split(/\n@@STEP \d+\n/).slice(1);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, steps, outputs };
};

const tours = new Set(blocks.map((b) => b.tour));
// One terminal for the whole README: a block sees what every block above it set.
const stateFile = join(work, "terminal.sh");
writeFileSync(stateFile, "");

test("the README marks tours to run", () => {
  for (const name of ["customers", "scripts", "handler-api", "operators"]) {
    assert.ok(tours.has(name), `no block marked tour=${name}`);
  }
});

test("the README's and docs' relative links lead to a file, and an anchor to a heading there", () => {
  const documents = [
    "README.md",
    ...readdirSync("docs")
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
  ];
  const broken = [];
  for (const doc of documents) {
    const text = readFileSync(doc, "utf8");
    for (const { target, anchor, line } of relativeLinks(text)) {
      const path = target ? join(dirname(doc), target) : doc;
      if (!existsSync(path)) broken.push(`${doc}:${line} → ${target} (no such file)`);
      else if (anchor && path.endsWith(".md") && !anchors(readFileSync(path, "utf8")).has(anchor)) {
        broken.push(`${doc}:${line} → ${target}#${anchor} (no such heading)`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

test("the checker catches a failing command, a wrong answer and a lost variable", () => {
  const scratch = join(work, "scratch.sh");
  writeFileSync(scratch, "");
  assert.notEqual(runBlock("false\necho still running", scratch).status, 0);
  const r = runBlock("N=41; ARR=(a 'b c')\necho $((N + 1))\n# → 42\necho ACCESS_BALANCE:18.70", scratch);
  assert.equal(r.status, 0);
  assert.ok(matches(r.steps[0].expected.join("\n"), r.outputs[0]));
  assert.ok(!matches("ACCESS_BALANCE:18.71", r.outputs[1]));
  assert.ok(
    matches('{"id":"act_…","status":"received",…}', '{"id":"act_x1","status":"received","code":"1"}'),
  );
  assert.ok(!matches('{"id":"act_…","status":"received",…}', '{"id":"act_x1","status":"waiting"}'));
  assert.equal(
    runBlock(readFileSync(new URL("./echo-state.sh", import.meta.url), "utf8"), scratch)
      .stdout.trim()
      .split("\n")
      .at(-1),
    "41 b c",
  );
});

for (const block of blocks) {
  test(`tour=${block.tour} README.md:${block.line}`, () => {
    const r = runBlock(block.code, stateFile);
    writeFileSync(join(OUT, `${block.line}-${block.tour}.log`), `${r.stdout}\n--- stderr\n${r.stderr}`);
    assert.equal(
      r.status,
      0,
      `README.md:${block.line} exited ${r.status}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`,
    );
    r.steps.forEach((step, n) => {
      if (step.expected.length === 0) return;
      const actual = r.outputs[n] ?? "";
      const expected = step.expected.join("\n");
      assert.ok(
        matches(expected, actual),
        `README.md:${block.line}, after\n  ${step.commands.filter((c) => c.trim()).join("\n  ")}\nthe README shows\n  ${expected}\nbut it printed\n  ${actual.trim()}`,
      );
    });
  });
}
