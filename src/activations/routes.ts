// /api/v1/activations: order, read, act on and watch activations. Handlers parse, call the service
// (the same functions the dashboard and handler_api.php use) and shape the answer.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { checkOrigin, requireUser, requireUserReading, userRead } from "../accounts/auth";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";
import {
  createRouter,
  errorResponse,
  invalidInput,
  jsonContent,
  notSignedIn,
  rateLimited,
  validationDetails,
} from "../lib/openapi";
import { STREAM_CREDENTIAL_HEADER, type StreamCredential } from "./room";
import {
  type ActivationView,
  type Actor,
  activationById,
  cancelActivation,
  createActivation,
  finishActivation,
  listActivations,
  ownedRoom,
  retryActivation,
  waitForActivation,
} from "./service";
import { MAX_PAGE } from "./store";
import { STATUSES } from "./view";
import { acquireWatch, LEASE_HEADER, releaseWatch } from "./watchers";

export const routes = createRouter();

const actor = (c: Context<AppEnv>): Actor => ({
  env: c.env,
  db: c.get("db"),
  user: c.get("user"),
  requestId: c.get("requestId"),
  waitUntil: (p) => c.executionCtx.waitUntil(p),
});

/** Which credential a stream or long-poll is opened with, so revoking it ends them (room.ts). */
const credentialOf = (c: Context<AppEnv>): StreamCredential => {
  const auth = c.get("auth");
  const id = auth.kind === "session" ? auth.sessionId : auth.keyId;
  return { userId: c.get("user").id, kind: auth.kind, id };
};

export const MAX_WAIT_SECONDS = 60;
const DEFAULT_WAIT_SECONDS = 30;

// ── schemas ─────────────────────────────────────────────────────────────────────────────────────

const Status = z.enum(STATUSES).openapi({
  description: "waiting → received → (waiting_retry → received)* → finished; waiting → cancelled | expired",
});

const Sms = z
  .object({
    code: z.string().nullable().openapi({ example: "48213", description: "null when no code was found" }),
    text: z.string().nullable().openapi({ example: "Your Telegram code is 48213. Don't share it." }),
    receivedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Sms");

const Activation = z
  .object({
    id: z.string().openapi({ example: "act_0123456789abcdefghij" }),
    numericId: z.number().int().openapi({ example: 482913305, description: "The id handler_api.php uses" }),
    phone: z.string().openapi({ example: "+447700900123" }),
    service: z.string().openapi({ example: "tg" }),
    country: z.number().int().openapi({ example: 16 }),
    price: z.number().int().openapi({ example: 35, description: "Minor units" }),
    currency: z.string().openapi({ example: "USD" }),
    status: Status,
    code: z.string().nullable().openapi({ description: "The latest code received" }),
    sms: z.array(Sms),
    createdAt: z.string().openapi({ format: "date-time" }),
    expiresAt: z.string().openapi({ format: "date-time" }),
    cancelableAt: z
      .string()
      .openapi({ format: "date-time", description: "Cancelling is refused before this" }),
    canRetry: z.boolean(),
    lastSeq: z.number().int().openapi({ description: "Sequence number of the latest event" }),
    charged: z.boolean().openapi({ description: "True once a code has been received and paid for" }),
  })
  .openapi("Activation");

const Event = z
  .object({
    seq: z.number().int(),
    type: z.enum(["created", "sms", "status"]),
    at: z.string().openapi({ format: "date-time" }),
    status: Status,
    code: z.string().nullable(),
    charged: z.boolean(),
    sms: Sms.nullable().openapi({ description: "The message, on sms events" }),
  })
  .openapi("ActivationEvent");

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "act_0123456789abcdefghij" }),
});

const forbidden = errorResponse("CSRF_REJECTED (cookie sessions only)");
const notFound = errorResponse("NOT_FOUND: no such activation among yours");

const action = (
  verb: "cancel" | "retry" | "finish",
  summary: string,
  description: string,
  conflicts: string,
) =>
  createRoute({
    method: "post",
    path: `/{id}/${verb}`,
    tags: ["Activations"],
    summary,
    description,
    middleware: [requireUser] as const,
    request: { params: IdParam },
    responses: {
      200: jsonContent(Activation, "The activation after the action"),
      400: invalidInput,
      401: notSignedIn,
      403: forbidden,
      404: notFound,
      409: errorResponse(conflicts),
      429: rateLimited,
    },
  });

// ── routes ──────────────────────────────────────────────────────────────────────────────────────

