// Test mode: sk_test_ keys belong to the customer's linked test account (its own users row, $100 of
// play money through the ledger), and their orders go to the in-process test provider. The checks:
// a test key rents and receives a code on the shared code paths (REST and handler_api.php) with the
// real balance and ledger untouched and no upstream called; each magic service; the reset; and
// the test account's absence from the real account's statement, the operators' figures and the
// providers' success rates; a deployment with the simulator off and no upstream enabled; export and
// erasure with the real account.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createActivation } from "../../src/activations/order";
import type { ActivationView } from "../../src/activations/view";
import { statsSince } from "../../src/admin/books";
import { createDb } from "../../src/db/client";
import { routeOutcomes } from "../../src/providers/success";
import { sweepProviders } from "../../src/providers/sweep";
import { MAGIC_PRICE, TEST_PROVIDER, TEST_SMS_DELAY_MS } from "../../src/providers/test-mode";
import { act, customer, get, order, room } from "../activations/helpers";
import { handler } from "../api/helpers";
import { FAKE_UPSTREAM_LOG_HOST } from "../fakes/hosts";
import type { LoggedUpstreamRequest } from "../fakes/upstream";
import { sim } from "../providers/helpers";
import { DRIVERS, syncCatalogNow } from "../providers/upstreams";
import { call, json, OPERATOR } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import {
  behave,
  fireOutbox,
  receivedAt,
  receiverPath,
  register,
  verifyStandardWebhook,
} from "../webhooks/helpers";
import { browser, count, signUp } from "./helpers";

// Only this file sells here: the simulator steps aside and the fake upstream "hero" (sms-activate
// protocol) is the one route, so a real order of tg here reaches it over HTTP and shows in its log.
const VN = 10;

beforeAll(async () => {
  await seedCatalogForTests(env);
  const hero = DRIVERS.find((d) => d.name === "hero");
  if (!hero) throw new Error("the pool must configure hero");
  expect((await sim("/api/stock", { service: "tg", country: VN, stock: 0 })).status).toBe(200);
  await hero.stock("tg", VN, 30, 10);
  await syncCatalogNow();
}, 60_000);

/** The fake upstreams' protocol requests that rent a number in VN: only this file makes them. */
const rentalsAskedInVN = async () => {
  const log = (await (await fetch(`http://${FAKE_UPSTREAM_LOG_HOST}/`)).json()) as LoggedUpstreamRequest[];
  return log.filter(
    (r) => /action=getNumber/.test(r.query) && new URLSearchParams(r.query).get("country") === `${VN}`,
  ).length;
};

type Balance = { available: number; held: number; currency: string };

/** A signed-up customer with a test key made through the dashboard's API. */
const testCustomer = async () => {
  const person = await signUp();
  const res = await call(
    "/api/v1/keys",
    browser("POST", { cookie: person.cookie, body: { name: "ci", test: true } }),
  );
  expect(res.status, await res.clone().text()).toBe(201);
  const created = (await res.json()) as { id: string; key: string; test: boolean; prefix: string };
  const auth = { Authorization: `Bearer ${created.key}` };
  return { ...person, created, auth };
};

const testBalance = async (auth: Record<string, string>) => {
  const res = await call("/api/v1/billing/test-balance", { headers: auth });
  expect(res.status).toBe(200);
  return (await res.json()) as Balance;
};

const realLedger = async (userId: string) => ({
  entries: await count("ledger_entries", "user_id = ?", userId),
  holds: await count("holds", "user_id = ?", userId),
  balance: await env.DB.prepare("SELECT available, held FROM users WHERE id = ?").bind(userId).first(),
});

// The simulated upstream's own records: a test order must leave them untouched.
const upstreamRecords = async () => ({
  rentals: await count("sim_rentals"),
  messages: await count("sim_messages"),
});

const orderTest = async (auth: { Authorization: string }, service: string, country = 0) => {
  const res = await order(auth, { service, country });
  return { status: res.status, body: (await res.json()) as ActivationView & { error?: { code: string } } };
};

const testAccountOf = async (userId: string) =>
  (await env.DB.prepare("SELECT id FROM users WHERE test_of = ?").bind(userId).first<{ id: string }>())?.id;

