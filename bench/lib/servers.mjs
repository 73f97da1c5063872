// Starting and stopping the two servers of a bench run: the service (scripts/dev.mjs, fresh local
// state) and the bare Hono Worker (bench/bare), both `wrangler dev` on free loopback ports.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../../scripts/lib/free-port.mjs";

// Every server started, so an interrupted run stops even one that has not answered yet.
const started = new Set();

const start = (name, command, args, env) => {
  const child = spawn(command, args, {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: stopping it also stops wrangler and workerd
  });
  const server = { name, child, log: "", base: null };
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
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), "smsprof-bench-"));
  const vars = [
    "SIMULATOR_AUTO_SMS:false",
    `BENCH_SEED:${benchSeed}`,
    `SIMULATOR_POOL_SIZE:${poolSize}`,
    `MAX_ACTIVE_ACTIVATIONS:${liveCap}`,
    `MAX_WATCHERS_PER_ACCOUNT:${liveCap}`,
  ];
  const server = start("the service", "node", ["scripts/dev.mjs"], {
    PORT: String(port),
    PERSIST_TO: state,
    EXTRA_VARS: vars.join(" "),
    ...(inspectorPort ? { INSPECTOR_PORT: String(inspectorPort) } : {}),
  });
  server.base = `http://127.0.0.1:${port}`;
  server.state = state;
  return waitUntilUp(server);
};

export const startBare = async () => {
  const [port, inspector] = [await freePort(), await freePort()];
  const server = start("the bare Worker", "npx", [
    "wrangler",
    "dev",
    "-c",
    "bench/bare/wrangler.toml",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--inspector-port",
    String(inspector),
  ]);
  server.base = `http://127.0.0.1:${port}`;
  return waitUntilUp(server);
};

export const stop = (server) => {
  if (!server) return;
  try {
    process.kill(-server.child.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
  if (server.state) rmSync(server.state, { recursive: true, force: true });
  started.delete(server);
};

export const stopAll = () => {
  for (const server of [...started]) stop(server);
};

/** Resident memory of the server's workerd processes (its process group), in MB. */
export const workerdMemoryMb = (server) => {
  try {
    const rows = execFileSync("ps", ["-o", "rss=,comm=", "-g", String(server.child.pid)], {
      encoding: "utf8",
    });
    const kb = rows
      .split("\n")
      .filter((line) => /workerd/.test(line))
      .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[0] || 0), 0);
    return Math.round(kb / 1024);
  } catch {
    return null;
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
