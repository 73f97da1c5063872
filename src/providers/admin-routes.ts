// The operators' upstreams: GET /admin/api/v1/providers lists every configured upstream with what its
// last sync found (our wallet there, the last good sync, the last error, any alert), its success rate
// over the routing's window, and whether it is enabled by configuration and by the operator;
// POST /{name}/disable|enable is the operator's switch (provider_overrides), audited, and the prices
// are rebuilt right after so the catalog reflects it at once.
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { rebuildPrices } from "../activations/catalog";
import { actorOf, auditInsert } from "../admin/audit";
import type { Db } from "../db/client";
import { providerOverrides } from "../db/schema";
import type { Env } from "../env";
import { AppError } from "../lib/errors";
import { createRouter, errorResponse, jsonBody, jsonContent } from "../lib/openapi";
import { iso, isoOrNull, now } from "../lib/time";
import { findEntry, providerEntries } from ".";
import { operatorDisabled } from "./enabled";
import { listProviderStatus } from "./status";
import { routeOutcomes, SUCCESS_WINDOW_MS, successRate } from "./success";

export const providersAdmin = createRouter();

const ProviderItem = z.object({
  name: z.string(),
  kind: z.string(),
  profile: z.string(),
  enabled: z
    .boolean()
    .openapi({ description: "routed and priced now: by configuration and not disabled by an operator" }),
  enabledByConfig: z.boolean().openapi({ description: "`enabled` of its PROVIDERS entry" }),
  disabledByOperator: z.boolean(),
  disabledAt: z.string().nullable().openapi({ description: "when an operator disabled it" }),
  balance: z.number().int().nullable().openapi({ description: "our wallet there, minor units of CURRENCY" }),
  lastSyncAt: z.string().nullable(),
  lastError: z.string().nullable(),
  alert: z.string().nullable().openapi({ description: "set when an operator must act" }),
  rented: z.number().int().openapi({ description: "rentals that ended in the success window" }),
  received: z.number().int().openapi({ description: "of those, the ones that received a code" }),
  successRate: z.number().nullable().openapi({
    description: "received / rented over the routing's window; null below its minimum of samples",
  }),
});
type ProviderItem = z.infer<typeof ProviderItem>;

const listProviders = async (env: Env, db: Db): Promise<ProviderItem[]> => {
  const [statusRows, disabled, outcomes] = await Promise.all([
    listProviderStatus(db),
    operatorDisabled(db),
    routeOutcomes(db, now()),
  ]);
  const rows = new Map(statusRows.map((r) => [r.name, r]));
  // The routing measures per service × country; an upstream's figure is the sum of its routes.
  const totals = new Map<string, { rented: number; received: number }>();
  for (const [key, o] of outcomes) {
    const name = key.split("\u0000")[0] ?? "";
    const t = totals.get(name) ?? { rented: 0, received: 0 };
    totals.set(name, { rented: t.rented + o.rented, received: t.received + o.received });
  }
  return providerEntries(env).map((entry) => {
    const row = rows.get(entry.name);
    const disabledAt = disabled.get(entry.name) ?? null;
    const total = totals.get(entry.name) ?? { rented: 0, received: 0 };
    return {
      name: entry.name,
      kind: entry.kind,
      profile: entry.profile,
      enabled: entry.enabled && disabledAt === null,
      enabledByConfig: entry.enabled,
      disabledByOperator: disabledAt !== null,
      disabledAt: isoOrNull(disabledAt),
      balance: row?.balance ?? null,
      lastSyncAt: row?.last_sync_at ? iso(row.last_sync_at) : null,
      lastError: row?.last_error ?? null,
      alert: row?.alert ?? null,
      rented: total.rented,
      received: total.received,
      successRate: successRate(total),
    };
  });
};

const unauthorized = errorResponse("UNAUTHORIZED");

providersAdmin.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Operators"],
    summary: "The upstream providers and their state",
    description: `Success rates count the rentals that ended in the last ${SUCCESS_WINDOW_MS / 3_600_000} hours, as routing does.`,
    responses: {
      200: jsonContent(z.object({ items: z.array(ProviderItem) }), "One item per configured upstream"),
      401: unauthorized,
    },
  }),
  async (c) => c.json({ items: await listProviders(c.env, c.get("db")) }, 200),
);

for (const action of ["disable", "enable"] as const) {
  providersAdmin.openapi(
    createRoute({
      method: "post",
      path: `/{name}/${action}`,
      tags: ["Operators"],
      summary:
        action === "disable"
          ? "Stop routing and pricing from an upstream (its live activations carry on)"
          : "Lift an operator's disable (an upstream disabled in PROVIDERS stays disabled)",
      request: {
        params: z.object({ name: z.string().min(1).max(40) }),
        body: jsonBody(z.object({ reason: z.string().trim().min(1).max(500) })),
      },
      responses: {
        200: jsonContent(z.object({ item: ProviderItem, prices: z.number().int() }), "Its state now"),
        400: errorResponse("VALIDATION_FAILED"),
        401: unauthorized,
        404: errorResponse("NOT_FOUND"),
      },
    }),
    async (c) => {
      const db = c.get("db");
      const { name } = c.req.valid("param");
      const entry = findEntry(c.env, name);
      if (!entry) throw new AppError(404, "NOT_FOUND", `No upstream is configured as "${name}".`);
      const before = (await operatorDisabled(db)).get(name) ?? null;
      const disabledAt = action === "disable" ? (before ?? now()) : null;
      const state = (at: number | null) => ({
        enabledByConfig: entry.enabled,
        disabledByOperator: at !== null,
        enabled: entry.enabled && at === null,
      });
      await db.batch([
        action === "disable"
          ? db
              .insert(providerOverrides)
              .values({ name, disabledAt: disabledAt ?? now() })
              .onConflictDoNothing()
          : db.delete(providerOverrides).where(eq(providerOverrides.name, name)),
        auditInsert(db, {
          ...actorOf(c),
          action: `provider.${action}`,
          target: name,
          before: state(before),
          after: state(disabledAt),
          reason: c.req.valid("json").reason,
        }),
      ]);
      // The catalog follows now, not at the next cron: its prices and stock drop (or regain) this upstream.
      const prices = await rebuildPrices(c.env, db);
      const item = (await listProviders(c.env, db)).find((i) => i.name === name) as ProviderItem;
      return c.json({ item, prices }, 200);
    },
  );
}
