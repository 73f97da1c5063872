// POST /webhooks/providers/:name[/:token] — providers report SMS here. The adapter authenticates the
// request (a signature with a timestamp where the provider signs, like the simulator; the secret
// PROVIDER_<NAME>_WEBHOOK_TOKEN in the URL where it cannot, like sms-activate); anything
// unauthenticated is 401 and nothing is stored. Each SMS goes to its activation's Durable
// Object, which records it once per provider message id, so redeliveries are harmless 200s.
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { deliverSms } from "../activations/deliver";
import { activations, users } from "../db/schema";
import type { AppEnv } from "../env";
import { errorBody } from "../lib/errors";
import { log } from "../lib/log";
import { createRouter, errorResponse, jsonContent } from "../lib/openapi";
import { getProvider, isKnownProvider } from ".";
import { type InboundSms, WebhookAuthError } from "./types";

export const webhookRoutes = createRouter();

const Outcome = z.object({
  received: z.number().int(),
  delivered: z.number().int(),
  duplicates: z.number().int(),
  unknown: z.number().int().openapi({ description: "SMS for activations we do not have (logged)" }),
});

// What upstreams whose protocol prescribes the answer get instead (Provider.acknowledge).
const Acknowledgement = z.object({ status: z.literal("SUCCESS") });

// Hidden from the public API document: providers, not customers, call it (see docs/PROVIDERS.md).
const responses = {
  200: jsonContent(
    z.union([Outcome, Acknowledgement]),
    "Accepted; duplicates and unknown activations included (or the upstream's own acknowledgement)",
  ),
  400: errorResponse("Authentic but unreadable body"),
  401: errorResponse("Not provably from the provider: nothing was stored"),
  404: errorResponse("No such provider"),
};

const signedRoute = createRoute({
  method: "post",
  path: "/{name}",
  hide: true,
  request: { params: z.object({ name: z.string() }) },
  responses,
});

// The token is read by the adapter from the URL; here it only has to be a path segment.
const tokenRoute = createRoute({
  method: "post",
  path: "/{name}/{token}",
  hide: true,
  request: { params: z.object({ name: z.string(), token: z.string() }) },
  responses,
});

const receive = async (c: Context<AppEnv>, name: string) => {
  if (!isKnownProvider(c.env, name))
    return c.json(errorBody("NOT_FOUND", `No provider named "${name}".`), 404);
  const provider = getProvider(c.env, name);
  let messages: InboundSms[];
  try {
    messages = await provider.parseWebhook(c.req.raw, new URL(c.req.url));
  } catch (err) {
    if (!(err instanceof WebhookAuthError)) throw err;
    log(c.get("requestId"), "provider_webhook_refused", { provider: name, reason: err.message });
    return c.json(errorBody("BAD_SIGNATURE", "This webhook is not signed by the provider."), 401);
  }
  const outcome = { received: messages.length, delivered: 0, duplicates: 0, unknown: 0 };
  const db = c.get("db");
  for (const sms of messages) {
    // The owner's erasure is read in the same query: one D1 round trip before the room.
    const activation = await db
      .select({ id: activations.id, ownerDeletedAt: users.deletedAt })
      .from(activations)
      .innerJoin(users, eq(users.id, activations.userId))
      .where(and(eq(activations.provider, name), eq(activations.providerRef, sms.providerRef)))
      .get();
    if (!activation) {
      // A provider may report numbers it rented before we recorded them, or to another deployment.
      log(c.get("requestId"), "provider_webhook_unknown_activation", {
        provider: name,
        providerRef: sms.providerRef,
        messageId: sms.messageId,
      });
      outcome.unknown++;
      continue;
    }
    const { duplicate } = await deliverSms(c.env, activation.id, sms, activation.ownerDeletedAt != null);
    if (duplicate) outcome.duplicates++;
    else outcome.delivered++;
  }
  return c.json(provider.acknowledge?.() ?? outcome, 200);
};

webhookRoutes.openapi(signedRoute, (c) => receive(c, c.req.valid("param").name));
webhookRoutes.openapi(tokenRoute, (c) => receive(c, c.req.valid("param").name));
