// Where a run's CPU goes, per process: the bench client itself, and each process of a server's group.
// A bench server is one workerd process (the runtime) and the Node.js process that started it
// (Miniflare, ./serve.mjs). workerd runs every isolate — the Worker, each Durable Object, the local
// D1 — on its one main thread (its other thread is V8's helper), so that thread's CPU is also read:
// at 1 CPU-second a second it is saturated, however many cores are idle. Read from /proc (Linux).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const label = (comm) => {
  if (comm === "workerd") return "workerd";
  if (comm === "MainThread" || comm === "node") return "Miniflare (Node.js)";
  return comm;
};

/** The processes of a server's group (serve.mjs's Node.js and its workerd), read afresh each time. */
export const groupProcesses = (server) => {
  try {
    return execFileSync("ps", ["-o", "pid=,comm=", "-g", String(server.child.pid)], {
      encoding: "utf8",
    })
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter(([pid]) => pid)
      .map(([pid, comm]) => ({ pid: Number(pid), comm: label(comm) }));
  } catch {
    return [];
  }
};

/** CPU-seconds of a process, or of one thread with `task` ("<pid>/task/<tid>"). */
const cpuSecondsOf = (pid) => {
  try {
    // Fields after the command's closing parenthesis: utime is the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
};

const snapshot = (servers) => {
  const usage = process.cpuUsage();
  const out = { "bench client": (usage.user + usage.system) / 1e6 };
  let jsThread = 0;
  const workerdPids = [];
  for (const server of servers.filter(Boolean)) {
    for (const { pid, comm } of groupProcesses(server)) {
      const name = `${server.name}: ${comm}`;
      out[name] = (out[name] ?? 0) + cpuSecondsOf(pid);
      if (comm === "workerd") {
        jsThread += cpuSecondsOf(`${pid}/task/${pid}`); // the main thread
        workerdPids.push(pid);
      }
    }
  }
  return { perProcess: out, jsThread, workerdPids: workerdPids.join(",") };
};

/**
 * Starts counting; the returned function gives CPU-seconds per process since, the wall time, and
 * workerd's main thread: its CPU-seconds and how busy it was (1 = saturated).
 */
export const cpuMeter = (servers) => {
  const before = snapshot(servers);
  const started = performance.now();
  return () => {
    const after = snapshot(servers);
    const wall = (performance.now() - started) / 1000;
    const perProcess = Object.fromEntries(
      Object.entries(after.perProcess)
        .map(([name, s]) => [name, Math.round((s - (before.perProcess[name] ?? 0)) * 100) / 100])
        .filter(([, s]) => s > 0.05)
        .sort((a, b) => b[1] - a[1]),
    );
    const jsThread = after.jsThread - before.jsThread;
    // Miniflare starts a new workerd when the runtime dies: its counters start again from zero.
    if (after.workerdPids !== before.workerdPids) {
      return { wallSeconds: Math.round(wall * 10) / 10, cpuSeconds: perProcess, workerdRestarted: true };
    }
    return {
      wallSeconds: Math.round(wall * 10) / 10,
      cpuSeconds: perProcess,
      workerdJsThreadSeconds: Math.round(jsThread * 100) / 100,
      workerdJsThreadBusy: wall > 0 ? Math.round((jsThread / wall) * 100) / 100 : null,
    };
  };
};