describe("test keys", () => {
  it("are sk_test_ + 24 letters and digits (32 characters), listed as test keys, and start a $100 test account", async () => {
    const { cookie, userId, created, auth } = await testCustomer();
    expect(created.key).toMatch(/^sk_test_[A-Za-z0-9]{24}$/);
    expect(created.test).toBe(true);
    const list = (await (await call("/api/v1/keys", browser("GET", { cookie }))).json()) as {
      keys: { id: string; test: boolean }[];
    };
    expect(list.keys).toEqual([expect.objectContaining({ id: created.id, test: true })]);

    // The key authenticates as the linked test account, not as the customer.
    const testId = await testAccountOf(userId);
    expect(testId).toMatch(/^usr_/);
    expect(testId).not.toBe(userId);
    const me = await call("/api/v1/billing/balance", { headers: auth });
    expect(await me.json()).toEqual({ available: 10_000, held: 0, currency: "USD" });
    // The customer's own balance shows no play money; the dashboard reads the test balance apart.
    const own = await call("/api/v1/billing/balance", browser("GET", { cookie }));
    expect(await own.json()).toMatchObject({ available: 0, held: 0 });
    expect(await testBalance({ cookie })).toEqual({ available: 10_000, held: 0, currency: "USD" });

    // A second test key joins the same test account; it starts no second $100.
    await call("/api/v1/keys", browser("POST", { cookie, body: { name: "ci2", test: true } }));
    expect(await count("users", "test_of = ?", userId)).toBe(1);
    expect(await count("ledger_entries", "user_id = ?", testId)).toBe(1);
  });

  it("can be revoked from the dashboard like any key", async () => {
    const { cookie, created, auth } = await testCustomer();
    const res = await call(`/api/v1/keys/${created.id}`, browser("DELETE", { cookie }));
    expect(res.status).toBe(200);
    expect((await call("/api/v1/billing/balance", { headers: auth })).status).toBe(401);
  });

  it("stop working when the customer deletes the account", async () => {
    const { cookie, password, auth } = await testCustomer();
    const res = await call(
      "/api/v1/me/delete",
      browser("POST", { cookie, body: { password, confirm: "DELETE" } }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await call("/api/v1/billing/balance", { headers: auth })).status).toBe(401);
  });

  it("cannot top up: real money never enters a test account", async () => {
    const { auth } = await testCustomer();
    const res = await call("/api/v1/billing/demo-topup", json({ amount: 500 }, auth));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "TEST_MODE" } });
    const checkout = await call("/api/v1/billing/checkout", json({ amount: 500 }, auth));
    expect(checkout.status).toBe(403);
  });
});

