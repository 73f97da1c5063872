// Where a run's CPU goes, per process: the bench client itself, and each process of a server's group.
// `wrangler dev` runs two workerd processes — the Worker's own runtime (the one with the inspector)
// and wrangler's proxy in front of it, through which every request passes — and its Node.js process.
// Read from /proc (Linux); nothing elsewhere.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const label = (comm, args) => {
  if (comm === "workerd")
    return args.some((a) => a.startsWith("--inspect"))
      ? "workerd (the Worker)"
      : "workerd (wrangler's proxy)";
  if (comm === "MainThread" || comm === "node") return "wrangler (Node.js)";
  return comm;
};

const groupProcesses = (server) => {
  try {
    return execFileSync("ps", ["-ww", "-o", "pid=,comm=,args=", "-g", String(server.child.pid)], {
      encoding: "utf8",
    })
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter(([pid]) => pid)
      .map(([pid, comm, ...args]) => ({ pid: Number(pid), comm: label(comm, args) }));
  } catch {
    return [];
  }
};

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
  const byName = { "bench client": process.cpuUsage() };
  const out = { "bench client": (byName["bench client"].user + byName["bench client"].system) / 1e6 };
  for (const server of servers.filter(Boolean)) {
    for (const { pid, comm } of groupProcesses(server)) {
      const name = `${server.name}: ${comm}`;
      out[name] = (out[name] ?? 0) + cpuSecondsOf(pid);
    }
  }
  return out;
};

/** Starts counting; the returned function gives CPU-seconds per process since, and the wall time. */
export const cpuMeter = (servers) => {
  const before = snapshot(servers);
  const started = performance.now();
  return () => {
    const after = snapshot(servers);
    const wall = (performance.now() - started) / 1000;
    const perProcess = Object.fromEntries(
      Object.entries(after)
        .map(([name, s]) => [name, Math.round((s - (before[name] ?? 0)) * 100) / 100])
        .filter(([, s]) => s > 0.05)
        .sort((a, b) => b[1] - a[1]),
    );
    return { wallSeconds: Math.round(wall * 10) / 10, cpuSeconds: perProcess };
  };
};
