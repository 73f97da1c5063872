// Starting and stopping the servers of a bench run: the service (fresh local state, migrated and
// seeded as `npm start` does), the service's Worker without its static assets (for the trivial route
// only), and the bare Hono Worker (bench/bare) with and without the service's assets — each its deploy
// bundle served by ./serve.mjs (Miniflare: the runtime alone) on a free loopback port.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../../scripts/lib/free-port.mjs";
import { groupProcesses } from "./cpu.mjs";

// Every server started, so an interrupted run stops even one that has not answered yet.
const started = new Set();

const run = (command, args) => {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
};

// Each Worker is bundled once per run, as a deploy would (`wrangler deploy --dry-run`), and every
// server of that Worker serves the same file. Unminified for profiling, so functions have names.
const bundles = new Map();
const bundleOf = (config, { minify = true } = {}) => {
  const key = `${config} ${minify}`;
  if (!bundles.has(key)) {
    const outdir = mkdtempSync(join(tmpdir(), "smsprof-bench-bundle-"));
    bundles.set(key, outdir); // removed by stopAll, even if the build fails
    run("npx", [
      "wrangler",
      "deploy",
      "--dry-run",
      "-c",
      config,
      "--outdir",
      outdir,
      ...(minify ? [] : ["--minify=false"]),
    ]);
  }
  const outdir = bundles.get(key);
  return join(
    outdir,
    readdirSync(outdir).find((file) => file.endsWith(".js")),
  );
};

const serve = (name, config, port, args = [], { minify } = {}) => {
  const script = bundleOf(config, { minify });
  const child = spawn(
    "node",
    ["bench/lib/serve.mjs", "--config", config, "--script", script, "--port", String(port), ...args],
    {
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, with its workerd: one signal reaches both if need be
    },
  );
  const server = { name, child, log: "", base: `http://127.0.0.1:${port}` };
  started.add(server);
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (d) => {
      server.log += d;
      if (server.log.length > 200_000) server.log = server.log.slice(-100_000);
    });
  }
  return server;
};

const waitUntilUp = async (server) => {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`${server.name} exited:\n${server.log.slice(-3000)}`);
    try {
      if ((await fetch(`${server.base}/api/health`)).ok) return server;
    } catch {
      // Not listening yet.
    }
    await sleep(500);
  }
  throw new Error(`${server.name} did not start:\n${server.log.slice(-3000)}`);
};

/** The service with bench settings: seeding on, raised caps, a pool big enough, no automatic SMS. */
export const startService = async ({ benchSeed, poolSize, liveCap, inspectorPort }) => {
  const state = mkdtempSync(join(tmpdir(), "smsprof-bench-"));
  try {
    // As `npm start` prepares a fresh clone (`npm run bench` has completed .dev.vars first).
    run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
    run("node", ["scripts/seed.mjs", "--persist-to", state]);
  } catch (error) {
    rmSync(state, { recursive: true, force: true });
    throw error;
  }
  const vars = [
    "SIMULATOR_AUTO_SMS:false",
    `BENCH_SEED:${benchSeed}`,
    `SIMULATOR_POOL_SIZE:${poolSize}`,
    `MAX_ACTIVE_ACTIVATIONS:${liveCap}`,
    `MAX_WATCHERS_PER_ACCOUNT:${liveCap}`,
  ];
  const server = serve(
    "the service",
    "wrangler.toml",
    await freePort(),
    [
      "--state",
      state,
      ...vars.flatMap((pair) => ["--var", pair]),
      ...(inspectorPort ? ["--inspector-port", String(inspectorPort)] : []),
    ],
    { minify: !inspectorPort },
  );
  server.state = state;
  return waitUntilUp(server);
};

/** The service's Worker without its static assets: only the trivial route is asked of it. */
export const startServiceWithoutAssets = async () =>
  waitUntilUp(serve("the service without assets", "wrangler.toml", await freePort(), ["--no-assets"]));

/** The bare Hono Worker; `likeTheService` serves it behind the service's own static assets. */
export const startBare = async ({ likeTheService }) =>
  waitUntilUp(
    serve(
      likeTheService ? "the bare Worker with our assets" : "the bare Worker",
      "bench/bare/wrangler.toml",
      await freePort(),
      likeTheService ? ["--assets-of", "wrangler.toml"] : [],
    ),
  );

const exited = (child, ms) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(true)
    : Promise.race([new Promise((r) => child.once("exit", () => r(true))), sleep(ms).then(() => false)]);

/**
 * Stops a server: SIGTERM to serve.mjs, which disposes of its runtime (signalling workerd as well
 * would look like a crash to Miniflare, which restarts it); the whole group is killed if it has not
 * gone in 10 s. Its local state is removed once nothing writes to it.
 */
export const stop = async (server) => {
  if (!server) return;
  started.delete(server);
  try {
    server.child.kill("SIGTERM");
    if (!(await exited(server.child, 10_000))) process.kill(-server.child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
  if (server.state) rmSync(server.state, { recursive: true, force: true });
};

export const stopAll = async () => {
  await Promise.all([...started].map(stop));
  for (const outdir of bundles.values()) rmSync(outdir, { recursive: true, force: true });
  bundles.clear();
};

// The first runtime's pid, kept: if it dies, Miniflare starts another whose memory and descriptors
// are not the run's, so they read as unknown.
const workerdPid = (server) => {
  server.workerdPid ??= groupProcesses(server).find((p) => p.comm === "workerd")?.pid;
  return server.workerdPid;
};

/** Resident memory of the server's workerd, in MB. */
export const workerdMemoryMb = (server) => {
  try {
    const pid = workerdPid(server);
    if (!pid) return null;
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null; // gone, or not Linux
  }
};

/**
 * File descriptors the server's workerd holds, and its limit: workerd keeps two per open socket
 * (each accepted socket's descriptor is duplicated), so watchers run into the limit at half of it.
 */
export const workerdDescriptors = (server) => {
  try {
    const pid = workerdPid(server);
    if (!pid) return null;
    const limit = /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, "utf8"))?.[1];
    return { open: readdirSync(`/proc/${pid}/fd`).length, limit: limit ? Number(limit) : null };
  } catch {
    return null; // gone, or not Linux
  }
};

export const machine = () => {
  let model = "";
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "";
  } catch {
    // Not Linux.
  }
  const cores = Number(execFileSync("nproc", { encoding: "utf8" }).trim());
  return `${cores} × ${model || "unknown CPU"}`;
};
