// The sms-activate handler_api.php protocol at /stubs/handler_api.php, so that existing clients and bots
// work by changing only their base URL. A thin mapping onto the same service functions as REST.
//
// Conventions of the protocol kept here:
// - GET or POST; parameters from the query string and from a form body (urlencoded or multipart).
//   When both carry a parameter the body wins, as PHP's $_REQUEST does. HEAD is 405: GETs here act.
// - Authentication by `api_key` alone; cookies are never read, so browser protections do not apply.
// - Every protocol error is HTTP 200 with the error word as a plain-text body.
// - The per-key rate limit is shared with REST and answered with the word TOO_MANY_REQUESTS.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { admitKey, authenticateApiKey, type UserRead } from "../accounts/auth";
import { assertScope } from "../accounts/key-policy";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";
import { log } from "../lib/log";
import { createRouter } from "../lib/openapi";
import { ACTIONS, type Params, wordForError } from "./compat-actions";
import { ProtocolWord } from "./compat-format";

export const compat = createRouter();

/** The OpenAPI tag of the protocol's entry; /docs puts the action table under it. */
export const COMPAT_TAG = "handler_api.php";

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i;

const bodyParams = async (c: Context<AppEnv>): Promise<Params> => {
  if (!FORM_TYPES.test(c.req.header("Content-Type") ?? "")) return {};
  const body = await c.req.parseBody().catch(() => ({}));
  return Object.fromEntries(
    Object.entries(body).flatMap(([name, value]) => (typeof value === "string" ? [[name, value]] : [])),
  );
};

const readParams = async (c: Context<AppEnv>): Promise<Params> => ({
  ...c.req.query(),
  ...(await bodyParams(c)),
});

const authenticate = async <T>(c: Context<AppEnv>, apiKey: string | undefined, read?: UserRead<T>) => {
  const found = apiKey ? await authenticateApiKey(c, apiKey, read) : null;
  if (!found) throw new ProtocolWord("BAD_KEY");
  try {
    await admitKey(c, found);
  } catch (err) {
    if (err instanceof AppError && err.code === "RATE_LIMITED") {
      for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
      throw new ProtocolWord("TOO_MANY_REQUESTS");
    }
    throw err;
  }
  return found;
};

const answer = async (c: Context<AppEnv>): Promise<string | object> => {
  const params = await readParams(c);
  const action = Object.hasOwn(ACTIONS, params.action ?? "") ? ACTIONS[params.action as string] : undefined;
  // A poll's read, when its parameters name an activation (otherwise the action answers why not).
  const read = action?.reads?.(c.env, params);
  // The key is answered first (BAD_KEY before BAD_ACTION), as sms-activate does.
  const found = await authenticate(c, params.api_key, read);
  if (!action) throw new ProtocolWord("BAD_ACTION");
  assertScope(found.user.key, action.scope ?? "read");
  const actor = {
    env: c.env,
    db: c.get("db"),
    user: found.user,
    requestId: c.get("requestId"),
    waitUntil: (p: Promise<unknown>) => c.executionCtx.waitUntil(p),
  };
  return action.run(actor, params, read ? found.value() : undefined);
};

const handler = async (c: Context<AppEnv>) => {
  // Hono answers HEAD with the GET handler, and a GET here can act (getNumber rents a number and holds
  // money): a HEAD is refused before anything is read or run.
  if (c.req.method === "HEAD") return c.body(null, 405, { Allow: "GET, POST" });
  let result: string | object;
  try {
    result = await answer(c);
  } catch (err) {
    result = protocolError(c, err);
  }
  return typeof result === "string" ? c.text(result, 200) : c.json(result, 200);
};

const protocolError = (c: Context<AppEnv>, err: unknown): string => {
  if (err instanceof ProtocolWord) return err.word;
  const word = err instanceof AppError ? wordForError(err) : null;
  if (word) return word;
  log(c.get("requestId"), "compat_error", { error: String(err), stack: (err as Error)?.stack });
  // The protocol's word for "the server failed"; clients treat it as retryable.
  return "ERROR_SQL";
};

compat.on(["GET", "POST"], "/handler_api.php", handler);

// Described in the OpenAPI document by hand: the protocol's own answers are not the JSON error envelope.
const protocolQuery = z.object({
  api_key: z.string().openapi({ description: "An API key of yours (sk_…)." }),
  action: z.enum(Object.keys(ACTIONS) as [string, ...string[]]),
  service: z.string().optional().openapi({ description: "Service code, e.g. tg." }),
  country: z.string().optional().openapi({ description: "sms-activate numeric country id." }),
  maxPrice: z.string().optional().openapi({ description: "Highest price you accept, as a decimal." }),
  orderId: z.string().optional().openapi({ description: "getNumberV2: your idempotency key." }),
  id: z.string().optional().openapi({ description: "Numeric activation id." }),
  status: z.string().optional().openapi({ description: "setStatus: 1, 3, 6 or 8." }),
});

const protocolResponses = {
  200: {
    description:
      "The action's answer: a word such as ACCESS_BALANCE:12.50 or STATUS_OK:48213, or JSON for the actions " +
      "that answer JSON. Protocol errors (BAD_KEY, NO_BALANCE, …) are also HTTP 200 with the word as the body.",
    content: {
      "text/plain": { schema: z.string().openapi({ example: "ACCESS_NUMBER:100042:14155550123" }) },
      "application/json": { schema: z.record(z.string(), z.unknown()) },
    },
  },
};

for (const method of ["get", "post"] as const) {
  compat.openAPIRegistry.registerPath({
    method,
    path: "/handler_api.php",
    tags: [COMPAT_TAG],
    summary: `sms-activate protocol (${method.toUpperCase()})`,
    description:
      "Parameters from the query string or a form body, urlencoded or multipart (the body wins when both " +
      "carry one). See the action table on /docs.",
    request:
      method === "get"
        ? { query: protocolQuery }
        : {
            query: protocolQuery.partial(),
            body: {
              required: false,
              content: {
                "application/x-www-form-urlencoded": { schema: protocolQuery },
                "multipart/form-data": { schema: protocolQuery },
              },
            },
          },
    responses: protocolResponses,
  });
}
