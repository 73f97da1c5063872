// /api/v1/me/export and /api/v1/me/delete: the data rights the privacy policy promises.
import { createRoute, z } from "@hono/zod-openapi";
import { requireSession } from "../accounts/auth";
import { requestMeta } from "../accounts/request-meta";
import { clearSessionCookie } from "../accounts/sessions";
import { createRouter, errorResponse, jsonContent } from "../lib/openapi";
import { iso } from "../lib/time";
import { setRestriction } from "./account-gate";
import { confirmEmailChange, requestEmailChange } from "./email-change";
import { eraseAccount } from "./erase";
import { exportUserData } from "./export";
import { acceptPolicies, policyState } from "./policy";

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

// ── policy acceptance and restriction of processing ────────────────────────────────────────────

privacyRoutes.use("/me/policy", requireSession);
privacyRoutes.use("/me/restriction", requireSession);

const PolicyState = z
  .object({
    version: z.string().openapi({ description: "The version to accept (the newest document's)" }),
    lastUpdated: z.string(),
    acceptedVersion: z.string(),
    acceptedAt: z.string(),
    adultAttestedAt: z.string().nullable(),
    acceptanceRequired: z.boolean(),
  })
  .openapi("PolicyState");

privacyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/me/policy",
    tags: ["Privacy"],
    summary: "Which policy version you accepted, and whether a newer one awaits your acceptance",
    responses: { 200: jsonContent(PolicyState, "The state"), 401: errorResponse("Not signed in") },
  }),
  async (c) => c.json(await policyState(c.get("db"), c.get("user").id), 200),
);

privacyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/me/policy",
    tags: ["Privacy"],
    summary: "Accept the current Privacy Policy and Terms (recorded with version and time)",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({
              version: z.string().min(1).max(32),
              confirmAdult: z.literal(true, "You must confirm that you are an adult."),
            }),
          },
        },
      },
    },
    responses: {
      200: jsonContent(PolicyState, "Accepted"),
      400: errorResponse("VALIDATION_FAILED"),
      401: errorResponse("Not signed in"),
      403: errorResponse("SESSION_REQUIRED or CSRF_REJECTED"),
      409: errorResponse("POLICY_VERSION_MISMATCH: the policies changed again"),
    },
  }),
  async (c) => {
    await acceptPolicies(c.get("db"), c.get("user").id, c.req.valid("json"));
    return c.json(await policyState(c.get("db"), c.get("user").id), 200);
  },
);

privacyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/me/restriction",
    tags: ["Privacy"],
    summary: "Restrict the processing of your data (no orders or top-ups), or lift the restriction",
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ restricted: z.boolean() }) } },
      },
    },
    responses: {
      200: jsonContent(
        z.object({ restricted: z.boolean(), restrictedAt: z.string().nullable() }),
        "The restriction as it now is",
      ),
      400: errorResponse("VALIDATION_FAILED"),
      401: errorResponse("Not signed in"),
      403: errorResponse("SESSION_REQUIRED or CSRF_REJECTED"),
    },
  }),
  async (c) => {
    const { restricted, restrictedAt } = await setRestriction(
      c.get("db"),
      c.get("user").id,
      c.req.valid("json").restricted,
    );
    return c.json({ restricted, restrictedAt: restrictedAt === null ? null : iso(restrictedAt) }, 200);
  },
);

// ── correcting the email address ───────────────────────────────────────────────────────────────

privacyRoutes.use("/me/email", requireSession);

privacyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/me/email",
    tags: ["Privacy"],
    summary: "Change your email address: a link goes to the new one, a notice to the old one",
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({
              password: z.string().min(1).max(1024),
              newEmail: z
                .string()
                .trim()
                .toLowerCase()
                .pipe(z.email("Enter a valid email address.").max(254)),
            }),
          },
        },
      },
    },
    responses: {
      202: jsonContent(z.object({ ok: z.literal(true) }), "The confirmation link is on its way"),
      400: errorResponse("VALIDATION_FAILED or SAME_EMAIL"),
      401: errorResponse("Not signed in"),
      403: errorResponse("WRONG_PASSWORD, SESSION_REQUIRED or CSRF_REJECTED"),
      409: errorResponse("EMAIL_TAKEN"),
      429: errorResponse("RATE_LIMITED"),
    },
  }),
  async (c) => {
    await requestEmailChange(
      c.env,
      c.get("db"),
      c.get("user"),
      c.req.valid("json"),
      requestMeta(c),
      c.get("requestId"),
    );
    return c.json({ ok: true as const }, 202);
  },
);

privacyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/auth/confirm-email-change",
    tags: ["Privacy"],
    summary: "Confirm a new email address with the token from the link sent to it",
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ token: z.string().min(1).max(200) }) } },
      },
    },
    responses: {
      200: jsonContent(z.object({ ok: z.literal(true), email: z.string() }), "Changed"),
      400: errorResponse("INVALID_TOKEN or VALIDATION_FAILED"),
      409: errorResponse("EMAIL_TAKEN"),
    },
  }),
  async (c) => {
    const { email } = await confirmEmailChange(c.get("db"), c.req.valid("json").token, requestMeta(c));
    return c.json({ ok: true as const, email }, 200);
  },
);
