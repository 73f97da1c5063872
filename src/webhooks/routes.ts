// /api/v1/webhooks: the customer's webhook endpoints and their delivery log. Thin: parse, call, shape.
import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../accounts/auth";
import { createRouter, errorResponse, jsonBody, jsonContent } from "../lib/openapi";
import * as endpoints from "./endpoints";
import { EVENT_TYPES } from "./events";

export const webhooksRoutes = createRouter();
webhooksRoutes.use("*", requireUser);

const TAG = "Webhooks";

const Url = z.string().trim().min(1).max(2048).openapi({ example: "https://example.com/hooks/smsprof" });
const Events = z
  .array(z.enum(EVENT_TYPES))
  .min(1, "Subscribe to at least one event.")
  .openapi({ example: ["activation.sms_received", "activation.cancelled"] });

const Endpoint = z
  .object({
    id: z.string().openapi({ example: "whe_3k9x0c1v7b2n4m5q8w6e" }),
    url: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    failingSince: z.string().nullable(),
    previousSecretValidUntil: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("WebhookEndpoint");
const EndpointWithSecret = Endpoint.extend({
  secret: z
    .string()
    .openapi({ description: "The signing secret, shown only in this answer.", example: "whsec_…" }),
}).openapi("WebhookEndpointWithSecret");
const Delivery = z
  .object({
    id: z.string().openapi({ description: "The webhook-id header, the same on every attempt." }),
    eventType: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attemptCount: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    createdAt: z.string(),
    payload: z.unknown(),
    attempts: z.array(
      z.object({
        at: z.string(),
        responseStatus: z.number().int().nullable(),
        latencyMs: z.number().int(),
        response: z
          .string()
          .nullable()
          .openapi({ description: "The first 500 characters answered, or the error." }),
      }),
    ),
  })
  .openapi("WebhookDelivery");

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
const DeliveryParams = IdParam.extend({
  deliveryId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "deliveryId", in: "path" } }),
});
const notFound = errorResponse("NOT_FOUND: no such endpoint (or delivery) of yours");

webhooksRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: [TAG],
    summary: "Register an endpoint (its signing secret is shown only in this answer)",
    request: { body: jsonBody(z.object({ url: Url, events: Events, enabled: z.boolean().default(true) })) },
    responses: {
      201: jsonContent(EndpointWithSecret, "The endpoint and its secret"),
      400: errorResponse("VALIDATION_FAILED, WEBHOOK_TARGET_REFUSED (not public HTTPS)"),
      409: errorResponse("TOO_MANY_WEBHOOKS"),
    },
  }),
  async (c) => c.json(await endpoints.createEndpoint(c.env, c.get("user").id, c.req.valid("json")), 201),
);

webhooksRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: [TAG],
    summary: "List your endpoints",
    responses: {
      200: jsonContent(z.object({ endpoints: z.array(Endpoint) }), "Your endpoints, oldest first"),
    },
  }),
  async (c) => c.json({ endpoints: await endpoints.listEndpoints(c.env, c.get("user").id) }, 200),
);

webhooksRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: [TAG],
    summary: "Read an endpoint",
    request: { params: IdParam },
    responses: { 200: jsonContent(Endpoint, "The endpoint"), 404: notFound },
  }),
  async (c) => c.json(await endpoints.getEndpoint(c.env, c.get("user").id, c.req.valid("param").id), 200),
);

webhooksRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags: [TAG],
    summary: "Change an endpoint's URL, events, or enable it again",
    request: {
      params: IdParam,
      body: jsonBody(
        z.object({ url: Url.optional(), events: Events.optional(), enabled: z.boolean().optional() }),
      ),
    },
    responses: {
      200: jsonContent(Endpoint, "The endpoint"),
      400: errorResponse("VALIDATION_FAILED, WEBHOOK_TARGET_REFUSED"),
      404: notFound,
    },
  }),
  async (c) =>
    c.json(
      await endpoints.updateEndpoint(c.env, c.get("user").id, c.req.valid("param").id, c.req.valid("json")),
      200,
    ),
);

webhooksRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: [TAG],
    summary: "Delete an endpoint (nothing more is sent to it)",
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, 404: notFound },
  }),
  async (c) => {
    await endpoints.deleteEndpoint(c.env, c.get("user").id, c.req.valid("param").id);
    return c.body(null, 204);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/rotate-secret",
    tags: [TAG],
    summary: "Rotate the signing secret; the old one keeps signing for 24 hours",
    request: { params: IdParam },
    responses: { 200: jsonContent(EndpointWithSecret, "The endpoint and its new secret"), 404: notFound },
  }),
  async (c) => c.json(await endpoints.rotateSecret(c.env, c.get("user").id, c.req.valid("param").id), 200),
);

webhooksRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/test",
    tags: [TAG],
    summary: "Send a webhook.test event to this endpoint",
    request: { params: IdParam },
    responses: {
      202: jsonContent(Delivery, "The delivery, queued"),
      404: notFound,
      409: errorResponse("WEBHOOK_DISABLED"),
    },
  }),
  async (c) => c.json(await endpoints.sendTestEvent(c.env, c.get("user").id, c.req.valid("param").id), 202),
);

webhooksRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/deliveries",
    tags: [TAG],
    summary: "The delivery log: the latest 50 deliveries with every attempt",
    request: { params: IdParam },
    responses: {
      200: jsonContent(z.object({ deliveries: z.array(Delivery) }), "Newest first"),
      404: notFound,
    },
  }),
  async (c) =>
    c.json(
      { deliveries: await endpoints.listDeliveries(c.env, c.get("user").id, c.req.valid("param").id) },
      200,
    ),
);

webhooksRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/deliveries/{deliveryId}/redeliver",
    tags: [TAG],
    summary: "Send a delivery again (same webhook-id, fresh retry schedule)",
    request: { params: DeliveryParams },
    responses: { 202: jsonContent(Delivery, "The delivery, queued again"), 404: notFound },
  }),
  async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    return c.json(await endpoints.redeliver(c.env, c.get("user").id, id, deliveryId), 202);
  },
);
