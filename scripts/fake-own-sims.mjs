// Own SIMs without owning any: a fake Android phone running SMS Gateway for Android ("phones") and a
// fake SIM bank speaking the SMSHUB agent protocol ("simbank"), the same fakes the tests use, as
// local processes on loopback (free ports, or PHONE_PORT / AGENT_PORT).
//   npm run fake-own-sims -- --hub http://127.0.0.1:8787
// Prints the PROVIDERS value and secrets to start SMSPROF with, and the `sims add` commands for the
// phone's two SIMs. Then:
//   curl -X POST http://127.0.0.1:<phone port>/sms -d '{"slot":1,"from":"Telegram","text":"Telegram code 12345"}'
//   curl -X POST http://127.0.0.1:<agent port>/__sms -d '{"phone":447400111222,"phoneFrom":"Telegram","text":"code 67890"}'
// The phone signs each webhook as the app does, pings every PING_SECONDS (default 30) and retries a
// refused delivery after 10 s, 20 s, 40 s…; the agent re-sends a PUSH_SMS every 10 s until it reads
// {"status":"SUCCESS"}, both as their protocols say.
import { createServer } from "node:http";
import { FakeAndroidGateway } from "../test/fakes/android-gateway.ts";
import { fakeSmshubAgent } from "../test/fakes/smshub-agent.ts";

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const hub = (arg("hub") ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
const SIGNING_KEY = "demo-phones-signing-key";
const AGENT_KEY = "demo-simbank-key";
const PHONE_SIMS = ["+447400900101", "+447400900102"];
const AGENT_SIMS = [447400111222, 447400111223];

const say = (...parts) => console.log(new Date().toISOString(), ...parts);

const readRequest = async (req, origin) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  return new Request(`${origin}${req.url}`, {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])),
    body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
  });
};

const serve = (port, handle) =>
  new Promise((resolve) => {
    const server = createServer(async (req, res) => {
      const response = await handle(await readRequest(req, "http://127.0.0.1"));
      const bytes = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(bytes);
    });
    server.listen(port, "127.0.0.1", () => resolve(server.address().port));
  });

/** POSTs until `done(answer)`, waiting `delay(n)` ms before attempt n + 1 (the sender's own policy). */
const deliverUntil = async (label, send, done, delay) => {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await send();
      const text = await res.text();
      say(`${label} → ${res.status} ${text.slice(0, 160)}`);
      if (done(res, text)) return;
    } catch (error) {
      say(`${label} → ${error.cause?.code ?? error.message}`);
    }
    await new Promise((r) => setTimeout(r, delay(attempt)));
  }
};

// ── the phone ─────────────────────────────────────────────────────────────────────────────────────
const phone = new FakeAndroidGateway({
  signingKey: SIGNING_KEY,
  deviceId: "ffffffffdeadbeef0000019a00000001",
});
const webhook = `${hub}/webhooks/providers/phones`;
const toHub = (delivery, label) =>
  deliverUntil(
    label,
    () => fetch(webhook, { method: "POST", headers: delivery.headers, body: delivery.body }),
    (res) => res.ok,
    (n) => 10_000 * 2 ** n,
  );
const ping = async () => toHub(await phone.ping(), "phone system:ping");
const phonePort = await serve(Number(process.env.PHONE_PORT ?? 0), async (request) => {
  const url = new URL(request.url);
  if (request.method === "POST" && url.pathname === "/sms") {
    const { slot, from, text } = await request.json();
    const delivery = await phone.smsReceived({ simNumber: slot ?? null, from: from ?? "+15550001", text });
    toHub(delivery, `phone sms:received on SIM ${slot}`);
    return Response.json({ sent: true, body: JSON.parse(delivery.body) });
  }
  if (request.method === "POST" && url.pathname === "/ping") {
    await ping();
    return Response.json({ pinged: true });
  }
  return new Response("POST /sms {slot, from, text} or POST /ping", { status: 404 });
});
setInterval(ping, Number(process.env.PING_SECONDS ?? 30) * 1000);

// ── the SIM bank ──────────────────────────────────────────────────────────────────────────────────
const agentPort = await serve(Number(process.env.AGENT_PORT ?? 0), async (request) => {
  const url = new URL(request.url);
  const answer = await fakeSmshubAgent(request);
  if (url.pathname === "/__sms" && answer.ok) {
    // The fake builds the PUSH_SMS; this process sends it, gzipped as the protocol asks.
    const push = await answer.json();
    const gz = await new Response(
      new Blob([JSON.stringify(push)]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer();
    deliverUntil(
      `agent PUSH_SMS ${push.smsId}`,
      () =>
        fetch(`${hub}/webhooks/providers/simbank`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "User-Agent": "fake-agent/1",
          },
          body: gz,
        }),
      (_res, text) => text.includes('"SUCCESS"'),
      () => 10_000,
    );
    return Response.json({ pushed: push });
  }
  if (!url.pathname.startsWith("/__")) say(`agent ← ${request.method} ${url.pathname} → ${answer.status}`);
  return answer;
});
const control = (path, body) =>
  fetch(`http://127.0.0.1:${agentPort}${path}`, { method: "POST", body: JSON.stringify(body) });
await control("/__reset", { key: AGENT_KEY });
await control("/__sims", {
  country: "england",
  sims: AGENT_SIMS.map((p) => ({ phone: p, operator: "any", services: ["tg", "wa"] })),
});

const providers = [
  { name: "simulator", kind: "simulator" },
  { name: "phones", kind: "android-sms-gateway", cost: 20 },
  { name: "simbank", kind: "smshub-agent", baseUrl: `http://127.0.0.1:${agentPort}/smshub`, cost: 25 },
];
console.log(
  `phone (SMS Gateway for Android) control on http://127.0.0.1:${phonePort}, device ${phone.deviceId}`,
);
console.log(`simbank (SMSHUB agent) on http://127.0.0.1:${agentPort}/smshub, SIMs ${AGENT_SIMS.join(", ")}`);
console.log("\nStart SMSPROF against them with:\n");
console.log(
  `PROVIDERS='${JSON.stringify(providers)}' PROVIDER_PHONES_SIGNING_KEY=${SIGNING_KEY} PROVIDER_SIMBANK_KEY=${AGENT_KEY} npm start\n`,
);
console.log("then register the phone's SIMs:\n");
PHONE_SIMS.forEach((number, i) => {
  console.log(`npm run ops -- sims add phones --phone ${number} --device ${phone.deviceId} --slot ${i + 1}`);
});
console.log("");
await ping();