routes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Activations"],
    summary: "Rent a number for a service and country",
    description:
      "Holds the price, takes a number from the provider and starts the activation. The hold is charged only " +
      "when a code arrives; cancel (after cancelableAt) or expiry releases it. Send an Idempotency-Key to make " +
      "retries safe: the same key with the same body returns the same activation, with one hold.",
    middleware: [requireUser] as const,
    request: {
      headers: z.object({
        "idempotency-key": z
          .string()
          .regex(/^[\x21-\x7e]{1,255}$/, "1 to 255 visible ASCII characters")
          .optional()
          .openapi({ example: "order-7f3c2a" }),
      }),
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({
              service: z.string().min(1).max(32).openapi({ example: "tg" }),
              country: z.number().int().min(0).openapi({ example: 16 }),
              maxPrice: z.number().int().min(0).optional().openapi({
                example: 50,
                description: "Refuse the order if the price is higher (minor units)",
              }),
            }),
          },
        },
      },
    },
    responses: {
      201: jsonContent(Activation, "The activation, waiting for an SMS"),
      400: errorResponse("VALIDATION_FAILED, BAD_SERVICE or BAD_COUNTRY"),
      401: notSignedIn,
      402: errorResponse("NO_BALANCE"),
      403: errorResponse("ACCOUNT_FROZEN, EMAIL_NOT_VERIFIED or CSRF_REJECTED"),
      409: errorResponse(
        "NO_NUMBERS, WRONG_MAX_PRICE (details.minPrice), TOO_MANY_ACTIVE (details.max: finish or cancel a " +
          "live number first), IDEMPOTENCY_MISMATCH or ORDER_IN_PROGRESS",
      ),
      429: rateLimited,
      503: errorResponse("PROVIDER_UNAVAILABLE: nothing was charged"),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const idempotencyKey = c.req.valid("header")["idempotency-key"];
    const view = await createActivation(actor(c), { ...body, idempotencyKey });
    return c.json(view, 201);
  },
);

routes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Activations"],
    summary: "List your activations, newest first",
    middleware: [requireUser] as const,
    request: {
      query: z.object({
        scope: z
          .enum(["active", "history", "all"])
          .optional()
          .openapi({ description: "active: waiting, received, waiting_retry; history: ended ones" }),
        status: Status.optional(),
        service: z.string().min(1).max(32).optional(),
        country: z.coerce.number().int().min(0).optional(),
        cursor: z
          .string()
          .max(200)
          .optional()
          .openapi({ description: "nextCursor of the previous page; absent or empty for the first page" }),
        limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional().openapi({ example: 20 }),
      }),
    },
    responses: {
      200: jsonContent(
        z.object({ items: z.array(Activation), nextCursor: z.string().nullable() }),
        "One page of activations",
      ),
      400: errorResponse(
        "VALIDATION_FAILED, or BAD_CURSOR for a cursor that is not a nextCursor we handed out",
      ),
      401: notSignedIn,
      429: rateLimited,
    },
  }),
  async (c) => c.json(await listActivations(actor(c), c.req.valid("query")), 200),
);

routes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Activations"],
    summary: "One activation with every SMS received",
    // The poll scripts make most: the activation is read with the key, one D1 round trip in all.
    middleware: [requireUserReading((c) => activationById(c.env, c.req.param("id") ?? ""))] as const,
    request: { params: IdParam },
    responses: {
      200: jsonContent(Activation, "The activation"),
      400: invalidInput,
      401: notSignedIn,
      404: notFound,
      429: rateLimited,
    },
  }),
  (c) => c.json(userRead<ActivationView>(c), 200),
);

routes.openapi(
  action(
    "cancel",
    "Cancel a number that has not received a code",
    "Releases the hold: nothing is charged. Refused before cancelableAt.",
    "EARLY_CANCEL_DENIED (details.cancelableAt) or BAD_TRANSITION (a code was already received)",
  ),
  async (c) => c.json(await cancelActivation(actor(c), c.req.valid("param").id), 200),
);

routes.openapi(
  action(
    "retry",
    "Ask for another SMS on the same number",
    "Allowed after a code was received; free of charge. The status becomes waiting_retry until the next SMS.",
    "BAD_TRANSITION (no code received yet, or the activation has ended)",
  ),
  async (c) => c.json(await retryActivation(actor(c), c.req.valid("param").id), 200),
);

routes.openapi(
  action(
    "finish",
    "Finish an activation whose code you have used",
    "Releases the number. Activations with a code also finish by themselves at expiresAt.",
    "BAD_TRANSITION (no code received yet: cancel instead)",
  ),
  async (c) => c.json(await finishActivation(actor(c), c.req.valid("param").id), 200),
);

