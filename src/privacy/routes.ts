// /api/v1/me/export and /api/v1/me/delete: the data rights the privacy policy promises.
import { createRoute, z } from "@hono/zod-openapi";
import { requireSession } from "../accounts/auth";
import { requestMeta } from "../accounts/request-meta";
import { clearSessionCookie } from "../accounts/sessions";
import { createRouter, errorResponse, jsonContent } from "../lib/openapi";
import { iso } from "../lib/time";
import { eraseAccount } from "./erase";
import { exportUserData } from "./export";

export const privacyRoutes = createRouter();

privacyRoutes.use("/me/export", requireSession);
privacyRoutes.use("/me/delete", requireSession);

const exportRoute = createRoute({
  method: "get",
  path: "/me/export",
  tags: ["Privacy"],
  summary: "Download everything the service keeps about you, as JSON",
  responses: {
    200: jsonContent(z.object({}).passthrough().openapi("DataExport"), "Your data"),
    401: errorResponse("Not signed in"),
    403: errorResponse("Only a signed-in browser session can export data"),
  },
});

privacyRoutes.openapi(exportRoute, async (c) => {
  const data = await exportUserData(c.env, c.get("db"), c.get("user").id);
  c.header(
    "Content-Disposition",
    `attachment; filename="${c.env.BRAND_NAME.toLowerCase()}-data-export.json"`,
  );
  c.header("Cache-Control", "no-store");
  return c.json(data, 200);
});

const deleteRoute = createRoute({
  method: "post",
  path: "/me/delete",
  tags: ["Privacy"],
  summary: "Delete your account and personal data",
  description:
    'Needs your password and `confirm: "DELETE"`. Refused while a number is live. A non-empty balance ' +
    "must be given up explicitly with `forfeitBalance: true`. Ledger entries stay (accounting), tied to " +
    "an id that no longer leads to you; SMS content, sessions, keys and the security log are deleted.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            password: z.string().min(1).max(1024),
            confirm: z.literal("DELETE", { error: 'Type "DELETE" to confirm.' }),
            forfeitBalance: z.boolean().default(false),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(z.object({ ok: z.literal(true), erasedAt: z.string() }), "Deleted"),
    400: errorResponse("Missing confirmation"),
    401: errorResponse("Not signed in"),
    403: errorResponse("Wrong password, or not a browser session"),
    429: errorResponse("Too many password attempts for this account; try again in a minute"),
    409: errorResponse(
      "A number is still live (ACTIVE_ACTIVATIONS) or the balance is not empty (BALANCE_REMAINING)",
    ),
  },
});

privacyRoutes.openapi(deleteRoute, async (c) => {
  const input = c.req.valid("json");
  const { erasedAt } = await eraseAccount(c.env, c.get("db"), c.get("user"), input, requestMeta(c));
  clearSessionCookie(c);
  return c.json({ ok: true as const, erasedAt: iso(erasedAt) }, 200);
});
