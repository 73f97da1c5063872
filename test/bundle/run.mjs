// The Worker as it is bundled, where the bundle differs from what vitest runs (the source, with every
// library whole): wrangler.toml's [alias] leaves out the Stripe SDK's unused API resources
// (src/billing/stripe-left-out.ts) and zod's JSON Schema writer (src/lib/zod-to-json-schema.ts).
// `wrangler dev` bundles as a deploy does, so this starts the service as `npm start` does (a free port,
// fresh local state) with Stripe pointed at the fake of ../billing/fake-stripe-api.ts, served on a
// loopback port, and walks every Stripe call the Worker makes: create (and its idempotency error),
// retrieve, list (a charge event for a session the Worker has not seen) and webhook signatures, good
// and bad; then the OpenAPI document and a validation failure, which read zod's schemas. Run with
// `npm run test:bundle`.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Stripe from "stripe";
import { freePort } from "../../scripts/lib/free-port.mjs";
import { fakeStripeApi } from "../billing/fake-stripe-api.ts";

const OUT = "test-output/bundle";
const START_TIMEOUT_MS = 180_000;
const WEBHOOK_SECRET = `whsec_bundle_${crypto.randomUUID().slice(0, 8)}`;
const PASSWORD = "purple-otter-lantern-42";

// The fake answers Requests (it runs behind the vitest pool's outbound handler); here node:http carries them.
const fake = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const answer = await fakeStripeApi(
    new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
    }),
  );
  res.writeHead(answer.status, Object.fromEntries(answer.headers));
  res.end(Buffer.from(await answer.arrayBuffer()));
});

let FAKE = "";
let BASE = "";
let server = null;
const state = mkdtempSync(join(tmpdir(), "smsprof-bundle-"));

const stopServer = (signal = "SIGTERM") => {
  if (!server?.pid || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, signal); // npm start → wrangler → workerd: the whole group
  } catch {}
};
process.on("exit", () => stopServer("SIGKILL"));

const healthy = async () => {
  try {
    return (await fetch(`${BASE}/api/health`)).ok;
  } catch {
    return false;
  }
};

before(async () => {
  await new Promise((resolve) => fake.listen(0, "127.0.0.1", resolve));
  FAKE = `http://127.0.0.1:${fake.address().port}`;
  const port = await freePort();
  BASE = `http://localhost:${port}`;
  mkdirSync(OUT, { recursive: true });
  const log = createWriteStream(join(OUT, "server.log"));
  server = spawn("node", ["scripts/dev.mjs"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      PERSIST_TO: state,
      EXTRA_VARS: `STRIPE_SECRET_KEY:sk_test_fake STRIPE_API_BASE:${FAKE} STRIPE_WEBHOOK_SECRET:${WEBHOOK_SECRET}`,
    },
  });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The service exited early; see ${OUT}/server.log`);
    if (await healthy()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The service did not answer in time; see ${OUT}/server.log`);
});

after(() => {
  stopServer();
  fake.close();
  rmSync(state, { recursive: true, force: true });
});

const signedUp = async () => {
  const email = `bundle-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const signup = await fetch(`${BASE}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: BASE },
    body: JSON.stringify({ email, password: PASSWORD, acceptTerms: true, confirmAdult: true }),
  });
  assert.equal(signup.status, 201, await signup.clone().text());
  return {
    "Content-Type": "application/json",
    Origin: BASE,
    Cookie: signup.headers.get("set-cookie").split(";")[0],
  };
};

const startCheckout = (auth, amount, key) =>
  fetch(`${BASE}/api/v1/billing/checkout`, {
    method: "POST",
    headers: { ...auth, "Idempotency-Key": key },
    body: JSON.stringify({ amount }),
  });

const pay = async (sessionId) => (await fetch(`${FAKE}/__pay/${sessionId}`, { method: "POST" })).json();

const balance = async (auth) =>
  (await (await fetch(`${BASE}/api/v1/billing/balance`, { headers: auth })).json()).available;

