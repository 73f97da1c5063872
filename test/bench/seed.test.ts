// The bench's seeding path: absent unless BENCH_SEED is set, and then only for its holder. Customers
// it makes can order through the public API like any other.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { BASE, call, json } from "../support";

const SECRET = "bench-seed-test-secret";

/** The Worker's own entry with BENCH_SEED set, as a bench server runs it. */
const callWithSeed = async (path: string, init: RequestInit) => {
  const ctx = createExecutionContext();
  const request = new Request(new URL(path, BASE), init) as Request<unknown, IncomingRequestCfProperties>;
  const res = await worker.fetch(request, { ...env, BENCH_SEED: SECRET }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
};

describe("POST /api/bench/seed", () => {
  it("does not exist where BENCH_SEED is unset (production)", async () => {
    expect(env.BENCH_SEED).toBeUndefined();
    const res = await call("/api/bench/seed", json({ customers: 1 }, { Authorization: `Bearer ${SECRET}` }));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });

  it("refuses a caller without the secret", async () => {
    const res = await callWithSeed(
      "/api/bench/seed",
      json({ customers: 1 }, { Authorization: "Bearer nope" }),
    );
    expect(res.status).toBe(401);
    const anonymous = await callWithSeed("/api/bench/seed", json({ customers: 1 }));
    expect(anonymous.status).toBe(401);
  });

  it("rejects a bad body with the field named", async () => {
    const res = await callWithSeed(
      "/api/bench/seed",
      json({ customers: 100_000 }, { Authorization: `Bearer ${SECRET}` }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: Array<{ path: string }> } };
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.details.map((d) => d.path)).toContain("customers");
  });

  it("makes customers with a working key and credit through the ledger", async () => {
    const res = await callWithSeed(
      "/api/bench/seed",
      json({ customers: 2, credit: 1234 }, { Authorization: `Bearer ${SECRET}` }),
    );
    expect(res.status).toBe(201);
    const { customers } = (await res.json()) as { customers: Array<{ key: string; userId: string }> };
    expect(customers).toHaveLength(2);
    for (const customer of customers) {
      const balance = await call("/api/v1/billing/balance", {
        headers: { Authorization: `Bearer ${customer.key}` },
      });
      expect(balance.status).toBe(200);
      expect(((await balance.json()) as { available: number }).available).toBe(1234);
    }
  });

  it("gives a customer several working keys when asked (a fan-out needs more than one key's budget)", async () => {
    const res = await callWithSeed(
      "/api/bench/seed",
      json({ customers: 1, keys: 3 }, { Authorization: `Bearer ${SECRET}` }),
    );
    expect(res.status).toBe(201);
    const [customer] = ((await res.json()) as { customers: Array<{ key: string; keys: string[] }> })
      .customers;
    expect(customer?.keys).toHaveLength(3);
    expect(new Set(customer?.keys).size).toBe(3);
    expect(customer?.key).toBe(customer?.keys[0]);
    for (const key of customer?.keys ?? []) {
      const me = await call("/api/v1/me", { headers: { Authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
    }
    const tooMany = await callWithSeed(
      "/api/bench/seed",
      json({ customers: 1, keys: 50 }, { Authorization: `Bearer ${SECRET}` }),
    );
    expect(tooMany.status).toBe(400);
  });
});

describe("GET /api/bench/counts", () => {
  it("does not exist where BENCH_SEED is unset", async () => {
    const res = await call("/api/bench/counts", { headers: { Authorization: `Bearer ${SECRET}` } });
    expect(res.status).toBe(404);
  });

  it("counts the D1 round trips and statements of requests on a bench server", async () => {
    const counts = async () =>
      (await (
        await callWithSeed("/api/bench/counts", { headers: { Authorization: `Bearer ${SECRET}` } })
      ).json()) as { service: { d1RoundTrips: number; d1Statements: number } };
    const seeded = await callWithSeed(
      "/api/bench/seed",
      json({ customers: 1, credit: 0 }, { Authorization: `Bearer ${SECRET}` }),
    );
    const [customer] = ((await seeded.json()) as { customers: Array<{ key: string }> }).customers;
    const before = await counts();
    const me = await callWithSeed("/api/v1/me", { headers: { Authorization: `Bearer ${customer?.key}` } });
    expect(me.status).toBe(200);
    const after = await counts();
    // At least the key's lookup went to D1, and every round trip carried at least one statement.
    const trips = after.service.d1RoundTrips - before.service.d1RoundTrips;
    expect(trips).toBeGreaterThanOrEqual(1);
    expect(after.service.d1Statements - before.service.d1Statements).toBeGreaterThanOrEqual(trips);
  });
});

describe("GET /api/bench/d1", () => {
  it("answers one D1 round trip on a bench server and does not exist elsewhere", async () => {
    const off = await call("/api/bench/d1", { headers: { Authorization: `Bearer ${SECRET}` } });
    expect(off.status).toBe(404);
    const on = await callWithSeed("/api/bench/d1", { headers: { Authorization: `Bearer ${SECRET}` } });
    expect(on.status).toBe(200);
    expect(await on.json()).toEqual({ one: 1 });
  });
});
