// GET /admin/api/v1/providers (operators only): every configured upstream with what its last sync
// found — our wallet there, the last good sync, the last error and any alert — read-only.
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, errorResponse, jsonContent } from "../lib/openapi";
import { iso } from "../lib/time";
import { providerEntries } from ".";
import { listProviderStatus } from "./status";

export const providersAdmin = createRouter();

const ProviderItem = z.object({
  name: z.string(),
  kind: z.string(),
  profile: z.string(),
  enabled: z.boolean().openapi({ description: "as configured now (PROVIDERS)" }),
  balance: z.number().int().nullable().openapi({ description: "our wallet there, minor units of CURRENCY" }),
  lastSyncAt: z.string().nullable(),
  lastError: z.string().nullable(),
  alert: z.string().nullable().openapi({ description: "set when an operator must act" }),
});

const route = createRoute({
  method: "get",
  path: "/",
  tags: ["Operators"],
  summary: "The upstream providers and their state",
  responses: {
    200: jsonContent(z.object({ items: z.array(ProviderItem) }), "One item per configured upstream"),
    401: errorResponse("UNAUTHORIZED"),
  },
});

providersAdmin.openapi(route, async (c) => {
  const rows = new Map((await listProviderStatus(c.get("db"))).map((r) => [r.name, r]));
  const items = providerEntries(c.env).map((entry) => {
    const row = rows.get(entry.name);
    return {
      name: entry.name,
      kind: entry.kind,
      profile: entry.profile,
      enabled: entry.enabled,
      balance: row?.balance ?? null,
      lastSyncAt: row?.last_sync_at ? iso(row.last_sync_at) : null,
      lastError: row?.last_error ?? null,
      alert: row?.alert ?? null,
    };
  });
  return c.json({ items }, 200);
});
