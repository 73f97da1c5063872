// `npm run bench`: webhook-to-watcher latency of the live stream, measured end to end on a local server.
//
// Starts the service (scripts/dev.mjs on port 8799, fresh local state, simulator without auto SMS),
// signs up customers, tops them up with demo credit, opens N activations each watched over a WebSocket,
// then fires provider webhooks (POST /simulator/sms → signed webhook → the activation's Durable Object →
// every watcher) at a steady rate. Prints latency percentiles, messages lost and duplicated, and the
// round trip of GET /api/health measured in the same run, then stops the server.
//
// Options (environment): BENCH_ACTIVATIONS (default 50), BENCH_RATE webhooks per second (default 20),
// BENCH_SECONDS (default 30), BENCH_PORT (default 8799).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const N = Number(process.env.BENCH_ACTIVATIONS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const PORT = process.env.BENCH_PORT ?? "8799";
const BASE = `http://localhost:${PORT}`;
const ORIGIN = { Origin: BASE };
// The simulator's controls (sending an SMS to any number) are the operator's: ADMIN_TOKEN, from .dev.vars.
const ADMIN_TOKEN =
  process.env.ADMIN_TOKEN ??
  readFileSync(".dev.vars", "utf8")
    .split("\n")
    .find((l) => l.startsWith("ADMIN_TOKEN="))
    ?.slice("ADMIN_TOKEN=".length)
    .trim();
// Each customer may hold this many live activations (the service's default cap).
const PER_CUSTOMER = 10;
const HEALTH_PER_SECOND = 5;
// How long after the last webhook a message may still arrive before it counts as lost.
const GRACE_MS = 5_000;

const state = mkdtempSync(join(tmpdir(), "smsprof-bench-"));
const server = spawn("node", ["scripts/dev.mjs"], {
  env: { ...process.env, PORT, PERSIST_TO: state, EXTRA_VARS: "SIMULATOR_AUTO_SMS:false" },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true, // its own process group, so stopping it also stops wrangler and workerd
});
let serverLog = "";
for (const stream of [server.stdout, server.stderr]) stream.on("data", (d) => (serverLog += d));

const stopServer = () => {
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
  rmSync(state, { recursive: true, force: true });
};
process.on("SIGINT", () => {
  stopServer();
  process.exit(130);
});