describe("a test order", () => {
  it("rents and receives a code with no real money moved and no upstream called", async () => {
    const { userId, auth } = await testCustomer();
    const realBefore = await realLedger(userId);
    const upstreamBefore = await upstreamRecords();

    const { status, body } = await orderTest(auth, "tg");
    expect(status).toBe(201);
    const view = await get(auth, body.id);
    expect(view).toMatchObject({ status: "received", charged: true });
    expect(view.code).toMatch(/^\d{5}$/);
    expect(view.price).toBeGreaterThan(0);

    const row = await env.DB.prepare("SELECT provider, user_id FROM activations WHERE id = ?")
      .bind(body.id)
      .first<{ provider: string; user_id: string }>();
    expect(row).toEqual({ provider: TEST_PROVIDER, user_id: await testAccountOf(userId) });
    expect(await testBalance(auth)).toMatchObject({ available: 10_000 - view.price, held: 0 });
    expect(await realLedger(userId)).toEqual(realBefore);
    expect(await upstreamRecords()).toEqual(upstreamBefore);
  });

  it("sends the test account's signed webhooks like any order", async () => {
    const { auth } = await testCustomer();
    const path = receiverPath();
    const endpoint = await register(auth, path);
    await orderTest(auth, "test_code");
    expect(await fireOutbox(endpoint.id)).toBe(true);
    const got = await receivedAt(path);
    for (const r of got) expect(await verifyStandardWebhook(endpoint.secret, r)).toBe(true);
    expect(got.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual([
      "activation.created",
      "activation.sms_received",
    ]);
  });

  it("has its failing webhook endpoint disabled with the email going to the real account's owner", async () => {
    const { email, auth } = await testCustomer();
    const path = receiverPath();
    const endpoint = await register(auth, path, ["activation.created"]);
    await behave(path, { status: 500 });
    await orderTest(auth, "test_nosms");
    expect(await fireOutbox(endpoint.id)).toBe(true);
    await env.DB.prepare("UPDATE webhook_endpoints SET failing_since = ? WHERE id = ?")
      .bind(Date.now() - 6 * 24 * 3_600_000, endpoint.id)
      .run();
    expect(await fireOutbox(endpoint.id)).toBe(true);
    const mail = await env.DB.prepare(
      "SELECT subject, body FROM email_outbox WHERE to_address = ? AND subject LIKE '%endpoint was disabled'",
    )
      .bind(email)
      .first<{ subject: string; body: string }>();
    expect(mail?.body).toContain(endpoint.id);
    expect(await count("email_outbox", "to_address LIKE '%@test-mode.invalid'")).toBe(0);
  });

  it("works through handler_api.php with the same key", async () => {
    const { userId, created } = await testCustomer();
    const upstreamBefore = await upstreamRecords();
    const got = await handler({ api_key: created.key, action: "getNumber", service: "wa", country: 0 });
    const m = /^ACCESS_NUMBER:(\d+):(\d+)$/.exec(got.text);
    expect(m, got.text).not.toBeNull();
    const status = await handler({ api_key: created.key, action: "getStatus", id: m?.[1] ?? "" });
    expect(status.text).toMatch(/^STATUS_OK:\d{6}$/);
    expect(await realLedger(userId)).toMatchObject({ entries: 0, holds: 0 });
    expect(await upstreamRecords()).toEqual(upstreamBefore);
  });
});

describe("a test account's orders", () => {
  it("never reach an upstream: the pair a live key rents from the fake upstream, a test key rents in-process", async () => {
    const live = await customer();
    const before = await rentalsAskedInVN();
    const real = await order(live.auth, { service: "tg", country: VN });
    expect(real.status, await real.clone().text()).toBe(201);
    const realId = ((await real.json()) as ActivationView).id;
    const realRow = await env.DB.prepare("SELECT provider FROM activations WHERE id = ?")
      .bind(realId)
      .first<{ provider: string }>();
    expect(realRow?.provider).toBe("hero");
    // The control: the real order asked the fake upstream for a number, over HTTP.
    expect(await rentalsAskedInVN()).toBe(before + 1);

    const { auth } = await testCustomer();
    const upstreamBefore = await upstreamRecords();
    const { status, body } = await orderTest(auth, "tg", VN);
    expect(status).toBe(201);
    expect(await get(auth, body.id)).toMatchObject({ status: "received", code: expect.any(String) });
    const row = await env.DB.prepare("SELECT provider FROM activations WHERE id = ?")
      .bind(body.id)
      .first<{ provider: string }>();
    expect(row?.provider).toBe(TEST_PROVIDER);
    expect(await rentalsAskedInVN()).toBe(before + 1);
    expect(await upstreamRecords()).toEqual(upstreamBefore);
  });

  it("are served where the simulator is off and no upstream is enabled (production with nothing configured)", async () => {
    const { userId, created } = await testCustomer();
    const testId = (await testAccountOf(userId)) ?? "";
    const production = {
      ...env,
      SIMULATOR_ENABLED: "false",
      PROVIDERS: JSON.stringify([{ name: "simulator", kind: "simulator", enabled: false }]),
    };
    const user = { id: testId, email: "x@example.com", emailVerified: true, frozen: false, test: true };
    const actor = { env: production, db: createDb(env.DB), user };
    const now = await createActivation(actor, { service: "test_code", country: 0 });
    const auth = { Authorization: `Bearer ${created.key}` };
    expect(await get(auth, now.id)).toMatchObject({ status: "received", code: expect.any(String) });
    const later = await createActivation(actor, { service: "test_delay", country: 0 });
    await sweepProviders(production, Date.now() + TEST_SMS_DELAY_MS);
    expect(await get(auth, later.id)).toMatchObject({ status: "received", code: expect.any(String) });
    // The same configuration leaves a real account nothing to rent from.
    const real = { ...user, id: userId, test: false };
    await expect(
      createActivation({ ...actor, user: real }, { service: "tg", country: 0 }),
    ).rejects.toMatchObject({ code: "NO_NUMBERS" });
  });

  it("never count in the operators' figures or the providers' success rates", async () => {
    const db = createDb(env.DB);
    const { auth } = await testCustomer();
    const statsBefore = await statsSince(db, 0);
    const ratesBefore = await routeOutcomes(db, Date.now());
    const httpBefore = await (await call("/admin/api/v1/stats?days=1", { headers: OPERATOR })).json();
    for (const service of ["tg", "test_code"]) {
      const { body } = await orderTest(auth, service);
      expect((await act(auth, body.id, "finish")).status).toBe(200);
    }
    const { body: expired } = await orderTest(auth, "test_nosms");
    expect(await runDurableObjectAlarm(room(expired.id))).toBe(true);

    expect({ ...(await statsSince(db, 0)), since: null }).toEqual({ ...statsBefore, since: null });
    expect(await routeOutcomes(db, Date.now())).toEqual(ratesBefore);
    const httpAfter = await (await call("/admin/api/v1/stats?days=1", { headers: OPERATOR })).json();
    expect({ ...(httpAfter as object), since: null }).toEqual({ ...(httpBefore as object), since: null });
  });

  it("stop with the owner's restriction of processing", async () => {
    const { cookie, auth } = await testCustomer();
    const restrict = await call(
      "/api/v1/me/restriction",
      browser("POST", { cookie, body: { restricted: true } }),
    );
    expect(restrict.status).toBe(200);
    const { status, body } = await orderTest(auth, "test_code");
    expect(status).toBe(403);
    expect(body.error?.code).toBe("PROCESSING_RESTRICTED");
  });

  it("belong to an account operators see marked as the customer's test account", async () => {
    const { userId } = await testCustomer();
    const testId = await testAccountOf(userId);
    const res = await call(`/admin/api/v1/users/${testId}`, { headers: OPERATOR });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { id: testId, testOf: userId } });
    const own = await call(`/admin/api/v1/users/${userId}`, { headers: OPERATOR });
    expect(await own.json()).toMatchObject({ user: { id: userId, testOf: null } });
  });
});

