// `npm run bench`: every goal of the performance issue measured in one run on this machine, printed
// as one table beside the trivial route (GET /api/health) of the same run, as ratios.
//
//   npm run bench                  quick sizes (a few minutes; figures are indicative)
//   npm run bench -- --full        the issue's sizes: 200 webhooks/s × 60 s over 500 activations,
//                                  1,000 watchers on one activation, 10,000 live activations
//   npm run bench -- --json        one JSON object with every figure instead of the table
//   npm run bench -- --smoke       toy sizes, a minute in all; exits 1 on a failed scenario or a lost
//                                  or duplicated message (CI runs it; its figures mean nothing)
//   npm run bench -- --only=throughput,webhooks,fanout,scale,counts   a subset
//   npm run bench -- --profile     also a CPU profile of the Worker per route and during the SMS
//                                  runs (V8's profiler through the runtime's inspector): where the
//                                  time goes, by package and by function
//
// Every scenario also prints the CPU-seconds each process spent (workerd, Miniflare's Node.js process,
// this client) beside the wall time: on 2 cores, 2 CPU-seconds a second is the machine's ceiling.
//
// Sizes can be set one by one (environment): BENCH_CONNECTIONS, BENCH_LOAD_SECONDS (throughput),
// BENCH_ACTIVATIONS, BENCH_RATE, BENCH_SECONDS (webhooks), BENCH_FANOUT_WATCHERS, BENCH_LIVE.
//
// It starts its servers on free loopback ports — the service (fresh local state, simulator as the
// upstream, bench seeding on) and, for goal 3, a bare Hono Worker (bench/bare) behind the service's
// own static assets, and both the service and the bare Worker without them (so the comparison is made
// with and without the runtime's asset router in front) — each a deploy bundle on the workerd runtime
// alone (lib/serve.mjs: no `wrangler dev` proxy in front, no DevTools session), and stops them at the
// end. Customers come from the bench-only seeding path (POST /api/bench/seed), which exists only
// where BENCH_SEED is set; everything else goes through the public API.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../scripts/lib/free-port.mjs";
import { inPool, makeClient } from "./lib/client.mjs";
import { cpuMeter } from "./lib/cpu.mjs";
import { closedLoop, summary } from "./lib/load.mjs";
import { profileWhile } from "./lib/profile.mjs";
import {
  machine,
  startBare,
  startService,
  startServiceWithoutAssets,
  stopAll,
  workerdDescriptors,
  workerdMemoryMb,
} from "./lib/servers.mjs";

const args = process.argv.slice(2);
const FULL = args.includes("--full");
const AS_JSON = args.includes("--json");
const PROFILE = args.includes("--profile");
// A few seconds of every scenario at toy sizes, failing on an error, a lost or a duplicated message:
// CI runs it so the bench keeps working; its figures mean nothing.
const SMOKE = args.includes("--smoke");
const ONLY = (
  args.find((a) => a.startsWith("--only="))?.slice(7) ?? "throughput,webhooks,fanout,scale,counts"
)
  .split(",")
  .filter(Boolean);
const size = (name, quick, full, smoke) => Number(process.env[name] ?? (SMOKE ? smoke : FULL ? full : quick));
const S = {
  connections: size("BENCH_CONNECTIONS", 10, 20, 2),
  loadSeconds: size("BENCH_LOAD_SECONDS", 5, 20, 1),
  activations: size("BENCH_ACTIVATIONS", 50, 500, 5),
  rate: size("BENCH_RATE", 20, 200, 5),
  seconds: size("BENCH_SECONDS", 10, 60, 2),
  fanoutWatchers: size("BENCH_FANOUT_WATCHERS", 100, 1000, 5),
  live: size("BENCH_LIVE", 200, 10_000, 5),
  idleMs: size("BENCH_IDLE_MS", 20_000, 20_000, 1_000),
};
const say = (line) => {
  if (!AS_JSON) console.log(line);
  else console.error(line);
};

const SERVICES = ["tg", "wa", "go", "fb", "ig", "ds", "vi", "am", "mm", "tw"];
const COUNTRIES = [22, 6, 0, 10, 73];
// The per-key limiter allows 600 requests a minute: polls rotate over this many customers' keys.
const POLLERS = SMOKE ? 3 : FULL ? 80 : 30;
// Each customer holds at most this many of the bench's activations (their orders and watchers
// share the account's request budget, 1,200 a minute).
const PER_CUSTOMER = 100;
const HEALTH_PER_SECOND = 5;
const GRACE_MS = 5_000;

