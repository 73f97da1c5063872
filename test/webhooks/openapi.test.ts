// The deliveries in the OpenAPI 3.1 document, as `webhooks`: one per event, its headers and the
// signature scheme, and the endpoint routes under /api/v1/webhooks.
import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../src/webhooks/events";
import { call } from "../support";

type Webhook = {
  post: {
    description: string;
    parameters: { name: string; in: string }[];
    requestBody: {
      content: Record<string, { schema: { properties: { type: { const?: string; enum?: string[] } } } }>;
    };
  };
};

describe("the OpenAPI document", () => {
  it("lists every event as an OpenAPI 3.1 webhook with the Standard Webhooks headers and scheme", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      openapi: string;
      webhooks: Record<string, Webhook>;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_TYPES, "webhook.test"].sort());
    for (const [name, hook] of Object.entries(doc.webhooks)) {
      expect(
        hook.post.parameters
          .filter((p) => p.in === "header")
          .map((p) => p.name)
          .sort(),
        name,
      ).toEqual(["webhook-id", "webhook-signature", "webhook-timestamp"]);
      expect(hook.post.description).toContain("<webhook-id>.<webhook-timestamp>.<raw body>");
      const type = hook.post.requestBody.content["application/json"]?.schema.properties.type;
      expect(type?.const ?? type?.enum?.[0]).toBe(name);
    }
    for (const path of [
      "/api/v1/webhooks",
      "/api/v1/webhooks/{id}",
      "/api/v1/webhooks/{id}/deliveries",
      "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
