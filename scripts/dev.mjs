// `npm start`: everything a fresh clone needs to run the service locally, in order:
// complete .dev.vars, migrate the local D1, seed it (idempotent), then `wrangler dev` on $PORT.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseProviders } from "../src/providers/config.ts";

const port = process.env.PORT ?? "8787";
const persist = process.env.PERSIST_TO; // optional: a separate local state folder (tests)
const persistArgs = persist ? ["--persist-to", persist] : [];
// Optional overrides for one run, e.g. EXTRA_VARS="EARLY_CANCEL_SECONDS:0 SIMULATOR_AUTO_SMS:false"
// (the browser suite and other test runs); each becomes `--var NAME:VALUE`, which beats .dev.vars.
const extraVars = (process.env.EXTRA_VARS ?? "")
  .split(/\s+/)
  .filter(Boolean)
  .flatMap((pair) => ["--var", pair]);

// Upstreams for one run can also come from the environment (PROVIDERS=… PROVIDER_HERO_KEY=… npm start,
// the README's demo): JSON does not fit EXTRA_VARS, and secrets are better not written to a file.
const providerVars = Object.entries(process.env)
  .filter(([name]) => /^PROVIDERS$|^PROVIDER_[A-Z0-9]+_(KEY|WEBHOOK_TOKEN|SIGNING_KEY)$/.test(name))
  .flatMap(([name, value]) => ["--var", `${name}:${value}`]);

/** A setting as `wrangler dev` will see it: the environment (upstreams only), EXTRA_VARS, .dev.vars, wrangler.toml. */
function setting(name) {
  if (name.startsWith("PROVIDER") && process.env[name] !== undefined) return process.env[name];
  const extra = (process.env.EXTRA_VARS ?? "").split(/\s+/).find((pair) => pair.startsWith(`${name}:`));
  if (extra) return extra.slice(name.length + 1);
  const local = new RegExp(`^${name}=(.*)$`, "m").exec(
    existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "",
  );
  if (local) return local[1].trim();
  const toml = new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(readFileSync("wrangler.toml", "utf8"));
  return toml ? toml[1] : undefined;
}

// A bad PROVIDERS fails here, before anything starts, with the entry and field named.
function checkProviders() {
  try {
    const entries = parseProviders(setting("PROVIDERS"), {
      currency: setting("CURRENCY") ?? "USD",
      markupPercent: Number.parseInt(setting("PRICE_MARKUP_PERCENT") ?? "0", 10) || 0,
    });
    console.log(
      `Upstreams: ${entries.map((e) => `${e.name} (${e.kind}${e.enabled ? "" : ", disabled"})`).join(", ")}`,
    );
  } catch (error) {
    console.error(`\nCannot start: ${error.message}\n`);
    process.exit(1);
  }
}

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run("node", ["scripts/ensure-dev-vars.mjs"]);
checkProviders();
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
    ...providerVars,
    ...persistArgs,
  ],
  { stdio: "inherit", env: { WRANGLER_SEND_METRICS: "false", ...process.env } },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
