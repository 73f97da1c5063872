// POST /api/bench/seed (seed.ts), GET /api/bench/counts (counting.ts) and GET /api/bench/d1 (the floor). Hidden from the OpenAPI document; 404 unless BENCH_SEED is set.
import { createRoute, z } from "@hono/zod-openapi";
import { requestMeta } from "../accounts/request-meta";
import { createRouter, errorResponse, invalidInput, jsonBody, jsonContent } from "../lib/openapi";
import { readCounts } from "./counting";
import {
  assertBenchSeedAllowed,
  MAX_KEYS_PER_SEEDED_CUSTOMER,
  MAX_SEEDED_CUSTOMERS,
  seedCustomers,
} from "./seed";

export const benchRoutes = createRouter();

// The guard runs before the body is parsed: where seeding is off, nothing about it is revealed.
benchRoutes.use("*", async (c, next) => {
  assertBenchSeedAllowed(c.env, c.req.header("Authorization"));
  await next();
});

const SeedInput = z.object({
  customers: z.number().int().min(1).max(MAX_SEEDED_CUSTOMERS),
  credit: z.number().int().min(0).max(100_000_000).default(0),
  // More than one key per customer: one key's limiter (600 a minute) would refuse a fan-out of 1,000
  // watchers of one activation, which only its owner may watch.
  keys: z.number().int().min(1).max(MAX_KEYS_PER_SEEDED_CUSTOMER).default(1),
});

const Seeded = z.object({
  customers: z.array(
    z.object({ userId: z.string(), email: z.string(), key: z.string(), keys: z.array(z.string()) }),
  ),
});

benchRoutes.openapi(
  createRoute({
    method: "post",
    path: "/seed",
    hide: true,
    request: { body: jsonBody(SeedInput) },
    responses: {
      201: jsonContent(Seeded, "The customers, each with its API keys (key is the first) and the credit"),
      400: invalidInput,
      401: errorResponse("UNAUTHORIZED: the BENCH_SEED secret was not presented"),
      404: errorResponse("NOT_FOUND: seeding is off (BENCH_SEED unset)"),
    },
  }),
  async (c) => {
    const customers = await seedCustomers(c.get("db"), c.env, requestMeta(c), c.req.valid("json"));
    return c.json({ customers }, 201);
  },
);

const Tally = z.object({ d1RoundTrips: z.number(), d1Statements: z.number(), doCalls: z.number() });

benchRoutes.openapi(
  createRoute({
    method: "get",
    path: "/counts",
    hide: true,
    responses: {
      200: jsonContent(z.object({ service: Tally, upstream: Tally }), "D1 and Durable Object calls so far"),
      401: errorResponse("UNAUTHORIZED: the BENCH_SEED secret was not presented"),
      404: errorResponse("NOT_FOUND: seeding is off (BENCH_SEED unset)"),
    },
  }),
  (c) => c.json(readCounts(), 200),
);

// The cheapest D1 round trip there is, beside the trivial route in the bench: what one query costs on
// this runtime, the floor under every keyed request (the key is checked in D1 on each).
benchRoutes.openapi(
  createRoute({
    method: "get",
    path: "/d1",
    hide: true,
    responses: {
      200: jsonContent(z.object({ one: z.number() }), "One D1 round trip (SELECT 1)"),
      401: errorResponse("UNAUTHORIZED: the BENCH_SEED secret was not presented"),
      404: errorResponse("NOT_FOUND: seeding is off (BENCH_SEED unset)"),
    },
  }),
  async (c) => c.json({ one: (await c.env.DB.prepare("SELECT 1 AS one").first<number>("one")) ?? 0 }, 200),
);
