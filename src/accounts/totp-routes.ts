// /api/v1/me/totp: turning two-factor sign-in on and off. A browser session only: an API key
// cannot change how the account signs in.
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, errorResponse, jsonContent } from "../lib/openapi";
import { requireSession } from "./auth";
import { requestMeta } from "./request-meta";
import { securityEvent } from "./security-log";
import {
  checkSecondFactor,
  confirmTotp,
  disableTotp,
  isTotpEnabled,
  startTotpSetup,
  totpStatus,
} from "./totp";

export const totpRoutes = createRouter();

const Status = z
  .object({ enabled: z.boolean(), recoveryCodesLeft: z.number().int() })
  .openapi("TwoFactorStatus");
const Code = z.string().trim().min(6).max(12).openapi({ example: "287082" });
const signedOut = errorResponse("Not signed in");
const sessionOnly = errorResponse("SESSION_REQUIRED: an API key cannot do this");
const json = <T extends z.ZodTypeAny>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});

totpRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Two-factor sign-in"],
    summary: "Whether two-factor sign-in is on, and how many recovery codes are left",
    middleware: [requireSession] as const,
    responses: { 200: jsonContent(Status, "The status"), 401: signedOut, 403: sessionOnly },
  }),
  async (c) => c.json(await totpStatus(c.get("db"), c.get("user").id), 200),
);

totpRoutes.openapi(
  createRoute({
    method: "post",
    path: "/setup",
    tags: ["Two-factor sign-in"],
    summary: "A new secret for an authenticator app (not in force until confirmed)",
    middleware: [requireSession] as const,
    responses: {
      200: jsonContent(
        z.object({
          secret: z.string().openapi({ description: "Base32, to type in" }),
          otpauthUri: z.string(),
        }),
        "The secret, once",
      ),
      401: signedOut,
      403: sessionOnly,
      409: errorResponse("TOTP_ALREADY_ENABLED"),
    },
  }),
  async (c) => {
    const user = c.get("user");
    c.header("Cache-Control", "no-store");
    return c.json(await startTotpSetup(c.get("db"), c.env, user.id, user.email), 200);
  },
);

totpRoutes.openapi(
  createRoute({
    method: "post",
    path: "/enable",
    tags: ["Two-factor sign-in"],
    summary: "Confirm the set-up with a first code; answers ten single-use recovery codes, once",
    middleware: [requireSession] as const,
    request: json(z.object({ code: Code })),
    responses: {
      200: jsonContent(z.object({ recoveryCodes: z.array(z.string()) }), "On"),
      400: errorResponse("TOTP_INVALID or VALIDATION_FAILED"),
      401: signedOut,
      403: sessionOnly,
      409: errorResponse("TOTP_NOT_STARTED or TOTP_ALREADY_ENABLED"),
    },
  }),
  async (c) => {
    const db = c.get("db");
    const user = c.get("user");
    const codes = await confirmTotp(db, c.env, user.id, c.req.valid("json").code);
    await securityEvent(db, user.id, "totp_enabled", requestMeta(c)).run();
    c.header("Cache-Control", "no-store");
    return c.json({ recoveryCodes: codes }, 200);
  },
);

totpRoutes.openapi(
  createRoute({
    method: "post",
    path: "/disable",
    tags: ["Two-factor sign-in"],
    summary: "Turn two-factor sign-in off, with a current code or a recovery code",
    middleware: [requireSession] as const,
    request: json(z.object({ code: Code.optional(), recoveryCode: z.string().trim().max(20).optional() })),
    responses: {
      200: jsonContent(Status, "Off"),
      400: errorResponse("TOTP_INVALID, RECOVERY_CODE_INVALID or VALIDATION_FAILED"),
      401: errorResponse("Not signed in, or TOTP_REQUIRED: no code was sent"),
      403: sessionOnly,
    },
  }),
  async (c) => {
    const db = c.get("db");
    const user = c.get("user");
    if (await isTotpEnabled(db, user.id)) {
      const { code, recoveryCode } = c.req.valid("json");
      await checkSecondFactor(db, c.env, user.id, { totpCode: code, recoveryCode });
    }
    await disableTotp(db, user.id);
    await securityEvent(db, user.id, "totp_disabled", requestMeta(c)).run();
    return c.json(await totpStatus(db, user.id), 200);
  },
);
