// GET /api/v1/openapi.json (the OpenAPI 3.1 document of every router) and GET /docs (a reference page
// rendered from it, with its stylesheet at /docs/docs.css).
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv, Env } from "../env";
import { createRouter } from "../lib/openapi";
import { DOCS_CSS, renderDocsPage } from "./docs-page";
import { buildDocument, type OpenApiDocument } from "./openapi-document";

const openApiRoute = createRoute({
  method: "get",
  path: "/api/v1/openapi.json",
  tags: ["Service"],
  summary: "This document",
  description:
    "The OpenAPI 3.1 description of every /api/v1 route, generated from the service's own schemas.",
  responses: {
    200: {
      description: "OpenAPI 3.1 document",
      content: { "application/json": { schema: z.looseObject({ openapi: z.string() }) } },
    },
  },
});

/** Routes that describe `app`: mount them last, so that every feature router is in its registry. */
export const docs = (app: OpenAPIHono<AppEnv>) => {
  const router = createRouter();
  // Built once per isolate (and public URL): the document only changes with a deploy.
  let cached: { url: string; document: OpenApiDocument } | undefined;
  const documentFor = (env: Env) => {
    if (cached?.url !== env.PUBLIC_URL) cached = { url: env.PUBLIC_URL, document: buildDocument(app, env) };
    return cached.document;
  };
  router.openapi(openApiRoute, (c) => c.json(documentFor(c.env), 200));
  router.get("/docs", (c) => c.html(renderDocsPage(documentFor(c.env), c.env)));
  router.get("/docs/docs.css", (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.body(DOCS_CSS, 200, { "Content-Type": "text/css; charset=utf-8" });
  });
  return router;
};