const devVar = (name) =>
  process.env[name] ??
  new RegExp(`^${name}=(.*)$`, "m").exec(readFileSync(".dev.vars", "utf8"))?.[1]?.trim() ??
  "";
const adminToken = devVar("ADMIN_TOKEN");
const simulatorSecret = devVar("SIMULATOR_WEBHOOK_SECRET");
const benchSeed = randomBytes(24).toString("hex");

/** Milliseconds of workerd's JS thread per answered request during a closed-loop run. */
const msPerRequest = (cpu, measured, seconds) => {
  const answered = measured.rps * seconds;
  return answered > 0 && cpu.workerdJsThreadSeconds
    ? Math.round((cpu.workerdJsThreadSeconds * 1000 * 10) / answered) / 10
    : null;
};

const ratio = (a, b) => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100);

// ── scenarios ───────────────────────────────────────────────────────────────────────────────────

/** Goals 2 and 3: throughput at a fixed concurrency, each route beside the trivial one. */
const throughput = async ({ client, service, serviceNoAssets, bare, bareNoAssets }) => {
  const customers = await client.seedCustomers(POLLERS, 10_000);
  const polled = await inPool(
    customers.map((c, i) => async () => ({
      customer: c,
      activation: await client.order(c, SERVICES[i % SERVICES.length], COUNTRIES[i % COUNTRIES.length]),
    })),
    4,
  );
  // Each route in rounds taken in turn, the median round kept: a route measured once can land on a
  // slow moment of the machine that its neighbour in the table did not (both share 2 cores).
  const rounds = SMOKE ? 1 : 3;
  const at =
    (base, path, headers = {}) =>
    () => ({ url: `${base}${path}`, headers });
  const routes = {
    health: at(service.base, "/api/health"),
    bareHealth: at(bare.base, "/api/health"),
    // Both without static assets: the comparison without the runtime's asset router in front.
    healthNoAssets: at(serviceNoAssets.base, "/api/health"),
    bareNoAssets: at(bareNoAssets.base, "/api/health"),
    // The floor under every keyed request: one D1 round trip and nothing else (bench servers only).
    d1Floor: at(service.base, "/api/bench/d1", { Authorization: `Bearer ${benchSeed}` }),
    rest: (i) => {
      const { customer, activation } = polled[i % polled.length];
      return { url: `${service.base}/api/v1/activations/${activation.id}`, headers: customer.auth };
    },
    getStatus: (i) => {
      const { customer, activation } = polled[i % polled.length];
      return {
        url: `${service.base}/stubs/handler_api.php?api_key=${customer.key}&action=getStatus&id=${activation.numericId}`,
        headers: {},
      };
    },
  };
  say(
    `  throughput: ${S.connections} connections × ${S.loadSeconds} s per route and round, ${rounds} rounds …`,
  );
  // Every route once before any is measured: the first one measured would otherwise pay for the
  // runtime's cold start (compilation) alone.
  for (const target of Object.values(routes)) {
    await closedLoop({ target, connections: S.connections, seconds: Math.min(2, S.loadSeconds) });
  }
  const serverOf = { bareHealth: bare, bareNoAssets, healthNoAssets: serviceNoAssets };
  const taken = Object.fromEntries(Object.keys(routes).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, target] of Object.entries(routes)) {
      const meter = cpuMeter([serverOf[name] ?? service]);
      const result = await closedLoop({ target, connections: S.connections, seconds: S.loadSeconds });
      taken[name].push({ result, cpu: meter() });
    }
  }
  const median = (runs) => [...runs].sort((a, b) => a.result.rps - b.result.rps)[Math.floor(runs.length / 2)];
  const kept = Object.entries(taken).map(([name, runs]) => [name, median(runs)]);
  const measured = Object.fromEntries(kept.map(([name, run]) => [name, run.result]));
  const cpu = Object.fromEntries(kept.map(([name, run]) => [name, run.cpu]));
  // Profiles are taken in separate passes: the profiler's own cost stays out of the figures above.
  const profiles = {};
  if (PROFILE) {
    for (const name of ["health", "d1Floor", "rest", "getStatus"]) {
      say(`  profiling ${name} …`);
      profiles[name] = (
        await profileWhile(service.inspectorPort, () =>
          closedLoop({
            target: routes[name],
            connections: S.connections,
            seconds: Math.min(5, S.loadSeconds),
          }),
        )
      ).profile;
    }
  }
  const m = measured;
  return {
    connections: S.connections,
    seconds: S.loadSeconds,
    rounds,
    ...measured,
    ratios: {
      restToHealth: ratio(m.rest.rps, m.health.rps),
      getStatusToHealth: ratio(m.getStatus.rps, m.health.rps),
      bareToHealth: ratio(m.bareHealth.rps, m.health.rps),
      bareToHealthNoAssets: ratio(m.bareNoAssets.rps, m.healthNoAssets.rps),
      d1FloorToHealth: ratio(m.d1Floor.rps, m.health.rps),
      restToD1Floor: ratio(m.rest.rps, m.d1Floor.rps),
    },
    // CPU per request in the runtime: what each route costs, whatever the machine's load.
    workerdMsPerRequest: Object.fromEntries(
      Object.entries(measured).map(([name, m]) => [name, msPerRequest(cpu[name], m, S.loadSeconds)]),
    ),
    cpu,
    ...(PROFILE ? { profiles } : {}),
  };
};