const deliver = async (type, object, secret = WEBHOOK_SECRET) => {
  const payload = JSON.stringify({
    id: `evt_${crypto.randomUUID().replaceAll("-", "")}`,
    object: "event",
    type,
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    data: { object },
  });
  const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret,
    cryptoProvider: Stripe.createSubtleCryptoProvider(),
  });
  return fetch(`${BASE}/webhooks/stripe`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Stripe-Signature": signature },
    body: payload,
  });
};

test("a card top-up: create, a reused key refused, retrieve credits, a signed event is taken", async () => {
  const auth = await signedUp();
  const started = await startCheckout(auth, 1000, "bundle-1");
  assert.equal(started.status, 200, await started.clone().text());
  const { url, sessionId } = await started.json();
  assert.match(url, /^https:\/\/checkout\.stripe\.com\//);

  const reused = await startCheckout(auth, 2000, "bundle-1");
  assert.equal(reused.status, 409); // the SDK's StripeIdempotencyError, recognised in the bundle
  assert.equal((await reused.json()).error.code, "IDEMPOTENCY_KEY_REUSED");

  const session = await pay(sessionId);
  const status = await fetch(`${BASE}/api/v1/billing/checkout/${sessionId}`, { headers: auth });
  assert.equal(status.status, 200);
  assert.equal((await status.json()).status, "credited");
  assert.equal(await balance(auth), 1000);

  const completed = await deliver("checkout.session.completed", session);
  assert.equal(completed.status, 200, await completed.clone().text());
  assert.equal(await balance(auth), 1000); // once only

  const forged = await deliver("checkout.session.completed", session, "whsec_someone_else");
  assert.equal(forged.status, 400);
  assert.equal((await forged.json()).error.code, "BAD_SIGNATURE");
});

test("a refund for a session the Worker has not seen: it lists the session, credits, then refunds", async () => {
  const auth = await signedUp();
  const started = await startCheckout(auth, 600, "bundle-2");
  assert.equal(started.status, 200, await started.clone().text());
  const session = await pay((await started.json()).sessionId);
  const refunded = await deliver("charge.refunded", {
    id: `ch_${crypto.randomUUID().replaceAll("-", "")}`,
    object: "charge",
    payment_intent: session.payment_intent,
    amount: 600,
    amount_refunded: 200,
    currency: "usd",
  });
  assert.equal(refunded.status, 200, await refunded.clone().text());
  assert.equal(await balance(auth), 400);

  const received = await (await fetch(`${FAKE}/__received`)).json();
  assert.ok(
    received.some((r) => r.method === "GET" && r.path.startsWith("/v1/checkout/sessions?payment_intent=")),
    "the Worker listed the session by its payment intent",
  );
});

test("zod as bundled: the OpenAPI document keeps every constraint, a bad body gets its field paths", async () => {
  const res = await fetch(`${BASE}/api/v1/openapi.json`);
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.equal(doc.openapi, "3.1.0");
  const body = (path) => doc.paths[path].post.requestBody.content["application/json"].schema;
  // Checks summarised by zod's own code (the part of its JSON Schema module the bundle keeps).
  assert.deepEqual(body("/api/v1/billing/checkout").properties.amount.type, "integer");
  assert.equal(body("/api/v1/billing/checkout").properties.amount.exclusiveMinimum, 0);
  const signup = body("/api/v1/auth/signup").properties;
  assert.equal(signup.email.format, "email");
  assert.equal(signup.password.minLength, 10);
  assert.equal(signup.password.maxLength, 1024);

  const bad = await fetch(`${BASE}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: BASE },
    body: JSON.stringify({ email: "nope", password: 1 }),
  });
  assert.equal(bad.status, 400);
  const { error } = await bad.json();
  assert.equal(error.code, "VALIDATION_FAILED");
  assert.deepEqual(
    error.details.map((d) => d.path),
    ["email", "password", "acceptTerms", "confirmAdult"],
  );
});
