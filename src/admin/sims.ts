// /admin/api/v1/sims — the operator's registry of own SIM cards (`npm run ops -- sims …`):
// register a gateway phone's SIM, list SIMs with health, rental and spent services, remove one.
// Android cannot tell which number a SIM has, so registering is how a gateway SIM gets its number;
// an agent's SIMs appear by themselves when the agent hands them out, and are listed here too.
// Every change is audited in its own batch.
import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../lib/errors";
import { createRouter, errorResponse, jsonContent } from "../lib/openapi";
import { iso, isoOrNull } from "../lib/time";
import { findEntry } from "../providers";
import {
  E164,
  listSims,
  type OwnSim,
  registerSim,
  removeSim,
  type SimListing,
  simRules,
} from "../providers/own-sims";
import { auditInsert } from "./audit";

export const simsAdmin = createRouter();

const Phone = z
  .string()
  .regex(E164, "an E.164 number: + and 8 to 15 digits")
  .openapi({ example: "+447700900123" });
const ProviderName = z.string().regex(/^[a-z0-9]+$/, "a PROVIDERS entry name");

const Sim = z.object({
  id: z.string(),
  provider: z.string(),
  phone: z.string(),
  country: z.number().int(),
  deviceId: z.string().nullable(),
  slot: z.number().int().nullable(),
  services: z.array(z.string()).nullable().openapi({ description: "null: any service" }),
  rental: z
    .object({ providerRef: z.string(), service: z.string().nullable(), since: z.string() })
    .nullable()
    .openapi({ description: "the live activation on this SIM" }),
  device: z
    .object({ lastSeenAt: z.string().nullable(), health: z.string().nullable(), healthy: z.boolean() })
    .nullable()
    .openapi({ description: "the gateway phone holding it; null for an agent's SIM" }),
  spent: z.array(z.object({ service: z.string(), spentAt: z.string(), blocking: z.boolean() })),
  createdAt: z.string(),
});

const shape = (s: OwnSim | SimListing): z.infer<typeof Sim> => ({
  id: s.id,
  provider: s.provider,
  phone: s.phone,
  country: s.country,
  deviceId: s.deviceId,
  slot: s.slot,
  services: s.services,
  rental:
    s.rentalRef === null
      ? null
      : { providerRef: s.rentalRef, service: s.rentalService, since: iso(s.rentedAt ?? 0) },
  device:
    "device" in s && s.device
      ? { lastSeenAt: isoOrNull(s.device.lastSeenAt), health: s.device.health, healthy: s.device.healthy }
      : null,
  spent: "spent" in s ? s.spent.map((p) => ({ ...p, spentAt: iso(p.spentAt) })) : [],
  createdAt: iso(s.createdAt),
});

const unauthorized = errorResponse("UNAUTHORIZED: no operator credential, or a wrong one (logged)");

const addRoute = createRoute({
  method: "post",
  path: "/",
  tags: ["Own SIMs"],
  summary: "Register a SIM of an android-sms-gateway entry",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            provider: ProviderName,
            phone: Phone,
            deviceId: z
              .string()
              .min(1)
              .max(200)
              .openapi({ description: "the app's deviceId (in every webhook)" }),
            slot: z.number().int().min(1).max(16).openapi({ description: "the app's simNumber, 1-based" }),
            services: z
              .array(z.string().regex(/^[a-z0-9]{1,10}$/))
              .min(1)
              .max(100)
              .optional()
              .openapi({ description: "service codes it may serve; omitted: any" }),
            reason: z.string().max(500).optional(),
          }),
        },
      },
    },
  },
  responses: {
    201: jsonContent(z.object({ sim: Sim }), "Registered"),
    400: errorResponse("VALIDATION_FAILED, BAD_PHONE, BAD_SERVICE, BAD_PROVIDER"),
    401: unauthorized,
    409: errorResponse("SIM_EXISTS: the number, or the device's slot, is registered already"),
  },
});

simsAdmin.openapi(addRoute, async (c) => {
  const input = c.req.valid("json");
  const entry = findEntry(c.env, input.provider);
  if (entry?.kind !== "android-sms-gateway") {
    throw new AppError(
      400,
      "BAD_PROVIDER",
      `"${input.provider}" is not an android-sms-gateway entry of PROVIDERS.`,
    );
  }
  const db = c.get("db");
  const after = { deviceId: input.deviceId, slot: input.slot, services: input.services ?? null };
  const sim = await registerSim(
    db,
    {
      provider: input.provider,
      phone: input.phone,
      deviceId: input.deviceId,
      slot: input.slot,
      services: input.services ?? null,
    },
    auditInsert(db, {
      operator: c.get("operator"),
      action: "sim.add",
      target: `${input.provider}/${input.phone}`,
      after,
      reason: input.reason ?? null,
      requestId: c.get("requestId"),
    }),
  );
  return c.json({ sim: shape(sim) }, 201);
});

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Own SIMs"],
  summary: "Own SIMs with their health, current rental and spent services",
  request: { query: z.object({ provider: ProviderName.optional() }) },
  responses: {
    200: jsonContent(z.object({ items: z.array(Sim) }), "SIMs, by entry and number"),
    400: errorResponse("VALIDATION_FAILED"),
    401: unauthorized,
  },
});

simsAdmin.openapi(listRoute, async (c) => {
  const { provider } = c.req.valid("query");
  const items = await listSims(c.get("db"), simRules(c.env), Date.now(), provider);
  return c.json({ items: items.map(shape) }, 200);
});

const removeRoute = createRoute({
  method: "delete",
  path: "/{provider}/{phone}",
  tags: ["Own SIMs"],
  summary: "Remove a SIM that serves no live activation",
  request: {
    params: z.object({ provider: ProviderName, phone: Phone }),
    query: z.object({ reason: z.string().max(500).optional() }),
  },
  responses: {
    200: jsonContent(z.object({ removed: Sim }), "Removed, with its spent marks"),
    400: errorResponse("VALIDATION_FAILED"),
    401: unauthorized,
    404: errorResponse("NOT_FOUND"),
    409: errorResponse("SIM_RENTED: it serves a live activation"),
  },
});

simsAdmin.openapi(removeRoute, async (c) => {
  const { provider, phone } = c.req.valid("param");
  const { reason } = c.req.valid("query");
  const db = c.get("db");
  // No check against PROVIDERS: an entry taken out of it may still leave SIMs to remove.
  const sim = await removeSim(db, provider, phone, (before) =>
    auditInsert(db, {
      operator: c.get("operator"),
      action: "sim.remove",
      target: `${provider}/${phone}`,
      before: { deviceId: before.deviceId, slot: before.slot, services: before.services },
      reason: reason ?? null,
      requestId: c.get("requestId"),
    }),
  );
  return c.json({ removed: shape(sim) }, 200);
});
