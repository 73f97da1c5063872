// /api/v1 routes of the accounts feature: signup, login, sessions, email flows, passwords, API keys,
// the security log and the public configuration. Each handler parses, calls account logic, shapes.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import {
  createRouter,
  errorResponse,
  invalidInput,
  jsonBody,
  jsonContent,
  notSignedIn,
  rateLimited,
} from "../lib/openapi";
import { createKeySmsWebhook } from "../webhooks/endpoints";
import { assertAllowedTarget } from "../webhooks/targets";
import * as account from "./account";
import { checkOrigin, requireSession, requireUser } from "./auth";
import { publicConfig } from "./config";
import { endStreams } from "./end-streams";
import { isAllowlistEntry, SCOPES } from "./key-policy";
import { createApiKey, listApiKeys, revokeApiKey } from "./keys";
import { readDeviceCookie, setDeviceCookie } from "./login-limits";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./passwords";
import { requestMeta } from "./request-meta";
import { listSecurityEvents } from "./security-log";
import { clearSessionCookie, listSessions, setSessionCookie } from "./sessions";

export const routes = createRouter();

const ctx = (c: Context<AppEnv>): account.AccountContext => ({
  db: c.get("db"),
  env: c.env,
  meta: requestMeta(c),
  requestId: c.get("requestId"),
});

// Signup and login carry no cookie yet, so the session's CSRF rule cannot apply; a foreign Origin can.
const sameOriginOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  checkOrigin(c);
  await next();
};

// ── schemas ─────────────────────────────────────────────────────────────────────────────────────

const EmailInput = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("Enter a valid email address.").max(254))
  .openapi({ format: "email", example: "ada@example.com" });
const NewPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH);
const AnyPassword = z.string().min(1).max(PASSWORD_MAX_LENGTH);
const Token = z.string().min(1).max(200);

