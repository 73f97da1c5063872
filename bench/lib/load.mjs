// A closed-loop load generator on node's own HTTP client: `connections` keep-alive sockets, each
// sending its next request as soon as the previous answer is read, for `seconds`. Throughput at a
// fixed concurrency, with the latency of every request.
import http from "node:http";

export const percentile = (sorted, p) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export const summary = (latencies) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (x) => (x === null ? null : Math.round(x * 10) / 10);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? null),
  };
};

const once = (agent, url, headers) =>
  new Promise((resolve) => {
    const req = http.get(url, { agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
      res.on("error", () => resolve(0));
    });
    req.on("error", () => resolve(0));
  });

/**
 * Runs the load; `target(i)` gives the i-th request's { url, headers } (so keys can rotate).
 * Returns requests per second, latency percentiles and the statuses that were not 2xx.
 */
export const closedLoop = async ({ target, connections, seconds }) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  const failures = {};
  let n = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const { url, headers } = target(n++);
      const t = performance.now();
      const status = await once(agent, url, headers);
      latencies.push(performance.now() - t);
      if (status < 200 || status >= 300) failures[status] = (failures[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const ok = latencies.length - Object.values(failures).reduce((a, b) => a + b, 0);
  return { rps: Math.round((ok / elapsed) * 10) / 10, ...summary(latencies), failures };
};
