// Per-key scopes, daily spending caps and IP allowlists, refused with their codes through both doors
// (REST and handler_api.php); keys made without them keep doing everything.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { makeCancelable } from "../activations/helpers";
import { call, json } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { browser, signUp } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

type Limits = { scopes?: string[]; dailySpendLimit?: number; ipAllowlist?: string[] };

/** A signed-up customer with $50 of demo credit and a key made with these limits. */
const keyWith = async (limits: Limits) => {
  const { cookie, userId } = await signUp();
  const topUp = await call(
    "/api/v1/billing/demo-topup",
    browser("POST", { cookie, body: { amount: 5_000 } }),
  );
  expect(topUp.status).toBe(200);
  const res = await call("/api/v1/keys", browser("POST", { cookie, body: { name: "limited", ...limits } }));
  expect(res.status, await res.clone().text()).toBe(201);
  const created = (await res.json()) as { key: string } & Limits;
  return { ...created, cookie, userId, auth: { Authorization: `Bearer ${created.key}` } };
};

const compat = async (key: string, params: Record<string, string | number>, ip?: string) => {
  const query = new URLSearchParams({
    api_key: key,
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
  });
  const res = await call(
    `/stubs/handler_api.php?${query}`,
    ip ? { headers: { "CF-Connecting-IP": ip } } : {},
  );
  return res.text();
};

const order = (auth: Record<string, string>, service = "tg") =>
  call("/api/v1/activations", json({ service, country: 0 }, auth));

const priceOf = async (service: string) => {
  const row = await env.DB.prepare("SELECT price FROM prices WHERE service = ? AND country = 0")
    .bind(service)
    .first<{ price: number }>();
  return row?.price as number;
};

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe("scopes", () => {
  it("a read-only key reads everything and changes nothing: 403 SCOPE_REQUIRED, protocol SCOPE_REQUIRED", async () => {
    const { key, auth, scopes } = await keyWith({ scopes: ["read"] });
    expect(scopes).toEqual(["read"]);
    expect((await call("/api/v1/activations", { headers: auth })).status).toBe(200);
    expect((await call("/api/v1/billing/balance", { headers: auth })).status).toBe(200);
    const refused = await order(auth);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: { code: "SCOPE_REQUIRED", details: { scope: "orders" } },
    });
    const topUp = await call("/api/v1/billing/demo-topup", json({ amount: 500 }, auth));
    expect(await errorCode(topUp)).toBe("SCOPE_REQUIRED");
    expect(await compat(key, { action: "getBalance" })).toBe("ACCESS_BALANCE:50.00");
    expect(await compat(key, { action: "getNumber", service: "tg", country: 0 })).toBe("SCOPE_REQUIRED");
    expect(await compat(key, { action: "getBalance" })).toBe("ACCESS_BALANCE:50.00");
  });

  it("an orders key rents numbers but cannot top up; a billing key the other way round", async () => {
    const orders = await keyWith({ scopes: ["orders"] });
    expect((await order(orders.auth)).status).toBe(201);
    expect(await compat(orders.key, { action: "getNumber", service: "wa", country: 0 })).toMatch(
      /^ACCESS_NUMBER:/,
    );
    expect(
      await errorCode(await call("/api/v1/billing/demo-topup", json({ amount: 500 }, orders.auth))),
    ).toBe("SCOPE_REQUIRED");
    const billing = await keyWith({ scopes: ["billing"] });
    expect((await call("/api/v1/billing/demo-topup", json({ amount: 500 }, billing.auth))).status).toBe(200);
    expect(await errorCode(await order(billing.auth))).toBe("SCOPE_REQUIRED");
  });

  it("refuses an unknown scope with VALIDATION_FAILED and its field path", async () => {
    const { cookie } = await signUp();
    const res = await call(
      "/api/v1/keys",
      browser("POST", { cookie, body: { name: "x", scopes: ["admin"] } }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [{ path: "scopes.0" }] },
    });
  });
});

describe("the daily spending cap", () => {
  it("refuses the order past it with 409 SPEND_LIMIT_REACHED (protocol NO_BALANCE), holding nothing", async () => {
    const price = await priceOf("tg");
    const { key, auth, userId, dailySpendLimit } = await keyWith({ dailySpendLimit: price * 2 });
    expect(dailySpendLimit).toBe(price * 2);
    const first = (await (await order(auth)).json()) as { id: string };
    expect((await order(auth)).status).toBe(201);
    const refused = await order(auth);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: "SPEND_LIMIT_REACHED" } });
    expect(await compat(key, { action: "getNumber", service: "tg", country: 0 })).toBe("NO_BALANCE");
    const holds = await env.DB.prepare("SELECT count(*) AS n FROM holds WHERE user_id = ?")
      .bind(userId)
      .first<{ n: number }>();
    expect(holds?.n).toBe(2);

    // A cancelled order was refunded: it no longer counts against the cap.
    await makeCancelable(first.id);
    expect(
      (await call(`/api/v1/activations/${first.id}/cancel`, { method: "POST", headers: auth })).status,
    ).toBe(200);
    expect((await order(auth)).status).toBe(201);
  });

  it("lets exactly as many concurrent orders through as the cap allows", async () => {
    const price = await priceOf("tg");
    const { auth } = await keyWith({ dailySpendLimit: price * 2 });
    const results = await Promise.all(Array.from({ length: 6 }, () => order(auth).then((r) => r.status)));
    expect(results.filter((s) => s === 201)).toHaveLength(2);
    expect(results.filter((s) => s === 409)).toHaveLength(4);
  });
});

describe("the IP allowlist", () => {
  it("accepts the key only from listed addresses and ranges: 403 IP_NOT_ALLOWED, protocol IP_NOT_ALLOWED", async () => {
    const { key, auth } = await keyWith({ ipAllowlist: ["198.51.100.7", "203.0.113.0/24"] });
    const from = (ip: string) =>
      call("/api/v1/billing/balance", { headers: { ...auth, "CF-Connecting-IP": ip } });
    expect((await from("198.51.100.7")).status).toBe(200);
    expect((await from("203.0.113.200")).status).toBe(200);
    const refused = await from("198.51.100.8");
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe("IP_NOT_ALLOWED");
    expect(await compat(key, { action: "getBalance" }, "203.0.113.9")).toBe("ACCESS_BALANCE:50.00");
    expect(await compat(key, { action: "getBalance" }, "192.0.2.1")).toBe("IP_NOT_ALLOWED");
  });

  it("refuses entries that are not addresses or IPv4 ranges", async () => {
    const { cookie } = await signUp();
    const res = await call(
      "/api/v1/keys",
      browser("POST", { cookie, body: { name: "x", ipAllowlist: ["10.0.0.0/33", "example.com"] } }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { path: string }[] } };
    expect(body.error.details.map((d) => d.path)).toEqual(["ipAllowlist.0", "ipAllowlist.1"]);
  });

  it("leaves keys made without limits able to do everything", async () => {
    const { auth, scopes, ipAllowlist, dailySpendLimit } = await keyWith({});
    expect({ scopes, ipAllowlist, dailySpendLimit }).toEqual({
      scopes: null,
      ipAllowlist: null,
      dailySpendLimit: null,
    });
    expect((await order(auth)).status).toBe(201);
    expect((await call("/api/v1/billing/demo-topup", json({ amount: 500 }, auth))).status).toBe(200);
  });
});
