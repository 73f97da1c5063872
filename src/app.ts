// Builds the Hono app: shared middleware first, then each feature's routes.
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { routes as accountsRoutes } from "./accounts/routes";
import { totpRoutes } from "./accounts/totp-routes";
import { catalogRoutes } from "./activations/catalog-routes";
import { routes as activationsRoutes } from "./activations/routes";
import { adminRoutes } from "./admin/routes";
import { compat } from "./api/compat";
import { docs } from "./api/docs";
import { benchRoutes } from "./bench/routes";
import { routes as billingRoutes } from "./billing/routes";
import { stripeWebhook } from "./billing/stripe-webhook";
import { createDb } from "./db/client";
import type { AppEnv } from "./env";
import { favouritesRoutes } from "./favourites/routes";
import { AppError, errorBody, sendError } from "./lib/errors";
import { log } from "./lib/log";
import { validationDetails } from "./lib/openapi";
import { notFound, pagesRoutes } from "./pages/routes";
import { legalPages } from "./privacy/pages";
import { privacyRoutes } from "./privacy/routes";
import { providerEntries } from "./providers";
import { ProvidersConfigError } from "./providers/config";
import { simulatorRoutes } from "./providers/simulator-routes";
import { webhookRoutes } from "./providers/webhook-routes";
import { supportRoutes } from "./support/routes";
import { registerWebhookDocs } from "./webhooks/openapi";
import { webhooksRoutes } from "./webhooks/routes";

const MAX_BODY_BYTES = 64 * 1024;

// The dashboard loads only its own files; no CDN, fonts or analytics.
const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'", "https://checkout.stripe.com"],
  frameAncestors: ["'none'"],
};

export const createApp = () => {
  const app = new OpenAPIHono<AppEnv>();

  app.use("*", requestId({ headerName: "X-Request-Id" }));
  app.use("*", async (c, next) => {
    const started = Date.now();
    await next();
    log(c.get("requestId"), "request", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Date.now() - started,
    });
  });
  app.use("*", secureHeaders({ contentSecurityPolicy, referrerPolicy: "strict-origin-when-cross-origin" }));
  app.use("*", async (c, next) => {
    c.set("db", createDb(c.env.DB));
    await next();
  });
  // A bad PROVIDERS value stops the service loudly (every request, with the entry and field named)
  // rather than selling from a half-understood configuration.
  app.use("*", async (c, next) => {
    try {
      providerEntries(c.env);
    } catch (error) {
      if (!(error instanceof ProvidersConfigError)) throw error;
      log(c.get("requestId"), "providers_misconfigured", { error: error.message });
      return c.json(errorBody("MISCONFIGURED", `The service is misconfigured: ${error.message}`), 500);
    }
    await next();
  });
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json(errorBody("PAYLOAD_TOO_LARGE", "The request body is larger than 64 KB."), 413),
    }),
  );

  app.get("/api/health", (c) => c.json({ ok: true }));

  app.route("/api/v1", accountsRoutes);
  app.route("/api/v1/billing", billingRoutes);
  app.route("/api/v1/catalog", catalogRoutes);
  app.route("/api/v1/activations", activationsRoutes);
  app.route("/api/v1/webhooks", webhooksRoutes);
  // On the app itself: a router's registry would prefix the event names with its mount path.
  registerWebhookDocs(app);
  app.route("/api/v1", privacyRoutes);
  app.route("/api/v1/support", supportRoutes);
  app.route("/api/v1/me/favourites", favouritesRoutes);
  app.route("/api/v1/me/totp", totpRoutes);
  app.route("/webhooks/stripe", stripeWebhook);
  app.route("/webhooks/providers", webhookRoutes);
  app.route("/simulator", simulatorRoutes);
  app.route("/stubs", compat);
  app.route("/admin/api/v1", adminRoutes);
  app.route("/api/bench", benchRoutes);
  app.route("/", legalPages);
  // Last: the document describes every router mounted above.
  app.route("/", docs(app));
  // The HTML pages and the dashboard's paths; its 404 is JSON only under the APIs.
  app.route("/", pagesRoutes);

  app.notFound(notFound);

  app.onError((err, c) => {
    if (err instanceof AppError) return sendError(c, err);
    if (err instanceof HTTPException) {
      // Hono raises these for malformed JSON and the like: the client's fault, never a 500.
      const status = err.status;
      const code = status === 400 ? "BAD_REQUEST" : `HTTP_${status}`;
      return c.json(errorBody(code, err.message || "Bad request."), status as 400);
    }
    if (err && typeof err === "object" && "issues" in err) {
      return c.json(
        errorBody(
          "VALIDATION_FAILED",
          "Some fields are missing or invalid.",
          validationDetails(err as never),
        ),
        400,
      );
    }
    log(c.get("requestId"), "unhandled_error", { error: String(err), stack: (err as Error)?.stack });
    return c.json(errorBody("INTERNAL", "Something went wrong on our side; it has been logged."), 500);
  });

  return app;
};
