// POST /api/bench/seed (seed.ts) and GET /api/bench/counts (counting.ts). Hidden from the OpenAPI document; 404 unless BENCH_SEED is set.
import { createRoute, z } from "@hono/zod-openapi";
import { requestMeta } from "../accounts/request-meta";
import { createRouter, errorResponse, invalidInput, jsonBody, jsonContent } from "../lib/openapi";
import { readCounts } from "./counting";
import { assertBenchSeedAllowed, MAX_SEEDED_CUSTOMERS, seedCustomers } from "./seed";

export const benchRoutes = createRouter();

// The guard runs before the body is parsed: where seeding is off, nothing about it is revealed.
benchRoutes.use("*", async (c, next) => {
  assertBenchSeedAllowed(c.env, c.req.header("Authorization"));
  await next();
});

const SeedInput = z.object({
  customers: z.number().int().min(1).max(MAX_SEEDED_CUSTOMERS),
  credit: z.number().int().min(0).max(100_000_000).default(0),
});

const Seeded = z.object({
  customers: z.array(z.object({ userId: z.string(), email: z.string(), key: z.string() })),
});

benchRoutes.openapi(
  createRoute({
    method: "post",
    path: "/seed",
    hide: true,
    request: { body: jsonBody(SeedInput) },
    responses: {
      201: jsonContent(Seeded, "The customers, each with an API key and the credit"),
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
