// The bench's client side: JSON requests, seeded customers, orders and WebSocket watchers, all
// through the service's public API (only the customers come from the bench-only seeding path).
import { createHmac, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

export const makeClient = (base, { adminToken, benchSeed, simulatorSecret }) => {
  const request = async (path, { method = "GET", headers = {}, body } = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { "Content-Type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
  };
  const operator = { Authorization: `Bearer ${adminToken}` };

  /** `count` customers, each with `keys` API keys and `credit` minor units of demo credit. */
  const seedCustomers = async (count, credit, keys = 1) => {
    const all = [];
    while (all.length < count) {
      const { customers } = await request("/api/bench/seed", {
        method: "POST",
        headers: { Authorization: `Bearer ${benchSeed}` },
        body: { customers: Math.min(200, count - all.length), credit, keys },
      });
      all.push(
        ...customers.map((c) => ({
          ...c,
          auth: { Authorization: `Bearer ${c.key}` },
          // One header per key, for spreading a customer's requests over its keys' budgets.
          auths: c.keys.map((key) => ({ Authorization: `Bearer ${key}` })),
        })),
      );
    }
    return all;
  };

  const counts = () => request("/api/bench/counts", { headers: { Authorization: `Bearer ${benchSeed}` } });

  const setStock = (service, country, stock) =>
    request("/simulator/api/stock", { method: "POST", headers: operator, body: { service, country, stock } });

  const order = (customer, service, country) =>
    request("/api/v1/activations", { method: "POST", headers: customer.auth, body: { service, country } });

  /** The simulated upstream receives an SMS for `phone` and sends its signed webhook to the service. */
  const sendSms = async (phone, text) => {
    const res = await fetch(`${base}/simulator/sms`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...operator },
      body: JSON.stringify({ phone, text }),
    });
    const body = await res.text();
    if (res.status !== 202) return `HTTP ${res.status} ${body.slice(0, 200)}`;
    return JSON.parse(body).status === "delivered" ? null : body.slice(0, 200);
  };

  /** The upstream's reference for an activation (the operators' API shows it). */
  const upstreamRef = async (activation) =>
    (await request(`/admin/api/v1/activations/${activation.id}`, { headers: operator })).upstream.providerRef;

  /**
   * The provider's webhook itself, signed as the simulated upstream signs it (src/providers/simulator/
   * signature.ts: hex HMAC-SHA256 over `${timestamp}.${body}`): the service's side of an SMS alone,
   * without the simulator's own bookkeeping, which a real upstream does on its own machines.
   */
  const sendWebhook = async ({ ref, phone }, text) => {
    const body = JSON.stringify({
      messageId: `msg_bench_${randomUUID()}`,
      providerRef: ref,
      phone,
      text,
      receivedAt: new Date().toISOString(),
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = createHmac("sha256", simulatorSecret).update(`${timestamp}.${body}`).digest("hex");
    const res = await fetch(`${base}/webhooks/providers/simulator`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Sim-Timestamp": String(timestamp),
        "X-Sim-Signature": signature,
      },
      body,
    });
    const answer = await res.text();
    if (res.status !== 200) return `HTTP ${res.status} ${answer.slice(0, 200)}`;
    return JSON.parse(answer).delivered === 1 ? null : answer.slice(0, 200);
  };

  /**
   * A watcher as a careful client writes one: on a dropped connection it reconnects with ?after=<last
   * seq seen> and receives exactly what it missed. onSms(text, at) for every SMS event.
   */
  const watch = async (activation, customer, onSms) => {
    const url = `${base.replace("http", "ws")}/api/v1/activations/${activation.id}/live`;
    const watcher = { phone: activation.phone, lastSeq: null, reconnects: 0, closing: false, ws: null };
    const connect = () =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(watcher.lastSeq === null ? url : `${url}?after=${watcher.lastSeq}`, {
          headers: customer.auth,
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
          if (message.event.sms) onSms(message.event.sms.text, at, watcher);
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

  const closeAll = (watchers) => {
    for (const w of watchers) {
      w.closing = true;
      try {
        w.ws.close(1000, "done");
      } catch {
        // Already closed.
      }
    }
  };

  return {
    request,
    seedCustomers,
    counts,
    setStock,
    order,
    upstreamRef,
    sendSms,
    sendWebhook,
    watch,
    closeAll,
  };
};

/** Runs `tasks` (functions) with at most `limit` in flight; results in order. */
export const inPool = async (tasks, limit) => {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
};
