// The OpenAPI 3.1 document of the whole app. Each router describes its own routes with zod; what the
// shared middleware adds to a route (who may call it, the 400/401/403/429 it can answer) is read from
// the middleware the route actually runs, so the document cannot drift from the code.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { isUserGuard, requireSession } from "../accounts/auth";
import { SESSION_COOKIE } from "../accounts/sessions";
import type { AppEnv, Env } from "../env";

export type OpenApiDocument = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;

type Response = { description: string; content?: Record<string, unknown> };
type Operation = {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, Response>;
};

export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: "http" as const,
    scheme: "bearer",
    description: "An API key (sk_…) created in the dashboard: `Authorization: Bearer sk_…`.",
  },
  cookieAuth: {
    type: "apiKey" as const,
    in: "cookie" as const,
    name: SESSION_COOKIE,
    description:
      "The dashboard's session cookie. State changes with it need Content-Type: application/json and " +
      "the site's own Origin.",
  },
};

// Descriptions of the tags the routers use; a tag missing here still appears, without a description.
const TAG_DESCRIPTIONS: Record<string, string> = {
  accounts: "Sign-up, sign-in, sessions and your account.",
  "api keys": "Keys for scripts; managing them needs a signed-in session.",
  billing: "Balance, transactions and top-ups.",
  catalog: "Services, countries, prices and stock.",
  activations: "Renting a number and receiving its codes.",
  privacy: "Your data: export and erasure.",
  service: "The service itself: public configuration and this description.",
  "handler_api.php": "The sms-activate protocol, for existing clients and bots.",
};

const errorResponse = (description: string): Response => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

type Guard = "user" | "session";

// What each guard lets in, and the errors it answers by itself.
const GUARDS: Record<Guard, { security: Record<string, string[]>[]; errors: Record<string, string> }> = {
  user: {
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    errors: {
      401: "UNAUTHORIZED (no session or key) or BAD_KEY (unknown or revoked key)",
      429: "RATE_LIMITED: too many requests for this API key (see Retry-After)",
    },
  },
  session: {
    security: [{ cookieAuth: [] }],
    errors: {
      401: "UNAUTHORIZED: sign in first",
      403: "SESSION_REQUIRED: API keys cannot do this; or CSRF_REJECTED",
    },
  },
};

const VALIDATION_ERROR = "VALIDATION_FAILED: a parameter or field is missing or invalid (see details)";

type AppRoute = { method: string; path: string; handler: unknown };

/** Hono's "/a/:id{[0-9]+}" and OpenAPI's "/a/{id}" both as "/a/:id". */
const routingPath = (path: string) =>
  path.replace(/\{([^}/]+)\}/g, ":$1").replace(/(:[A-Za-z0-9_]+)\{[^}]*\}/g, "$1");

const covers = (pattern: string, path: string) =>
  pattern === path || (pattern.endsWith("*") && path.startsWith(pattern.slice(0, -1)));

/** The guard the route runs, from the app's own routing table (route middleware and `use`). */
const guardOf = (routes: AppRoute[], method: string, path: string): Guard | null => {
  const target = routingPath(path);
  const runs = routes.filter(
    (r) => (r.method === "ALL" || r.method === method.toUpperCase()) && covers(routingPath(r.path), target),
  );
  if (runs.some((r) => r.handler === requireSession)) return "session";
  if (runs.some((r) => isUserGuard(r.handler))) return "user";
  return null;
};

const completed = (op: Operation, guard: Guard | null): Operation => {
  const responses = { ...op.responses };
  const add = (status: string, description: string) => {
    responses[status] ??= errorResponse(description);
  };
  if (op.parameters?.length || op.requestBody) add("400", VALIDATION_ERROR);
  for (const [status, description] of Object.entries(guard ? GUARDS[guard].errors : {}))
    add(status, description);
  return { ...op, security: op.security ?? (guard ? GUARDS[guard].security : undefined), responses };
};

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * camelCase from the method and the path, so client generators get stable names:
 * "post /api/v1/activations/{id}/cancel" → postActivationsByIdCancel.
 */
export const operationIdOf = (method: string, path: string): string =>
  method.toLowerCase() +
  path
    .replace(/^\/api\/v1(?=\/|$)/, "")
    .split("/")
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment)?.[1];
      const words = (param ?? segment).split(/[^A-Za-z0-9]+/).filter(Boolean);
      return (param ? "By" : "") + words.map(capitalised).join("");
    })
    .join("");

const withOperationIds = (paths: NonNullable<OpenApiDocument["paths"]>) => {
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item) as [string, Operation][]) {
      op.operationId ??= operationIdOf(method, path);
      const other = seen.get(op.operationId);
      // Two routes spelling the same name would break generated clients: name one of them by hand.
      if (other) throw new Error(`operationId ${op.operationId} of ${method} ${path} is also ${other}'s`);
      seen.set(op.operationId, `${method} ${path}`);
    }
  }
  return paths;
};

const completePaths = (paths: OpenApiDocument["paths"], routes: AppRoute[]) =>
  withOperationIds(
    Object.fromEntries(
      Object.entries(paths ?? {}).map(([path, item]) => [
        path,
        Object.fromEntries(
          Object.entries(item).map(([method, op]) =>
            // The protocol at /stubs answers in its own words, not in the error envelope.
            path.startsWith("/api/")
              ? [method, completed(op as Operation, guardOf(routes, method, path))]
              : [method, { ...(op as Operation) }],
          ),
        ),
      ]),
    ),
  );

const tagsOf = (paths: OpenApiDocument["paths"]) => {
  const names = new Set<string>();
  for (const item of Object.values(paths ?? {})) {
    for (const op of Object.values(item)) for (const tag of (op as Operation).tags ?? []) names.add(tag);
  }
  return [...names].map((name) => ({ name, description: TAG_DESCRIPTIONS[name.toLowerCase()] }));
};

// The generator throws plain objects (e.g. a ConflictError for two spellings of one parameter), which
// Hono would not hand to app.onError; an Error carrying the generator's explanation is logged as a 500.
const generate = (app: OpenAPIHono<AppEnv>, env: Env) => {
  try {
    return app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: `${env.BRAND_NAME} API`,
        version: "1",
        description:
          "Rent a temporary phone number, receive its SMS verification code. Money is in integer minor units " +
          'with a currency code; times are ISO 8601 UTC. Errors are `{ "error": { "code", "message", ' +
          '"details"? } }` with the matching HTTP status.',
        contact: { email: env.SUPPORT_EMAIL },
      },
      servers: [{ url: env.PUBLIC_URL }],
    });
  } catch (error) {
    throw error instanceof Error ? error : new Error(`OpenAPI generation failed: ${JSON.stringify(error)}`);
  }
};

/** Every router's routes were merged into `app`'s registry when it was mounted. */
export const buildDocument = (app: OpenAPIHono<AppEnv>, env: Env): OpenApiDocument => {
  const document = generate(app, env);
  const paths = completePaths(document.paths, app.routes);
  return {
    ...document,
    paths,
    tags: tagsOf(paths),
    components: {
      ...document.components,
      securitySchemes: { ...document.components?.securitySchemes, ...SECURITY_SCHEMES },
    },
  };
};