routes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/wait",
    tags: ["Activations"],
    summary: "Long-poll for the next change",
    description:
      "Answers the moment an event with seq > since exists (at once if one already does) — a code arriving " +
      "or the status changing — or at the timeout with the unchanged state and timedOut: true. Without since, " +
      "waits for the next event. Pass the returned activation.lastSeq as since to miss nothing across calls.",
    middleware: [requireUser] as const,
    request: {
      params: IdParam,
      query: z.object({
        timeout: z.coerce
          .number()
          .int()
          .min(0)
          .max(MAX_WAIT_SECONDS)
          .optional()
          .openapi({ description: `Seconds, at most ${MAX_WAIT_SECONDS}`, example: DEFAULT_WAIT_SECONDS }),
        since: z.coerce.number().int().min(0).optional().openapi({ example: 1 }),
      }),
    },
    responses: {
      200: jsonContent(
        z.object({ activation: Activation, events: z.array(Event), timedOut: z.boolean() }),
        "The events after since (oldest first) and the activation as it is now",
      ),
      400: invalidInput,
      401: notSignedIn,
      404: notFound,
      429: rateLimited,
    },
  }),
  async (c) => {
    const { timeout, since } = c.req.valid("query");
    const timeoutMs = (timeout ?? DEFAULT_WAIT_SECONDS) * 1000;
    const lease = await acquireWatch(c.env, c.get("user").id, "long_poll", timeoutMs);
    try {
      const result = await waitForActivation(actor(c), c.req.valid("param").id, {
        since,
        timeoutMs,
        credential: credentialOf(c),
      });
      return c.json(result, 200);
    } finally {
      await releaseWatch(c.env, lease);
    }
  },
);

// Spelled as the room reads it: a seq it would not read would quietly turn a replay into a snapshot.
const LiveQuery = z.object({
  after: z
    .string()
    .regex(/^\d{0,9}$/, "A sequence number: the seq of the last event you received")
    .optional()
    .openapi({
      example: "3",
      description: "The seq of the last event you received; absent or empty for a snapshot first",
    }),
});

// The WebSocket is accepted by the activation's Durable Object (hibernation API), so this handler only
// checks the request and who is asking, and forwards the upgrade with the stream's credential and lease.
routes.get("/:id/live", requireUser, async (c) => {
  const query = LiveQuery.safeParse(c.req.query());
  if (!query.success) {
    throw new AppError(
      400,
      "VALIDATION_FAILED",
      "Some fields are missing or invalid.",
      validationDetails(query.error),
    );
  }
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    return c.json(
      {
        error: { code: "UPGRADE_REQUIRED", message: "Connect with a WebSocket client (Upgrade: websocket)." },
      },
      426,
    );
  }
  // Browsers send cookies with cross-site WebSocket handshakes; only our own pages may use them.
  if (c.get("auth").kind === "session") checkOrigin(c);
  const room = await ownedRoom(actor(c), c.req.param("id"));
  // The room keeps the credential with the socket (a client cannot choose it: set, not appended) and
  // gives the watch lease back when the socket closes.
  const lease = await acquireWatch(c.env, c.get("user").id, "stream");
  const headers = new Headers(c.req.raw.headers);
  headers.set(STREAM_CREDENTIAL_HEADER, JSON.stringify(credentialOf(c)));
  headers.set(LEASE_HEADER, lease);
  const res = await room.fetch(new Request(c.req.raw.url, { headers })).catch(async (err) => {
    await releaseWatch(c.env, lease);
    throw err;
  });
  if (res.status !== 101) await releaseWatch(c.env, lease);
  // A response from a Durable Object has immutable headers; the shared middleware adds its own.
  return new Response(res.body, { status: res.status, headers: res.headers, webSocket: res.webSocket });
});

routes.openAPIRegistry.registerPath({
  method: "get",
  path: "/{id}/live",
  tags: ["Activations"],
  summary: "Watch an activation live over a WebSocket",
  description:
    'Upgrade to a WebSocket (session cookie or Authorization: Bearer). On connect the server sends {"type":"snapshot",' +
    '"activation":{…}}, then {"type":"event","event":{…}} for every change. Reconnect with ?after=<seq> to receive ' +
    'exactly the events after seq instead of the snapshot. Send "ping" to get "pong".',
  request: { params: IdParam, query: LiveQuery },
  responses: {
    101: { description: "Switching protocols: the live stream" },
    400: invalidInput,
    401: notSignedIn,
    403: forbidden,
    404: notFound,
    426: errorResponse("UPGRADE_REQUIRED: not a WebSocket handshake"),
    429: rateLimited,
  },
});