/** Opens `count` activations spread over fresh customers, each watched over a WebSocket. */
const openWatched = async (client, count, onSms, concurrency = 8) => {
  const customers = await client.seedCustomers(Math.ceil(count / PER_CUSTOMER), 100_000_000);
  const orderLatencies = [];
  const watchers = await inPool(
    Array.from({ length: count }, (_, i) => async () => {
      const customer = customers[Math.floor(i / PER_CUSTOMER)];
      const t = performance.now();
      const activation = await client.order(
        customer,
        SERVICES[i % SERVICES.length],
        COUNTRIES[Math.floor(i / SERVICES.length) % COUNTRIES.length],
      );
      orderLatencies.push(performance.now() - t);
      const watcher = await client.watch(activation, customer, onSms);
      watcher.ref = await client.upstreamRef(activation);
      return watcher;
    }),
    concurrency,
  );
  return { watchers, orders: summary(orderLatencies) };
};

/**
 * Fires provider webhooks at a steady rate (against the schedule, so slow answers do not slow it
 * down), each to one of `targets` ({ ref, phone }) in turn.
 */
const fireSms = async (client, targets, rate, total, label, sent) => {
  const failures = [];
  const inFlight = [];
  const started = performance.now();
  for (let n = 0; n < total; n++) {
    const wait = started + (n * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const text = `Your verification code is ${String(100000 + (n % 900000)).slice(-6)}. ${label} #${n}`;
    sent.set(text, performance.now());
    inFlight.push(
      client
        .sendWebhook(targets[n % targets.length], text)
        .then((problem) => problem && failures.push(problem))
        .catch((e) => failures.push(e.message)),
    );
  }
  await Promise.all(inFlight);
  return { sent, failures, seconds: (performance.now() - started) / 1000 };
};

/** Counts what arrived: first-arrival latency per message, lost and duplicated (per watcher). */
const tracker = () => {
  const seen = new Map();
  const latencies = [];
  let sent = new Map();
  return {
    setSent: (s) => {
      sent = s;
    },
    onSms: (text, at) => {
      if (!sent.has(text)) return;
      const times = (seen.get(text) ?? 0) + 1;
      seen.set(text, times);
      if (times === 1) latencies.push(at - sent.get(text));
    },
    settle: async () => {
      const until = Date.now() + GRACE_MS;
      while (Date.now() < until && seen.size < sent.size) await sleep(100);
    },
    result: () => ({
      latency: summary(latencies),
      lost: [...sent.keys()].filter((t) => !seen.has(t)).length,
      duplicated: [...seen.values()].filter((n) => n > 1).length,
    }),
  };
};

/** Samples GET /api/health in the background: the trivial route's latency in the same run. */
const sampleHealth = (base) => {
  const latencies = [];
  const timer = setInterval(() => {
    const t = performance.now();
    fetch(`${base}/api/health`)
      .then((r) => r.text())
      .then(() => latencies.push(performance.now() - t))
      .catch(() => {});
  }, 1000 / HEALTH_PER_SECOND);
  return () => {
    clearInterval(timer);
    return summary(latencies);
  };
};

// workerd runs all of the Worker's JavaScript — its Durable Objects and the local D1 too — on one
// thread: the most this runtime sustains is what that thread can do in a second, however many cores
// the machine has. The thread's time includes the run's health samples: a slight underestimate.
const perSms = (cpu, count) =>
  count && cpu.workerdJsThreadSeconds ? Math.round((cpu.workerdJsThreadSeconds * 10_000) / count) / 10 : null;
const ceiling = (cpu, count) =>
  count && cpu.workerdJsThreadSeconds ? Math.round(count / cpu.workerdJsThreadSeconds) : null;

/** Samples workerd's file descriptors every second; the returned function stops and gives the peak. */
const peakDescriptors = (server) => {
  let peak = null;
  const timer = setInterval(() => {
    const now = workerdDescriptors(server);
    if (now && (!peak || now.open > peak.open)) peak = now;
  }, 1000);
  return () => {
    clearInterval(timer);
    return peak;
  };
};

/** Runs `work`, under the Worker's CPU profiler when --profile is given. */
const maybeProfiled = async (service, work) =>
  PROFILE ? profileWhile(service.inspectorPort, work) : { result: await work(), profile: null };

/** Goal 1: a steady stream of provider webhooks to watched activations. */
const webhooks = async ({ client, service }) => {
  say(`  webhooks: ${S.activations} watched activations, ${S.rate}/s for ${S.seconds} s …`);
  const track = tracker();
  // Filled as messages are sent; arrivals are matched against it.
  const sentNow = new Map();
  track.setSent(sentNow);
  const { watchers } = await openWatched(client, S.activations, track.onSms);
  const health = sampleHealth(service.base);
  const meter = cpuMeter([service]);
  const descriptors = peakDescriptors(service);
  const { result: fired, profile } = await maybeProfiled(service, async () => {
    const done = await fireSms(client, watchers, S.rate, S.rate * S.seconds, "webhook", sentNow);
    await track.settle();
    return done;
  });
  const cpu = meter();
  const workerdFileDescriptors = descriptors();
  const trivial = health();
  client.closeAll(watchers);
  const result = track.result();
  return {
    activations: S.activations,
    rate: S.rate,
    seconds: Math.round(fired.seconds * 10) / 10,
    sent: fired.sent.size,
    failedRequests: fired.failures.length,
    firstFailures: fired.failures.slice(0, 3),
    ...result,
    health: trivial,
    p99ToHealthP99: ratio(result.latency.p99, trivial.p99),
    reconnects: watchers.reduce((sum, w) => sum + w.reconnects, 0),
    // Requests queued in the runtime hold sockets (two descriptors each): near the limit, it fails.
    workerdFileDescriptors,
    // When requests failed, what the server said about it.
    ...(fired.failures.length > 0 ? { serverLogTail: service.log.slice(-3000) } : {}),
    cpu,
    // Each webhook costs the runtime this much CPU (the simulator's request, its signed webhook, the
    // service's handling, the room's broadcast): at 2 cores, the rate this machine can sustain at most.
    workerdMsPerSms: perSms(cpu, fired.sent.size),
    ceilingSmsPerSecond: ceiling(cpu, fired.sent.size),
    ...(profile ? { profile } : {}),
  };
};

/** Goal 4: one SMS to many watchers of one activation; how far apart the deliveries land. */
const fanout = async ({ client, service }) => {
  say(`  fan-out: one activation, ${S.fanoutWatchers} watchers …`);
  // Only the owner may watch; one key allows 600 requests a minute, the account 1,200: the watchers
  // are spread over the owner's keys.
  const keys = Math.min(5, Math.ceil(S.fanoutWatchers / 500) + 1);
  const [customer] = await client.seedCustomers(1, 10_000, keys);
  const activation = await client.order(customer, "tg", 22);
  const arrivals = new Map();
  const onSms = (text, at) => {
    const list = arrivals.get(text) ?? [];
    list.push(at);
    arrivals.set(text, list);
  };
  const watchers = await inPool(
    Array.from(
      { length: S.fanoutWatchers },
      (_, i) => () => client.watch(activation, { auth: customer.auths[i % keys] }, onSms),
    ),
    20,
  );
  const rounds = [];
  const { profile } = await maybeProfiled(service, async () => {
    for (let round = 0; round < 3; round++) {
      const text = `Your verification code is 55${round}555. fan-out #${round}`;
      const meter = cpuMeter([service]);
      const sentAt = performance.now();
      const problem = await client.sendSms(activation.phone, text);
      const until = Date.now() + GRACE_MS;
      while (Date.now() < until && (arrivals.get(text)?.length ?? 0) < S.fanoutWatchers) await sleep(20);
      const times = (arrivals.get(text) ?? []).sort((a, b) => a - b);
      rounds.push({
        delivered: times.length,
        firstMs: times.length ? Math.round((times[0] - sentAt) * 10) / 10 : null,
        spreadMs: times.length ? Math.round((times.at(-1) - times[0]) * 10) / 10 : null,
        problem,
        // Who was busy while the deliveries landed: the runtime sending, or this client receiving.
        cpu: meter(),
      });
    }
  });
  client.closeAll(watchers);
  const spreads = rounds.map((r) => r.spreadMs ?? Number.POSITIVE_INFINITY);
  return {
    watchers: S.fanoutWatchers,
    rounds,
    worstSpreadMs: Math.max(...spreads),
    lost: rounds.reduce((sum, r) => sum + (S.fanoutWatchers - r.delivered), 0),
    ...(profile ? { profile } : {}),
  };
};

/** Goal 5: many concurrent live activations, each watched; memory and latency, then one SMS each. */
const scale = async ({ client, service }) => {
  say(`  scale: ${S.live} live activations, each watched …`);
  const memoryBeforeMb = workerdMemoryMb(service);
  const descriptorsBefore = workerdDescriptors(service);
  const track = tracker();
  const sentNow = new Map();
  track.setSent(sentNow);
  let opened;
  try {
    opened = await openWatched(client, S.live, track.onSms, 16);
  } catch (error) {
    // Usually the runtime out of file descriptors (two per watcher): say so with the count.
    const fds = workerdDescriptors(service);
    throw new Error(
      `${error.message}${fds ? ` (workerd then held ${fds.open} file descriptors, limit ${fds.limit})` : ""}`,
    );
  }
  const memoryLiveMb = workerdMemoryMb(service);
  const descriptorsLive = workerdDescriptors(service);
  // Idle rooms hibernate (their sockets stay open in the runtime): memory once nothing has happened
  // for a while is what many quietly waiting numbers cost.
  await sleep(S.idleMs);
  const memoryIdleMb = workerdMemoryMb(service);
  const health = sampleHealth(service.base);
  const meter = cpuMeter([service]);
  const fired = await fireSms(client, opened.watchers, Math.max(S.rate, 50), S.live, "scale", sentNow);
  await track.settle();
  const cpu = meter();
  const trivial = health();
  const memoryAfterMb = workerdMemoryMb(service);
  client.closeAll(opened.watchers);
  return {
    live: S.live,
    orders: opened.orders,
    memoryMb: { before: memoryBeforeMb, live: memoryLiveMb, idle: memoryIdleMb, afterSms: memoryAfterMb },
    workerdFileDescriptors: descriptorsLive && { ...descriptorsLive, before: descriptorsBefore?.open ?? 0 },
    failedRequests: fired.failures.length,
    ...track.result(),
    health: trivial,
    cpu,
    workerdMsPerSms: perSms(cpu, fired.sent.size),
    ceilingSmsPerSecond: ceiling(cpu, fired.sent.size),
    // What one more live, watched activation costs in memory: how far this machine's RAM goes.
    memoryKbPerLive:
      memoryLiveMb !== null && memoryBeforeMb !== null
        ? Math.round(((memoryLiveMb - memoryBeforeMb) * 1024) / S.live)
        : null,
  };
};

/** Goal 6: D1 round trips, statements and Durable Object calls of one order and of one SMS. */
const counts = async ({ client }) => {
  const SAMPLES = 5;
  const customers = await client.seedCustomers(SAMPLES, 10_000);
  const per = { order: [], sms: [] };
  const delta = (a, b) => ({
    d1RoundTrips: b.service.d1RoundTrips - a.service.d1RoundTrips,
    d1Statements: b.service.d1Statements - a.service.d1Statements,
    doCalls: b.service.doCalls - a.service.doCalls,
  });
  for (const customer of customers) {
    const c0 = await client.counts();
    const activation = await client.order(customer, "wa", 6);
    const c1 = await client.counts();
    await client.sendSms(activation.phone, "Your verification code is 424242.");
    const c2 = await client.counts();
    per.order.push(delta(c0, c1));
    per.sms.push(delta(c1, c2));
  }
  const mean = (list) =>
    Object.fromEntries(
      Object.keys(list[0]).map((k) => [
        k,
        Math.round((list.reduce((s, x) => s + x[k], 0) / list.length) * 10) / 10,
      ]),
    );
  return { samples: SAMPLES, perOrder: mean(per.order), perSms: mean(per.sms) };
};

// ── the table ───────────────────────────────────────────────────────────────────────────────────

const fmt = (x, unit = "") => (x === null || x === undefined ? "—" : `${x}${unit}`);

const goals = (r) => {
  const rows = [];
  const t = r.throughput;
  if (r.webhooks) {
    const w = r.webhooks;
    rows.push({
      goal: "1 webhooks → watchers",
      figure: `${w.rate}/s × ${w.seconds} s over ${w.activations}: p99 ${fmt(w.latency.p99, " ms")} (health p99 ${fmt(w.health.p99, " ms")}) = ${fmt(w.p99ToHealthP99, "×")}; lost ${w.lost}, duplicated ${w.duplicated}${w.failedRequests ? `; ${w.failedRequests} webhook requests failed` : ""}${w.workerdFileDescriptors ? `; workerd's file descriptors peaked at ${w.workerdFileDescriptors.open} (limit ${w.workerdFileDescriptors.limit})` : ""}${w.cpu.workerdRestarted ? "; workerd died and was restarted" : ""}`,
      target: "200/s × 60 s over 500; ≤ 3× health p99; 0 lost, 0 dup",
      met:
        w.lost === 0 &&
        w.duplicated === 0 &&
        w.p99ToHealthP99 !== null &&
        w.p99ToHealthP99 <= 3 &&
        w.rate >= 200 &&
        w.seconds >= 59 &&
        w.activations >= 500,
    });
  }
  if (t) {
    rows.push({
      goal: "2 REST get throughput",
      figure: `${t.rest.rps} rps vs health ${t.health.rps} = ${fmt(t.ratios.restToHealth, "×")} (p99 ${t.rest.p99} ms)`,
      target: "≥ 0.8× health",
      met: (t.ratios.restToHealth ?? 0) >= 0.8,
    });
    rows.push({
      goal: "2 getStatus throughput",
      figure: `${t.getStatus.rps} rps vs health ${t.health.rps} = ${fmt(t.ratios.getStatusToHealth, "×")} (p99 ${t.getStatus.p99} ms)`,
      target: "≥ 0.8× health",
      met: (t.ratios.getStatusToHealth ?? 0) >= 0.8,
    });
    rows.push({
      goal: "2 the floor: one D1 read",
      figure: `${t.d1Floor.rps} rps = ${fmt(t.ratios.d1FloorToHealth, "×")} health; REST get = ${fmt(t.ratios.restToD1Floor, "×")} of it`,
      target: "measured (the least a keyed request costs)",
      met: null,
    });
    rows.push({
      goal: "3 health vs bare Hono",
      figure: `behind our static assets: bare ${t.bareHealth.rps} rps vs ours ${t.health.rps} = ${fmt(t.ratios.bareToHealth, "×")}; both without: bare ${t.bareNoAssets.rps} vs ours ${t.healthNoAssets.rps} = ${fmt(t.ratios.bareToHealthNoAssets, "×")}`,
      target: "bare ≤ 1.5× ours (both ways)",
      met: [t.ratios.bareToHealth, t.ratios.bareToHealthNoAssets].every((x) => x !== null && x <= 1.5),
    });
  }
  if (r.fanout) {
    const f = r.fanout;
    rows.push({
      goal: "4 one SMS → many watchers",
      figure: `${f.watchers} watchers: last within ${fmt(f.worstSpreadMs, " ms")} of the first (worst of 3); lost ${f.lost}`,
      target: "1,000 watchers, ≤ 50 ms",
      met: f.watchers >= 1000 && f.worstSpreadMs <= 50 && f.lost === 0,
    });
  }
  if (r.scale) {
    const s = r.scale;
    rows.push({
      goal: "5 live activations",
      figure: `${s.live} live + watched: workerd ${fmt(s.memoryMb.live, " MB")}${s.workerdFileDescriptors ? `, ${s.workerdFileDescriptors.open} file descriptors (limit ${s.workerdFileDescriptors.limit})` : ""} (from ${fmt(s.memoryMb.before, " MB")}, ${fmt(s.memoryKbPerLive, " KB")} each; ${fmt(s.memoryMb.idle, " MB")} after ${S.idleMs / 1000} s idle); order p99 ${fmt(s.orders.p99, " ms")}; SMS p99 ${fmt(s.latency.p99, " ms")}; lost ${s.lost}`,
      target: "10,000, memory and latency printed, 0 lost",
      met: s.live >= 10_000 && s.lost === 0 && s.duplicated === 0,
    });
  }
  if (r.counts) {
    const c = r.counts;
    rows.push({
      goal: "6 D1 / DO per order",
      figure: `${c.perOrder.d1RoundTrips} D1 round trips (${c.perOrder.d1Statements} statements), ${c.perOrder.doCalls} DO calls`,
      target: "printed; cut",
      met: null,
    });
    rows.push({
      goal: "6 D1 / DO per SMS",
      figure: `${c.perSms.d1RoundTrips} D1 round trips (${c.perSms.d1Statements} statements), ${c.perSms.doCalls} DO calls`,
      target: "printed; one D1 batch per transition",
      met: null,
    });
  }
  return rows;
};

const printTable = (r, rows) => {
  const cols = ["goal", "figure", "target", "result"];
  const shaped = rows.map((row) => ({
    ...row,
    result: row.met === null ? "measured" : row.met ? "met" : "NOT MET",
  }));
  const w = Object.fromEntries(
    cols.map((k) => [k, Math.max(k.length, ...shaped.map((row) => String(row[k]).length))]),
  );
  const line = (row) => cols.map((k) => String(row[k]).padEnd(w[k])).join(" │ ");
  console.log(`\nMachine: ${r.machine} · sizes: ${r.full ? "full (the issue's)" : "quick"} · ${r.at}`);
  if (r.throughput) {
    const t = r.throughput;
    console.log(
      `Trivial route, same run: GET /api/health ${t.health.rps} rps, p50 ${t.health.p50} / p95 ${t.health.p95} / p99 ${t.health.p99} ms at ${t.connections} connections`,
    );
  }
  console.log(line(Object.fromEntries(cols.map((k) => [k, k]))));
  console.log(cols.map((k) => "─".repeat(w[k])).join("─┼─"));
  for (const row of shaped) console.log(line(row));
  for (const [name, message] of Object.entries(r.errors ?? {})) console.log(`${name} failed: ${message}`);
  printWhereTimeGoes(r);
};

const cpuLine = ({
  wallSeconds,
  cpuSeconds,
  workerdJsThreadSeconds,
  workerdJsThreadBusy,
  workerdRestarted,
}) =>
  workerdRestarted
    ? `workerd died and was restarted during the run (its figures are lost); bench client ${cpuSeconds["bench client"] ?? 0} s over ${wallSeconds} s wall`
    : `${Object.entries(cpuSeconds)
        .map(([name, s]) => `${name} ${s} s`)
        .join(", ")} over ${wallSeconds} s wall${
        workerdJsThreadBusy
          ? `; workerd's JS thread ${workerdJsThreadSeconds} s (${Math.round(workerdJsThreadBusy * 100)} % busy)`
          : ""
      }`;

const profileLines = (p) => [
  `      by package: ${p.byOwner
    .slice(0, 8)
    .map((o) => `${o.name} ${o.share} %`)
    .join(", ")}`,
  `      hottest functions: ${p.byFunction
    .filter((f) => !/^\((idle|program|garbage collector)\)/.test(f.name))
    .slice(0, 8)
    .map((f) => `${f.name} ${f.share} %`)
    .join(", ")}`,
];

const printWhereTimeGoes = (r) => {
  console.log(
    `\nWhere the time goes (CPU-seconds per process; ${availableParallelism()} cores give ${availableParallelism()} CPU-seconds a second, workerd's JS thread 1):`,
  );
  const t = r.throughput;
  if (t) {
    for (const [name, cpu] of Object.entries(t.cpu)) {
      console.log(
        `  ${name}: ${fmt(t.workerdMsPerRequest[name], " ms")} of workerd's JS thread per request; ${cpuLine(cpu)}`,
      );
      if (t.profiles?.[name]) for (const line of profileLines(t.profiles[name])) console.log(line);
    }
  }
  if (r.fanout) {
    for (const [i, round] of r.fanout.rounds.entries()) {
      console.log(`  fan-out round ${i + 1} (${fmt(round.spreadMs, " ms")} spread): ${cpuLine(round.cpu)}`);
    }
    if (r.fanout.profile) for (const line of profileLines(r.fanout.profile)) console.log(line);
  }
  for (const name of ["webhooks", "scale"]) {
    const x = r[name];
    if (!x?.cpu) continue;
    const per = x.workerdMsPerSms
      ? `; ${x.workerdMsPerSms} ms of workerd's JS thread per SMS → at most ${x.ceilingSmsPerSecond} SMS/s on its one JS thread`
      : "";
    console.log(`  ${name} (sending and settling): ${cpuLine(x.cpu)}${per}`);
    if (x.profile) for (const line of profileLines(x.profile)) console.log(line);
  }
  const fds = r.scale?.workerdFileDescriptors;
  // From a thousand watchers on, the watchers' sockets are nearly all of them (fewer: the orders'
  // connections still count). workerd keeps two per open socket: the limit, not memory, caps them.
  if (fds?.limit && fds.open > fds.before && r.scale.live >= 1000) {
    const each = (fds.open - fds.before) / r.scale.live;
    console.log(
      `  scale: workerd held ${fds.open} file descriptors with ${r.scale.live} watched (${fds.before} before, ${each.toFixed(1)} each) → at most ~${Math.floor((fds.limit - fds.before) / each)} watched activations under its limit of ${fds.limit}`,
    );
  }
};

