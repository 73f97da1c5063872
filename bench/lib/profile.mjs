// A CPU profile of the Worker while a load runs: V8's sampling profiler, reached through the
// runtime's inspector (Chrome DevTools Protocol: Profiler.start / Profiler.stop), summed by function
// and by package so the table can say where a request's time goes.

const connect = async (inspectorPort) => {
  // The inspector lists its targets over HTTP: the Worker ("core:user:<its name>") beside Miniflare's
  // own workers (the entry, the asset router, storage).
  let targets = [];
  for (let attempt = 0; attempt < 20 && targets.length === 0; attempt++) {
    try {
      targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const url = targets.find((t) => t.id.startsWith("core:user:"))?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${inspectorPort}`);
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error("inspector connection failed")), { once: true });
  });
  let nextId = 1;
  const pending = new Map();
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    if (message.id && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (m) =>
        m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result),
      );
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
};

// Which package or part of our code a frame belongs to, from its script URL.
const ownerOf = (url) => {
  if (!url) return "(runtime)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/src\/([^/]+)/.exec(url);
  if (ours) return `src/${ours[1]}`;
  return url.split("/").slice(-2).join("/");
};

/** Self time by function and by owner, in ms and as a share of all samples. */
const summarise = (profile, top) => {
  // Each sample's time is the delta to the next one (microseconds).
  const selfUs = new Map();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFunction = new Map();
  const byOwner = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = `${functionName || "(anonymous)"} ${ownerOf(url)}${url ? `:${lineNumber + 1}` : ""}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const owner = functionName === "(idle)" ? "(idle)" : ownerOf(url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  }
  const rows = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        ms: Math.round(us / 100) / 10,
        share: Math.round((us / total) * 1000) / 10,
      }));
  return { sampledMs: Math.round(total / 1000), byOwner: rows(byOwner), byFunction: rows(byFunction) };
};

/** Profiles the Worker while `work()` runs; returns work's result and the profile's summary. */
export const profileWhile = async (inspectorPort, work, { top = 15 } = {}) => {
  const inspector = await connect(inspectorPort);
  try {
    await inspector.send("Profiler.enable");
    await inspector.send("Profiler.setSamplingInterval", { interval: 200 });
    await inspector.send("Profiler.start");
    const result = await work();
    const { profile } = await inspector.send("Profiler.stop");
    return { result, profile: summarise(profile, top) };
  } finally {
    inspector.close();
  }
};
