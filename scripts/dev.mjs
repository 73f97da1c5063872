// `npm start`: everything a fresh clone needs to run the service locally, in order:
// complete .dev.vars, migrate the local D1, seed it (idempotent), then `wrangler dev` on $PORT.
import { spawn, spawnSync } from "node:child_process";

const port = process.env.PORT ?? "8787";
const persist = process.env.PERSIST_TO; // optional: a separate local state folder (tests, benchmarks)
const persistArgs = persist ? ["--persist-to", persist] : [];
// Optional overrides for one run, e.g. EXTRA_VARS="EARLY_CANCEL_SECONDS:0 SIMULATOR_AUTO_SMS:false"
// (the browser suite and benchmarks); each becomes `--var NAME:VALUE`, which beats .dev.vars.
const extraVars = (process.env.EXTRA_VARS ?? "")
  .split(/\s+/)
  .filter(Boolean)
  .flatMap((pair) => ["--var", pair]);

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run("node", ["scripts/ensure-dev-vars.mjs"]);
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", ...persistArgs]);
run("node", ["scripts/seed.mjs", ...persistArgs]);

console.log(`\nSMSPROF is starting on http://localhost:${port}\n`);
const dev = spawn(
  "npx",
  [
    "wrangler",
    "dev",
    "--port",
    port,
    "--ip",
    "127.0.0.1",
    "--var",
    `PUBLIC_URL:http://localhost:${port}`,
    ...extraVars,
    ...persistArgs,
  ],
  { stdio: "inherit", env: { WRANGLER_SEND_METRICS: "false", ...process.env } },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