/** What a smoke run must not show: a scenario that failed, a message lost or delivered twice. */
const smokeProblems = (r) => [
  ...Object.entries(r.errors ?? {}).map(([name, message]) => `${name} failed: ${message}`),
  ...["webhooks", "fanout", "scale"].flatMap((name) => {
    const x = r[name];
    if (!x) return [];
    return [
      ...(x.lost > 0 ? [`${name}: ${x.lost} lost`] : []),
      ...(x.duplicated > 0 ? [`${name}: ${x.duplicated} duplicated`] : []),
      ...(x.failedRequests > 0 ? [`${name}: ${x.failedRequests} failed requests: ${x.firstFailures}`] : []),
    ];
  }),
];

// ── main ────────────────────────────────────────────────────────────────────────────────────────

const main = async () => {
  let service;
  let serviceNoAssets;
  let bare;
  let bareNoAssets;
  process.on("SIGINT", async () => {
    await stopAll();
    process.exit(130);
  });
  try {
    const poolSize = Math.max(
      100,
      Math.ceil((S.live + S.activations + POLLERS + 50) / COUNTRIES.length) + 100,
    );
    say(`Starting the servers (sizes: ${FULL ? "full" : "quick"}) …`);
    const inspectorPort = PROFILE ? await freePort() : undefined;
    const forThroughput = (start) => (ONLY.includes("throughput") ? start() : Promise.resolve(null));
    [service, serviceNoAssets, bare, bareNoAssets] = await Promise.all([
      startService({
        benchSeed,
        poolSize,
        liveCap: Math.max(S.live, S.fanoutWatchers, S.activations) + 100,
        inspectorPort,
      }),
      forThroughput(startServiceWithoutAssets),
      forThroughput(() => startBare({ likeTheService: true })),
      forThroughput(() => startBare({ likeTheService: false })),
    ]);
    service.inspectorPort = inspectorPort;
    const client = makeClient(service.base, { adminToken, benchSeed, simulatorSecret });
    // Enough stock upstream for every order of the run.
    const stock =
      Math.ceil((S.live + S.activations + POLLERS + 50) / (SERVICES.length * COUNTRIES.length)) * 2 + 50;
    await inPool(
      SERVICES.flatMap((s) => COUNTRIES.map((c) => () => client.setStock(s, c, stock))),
      4,
    );
    const ctx = { client, service, serviceNoAssets, bare, bareNoAssets };
    const result = {
      machine: machine(),
      at: new Date().toISOString(),
      full: FULL,
      profiled: PROFILE,
      sizes: S,
      note: "figures from one run; ratios compare routes measured in the same run on the same machine",
    };
    for (const [name, scenario] of Object.entries({ throughput, webhooks, fanout, scale, counts })) {
      if (!ONLY.includes(name)) continue;
      try {
        result[name] = await scenario(ctx);
      } catch (error) {
        // One failed scenario (the runtime out of descriptors, say) does not cost the others' figures.
        say(`  ${name} failed: ${error.message}`);
        result.errors = { ...result.errors, [name]: error.message };
      }
    }
    result.goals = goals(result);
    if (AS_JSON) console.log(JSON.stringify(result, null, 2));
    else printTable(result, result.goals);
    if (SMOKE) {
      const broken = smokeProblems(result);
      for (const problem of broken) console.error(`smoke: ${problem}`);
      if (broken.length > 0) process.exitCode = 1;
    }
  } catch (error) {
    // What the server said last is usually why.
    if (service) console.error(`The service's last log lines:\n${service.log.slice(-4000)}`);
    throw error;
  } finally {
    await stopAll();
  }
};

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