describe("the customer's data", () => {
  it("export holds the test account's keys and orders in a part of their own", async () => {
    const { cookie, userId, created, auth } = await testCustomer();
    const { body } = await orderTest(auth, "test_code");
    const res = await call("/api/v1/me/export", browser("GET", { cookie }));
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      tables: Record<string, { id: string }[]>;
      testMode: {
        account: { id: string; balance: Balance };
        tables: Record<string, { id: string }[]>;
        rooms: { activationId: string }[];
      } | null;
    };
    expect(doc.testMode?.account).toMatchObject({ id: await testAccountOf(userId), balance: { held: 0 } });
    expect(doc.testMode?.tables.api_keys?.map((k) => k.id)).toEqual([created.id]);
    expect(doc.testMode?.tables.activations?.map((a) => a.id)).toEqual([body.id]);
    expect(doc.testMode?.rooms.map((r) => r.activationId)).toEqual([body.id]);
    // The real account's part has none of it.
    expect(doc.tables.api_keys?.map((k) => k.id) ?? []).not.toContain(created.id);
    expect(doc.tables.activations ?? []).toEqual([]);

    const plain = await signUp();
    const none = await call("/api/v1/me/export", browser("GET", { cookie: plain.cookie }));
    expect(((await none.json()) as { testMode: unknown }).testMode).toBeNull();
  });

  it("erasure takes the test account with it, the same way: keys, endpoints, SMS, its play money", async () => {
    const { cookie, password, userId, auth } = await testCustomer();
    const testId = (await testAccountOf(userId)) ?? "";
    await register(auth, receiverPath());
    const { body } = await orderTest(auth, "test_code");
    expect((await act(auth, body.id, "finish")).status).toBe(200);
    // A live test number stops the erasure like a live real one.
    const { body: live } = await orderTest(auth, "test_nosms");
    const refused = await call(
      "/api/v1/me/delete",
      browser("POST", { cookie, body: { password, confirm: "DELETE" } }),
    );
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: "ACTIVE_ACTIVATIONS" } });
    expect((await call("/api/v1/billing/balance", { headers: auth })).status).toBe(200);
    expect(await runDurableObjectAlarm(room(live.id))).toBe(true);

    const res = await call(
      "/api/v1/me/delete",
      browser("POST", { cookie, body: { password, confirm: "DELETE" } }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const test = await env.DB.prepare("SELECT email, deleted_at, available, held FROM users WHERE id = ?")
      .bind(testId)
      .first<{ email: string; deleted_at: number | null; available: number; held: number }>();
    expect(test).toMatchObject({ email: `erased+${testId}@invalid`, available: 0, held: 0 });
    expect(test?.deleted_at).toEqual(expect.any(Number));
    expect(await count("api_keys", "user_id = ?", testId)).toBe(0);
    expect(await count("webhook_endpoints", "user_id = ?", testId)).toBe(0);
    expect(
      await count("sms_messages", "activation_id = ? AND (text IS NOT NULL OR code IS NOT NULL)", body.id),
    ).toBe(0);
    // Kept for the books like the real account's, tied to an id that leads to no one.
    expect(await count("ledger_entries", "user_id = ?", testId)).toBeGreaterThan(0);
    expect(await count("erasure_jobs", "user_id = ? AND finished_at IS NOT NULL", testId)).toBe(1);
    expect((await call("/api/v1/billing/balance", { headers: auth })).status).toBe(401);
  });
});

