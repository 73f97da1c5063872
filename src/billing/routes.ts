// /api/v1/billing: balance, statement and top-ups. Each handler parses, calls billing logic, shapes.

import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { requireUser, requireVerifiedEmail } from "../accounts/auth";
import { assertLiveMode, resetTestBalance, TEST_BALANCE, testBalance } from "../accounts/test-mode";
import { type AppEnv, flag } from "../env";
import { AppError } from "../lib/errors";
import {
  createRouter,
  errorResponse,
  invalidInput,
  jsonBody,
  jsonContent,
  notSignedIn,
} from "../lib/openapi";
import { assertAccountMay } from "../privacy/account-gate";
import { publishDemoTopUpWebhook } from "../webhooks/events/billing";
import { getBalance } from "./ledger";
import { checkoutStatus, checkTopUpAmount, createCheckout, demoTopUp } from "./topups";
import { listTransactions } from "./transactions";

export const routes = createRouter();

const TAGS = ["Billing"];
const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];

// With DEMO_TOPUP off the route does not exist: the same 404 as any unknown path, before sign-in.
const demoOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!flag(c.env.DEMO_TOPUP)) {
    throw new AppError(404, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`);
  }
  await next();
};

// ── schemas ─────────────────────────────────────────────────────────────────────────────────────

const Minor = z.number().int().openapi({ description: "Integer minor units (cents)", example: 1500 });
const Balance = z
  .object({ available: Minor, held: Minor, currency: z.string().openapi({ example: "USD" }) })
  .openapi("Balance");
const Transaction = z
  .object({
    id: z.string().openapi({ example: "txn_0123456789abcdefghij" }),
    kind: z.enum(["top_up", "hold", "post", "void", "refund", "chargeback", "adjustment"]),
    amount: Minor.openapi({
      description: "Change of the available balance, minor units (negative when taken)",
    }),
    heldDelta: Minor.openapi({ description: "Change of the held balance, minor units" }),
    currency: z.string(),
    reference: z
      .string()
      .openapi({ description: "What it is for: act_… (an activation), cs_…/demo_… (a top-up)" }),
    activationExists: z.boolean().openapi({
      description:
        "Whether reference is an activation you can open; false for top-ups and for an order the provider " +
        "refused, whose hold was voided before any number was rented",
    }),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Transaction");
const TopUpAmount = z.object({
  amount: z
    .number()
    .int("Send whole minor units (cents).")
    .positive()
    .openapi({ description: "Minor units, within the server's TOPUP_MIN..TOPUP_MAX", example: 1000 }),
});
const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "Repeat a request safely: the same key gives the same result, once." }),
});
const TopUpStatus = z
  .object({
    sessionId: z.string(),
    status: z.enum(["open", "credited", "expired"]),
    amount: Minor,
    currency: z.string(),
    credited: z.boolean(),
  })
  .openapi("TopUpStatus");

const unverifiedOrTest = errorResponse(
  "EMAIL_NOT_VERIFIED when the server requires a confirmed email to pay; TEST_MODE: test keys cannot top up",
);

// ── reading ─────────────────────────────────────────────────────────────────────────────────────

routes.openapi(
  createRoute({
    method: "get",
    path: "/balance",
    tags: TAGS,
    security,
    summary: "Your balance",
    description: "`available` can be spent; `held` is reserved by numbers you are renting right now.",
    middleware: [requireUser] as const,
    responses: { 200: jsonContent(Balance, "The balance"), 401: notSignedIn },
  }),
  async (c) => c.json(await getBalance(c.get("db"), c.get("user").id), 200),
);

routes.openapi(
  createRoute({
    method: "get",
    path: "/transactions",
    tags: TAGS,
    security,
    summary: "Your ledger entries, newest first",
    description: "Pass `nextCursor` back as `cursor` for the next page; it is null on the last page.",
    middleware: [requireUser] as const,
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(100).default(25),
        cursor: z.string().max(200).optional(),
      }),
    },
    responses: {
      200: jsonContent(
        z
          .object({ items: z.array(Transaction), nextCursor: z.string().nullable() })
          .openapi("TransactionPage"),
        "One page of entries",
      ),
      400: invalidInput,
      401: notSignedIn,
    },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listTransactions(c.get("db"), c.get("user").id, { limit, cursor }), 200);
  },
);

// ── top-ups ─────────────────────────────────────────────────────────────────────────────────────

routes.openapi(
  createRoute({
    method: "post",
    path: "/checkout",
    tags: TAGS,
    security,
    summary: "Start a card top-up",
    description:
      "Creates a Stripe Checkout Session and returns its URL; open it in the browser. The balance is " +
      "credited when Stripe confirms the payment.",
    middleware: [requireUser] as const,
    request: { body: jsonBody(TopUpAmount), headers: IdempotencyHeader },
    responses: {
      200: jsonContent(z.object({ url: z.string().url(), sessionId: z.string() }), "Where to pay"),
      400: invalidInput,
      401: notSignedIn,
      403: unverifiedOrTest,
      409: errorResponse("IDEMPOTENCY_KEY_REUSED"),
      502: errorResponse("PAYMENT_PROVIDER_ERROR"),
      503: errorResponse("STRIPE_NOT_CONFIGURED: this server takes no card payments"),
    },
  }),
  async (c) => {
    assertLiveMode(c.get("user"));
    requireVerifiedEmail(c);
    await assertAccountMay(c.get("db"), c.get("user").id, "top_up");
    const { amount } = c.req.valid("json");
    const user = c.get("user");
    const key = c.req.valid("header")["idempotency-key"];
    return c.json(await createCheckout(c.env, c.get("db"), user, amount, key), 200);
  },
);

routes.openapi(
  createRoute({
    method: "get",
    path: "/checkout/{sessionId}",
    tags: TAGS,
    security,
    summary: "The outcome of a card top-up",
    description: "For the page Stripe returns to: whether the payment has been credited yet.",
    middleware: [requireUser] as const,
    request: { params: z.object({ sessionId: z.string().min(1).max(255) }) },
    responses: {
      200: jsonContent(TopUpStatus, "The top-up"),
      401: notSignedIn,
      404: errorResponse("NOT_FOUND: no such top-up of yours"),
      502: errorResponse("PAYMENT_PROVIDER_ERROR"),
    },
  }),
  async (c) => {
    const { sessionId } = c.req.valid("param");
    return c.json(await checkoutStatus(c.env, c.get("db"), c.get("user").id, sessionId), 200);
  },
);

routes.openapi(
  createRoute({
    method: "post",
    path: "/demo-topup",
    tags: TAGS,
    security,
    summary: "Add demo credit (development servers only)",
    description: "Credits the balance without a payment. Exists only where DEMO_TOPUP is on; 404 elsewhere.",
    middleware: [demoOnly, requireUser] as const,
    request: { body: jsonBody(TopUpAmount), headers: IdempotencyHeader },
    responses: {
      200: jsonContent(
        z.object({ applied: z.boolean(), topUpId: z.string(), balance: Balance }),
        "applied is false when this Idempotency-Key was already credited",
      ),
      400: invalidInput,
      401: notSignedIn,
      403: unverifiedOrTest,
      404: errorResponse("NOT_FOUND: demo top-ups are off on this server"),
      409: errorResponse("IDEMPOTENCY_KEY_REUSED"),
    },
  }),
  async (c) => {
    assertLiveMode(c.get("user"));
    requireVerifiedEmail(c);
    await assertAccountMay(c.get("db"), c.get("user").id, "top_up");
    const { amount } = c.req.valid("json");
    checkTopUpAmount(c.env, amount);
    const key = c.req.valid("header")["idempotency-key"];
    const result = await demoTopUp(c.get("db"), c.get("user").id, amount, key);
    await publishDemoTopUpWebhook(c.env, result.topUpId);
    return c.json(result, 200);
  },
);

// ── test mode ───────────────────────────────────────────────────────────────────────────────────

const testModeNote =
  `The play money of test mode (sk_test_ keys): starts at ${TEST_BALANCE} minor units and never mixes ` +
  "with the real balance. Signed in or with a live key: your test account's; with a test key: its own.";

routes.openapi(
  createRoute({
    method: "get",
    path: "/test-balance",
    tags: TAGS,
    security,
    summary: "Your test-mode balance",
    description: testModeNote,
    middleware: [requireUser] as const,
    responses: { 200: jsonContent(Balance, "The test balance"), 401: notSignedIn },
  }),
  async (c) => c.json(await testBalance(c.get("db"), c.get("user")), 200),
);

routes.openapi(
  createRoute({
    method: "post",
    path: "/test-balance/reset",
    tags: TAGS,
    security,
    summary: "Put the test-mode balance back to its starting amount",
    description: `${testModeNote} Money held by live test orders stays with them.`,
    middleware: [requireUser] as const,
    responses: { 200: jsonContent(Balance, "The test balance after the reset"), 401: notSignedIn },
  }),
  async (c) => c.json(await resetTestBalance(c.get("db"), c.get("user")), 200),
);