const request = async (path, { method = "GET", headers = {}, body } = {}) => {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: body === undefined ? headers : { "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return { res, json: text ? JSON.parse(text) : null };
};

const waitForServer = async () => {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited:\n${serverLog.slice(-3000)}`);
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(500);
  }
  throw new Error(`the server did not start:\n${serverLog.slice(-3000)}`);
};

/** A customer with an API key and demo credit, made through the public API like a real one. */
const newCustomer = async (i) => {
  const email = `bench-${Date.now()}-${i}@example.com`;
  const { res } = await request("/api/v1/auth/signup", {
    method: "POST",
    headers: ORIGIN,
    body: { email, password: "bench password 0123", acceptTerms: true, confirmAdult: true },
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { json: key } = await request("/api/v1/keys", {
    method: "POST",
    headers: { ...ORIGIN, Cookie: cookie },
    body: { name: "bench" },
  });
  const auth = { Authorization: `Bearer ${key.key}` };
  await request("/api/v1/billing/demo-topup", { method: "POST", headers: auth, body: { amount: 5000 } });
  return auth;
};

/**
 * A watcher as a careful client writes one: on a dropped connection it reconnects with ?after=<last
 * seq seen> and receives exactly what it missed (a `wrangler dev` reload, when source files change,
 * drops every connection).
 */
const watchLive = async (activation, auth, onSms) => {
  const url = `${BASE.replace("http", "ws")}/api/v1/activations/${activation.id}/live`;
  const watcher = { phone: activation.phone, lastSeq: null, reconnects: 0, closing: false, ws: null };
  const connect = () =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(watcher.lastSeq === null ? url : `${url}?after=${watcher.lastSeq}`, {
        headers: auth,
      });
      watcher.ws = ws;
      let open = false;
      ws.addEventListener("open", () => {
        open = true;
        if (watcher.lastSeq !== null) resolve();
      });
      ws.addEventListener("message", (e) => {
        const at = performance.now();
        if (e.data === "pong") return;
        const message = JSON.parse(String(e.data));
        if (message.type === "snapshot") {
          watcher.lastSeq = message.activation.lastSeq;
          resolve();
          return;
        }
        watcher.lastSeq = Math.max(watcher.lastSeq ?? 0, message.event.seq);
        if (message.event.sms) onSms(message.event.sms.text, at);
      });
      ws.addEventListener("close", () => {
        if (!open) reject(new Error(`could not watch ${activation.id}`));
        else if (!watcher.closing) reconnect();
      });
    });
  const reconnect = async () => {
    watcher.reconnects++;
    for (let attempt = 1; attempt <= 20 && !watcher.closing; attempt++) {
      await sleep(250 * attempt);
      try {
        return await connect();
      } catch {
        // The server may still be restarting; try again.
      }
    }
  };
  await connect();
  return watcher;
};

const percentile = (sorted, p) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (x) => (Number.isNaN(x) ? "—" : `${x.toFixed(1)} ms`);

const machine = () => {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model;
  return `${cpus().length} × ${model}`;
};

const main = async () => {
  console.log(`Starting the service on ${BASE} (state in ${state}) …`);
  await waitForServer();

  const customers = [];
  for (let i = 0; i < Math.ceil(N / PER_CUSTOMER); i++) customers.push(await newCustomer(i));

  const sent = new Map(); // text → send time
  const seen = new Map(); // text → times received
  const latencies = [];
  const watchers = [];
  const onSms = (text, at) => {
    if (!sent.has(text)) return;
    const times = (seen.get(text) ?? 0) + 1;
    seen.set(text, times);
    if (times === 1) latencies.push(at - sent.get(text));
  };
  const services = ["tg", "wa", "go", "fb", "ig", "ds", "vi", "am", "mm", "tw"];
  // The simulator's pool holds 100 numbers per country.
  const countries = [22, 6, 0, 10, 73];
  for (let i = 0; i < N; i++) {
    const auth = customers[Math.floor(i / PER_CUSTOMER)];
    const { json: activation } = await request("/api/v1/activations", {
      method: "POST",
      headers: auth,
      body: { service: services[i % services.length], country: countries[i % countries.length] },
    });
    watchers.push(await watchLive(activation, auth, onSms));
  }
  console.log(
    `${N} activations open, each with a WebSocket watcher. Firing ${RATE} webhooks/s for ${SECONDS} s …`,
  );

  const reloadsBefore = (serverLog.match(/Reloading local server/g) ?? []).length;
  const health = [];
  const failures = [];
  const inFlight = [];
  const started = performance.now();
  const total = RATE * SECONDS;
  const healthTimer = setInterval(() => {
    const t = performance.now();
    inFlight.push(
      fetch(`${BASE}/api/health`)
        .then((r) => r.text())
        .then(() => health.push(performance.now() - t))
        .catch((e) => failures.push(`health: ${e.message}`)),
    );
  }, 1000 / HEALTH_PER_SECOND);
  for (let n = 0; n < total; n++) {
    // Steady pacing against the schedule, not against the previous send, so slow answers do not slow the rate.
    const due = started + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const { phone } = watchers[n % watchers.length];
    const text = `Your verification code is ${String(100000 + n).slice(-6)}. bench #${n}`;
    sent.set(text, performance.now());
    inFlight.push(
      fetch(`${BASE}/simulator/sms`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ phone, text }),
      })
        .then(async (r) => {
          const body = await r.text();
          if (r.status !== 202) failures.push(`sms ${n}: HTTP ${r.status} ${body}`);
          else if (JSON.parse(body).status !== "delivered") failures.push(`sms ${n}: ${body}`);
        })
        .catch((e) => failures.push(`sms ${n}: ${e.message}`)),
    );
  }
  clearInterval(healthTimer);
  await Promise.all(inFlight);
  const settleUntil = Date.now() + GRACE_MS;
  while (Date.now() < settleUntil && seen.size < sent.size) await sleep(100);
  const elapsed = (performance.now() - started) / 1000;
  for (const watcher of watchers) {
    watcher.closing = true;
    watcher.ws.close(1000, "done");
  }
  const reconnects = watchers.reduce((sum, w) => sum + w.reconnects, 0);
  const reloads = (serverLog.match(/Reloading local server/g) ?? []).length - reloadsBefore;

  latencies.sort((a, b) => a - b);
  health.sort((a, b) => a - b);
  const lost = [...sent.keys()].filter((t) => !seen.has(t)).length;
  const duplicated = [...seen.values()].filter((times) => times > 1).length;
  console.log(`
Machine:            ${machine()}
Activations:        ${N} (each with one WebSocket watcher)
Webhooks sent:      ${sent.size} at ${RATE}/s over ${elapsed.toFixed(1)} s (${failures.length} failed requests)
Webhook → watcher:  p50 ${ms(percentile(latencies, 50))} · p95 ${ms(percentile(latencies, 95))} · p99 ${ms(percentile(latencies, 99))} · max ${ms(latencies.at(-1) ?? Number.NaN)}
Messages lost:      ${lost}
Messages duplicated:${String(duplicated).padStart(2)}
Reconnects:         ${reconnects} (with ?after=; server reloads during the run: ${reloads})
GET /api/health:    p50 ${ms(percentile(health, 50))} · p95 ${ms(percentile(health, 95))} · p99 ${ms(percentile(health, 99))} (${health.length} requests, same run)`);
  if (failures.length > 0) console.log(`First failures:\n  ${failures.slice(0, 5).join("\n  ")}`);
};

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  stopServer();
}
