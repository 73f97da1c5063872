// The fake upstreams as local HTTP servers, for trying SMSPROF against "real" upstreams without
// any: one sms-activate-protocol upstream that pushes webhooks ("hero") and one 5sim ("five"), the
// same fakes the tests use. Loopback only, on free ports (or HERO_PORT / FIVE_PORT).
//   npm run fake-upstreams -- --webhook http://127.0.0.1:8787/webhooks/providers/hero/<token>
// Prints the PROVIDERS value and secrets to start the service with. To make an SMS arrive:
//   curl -X POST http://127.0.0.1:<hero port>/__sms -d '{"id":"<activation id>","text":"Code 12345"}'
//   curl -X POST http://127.0.0.1:<five port>/__sms -d '{"id":"<order id>","text":"Code 12345"}'
// and stock offers with POST /__offer (see each fake's header).
import { createServer } from "node:http";
import { createFiveSimFake } from "../test/fakes/fivesim.ts";
import { createSmsActivateFake } from "../test/fakes/sms-activate.ts";

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const HERO_KEY = "demo-hero-key";
const FIVE_TOKEN = "demo-five-token";
const webhookUrl = arg("webhook");

const hero = createSmsActivateFake({ host: "hero", apiKey: HERO_KEY, profile: "default", webhookUrl });
const five = createFiveSimFake({ host: "five", token: FIVE_TOKEN });

const serve = (handle, port) =>
  new Promise((resolve) => {
    const server = createServer(async (req, res) => {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])),
        body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
      });
      const response = await handle(request);
      const text = await response.text();
      console.log(
        `${new Date().toISOString()} ${req.method} ${req.url} → ${response.status} ${text.slice(0, 120)}`,
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(text);
    });
    server.listen(port, "127.0.0.1", () => resolve(server.address().port));
  });

// Something to sell from the start: Telegram in the UK, cheaper at hero than at five.
const stock = async (url, body) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`could not stock ${url}: ${res.status}`);
};

const heroPort = await serve((r) => hero.handle(r), Number(process.env.HERO_PORT ?? 0));
const fivePort = await serve((r) => five.handle(r), Number(process.env.FIVE_PORT ?? 0));
await stock(`http://127.0.0.1:${heroPort}/__offer`, { service: "tg", country: 16, cost: 0.3, count: 5 });
await stock(`http://127.0.0.1:${fivePort}/__offer`, {
  country: "england",
  product: "telegram",
  cost: 0.35,
  count: 5,
});

const providers = [
  { name: "hero", kind: "sms-activate", baseUrl: `http://127.0.0.1:${heroPort}/stubs/handler_api.php` },
  { name: "five", kind: "5sim", baseUrl: `http://127.0.0.1:${fivePort}/v1`, pollSeconds: 5 },
];
console.log(
  `hero (sms-activate protocol) on http://127.0.0.1:${heroPort}, webhooks to ${webhookUrl ?? "(none: pass --webhook)"}`,
);
console.log(`five (5sim) on http://127.0.0.1:${fivePort}/v1`);
console.log("\nStart SMSPROF against them with:\n");
console.log(
  `PROVIDERS='${JSON.stringify(providers)}' PROVIDER_HERO_KEY=${HERO_KEY} PROVIDER_HERO_WEBHOOK_TOKEN=<the token in --webhook> PROVIDER_FIVE_KEY=${FIVE_TOKEN} npm start\n`,
);
