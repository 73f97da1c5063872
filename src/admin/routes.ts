// The operators' API, /admin/api/v1: every route behind requireOperator, documented in its own
// OpenAPI document (/admin/api/v1/openapi.json), never in the customers' one. Each feature that gives
// operators something to do adds one router file of its own and mounts it here.
import { createRoute, z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { createRouter, errorResponse, jsonContent } from "../lib/openapi";
import { iso } from "../lib/time";
import { providersAdmin } from "../providers/admin-routes";
import { activationsAdmin } from "./activations";
import { listAudit } from "./audit";
import { ACCESS_HEADER, requireOperator } from "./auth";
import { booksAdmin } from "./books";
import { catalogAdmin } from "./catalog";
import { incidentsAdmin } from "./incidents";
import { simsAdmin } from "./sims";
import { ticketsAdmin } from "./tickets";
import { usersAdmin } from "./users";

export const adminApi = createRouter();
adminApi.use("*", requireOperator);

const unauthorized = errorResponse("UNAUTHORIZED: no operator credential, or a wrong one (logged)");

const whoamiRoute = createRoute({
  method: "get",
  path: "/whoami",
  tags: ["Operators"],
  summary: "The operator this credential is",
  responses: {
    200: jsonContent(z.object({ operator: z.string(), via: z.string() }), "The operator"),
    401: unauthorized,
  },
});
adminApi.openapi(whoamiRoute, (c) => {
  const operator = c.get("operator");
  return c.json({ operator: operator.id, via: operator.via }, 200);
});

const AuditItem = z.object({
  id: z.string(),
  at: z.string(),
  operator: z.string(),
  action: z.string(),
  target: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
});

const auditRoute = createRoute({
  method: "get",
  path: "/audit",
  tags: ["Operators"],
  summary: "The operators' audit log, newest first",
  request: {
    query: z.object({
      since: z.iso
        .datetime({ offset: true })
        .optional()
        .openapi({ description: "ISO 8601; only entries at or after it" }),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(AuditItem) }), "Audit entries"),
    400: errorResponse("VALIDATION_FAILED"),
    401: unauthorized,
  },
});
adminApi.openapi(auditRoute, async (c) => {
  const { since, limit } = c.req.valid("query");
  const rows = await listAudit(c.get("db"), { since: since ? Date.parse(since) : undefined, limit });
  const parse = (value: string | null) => (value === null ? null : JSON.parse(value));
  const items = rows.map((row) => ({
    ...row,
    at: iso(row.at),
    before: parse(row.before),
    after: parse(row.after),
  }));
  return c.json({ items }, 200);
});

// Features mount their operator routes here, one line each.
adminApi.route("/users", usersAdmin);
adminApi.route("/activations", activationsAdmin);
adminApi.route("/", catalogAdmin);
adminApi.route("/", booksAdmin);
adminApi.route("/", incidentsAdmin);
adminApi.route("/providers", providersAdmin);
adminApi.route("/sims", simsAdmin);
adminApi.route("/tickets", ticketsAdmin);

adminApi.doc31("/openapi.json", (c) => ({
  openapi: "3.1.0",
  info: { title: `${c.env.BRAND_NAME} operators' API`, version: "1" },
  servers: [{ url: `${c.env.PUBLIC_URL}/admin/api/v1` }],
  security: [{ adminToken: [] as string[] }, { cloudflareAccess: [] as string[] }] as Array<
    Record<string, string[]>
  >,
}));
adminApi.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
  type: "http",
  scheme: "bearer",
  description: "ADMIN_TOKEN (a secret of the deployment)",
});
adminApi.openAPIRegistry.registerComponent("securitySchemes", "cloudflareAccess", {
  type: "apiKey",
  in: "header",
  name: ACCESS_HEADER,
  description: "A Cloudflare Access JWT (where ACCESS_TEAM_DOMAIN and ACCESS_AUD are set)",
});

/**
 * Mounted through a plain Hono app so that @hono/zod-openapi does not merge these routes into the
 * customers' document (it merges the registry of any OpenAPIHono given to app.route).
 */
export const adminRoutes = new Hono<AppEnv>().route("/", adminApi);
