// /api/v1/support: a signed-in customer's tickets and privacy requests (identity = the session), and
// privacy requests by email without a session, acted on only once their emailed link is opened.
import { createRoute, z } from "@hono/zod-openapi";
import { requireSession } from "../accounts/auth";
import { limitByIp } from "../accounts/login-limits";
import { requestMeta } from "../accounts/request-meta";
import {
  createRouter,
  errorResponse,
  invalidInput,
  jsonBody,
  jsonContent,
  notSignedIn,
} from "../lib/openapi";
import {
  confirmEmailedRequest,
  getTicket,
  listTickets,
  openTicket,
  PRIVACY_TYPES,
  replyAsCustomer,
  requestByEmail,
} from "./tickets";

export const supportRoutes = createRouter();

const Message = z.string().trim().min(1, "Write a message.").max(10_000);
const Ticket = z
  .object({
    id: z.string().openapi({ example: "tkt_0123456789abcdefghij" }),
    kind: z.enum(["support", "privacy"]),
    privacyType: z.enum(PRIVACY_TYPES).nullable(),
    subject: z.string(),
    activationId: z.string().nullable(),
    status: z.enum(["unverified", "open", "answered", "closed"]),
    createdAt: z.string(),
    dueAt: z.string().openapi({ description: "When we promised to answer (business hours)" }),
    overdue: z.boolean(),
    answeredAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    messages: z
      .array(z.object({ author: z.enum(["customer", "operator"]), body: z.string(), createdAt: z.string() }))
      .optional(),
  })
  .openapi("Ticket");
const TicketId = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
const sessionOnly = errorResponse("CSRF_REJECTED, or SESSION_REQUIRED when called with an API key");

supportRoutes.openapi(
  createRoute({
    method: "post",
    path: "/tickets",
    tags: ["Support"],
    summary: "Open a support ticket, or a privacy request (with privacyType)",
    middleware: [requireSession] as const,
    request: {
      body: jsonBody(
        z.object({
          subject: z.string().trim().min(1, "Give the ticket a subject.").max(200),
          message: Message,
          activationId: z.string().min(1).max(64).optional(),
          privacyType: z.enum(PRIVACY_TYPES).optional(),
        }),
      ),
    },
    responses: {
      201: jsonContent(Ticket, "Opened"),
      400: invalidInput,
      401: notSignedIn,
      403: sessionOnly,
    },
  }),
  async (c) => c.json(await openTicket(c.env, c.get("db"), c.get("user"), c.req.valid("json")), 201),
);

supportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/tickets",
    tags: ["Support"],
    summary: "Your tickets, newest first",
    middleware: [requireSession] as const,
    responses: {
      200: jsonContent(z.object({ items: z.array(Ticket) }), "Tickets"),
      401: notSignedIn,
      403: sessionOnly,
    },
  }),
  async (c) => c.json({ items: await listTickets(c.get("db"), c.get("user").id) }, 200),
);

supportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/tickets/{id}",
    tags: ["Support"],
    summary: "A ticket with its whole thread",
    middleware: [requireSession] as const,
    request: { params: TicketId },
    responses: {
      200: jsonContent(Ticket, "The ticket"),
      401: notSignedIn,
      403: sessionOnly,
      404: errorResponse("NOT_FOUND"),
    },
  }),
  async (c) => c.json(await getTicket(c.get("db"), c.get("user").id, c.req.valid("param").id), 200),
);

supportRoutes.openapi(
  createRoute({
    method: "post",
    path: "/tickets/{id}/messages",
    tags: ["Support"],
    summary: "Write again on a ticket",
    middleware: [requireSession] as const,
    request: { params: TicketId, body: jsonBody(z.object({ message: Message })) },
    responses: {
      200: jsonContent(Ticket, "The ticket"),
      400: invalidInput,
      401: notSignedIn,
      403: sessionOnly,
      404: errorResponse("NOT_FOUND"),
      409: errorResponse("TICKET_CLOSED"),
    },
  }),
  async (c) =>
    c.json(
      await replyAsCustomer(
        c.env,
        c.get("db"),
        c.get("user").id,
        c.req.valid("param").id,
        c.req.valid("json").message,
      ),
      200,
    ),
);

supportRoutes.openapi(
  createRoute({
    method: "post",
    path: "/privacy-requests",
    tags: ["Support"],
    summary: "A privacy request without an account session; confirmed by an emailed link",
    description: "Answers the same whatever the address. Nothing is acted on until the link is opened.",
    request: {
      body: jsonBody(
        z.object({
          email: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address.").max(254)),
          privacyType: z.enum(PRIVACY_TYPES),
          message: Message,
        }),
      ),
    },
    responses: {
      202: jsonContent(
        z.object({ ok: z.literal(true), message: z.string() }),
        "A confirmation link is on its way",
      ),
      400: invalidInput,
      429: errorResponse("RATE_LIMITED"),
    },
  }),
  async (c) => {
    await limitByIp(c.env, requestMeta(c).ip);
    await requestByEmail(c.env, c.get("db"), c.req.valid("json"), c.get("requestId"));
    return c.json(
      { ok: true as const, message: "Open the link we emailed you to confirm the request." },
      202,
    );
  },
);

supportRoutes.openapi(
  createRoute({
    method: "post",
    path: "/privacy-requests/confirm",
    tags: ["Support"],
    summary: "Confirm an emailed privacy request with the token from its link",
    request: { body: jsonBody(z.object({ token: z.string().min(1).max(200) })) },
    responses: {
      200: jsonContent(z.object({ ok: z.literal(true), id: z.string() }), "Confirmed"),
      400: errorResponse("INVALID_TOKEN or VALIDATION_FAILED"),
    },
  }),
  async (c) => {
    const { id } = await confirmEmailedRequest(c.env, c.get("db"), c.req.valid("json").token);
    return c.json({ ok: true as const, id }, 200);
  },
);
