// The simulated upstream's HTTP API, mounted at /simulator. It speaks a protocol of its own and exists
// only where SIMULATOR_ENABLED is true: elsewhere every path is 404. Where it is on (locally, and on a
// public demo) it is an upstream's API, not a public one: our adapter calls it with the simulator's
// shared secret (as it would a real provider with its API key), an operator with ADMIN_TOKEN. Only
// `GET /api/status` is public (the dashboard reads it), and a signed-in customer may simulate an SMS
// to their own live number (`POST /activations/{id}/sms`), never to anyone else's.
// Hidden from our OpenAPI document: it is not our API.
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { requireUser } from "../accounts/auth";
import { authenticateOperator } from "../admin/auth";
import type { Db } from "../db/client";
import { type AppEnv, type Env, flag, int } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { AppError, errorBody } from "../lib/errors";
import { log } from "../lib/log";
import { createRouter, errorResponse, jsonBody, jsonContent } from "../lib/openapi";
import { enabledEntries } from "./enabled";
import { simulateOwnSms } from "./simulator/own-sms";
import { simulatorCredential } from "./simulator/signature";
import {
  acquire,
  deliverDue,
  endRental,
  getMode,
  listOffers,
  NUMBER_MODES,
  poolSize,
  receiveSms,
  rentalWithMessages,
  requireActiveRental,
  SIM_MODES,
  sendAutoSms,
  setMode,
  setOffer,
} from "./simulator/upstream";

export const simulatorRoutes = createRouter();

simulatorRoutes.use("*", async (c, next) => {
  if (flag(c.env.SIMULATOR_ENABLED)) return next();
  // Exactly what any unknown path answers: a disabled simulator does not even admit it exists.
  return c.json(errorBody("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`), 404);
});

const isUpstreamClient = (env: Env, authorization: string | undefined): boolean => {
  if (authenticateOperator(env, authorization)) return true;
  const secret = env.SIMULATOR_WEBHOOK_SECRET ?? "";
  // A short or unset secret must never let a guessed bearer through.
  return secret.length >= 16 && timingSafeEqual(authorization ?? "", simulatorCredential(env));
};

const requireUpstreamClient: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!isUpstreamClient(c.env, c.req.header("Authorization"))) {
    log(c.get("requestId"), "simulator_auth_refused", { path: c.req.path });
    throw new AppError(401, "UNAUTHORIZED", "The simulator's controls need an operator credential.");
  }
  await next();
};

simulatorRoutes.use("/api/*", async (c, next) =>
  c.req.path.endsWith("/simulator/api/status") ? next() : requireUpstreamClient(c, next),
);
simulatorRoutes.use("/sms", requireUpstreamClient);
simulatorRoutes.use("/activations/*", requireUser);

const ServiceCode = z.string().regex(/^[a-z0-9]{2,4}$/, "a service code such as tg");
const CountryId = z.number().int().min(0);
const RefBody = z.object({ ref: z.string().min(1) });
const Ok = z.object({ ok: z.literal(true) });
const Rental = z.object({ ref: z.string(), phone: z.string(), cost: z.number().int(), status: z.string() });

const errors = {
  400: errorResponse("Invalid request"),
  404: errorResponse("Unknown activation or number"),
  409: errorResponse("No numbers, or the activation has ended"),
  503: errorResponse("The upstream is down (acquire_error mode)"),
};

const autoSms = (env: Env, db: Db, ref: string) =>
  sendAutoSms(env, db, ref, int(env.SIMULATOR_AUTO_SMS_DELAY_MS, 4000));

simulatorRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/status",
    hide: true,
    responses: {
      200: jsonContent(
        z.object({
          enabled: z.boolean(),
          provider: z.string(),
          isProvider: z.boolean(),
          mode: z.enum(SIM_MODES),
          autoSms: z.boolean(),
          autoSmsDelayMs: z.number().int(),
        }),
        "Whether the simulator is on and how it behaves",
      ),
    },
  }),
  async (c) => {
    // The dashboard offers "simulate an SMS" when the simulator is one of the upstreams orders use now
    // (configuration and the operators' switch).
    const entry = [...(await enabledEntries(c.env, c.get("db"))).values()].find(
      (e) => e.kind === "simulator",
    );
    return c.json(
      {
        enabled: true,
        provider: entry?.name ?? "",
        isProvider: entry !== undefined,
        mode: await getMode(c.get("db")),
        autoSms: flag(c.env.SIMULATOR_AUTO_SMS),
        autoSmsDelayMs: int(c.env.SIMULATOR_AUTO_SMS_DELAY_MS, 4000),
      },
      200,
    );
  },
);

const Offer = z.object({
  service: z.string(),
  country: z.number().int(),
  cost: z.number().int(),
  stock: z.number().int(),
});

simulatorRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/offers",
    hide: true,
    responses: {
      200: jsonContent(z.object({ offers: z.array(Offer) }), "Cost (US cents) and stock per offer"),
    },
  }),
  async (c) => c.json({ offers: await listOffers(c.get("db")) }, 200),
);

simulatorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/stock",
    hide: true,
    request: {
      body: jsonBody(
        z
          .object({
            service: ServiceCode,
            country: CountryId,
            stock: z.number().int().min(0).optional(),
            cost: z.number().int().min(1).optional(),
          })
          .refine((b) => b.stock !== undefined || b.cost !== undefined, {
            message: "Give a stock, a cost or both.",
            path: ["stock"],
          }),
      ),
    },
    responses: { 200: jsonContent(Offer, "The offer as it now stands"), ...errors },
  }),
  async (c) => {
    const { service, country, ...change } = c.req.valid("json");
    return c.json(await setOffer(c.get("db"), service, country, change), 200);
  },
);

simulatorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/acquire",
    hide: true,
    request: {
      body: jsonBody(
        z.object({
          service: ServiceCode,
          country: CountryId,
          maxCost: z.number().int().min(0).optional(),
          customerRef: z.string().max(100).optional(),
        }),
      ),
    },
    responses: {
      201: jsonContent(z.object({ ref: z.string(), phone: z.string(), cost: z.number().int() }), "A number"),
      ...errors,
    },
  }),
  async (c) => {
    const db = c.get("db");
    const rental = await acquire(db, c.req.valid("json"), poolSize(c.env));
    if (flag(c.env.SIMULATOR_AUTO_SMS)) c.executionCtx.waitUntil(autoSms(c.env, db, rental.ref));
    return c.json({ ref: rental.ref, phone: rental.phone, cost: rental.cost }, 201);
  },
);

const rentalAction = (path: "cancel" | "finish", status: "cancelled" | "finished") =>
  createRoute({
    method: "post",
    path: `/api/${path}`,
    hide: true,
    request: { body: jsonBody(RefBody) },
    responses: { 200: jsonContent(Rental, `The activation, ${status}`), ...errors },
  });

simulatorRoutes.openapi(rentalAction("cancel", "cancelled"), async (c) => {
  const rental = await endRental(c.get("db"), c.req.valid("json").ref, "cancelled");
  return c.json({ ref: rental.ref, phone: rental.phone, cost: rental.cost, status: rental.status }, 200);
});

simulatorRoutes.openapi(rentalAction("finish", "finished"), async (c) => {
  const rental = await endRental(c.get("db"), c.req.valid("json").ref, "finished");
  return c.json({ ref: rental.ref, phone: rental.phone, cost: rental.cost, status: rental.status }, 200);
});

simulatorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/retry",
    hide: true,
    request: { body: jsonBody(RefBody) },
    responses: { 200: jsonContent(Ok, "The number waits for another SMS"), ...errors },
  }),
  async (c) => {
    const db = c.get("db");
    const rental = await requireActiveRental(db, c.req.valid("json").ref);
    if (flag(c.env.SIMULATOR_AUTO_SMS)) c.executionCtx.waitUntil(autoSms(c.env, db, rental.ref));
    return c.json({ ok: true as const }, 200);
  },
);

simulatorRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/activations/{ref}",
    hide: true,
    request: { params: z.object({ ref: z.string() }) },
    responses: {
      200: jsonContent(
        z.object({
          rental: Rental.extend({ service: z.string(), country: z.number().int() }),
          messages: z.array(
            z.object({ id: z.string(), text: z.string(), status: z.string(), attempts: z.number().int() }),
          ),
        }),
        "The activation and every SMS the upstream received for it",
      ),
      ...errors,
    },
  }),
  async (c) => {
    const { rental, messages } = await rentalWithMessages(c.get("db"), c.req.valid("param").ref);
    return c.json(
      {
        rental: {
          ref: rental.ref,
          phone: rental.phone,
          cost: rental.cost,
          status: rental.status,
          service: rental.service,
          country: rental.country,
        },
        messages: messages.map((m) => ({ id: m.id, text: m.text, status: m.status, attempts: m.attempts })),
      },
      200,
    );
  },
);

simulatorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/mode",
    hide: true,
    request: {
      body: jsonBody(
        z
          .object({ mode: z.enum(SIM_MODES), phone: z.string().optional() })
          .refine((b) => b.phone === undefined || NUMBER_MODES.includes(b.mode), {
            message: `A single number takes only ${NUMBER_MODES.join(", ")}.`,
            path: ["mode"],
          }),
      ),
    },
    responses: {
      200: jsonContent(
        z.object({ mode: z.enum(SIM_MODES), phone: z.string().optional() }),
        "The mode in force",
      ),
      ...errors,
    },
  }),
  async (c) => {
    const { mode, phone } = c.req.valid("json");
    await setMode(c.get("db"), mode, phone);
    return c.json(phone === undefined ? { mode } : { mode, phone }, 200);
  },
);

simulatorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/flush",
    hide: true,
    responses: {
      200: jsonContent(
        z.object({ attempted: z.number().int(), delivered: z.number().int() }),
        "Late and failed messages sent now",
      ),
    },
  }),
  async (c) => c.json(await deliverDue(c.env, c.get("db"), Number.MAX_SAFE_INTEGER), 200),
);

simulatorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/sms",
    hide: true,
    request: {
      body: jsonBody(
        z.object({
          phone: z.string().regex(/^\+\d{7,15}$/, "an E.164 number such as +447700900123"),
          text: z.string().min(1).max(1000),
        }),
      ),
    },
    responses: {
      202: jsonContent(
        z.object({
          messageId: z.string(),
          status: z.enum(["pending", "delivered", "dropped", "failed"]),
          mode: z.enum(SIM_MODES),
        }),
        "What became of the SMS: delivered to the webhook, held back (late_sms), dropped (no_sms)",
      ),
      ...errors,
    },
  }),
  async (c) => {
    const { phone, text } = c.req.valid("json");
    return c.json(await receiveSms(c.env, c.get("db"), phone, text), 202);
  },
);

simulatorRoutes.openapi(
  createRoute({
    method: "post",
    path: "/activations/{id}/sms",
    hide: true,
    request: {
      params: z.object({ id: z.string().max(64) }),
      body: jsonBody(z.object({ text: z.string().min(1).max(1000) })),
    },
    responses: {
      202: jsonContent(
        z.object({
          messageId: z.string(),
          status: z.enum(["pending", "delivered", "dropped", "failed"]),
          mode: z.enum(SIM_MODES),
        }),
        "The SMS the upstream now sends to the customer's own number",
      ),
      ...errors,
    },
  }),
  async (c) => {
    const result = await simulateOwnSms(c.env, c.get("db"), c.get("user").id, c.req.valid("param").id, {
      text: c.req.valid("json").text,
    });
    return c.json(result, 202);
  },
);