const User = z
  .object({
    id: z.string().openapi({ example: "usr_0123456789abcdefghij" }),
    email: z.string(),
    emailVerified: z.boolean(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("User");
const UserEnvelope = z.object({ user: User });
const Ok = z.object({ ok: z.literal(true) }).openapi("Ok");

const sessionOnly = errorResponse("CSRF_REJECTED, or SESSION_REQUIRED when called with an API key");

// ── sign up, in and out ─────────────────────────────────────────────────────────────────────────

routes.openapi(
  createRoute({
    method: "post",
    path: "/auth/signup",
    tags: ["Accounts"],
    summary: "Create an account and sign in",
    description:
      "Sets the session cookie and sends an email with a confirmation link. Both booleans must be true.",
    middleware: [sameOriginOnly] as const,
    request: {
      body: jsonBody(
        z.object({
          email: EmailInput,
          password: NewPassword,
          acceptTerms: z.literal(true, "You must accept the Terms and the Privacy Policy."),
          confirmAdult: z.literal(true, "You must confirm that you are an adult."),
        }),
      ),
    },
    responses: {
      201: jsonContent(UserEnvelope, "Signed up and signed in"),
      400: errorResponse("VALIDATION_FAILED, WEAK_PASSWORD or BAD_REQUEST"),
      403: errorResponse("CSRF_REJECTED: Origin of another site"),
      409: errorResponse("EMAIL_TAKEN"),
      429: rateLimited,
    },
  }),
  async (c) => {
    const { user, session } = await account.signup(ctx(c), c.req.valid("json"));
    setSessionCookie(c, session.token);
    await setDeviceCookie(c, user.id);
    return c.json({ user }, 201);
  },
);

routes.openapi(
  createRoute({
    method: "post",
    path: "/auth/login",
    tags: ["Accounts"],
    summary: "Sign in with email and password",
    middleware: [sameOriginOnly] as const,
    request: {
      body: jsonBody(
        z.object({
          email: z.string().trim().toLowerCase().min(1).max(254),
          password: AnyPassword,
          totpCode: z
            .string()
            .trim()
            .max(12)
            .optional()
            .openapi({ description: "With two-factor sign-in on: the code from the authenticator app" }),
          recoveryCode: z.string().trim().max(20).optional().openapi({ description: "Or one recovery code" }),
        }),
      ),
    },
    responses: {
      200: jsonContent(UserEnvelope, "Signed in; the session cookie is set"),
      400: invalidInput,
      401: errorResponse(
        "INVALID_CREDENTIALS, the same for an unknown email and a wrong password; TOTP_REQUIRED when two-factor sign-in is on and no code was sent",
      ),
      403: errorResponse("CSRF_REJECTED: Origin of another site"),
      429: rateLimited,
    },
  }),
  async (c) => {
    const { user, session } = await account.login(ctx(c), c.req.valid("json"), readDeviceCookie(c));
    setSessionCookie(c, session.token);
    await setDeviceCookie(c, user.id);
    return c.json({ user }, 200);
  },
);

routes.openapi(
  createRoute({
    method: "post",
    path: "/auth/logout",
    tags: ["Accounts"],
    summary: "End this session",
    middleware: [requireSession] as const,
    responses: { 200: jsonContent(Ok, "Signed out"), 401: notSignedIn, 403: sessionOnly },
  }),
  async (c) => {
    const auth = c.get("auth");
    if (auth.kind === "session") await account.logout(ctx(c), c.get("user").id, auth.sessionId);
    clearSessionCookie(c);
    return c.json({ ok: true as const }, 200);
  },
);

routes.openapi(
  createRoute({
    method: "post",
    path: "/auth/logout-all",
    tags: ["Accounts"],
    summary: "End every session of this account, on every device",
    middleware: [requireSession] as const,
    responses: { 200: jsonContent(Ok, "Signed out everywhere"), 401: notSignedIn, 403: sessionOnly },
  }),
  async (c) => {
    await account.logoutAll(ctx(c), c.get("user").id);
    clearSessionCookie(c);
    return c.json({ ok: true as const }, 200);
  },
);

const SessionSchema = z
  .object({
    id: z.string().openapi({ example: "ses_2x9…" }),
    createdAt: z.string().openapi({ format: "date-time" }),
    expiresAt: z.string().openapi({ format: "date-time" }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    current: z.boolean().openapi({ description: "The session this request was made with" }),
  })
  .openapi("Session");

routes.openapi(
  createRoute({
    method: "get",
    path: "/me/sessions",
    tags: ["Accounts"],
    summary: "The devices signed in to this account, newest first",
    middleware: [requireSession] as const,
    responses: {
      200: jsonContent(z.object({ sessions: z.array(SessionSchema) }), "Live sessions"),
      401: notSignedIn,
      403: sessionOnly,
    },
  }),
  async (c) => {
    const auth = c.get("auth");
    const current = auth.kind === "session" ? auth.sessionId : null;
    return c.json({ sessions: await listSessions(c.get("db"), c.get("user").id, current) }, 200);
  },
);

routes.openapi(
  createRoute({
    method: "delete",
    path: "/me/sessions/{id}",
    tags: ["Accounts"],
    summary: "Sign one device out",
    description: "Ending the caller's own session also clears its cookie, like logging out.",
    middleware: [requireSession] as const,
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: {
      200: jsonContent(Ok, "Signed out"),
      401: notSignedIn,
      403: sessionOnly,
      404: errorResponse("NOT_FOUND: no such live session on this account"),
    },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    await account.endSession(ctx(c), c.get("user").id, id);
    const auth = c.get("auth");
    if (auth.kind === "session" && auth.sessionId === id) clearSessionCookie(c);
    return c.json({ ok: true as const }, 200);
  },
);

// ── email verification and password reset ──────────────────────────────────────────────────────

routes.openapi(
  createRoute({
    method: "post",
    path: "/auth/verify-email",
    tags: ["Accounts"],
    summary: "Confirm the email address with the token from the emailed link",
    description:
      "Spends every other confirmation link of the account. A link of an account confirmed already answers 200 again and changes nothing.",
    middleware: [sameOriginOnly] as const,
    request: { body: jsonBody(z.object({ token: Token })) },
    responses: {
      200: jsonContent(UserEnvelope, "Email confirmed"),
      400: errorResponse("INVALID_TOKEN (unknown, expired or already used) or VALIDATION_FAILED"),
      403: errorResponse("CSRF_REJECTED: Origin of another site"),
    },
  }),
  async (c) => {
    const user = await account.verifyEmail(ctx(c), c.req.valid("json").token);
    return c.json({ user }, 200);
  },
);

routes.openapi(
  createRoute({
    method: "post",
    path: "/auth/resend-verification",
    tags: ["Accounts"],
    summary: "Send the email confirmation link again",
    middleware: [requireSession] as const,
    responses: {
      200: jsonContent(Ok, "Sent"),
      401: notSignedIn,
      403: sessionOnly,
      409: errorResponse("EMAIL_ALREADY_VERIFIED"),
      429: rateLimited,
    },
  }),
  async (c) => {
    await account.resendVerification(ctx(c), c.get("user"));
    return c.json({ ok: true as const }, 200);
  },
);

routes.openapi(
  createRoute({
    method: "post",
    path: "/auth/request-password-reset",
    tags: ["Accounts"],
    summary: "Email a password reset link",
    description: "Answers the same whether or not an account has this email.",
    middleware: [sameOriginOnly] as const,
    request: { body: jsonBody(z.object({ email: EmailInput })) },
    responses: {
      200: jsonContent(
        z.object({ ok: z.literal(true), message: z.string() }),
        "If the account exists, a link is on its way",
      ),
      400: invalidInput,
      403: errorResponse("CSRF_REJECTED: Origin of another site"),
      429: rateLimited,
    },
  }),
  async (c) => {
    await account.requestPasswordReset(ctx(c), c.req.valid("json").email);
    return c.json(
      { ok: true as const, message: "If an account uses this email, a reset link has been sent to it." },
      200,
    );
  },
);

routes.openapi(
  createRoute({
    method: "post",
    path: "/auth/reset-password",
    tags: ["Accounts"],
    summary: "Set a new password with the token from the emailed link",
    description: "Signs the account out of every session.",
    middleware: [sameOriginOnly] as const,
    request: { body: jsonBody(z.object({ token: Token, password: NewPassword })) },
    responses: {
      200: jsonContent(Ok, "Password changed; sign in with it"),
      400: errorResponse("INVALID_TOKEN, WEAK_PASSWORD or VALIDATION_FAILED"),
      403: errorResponse("CSRF_REJECTED: Origin of another site"),
    },
  }),
  async (c) => {
    const { userId } = await account.resetPassword(ctx(c), c.req.valid("json"));
    // The link came to the owner's inbox: this browser is theirs, so others' failures cannot lock it out.
    await setDeviceCookie(c, userId);
    return c.json({ ok: true as const }, 200);
  },
);

// ── the signed-in account ───────────────────────────────────────────────────────────────────────

routes.openapi(
  createRoute({
    method: "get",
    path: "/me",
    tags: ["Accounts"],
    summary: "The signed-in account",
    middleware: [requireUser] as const,
    responses: {
      200: jsonContent(User, "The account"),
      401: notSignedIn,
      429: rateLimited,
    },
  }),
  async (c) => c.json(await account.getUser(c.get("db"), c.get("user").id), 200),
);

routes.openapi(
  createRoute({
    method: "post",
    path: "/me/password",
    tags: ["Accounts"],
    summary: "Change the password",
    description: "Revokes every session, then signs this browser in again with a fresh session cookie.",
    middleware: [requireSession] as const,
    request: { body: jsonBody(z.object({ currentPassword: AnyPassword, newPassword: NewPassword })) },
    responses: {
      200: jsonContent(Ok, "Changed"),
      400: errorResponse("SAME_PASSWORD, WEAK_PASSWORD or VALIDATION_FAILED (field paths in details)"),
      401: notSignedIn,
      403: errorResponse("WRONG_PASSWORD, CSRF_REJECTED or SESSION_REQUIRED"),
      429: rateLimited,
    },
  }),
  async (c) => {
    const session = await account.changePassword(ctx(c), c.get("user"), c.req.valid("json"));
    setSessionCookie(c, session.token);
    return c.json({ ok: true as const }, 200);
  },
);

routes.openapi(
  createRoute({
    method: "get",
    path: "/me/security-log",
    tags: ["Accounts"],
    summary: "Sign-ins, password changes and key changes of this account, newest first (up to 100)",
    description: "It holds IP addresses, so only a signed-in browser session may read it, never an API key.",
    middleware: [requireSession] as const,
    responses: {
      200: jsonContent(
        z.object({
          items: z.array(
            z.object({
              kind: z.string().openapi({ example: "key_created" }),
              detail: z.string().nullable().openapi({
                description: "What it was about, e.g. which API key",
                example: "my script (sk_AbCdEfG…)",
              }),
              ip: z.string().nullable(),
              userAgent: z.string().nullable(),
              createdAt: z.string().openapi({ format: "date-time" }),
            }),
          ),
        }),
        "The log",
      ),
      401: notSignedIn,
      403: sessionOnly,
      429: rateLimited,
    },
  }),
  async (c) => c.json({ items: await listSecurityEvents(c.get("db"), c.get("user").id) }, 200),
);

// ── API keys ────────────────────────────────────────────────────────────────────────────────────

const KeyId = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

// Control characters corrupt logs and terminals; bidirectional overrides and isolates make a name
// display as something else (the dashboard and the security log show it).
// Cc: U+0000–U+001F, U+007F–U+009F. Bidi_Control: U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069.
const UNSAFE_NAME_CHARACTERS = /[\p{Cc}\p{Bidi_Control}]/u;
const KeyName = z
  .string()
  .trim()
  .min(1, "Give the key a name.")
  .max(64, "Use at most 64 characters.")
  .refine((name) => !UNSAFE_NAME_CHARACTERS.test(name), "Use no control characters or text-direction marks.")
  .openapi({ example: "my script" });

// Optional limits of a key: scopes (reads are allowed by any), a daily spending cap in minor units,
// the addresses it may be used from.
const KeyLimitsInput = {
  scopes: z
    .array(z.enum(SCOPES))
    .min(1, "Give at least one scope, or leave scopes out for a key that may do everything.")
    .optional()
    .openapi({ description: "read: reads only; orders: rent and manage numbers; billing: top-ups" }),
  dailySpendLimit: z.number().int().positive().max(100_000_000).optional().openapi({
    description: "Most this key may spend on orders per UTC day, in minor units",
  }),
  ipAllowlist: z
    .array(
      z
        .string()
        .trim()
        .refine(isAllowlistEntry, "Use an IP address or an IPv4 range such as 203.0.113.0/24."),
    )
    .min(1)
    .max(50)
    .optional(),
  smsWebhookUrl: z
    .string()
    .trim()
    .min(1)
    .max(2048)
    .optional()
    .openapi({
      description:
        "For clients of sms-activate's profile webhook: each SMS of this key's orders is POSTed here as " +
        "{activationId, service, text, code, country, receivedAt}",
    }),
};
const KeyLimitsView = {
  scopes: z.array(z.enum(SCOPES)).nullable(),
  dailySpendLimit: z.number().int().nullable(),
  ipAllowlist: z.array(z.string()).nullable(),
  smsWebhookUrl: z.string().nullable(),
};

routes.openapi(
  createRoute({
    method: "post",
    path: "/keys",
    tags: ["API keys"],
    summary: "Create an API key (the key is shown only in this answer)",
    middleware: [requireSession] as const,
    request: {
      body: jsonBody(
        z.object({
          name: KeyName,
          test: z.boolean().optional().openapi({
            description:
              "A test-mode key (sk_test_…): play money ($100, resettable) and simulated numbers, in any deployment",
          }),
          ...KeyLimitsInput,
        }),
      ),
    },
    responses: {
      201: jsonContent(
        z.object({
          id: z.string(),
          name: z.string(),
          prefix: z.string(),
          key: z.string().openapi({ description: "Send as Authorization: Bearer <key>. Not shown again." }),
          test: z.boolean(),
          createdAt: z.string().openapi({ format: "date-time" }),
          ...KeyLimitsView,
        }),
        "Created",
      ),
      400: invalidInput,
      401: notSignedIn,
      403: sessionOnly,
      409: errorResponse("TOO_MANY_KEYS (20 live keys at most)"),
    },
  }),
  async (c) => {
    const { name, smsWebhookUrl, test = false, ...limits } = c.req.valid("json");
    const url =
      smsWebhookUrl === undefined ? undefined : (await assertAllowedTarget(c.env, smsWebhookUrl)).toString();
    const { accountId, ...created } = await createApiKey(
      c.get("db"),
      requestMeta(c),
      c.get("user").id,
      name,
      { ...limits, smsWebhookUrl: url },
      test,
    );
    // The key's SMS webhook belongs to the account its orders are made by.
    if (url) await createKeySmsWebhook(c.env, accountId, created.id, url);
    return c.json(created, 201);
  },
);

routes.openapi(
  createRoute({
    method: "get",
    path: "/keys",
    tags: ["API keys"],
    summary: "The account's live API keys (never the keys themselves)",
    middleware: [requireSession] as const,
    responses: {
      200: jsonContent(
        z.object({
          keys: z.array(
            z.object({
              id: z.string(),
              name: z.string(),
              prefix: z.string(),
              test: z.boolean().openapi({ description: "A test-mode key (sk_test_…)" }),
              createdAt: z.string().openapi({ format: "date-time" }),
              lastUsedAt: z.string().nullable().openapi({ format: "date-time" }),
              requestCount: z.number().int(),
              ...KeyLimitsView,
            }),
          ),
        }),
        "The keys",
      ),
      401: notSignedIn,
      403: sessionOnly,
    },
  }),
  async (c) => c.json({ keys: await listApiKeys(c.get("db"), c.get("user").id) }, 200),
);

routes.openapi(
  createRoute({
    method: "delete",
    path: "/keys/{id}",
    tags: ["API keys"],
    summary: "Revoke an API key",
    middleware: [requireSession] as const,
    request: { params: KeyId },
    responses: {
      200: jsonContent(Ok, "Revoked"),
      401: notSignedIn,
      403: sessionOnly,
      404: errorResponse("NOT_FOUND: no such live key on this account"),
    },
  }),
  async (c) => {
    const userId = c.get("user").id;
    const keyId = c.req.valid("param").id;
    const { accountId } = await revokeApiKey(c.get("db"), requestMeta(c), userId, keyId);
    // A test key's streams are in its test account's rooms.
    await endStreams(
      c.env,
      c.get("db"),
      { userId: accountId, kind: "key", ids: [keyId] },
      c.get("requestId"),
    );
    return c.json({ ok: true as const }, 200);
  },
);

// ── public configuration ────────────────────────────────────────────────────────────────────────

routes.openapi(
  createRoute({
    method: "get",
    path: "/config",
    tags: ["Service"],
    summary: "Brand, policies and the features this deployment offers (no sign-in needed)",
    responses: {
      200: jsonContent(
        z
          .object({
            brandName: z.string(),
            supportEmail: z.string(),
            policyVersion: z.string(),
            policyLastUpdated: z.string(),
            currency: z.string(),
            demoTopUp: z.boolean(),
            stripeEnabled: z.boolean(),
            simulator: z.boolean(),
            requireEmailVerification: z.boolean(),
            topUpMin: z.number().int(),
            topUpMax: z.number().int(),
            earlyCancelSeconds: z.number().int(),
            activationMinutes: z.number().int(),
            smsRetentionDays: z.number().int(),
          })
          .openapi("Config"),
        "The configuration",
      ),
    },
  }),
  (c) => c.json(publicConfig(c.env), 200),
);
