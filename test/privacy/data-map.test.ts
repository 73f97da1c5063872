// Policy 7 (access, portability): "the export holds everything linked to you". The export is read
// from one map of every table (src/privacy/data-map.ts); this walks the real D1 schema and fails when a
// table is missing from the map, or when a table that refers to users is mapped as not personal.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { recordAudit } from "../../src/admin/audit";
import { createDb } from "../../src/db/client";
import { DATA_MAP } from "../../src/privacy/data-map";
import type { exportUserData } from "../../src/privacy/export";
import { browser } from "../accounts/helpers";
import { sms } from "../activations/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { customerWithHistory } from "./helpers";

type Fk = { table: string; from: string; to: string };

const schemaTables = async () => {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
  ).all<{ name: string }>();
  return results.map((r) => r.name).sort();
};

const foreignKeys = async (table: string) =>
  (await env.DB.prepare(`SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)`).bind(table).all<Fk>())
    .results;

const columns = async (table: string) =>
  (
    await env.DB.prepare("SELECT name FROM pragma_table_info(?)").bind(table).all<{ name: string }>()
  ).results.map((c) => c.name);

describe("the data map", () => {
  it("lists every table of the database, and no table that does not exist", async () => {
    const tables = await schemaTables();
    const mapped = DATA_MAP.map((e) => e.table).sort();
    expect(
      tables.filter((t) => !mapped.includes(t)),
      "tables missing from src/privacy/data-map.ts",
    ).toEqual([]);
    expect(
      mapped.filter((t) => !tables.includes(t)),
      "mapped tables that do not exist",
    ).toEqual([]);
  });

  it("links every table that refers to users, directly or through another personal table", async () => {
    const personal = new Set(DATA_MAP.filter((e) => e.link.via !== "none").map((e) => e.table));
    const wrong: string[] = [];
    for (const table of await schemaTables()) {
      const refersToPerson =
        (await foreignKeys(table)).some((fk) => personal.has(fk.table)) ||
        (await columns(table)).some((c) => c === "user_id" || c.endsWith("_user_id"));
      if (refersToPerson && !personal.has(table)) wrong.push(table);
    }
    expect(wrong, "tables referring to users but mapped as not personal").toEqual([]);
  });

  it("names columns and parents that exist", async () => {
    for (const entry of DATA_MAP) {
      const link = entry.link;
      if (link.via === "self" || link.via === "none") continue;
      expect(await columns(entry.table), `${entry.table}.${link.column}`).toContain(link.column);
      if (link.via === "parent") expect(await columns(link.parent)).toContain(link.key);
    }
  });
});

describe("the export", () => {
  it("holds every table that refers to the person, with their rows, and each room's own copy", async () => {
    await seedCatalogForTests(env);
    const c = await customerWithHistory();
    await sms(c.activationId, "Your Telegram code is 31415");
    await call("/api/v1/auth/request-password-reset", browser("POST", { body: { email: c.email } }));
    await recordAudit(createDb(env.DB), {
      operator: { id: "admin-token", via: "token" },
      action: "user.note",
      target: c.userId,
      reason: "checked a support question",
    });
    const res = await call("/api/v1/me/export", browser("GET", { cookie: c.cookie }));
    expect(res.status).toBe(200);
    const data = (await res.json()) as Awaited<ReturnType<typeof exportUserData>>;
    const personal = DATA_MAP.filter((e) => e.link.via !== "none").map((e) => e.table);
    expect(Object.keys(data.tables).sort()).toEqual([...personal].sort());
    const tables = data.tables as Record<string, unknown[]>;
    for (const table of [
      "users",
      "sessions",
      "api_keys",
      "email_tokens",
      "email_outbox",
      "security_events",
      "policy_acceptances",
      "ledger_entries",
      "holds",
      "top_ups",
      "activations",
      "sms_messages",
      "activation_events",
      "sim_rentals",
      "operator_audit",
    ]) {
      expect(tables[table]?.length, table).toBeGreaterThan(0);
    }
    expect(JSON.stringify(tables.users)).not.toContain("pbkdf2"); // the password hash is not exported
    expect(data.rooms).toHaveLength(1);
    expect(data.rooms[0]?.events.length).toBeGreaterThan(1);
  });
});
