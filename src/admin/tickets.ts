// The operators' side of support: list (overdue first to flag), read, answer (emailed to the
// customer) and close tickets. Every answer and close is in the audit log.
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, errorResponse, jsonBody, jsonContent } from "../lib/openapi";
import { answerTicket, closeTicket, listForOperators, showForOperators } from "../support/tickets";

export const ticketsAdmin = createRouter();

const TicketId = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
const OperatorTicket = z.object({}).passthrough().openapi("OperatorTicket");
const unauthorized = errorResponse("UNAUTHORIZED");

ticketsAdmin.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Support"],
    summary: "Tickets waiting or answered, by due time; ?overdue=true for those past their promised time",
    request: {
      query: z.object({
        overdue: z.enum(["true", "false"]).default("false"),
        status: z.enum(["unverified", "open", "answered", "closed"]).optional(),
      }),
    },
    responses: {
      200: jsonContent(z.object({ items: z.array(OperatorTicket), overdue: z.number().int() }), "Tickets"),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
    },
  }),
  async (c) => {
    const { overdue, status } = c.req.valid("query");
    const db = c.get("db");
    const items = await listForOperators(db, { overdue: overdue === "true", status });
    const late = overdue === "true" ? items.length : (await listForOperators(db, { overdue: true })).length;
    return c.json({ items, overdue: late }, 200);
  },
);

ticketsAdmin.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Support"],
    summary: "A ticket with its thread",
    request: { params: TicketId },
    responses: {
      200: jsonContent(OperatorTicket, "The ticket"),
      401: unauthorized,
      404: errorResponse("NOT_FOUND"),
    },
  }),
  async (c) => c.json(await showForOperators(c.get("db"), c.req.valid("param").id), 200),
);

ticketsAdmin.openapi(
  createRoute({
    method: "post",
    path: "/{id}/answer",
    tags: ["Support"],
    summary: "Answer a ticket; the customer gets the answer by email",
    request: { params: TicketId, body: jsonBody(z.object({ body: z.string().trim().min(1).max(10_000) })) },
    responses: {
      200: jsonContent(OperatorTicket, "Answered"),
      400: errorResponse("VALIDATION_FAILED"),
      401: unauthorized,
      404: errorResponse("NOT_FOUND"),
      409: errorResponse("TICKET_CLOSED or TICKET_UNVERIFIED"),
    },
  }),
  async (c) =>
    c.json(
      await answerTicket(
        c.env,
        c.get("db"),
        c.get("operator"),
        c.req.valid("param").id,
        c.req.valid("json").body,
        c.get("requestId"),
      ),
      200,
    ),
);

ticketsAdmin.openapi(
  createRoute({
    method: "post",
    path: "/{id}/close",
    tags: ["Support"],
    summary: "Close a ticket",
    request: { params: TicketId },
    responses: {
      200: jsonContent(OperatorTicket, "Closed"),
      401: unauthorized,
      404: errorResponse("NOT_FOUND"),
    },
  }),
  async (c) =>
    c.json(
      await closeTicket(c.get("db"), c.get("operator"), c.req.valid("param").id, c.get("requestId")),
      200,
    ),
);
