// The deliveries as OpenAPI 3.1 `webhooks`: one entry per event, with the Standard Webhooks headers
// and the signature scheme, so generated clients and the reference page describe what receivers get.

import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { EVENT_TYPES, TEST_EVENT } from "./events";

export const SIGNATURE_SCHEME =
  "Signed per the Standard Webhooks specification: `webhook-signature` holds space-separated " +
  "`v1,<base64 HMAC-SHA256>` entries over `<webhook-id>.<webhook-timestamp>.<raw body>`, keyed with the " +
  "base64-decoded part of your `whsec_…` secret after the prefix (two entries for 24 hours after a rotation). " +
  "Reject a timestamp more than 5 minutes from your clock; `webhook-id` is the same on every retry, so use it " +
  "to drop duplicates. Answer 2xx within 15 seconds; anything else is retried after 5 s, 5 min, 30 min, 2 h, " +
  "5 h, 10 h and 10 h.";

const Activation = z.object({
  id: z.string(),
  numericId: z.number().int(),
  phone: z.string(),
  service: z.string(),
  country: z.number().int(),
  price: z.number().int(),
  currency: z.string(),
  status: z.string(),
  code: z.string().nullable(),
  charged: z.boolean(),
  expiresAt: z.string(),
});

const dataOf = (type: string) => {
  if (type.startsWith("activation.")) {
    return z.object({
      activation: Activation,
      seq: z.number().int().openapi({ description: "The activation event's sequence number" }),
      ...(type === "activation.sms_received"
        ? {
            sms: z.object({
              code: z.string().nullable(),
              text: z.string().nullable(),
              receivedAt: z.string(),
            }),
          }
        : {}),
    });
  }
  if (type === TEST_EVENT) return z.object({ endpointId: z.string(), message: z.string() });
  return z.object({
    entryId: z.string(),
    kind: z.string(),
    amount: z.number().int().openapi({ description: "Minor units, positive" }),
    currency: z.string(),
    topUpId: z.string(),
  });
};

const headers = z.object({
  "webhook-id": z.string().openapi({ example: "msg_3k9x0c1v7b2n4m5q8w6e" }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds", example: "1796162939" }),
  "webhook-signature": z.string().openapi({ example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=" }),
});

export const registerWebhookDocs = (router: OpenAPIHono<AppEnv>) => {
  for (const type of [...EVENT_TYPES, TEST_EVENT]) {
    router.openAPIRegistry.registerWebhook({
      method: "post",
      path: type,
      tags: ["Webhooks"],
      summary: `${type} (sent to your endpoints)`,
      description: SIGNATURE_SCHEME,
      request: {
        headers,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.object({ type: z.literal(type), timestamp: z.string(), data: dataOf(type) }),
            },
          },
        },
      },
      responses: { 200: { description: "Any 2xx accepts the delivery" } },
    });
  }
};