describe("magic services", () => {
  it("test_code: the code is there at once, at the magic price", async () => {
    const { auth } = await testCustomer();
    const { status, body } = await orderTest(auth, "test_code", 16);
    expect(status).toBe(201);
    expect(body.price).toBe(MAGIC_PRICE);
    expect(await get(auth, body.id)).toMatchObject({ status: "received", code: expect.any(String) });
  });

  it("test_delay: no code at first, then one from the first cron run past the delay", async () => {
    const { auth } = await testCustomer();
    const { body } = await orderTest(auth, "test_delay");
    expect(await get(auth, body.id)).toMatchObject({ status: "waiting", code: null });
    await sweepProviders(env, Date.now() + 1_000);
    expect(await get(auth, body.id)).toMatchObject({ status: "waiting" });
    await sweepProviders(env, Date.now() + TEST_SMS_DELAY_MS);
    expect(await get(auth, body.id)).toMatchObject({ status: "received", code: expect.any(String) });
    // A later run finds nothing more to send.
    await sweepProviders(env, Date.now() + 2 * TEST_SMS_DELAY_MS);
    expect((await get(auth, body.id)).sms).toHaveLength(1);
  });

  it("test_nosms: no SMS until the window ends; the hold goes back", async () => {
    const { auth } = await testCustomer();
    const { body } = await orderTest(auth, "test_nosms");
    expect(await testBalance(auth)).toMatchObject({ available: 10_000 - MAGIC_PRICE, held: MAGIC_PRICE });
    await sweepProviders(env, Date.now() + 2 * TEST_SMS_DELAY_MS);
    expect(await runDurableObjectAlarm(room(body.id))).toBe(true);
    expect(await get(auth, body.id)).toMatchObject({ status: "expired", charged: false, code: null });
    expect(await testBalance(auth)).toMatchObject({ available: 10_000, held: 0 });
  });

  it("test_nonum and test_error: the errors a real upstream gives, nothing charged", async () => {
    const { auth, created } = await testCustomer();
    const none = await orderTest(auth, "test_nonum");
    expect(none.status).toBe(409);
    expect(none.body.error?.code).toBe("NO_NUMBERS");
    const down = await orderTest(auth, "test_error");
    expect(down.status).toBe(503);
    expect(down.body.error?.code).toBe("PROVIDER_UNAVAILABLE");
    const compat = await handler({
      api_key: created.key,
      action: "getNumber",
      service: "test_nonum",
      country: 0,
    });
    expect(compat.text).toBe("NO_NUMBERS");
    expect(await testBalance(auth)).toMatchObject({ available: 10_000, held: 0 });
  });

  it("are not for sale with a live key", async () => {
    const person = await signUp();
    const res = await call(
      "/api/v1/keys",
      browser("POST", { cookie: person.cookie, body: { name: "live" } }),
    );
    const { key } = (await res.json()) as { key: string };
    const { status, body } = await orderTest({ Authorization: `Bearer ${key}` }, "test_code");
    expect(status).toBe(400);
    expect(body.error?.code).toBe("BAD_SERVICE");
  });
});

describe("the test balance", () => {
  it("resets to $100 through the ledger, from the dashboard or a test key", async () => {
    const { cookie, auth } = await testCustomer();
    await orderTest(auth, "test_code");
    await orderTest(auth, "test_code");
    expect(await testBalance(auth)).toMatchObject({ available: 10_000 - 2 * MAGIC_PRICE });
    const reset = await call("/api/v1/billing/test-balance/reset", browser("POST", { cookie, body: {} }));
    expect(reset.status).toBe(200);
    expect(await reset.json()).toEqual({ available: 10_000, held: 0, currency: "USD" });
    await orderTest(auth, "test_code");
    const byKey = await call("/api/v1/billing/test-balance/reset", { method: "POST", headers: auth });
    expect(await byKey.json()).toMatchObject({ available: 10_000 });
  });

  it("reads $100 for a customer who never used test mode, and that read writes nothing", async () => {
    const person = await signUp();
    expect(await testBalance({ cookie: person.cookie })).toMatchObject({ available: 10_000, held: 0 });
    expect(await testAccountOf(person.userId)).toBeUndefined();
  });

  it("never shows in the customer's real statement", async () => {
    const { cookie, auth } = await testCustomer();
    await orderTest(auth, "test_code");
    const real = await call("/api/v1/billing/transactions", browser("GET", { cookie }));
    expect(((await real.json()) as { items: unknown[] }).items).toEqual([]);
    const play = await call("/api/v1/billing/transactions", { headers: auth });
    expect(((await play.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });
});
