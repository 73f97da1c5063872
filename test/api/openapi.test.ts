// The OpenAPI 3.1 document: generated from the routers' own schemas, it must cover every /api/v1
// route the app actually serves, each with its error responses, and hang together as a 3.1 document.
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { call } from "../support";

type Operation = {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};
type Document = {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, Record<string, string>> };
};

const fetchDocument = async (): Promise<Document> => {
  const res = await call("/api/v1/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  return res.json();
};

/** Hono's "/activations/:id{[a-z_0-9]+}" → OpenAPI's "/activations/{id}". */
const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");

// The routes the app answers, from its router: middleware is registered for "ALL", handlers per method.
const servedApiRoutes = () => {
  const seen = new Set<string>();
  for (const route of createApp().routes) {
    if (!route.path.startsWith("/api/v1/") || route.method === "ALL") continue;
    seen.add(`${route.method.toLowerCase()} ${openApiPath(route.path)}`);
  }
  return [...seen].map((entry) => {
    const [method, path] = entry.split(" ") as [string, string];
    return { method, path };
  });
};

const operations = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document with info, servers, security schemes and tags", async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "SMSPROF API", version: expect.any(String) });
    expect(doc.servers).toEqual([{ url: "http://localhost:8787" }]);
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: "http", scheme: "bearer" }),
      cookieAuth: expect.objectContaining({ type: "apiKey", in: "cookie", name: "__Host-smsprof_session" }),
    });
    const tagNames = doc.tags.map((t) => t.name);
    expect(new Set(tagNames).size).toBe(tagNames.length);
    for (const { path, method, op } of operations(doc)) {
      expect(op.tags?.length, `${method} ${path} has no tag`).toBeGreaterThan(0);
      for (const tag of op.tags ?? []) expect(tagNames, `${method} ${path}`).toContain(tag);
    }
  });

  it("describes every /api/v1 route the app serves", async () => {
    const doc = await fetchDocument();
    const served = servedApiRoutes();
    expect(served.length).toBeGreaterThan(20);
    for (const { method, path } of served) {
      expect(
        doc.paths[path]?.[method],
        `${method.toUpperCase()} ${path} is served but not documented`,
      ).toBeDefined();
    }
  });

  it("gives each route the errors it can answer: 400 for input, 401/403/429 from its guard", async () => {
    const doc = await fetchDocument();
    for (const { path, method, op } of operations(doc)) {
      if (!path.startsWith("/api/")) continue;
      const statuses = Object.keys(op.responses);
      const name = `${method.toUpperCase()} ${path}`;
      if (op.parameters?.length || op.requestBody) expect(statuses, name).toContain("400");
      for (const requirement of op.security ?? []) {
        for (const scheme of Object.keys(requirement))
          expect(doc.components.securitySchemes, name).toHaveProperty([scheme]);
      }
      if (op.security?.length) expect(statuses, name).toContain("401");
    }
  });

  it("says who may call each route, as its middleware decides", async () => {
    const doc = await fetchDocument();
    const keyOrSession = [{ bearerAuth: [] }, { cookieAuth: [] }];
    expect(doc.paths["/api/v1/activations/{id}"]?.get?.security).toEqual(keyOrSession);
    expect(doc.paths["/api/v1/billing/balance"]?.get?.security).toEqual(keyOrSession);
    expect(doc.paths["/api/v1/activations"]?.post?.responses).toHaveProperty("429");
    expect(doc.paths["/api/v1/keys"]?.get?.security).toEqual([{ cookieAuth: [] }]);
    expect(doc.paths["/api/v1/keys"]?.get?.responses).toHaveProperty("403");
    expect(doc.paths["/api/v1/catalog"]?.get?.security).toBeUndefined();
  });

  it("documents errors with the one error envelope", async () => {
    const doc = await fetchDocument();
    expect(doc.components.schemas?.Error).toBeDefined();
    for (const { path, method, op } of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status) || !response.content) continue;
        expect(response.content["application/json"]?.schema, `${method} ${path} ${status}`).toEqual({
          $ref: "#/components/schemas/Error",
        });
      }
    }
  });

  it("declares every path parameter and resolves every reference", async () => {
    const doc = await fetchDocument();
    for (const { path, method, op } of operations(doc)) {
      expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        expect(op.parameters ?? [], `${method} ${path}`).toContainEqual(
          expect.objectContaining({ in: "path", name }),
        );
      }
    }
    for (const [, ref] of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas, `unresolved $ref ${ref}`).toHaveProperty([ref as string]);
    }
  });

  it("documents TOO_MANY_ACTIVE as a 409 conflict, leaving 429 to the rate limit", async () => {
    const doc = await fetchDocument();
    const responses = doc.paths["/api/v1/activations"]?.post?.responses as Record<
      string,
      { description: string }
    >;
    expect(responses["409"]?.description).toContain("TOO_MANY_ACTIVE");
    expect(responses["429"]?.description).not.toContain("TOO_MANY_ACTIVE");
  });

  it("documents the handler_api.php protocol too, its POST body urlencoded or multipart", async () => {
    const doc = await fetchDocument();
    expect(Object.keys(doc.paths["/stubs/handler_api.php"] ?? {}).sort()).toEqual(["get", "post"]);
    const body = doc.paths["/stubs/handler_api.php"]?.post?.requestBody as {
      content: Record<string, unknown>;
    };
    expect(Object.keys(body.content).sort()).toEqual([
      "application/x-www-form-urlencoded",
      "multipart/form-data",
    ]);
  });

  it("gives every operation a unique camelCase operationId made from its method and path", async () => {
    const doc = await fetchDocument();
    const ids = operations(doc).map(({ op }) => op.operationId);
    for (const id of ids) expect(id).toMatch(/^(get|post|put|patch|delete)[A-Z][A-Za-z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths["/api/v1/activations/{id}/cancel"]?.post?.operationId).toBe("postActivationsByIdCancel");
    expect(doc.paths["/api/v1/activations"]?.get?.operationId).toBe("getActivations");
    expect(doc.paths["/stubs/handler_api.php"]?.get?.operationId).toBe("getStubsHandlerApiPhp");
  });

  it("capitalises every tag alike (the protocol keeps its file name)", async () => {
    const doc = await fetchDocument();
    for (const { name } of doc.tags) if (name !== "handler_api.php") expect(name).toMatch(/^[A-Z]/);
    expect(doc.tags.map((t) => t.name)).toEqual(expect.arrayContaining(["Billing", "Catalog"]));
  });
});
