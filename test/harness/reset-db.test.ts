// The per-file reset (test/reset-db.ts) must leave exactly what replaying the migrations leaves, or
// a file's outcome would depend on which files ran before it in the same runtime.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { dumpDatabase, resetDatabase } from "../reset-db";
import { createUserWithKey } from "../support";

const migrations = env.TEST_MIGRATIONS ?? [];
type Dump = Awaited<ReturnType<typeof dumpDatabase>>;

// d1_migrations.applied_at is the clock at the time of migrating: the one column on which two
// migrations of the same files may differ.
const comparable = (dump: Dump): Dump => ({
  ...dump,
  tables: dump.tables.map((t) => {
    const at = t.columns.indexOf("applied_at");
    return t.table === "d1_migrations" ? { ...t, rows: t.rows.map((r) => r.filter((_, i) => i !== at)) } : t;
  }),
});
const rowsOf = (dump: Dump, table: string) => dump.tables.find((t) => t.table === table)?.rows ?? [];

// Rows in many tables, seeded ones changed, the append-only tables written, sqlite_sequence moved.
const spoil = async () => {
  await createUserWithKey({ available: 700 });
  await createUserWithKey({ available: 300 });
  await env.DB.batch([
    env.DB.prepare("DELETE FROM services WHERE rowid = (SELECT max(rowid) FROM services)"),
    env.DB.prepare("UPDATE countries SET name = 'Renamed' WHERE id = 0"),
    env.DB.prepare("INSERT INTO services (code, name) VALUES ('zz_spoil', 'Spoiled')"),
    env.DB.prepare(
      "INSERT INTO operator_audit (id, at, operator, action, target) VALUES ('aud_spoil', 1, 'op', 'test', 'x')",
    ),
    env.DB.prepare("UPDATE sqlite_sequence SET seq = seq + 100"),
  ]);
};

describe("the per-file database reset", () => {
  let migrated: Dump;
  beforeAll(async () => {
    expect(await resetDatabase(env.DB, migrations, { fromScratch: true })).toBe("migrated");
    migrated = await dumpDatabase(env.DB);
  });

  it("sees what the migrations seed: tables, triggers, reference rows, sqlite_sequence", () => {
    expect(migrated.schema.filter((e) => e.type === "table").length).toBeGreaterThan(30);
    expect(migrated.schema.filter((e) => e.type === "trigger").length).toBeGreaterThanOrEqual(5);
    expect(rowsOf(migrated, "services").length).toBeGreaterThan(5);
    expect(rowsOf(migrated, "countries").length).toBeGreaterThan(5);
    expect(rowsOf(migrated, "d1_migrations").length).toBe(migrations.length);
    expect(rowsOf(migrated, "sqlite_sequence")).toEqual([["d1_migrations", migrations.length]]);
    // services has rowids of its own: they are part of the dump, so a restore must put them back.
    expect(migrated.tables.find((t) => t.table === "services")?.columns[0]).toBe("rowid");
  });

  it("restores the migrated database exactly: schema, every row with its rowid, sqlite_sequence", async () => {
    await spoil();
    expect(comparable(await dumpDatabase(env.DB))).not.toEqual(comparable(migrated));
    expect(await resetDatabase(env.DB, migrations)).toBe("restored");
    expect(comparable(await dumpDatabase(env.DB))).toEqual(comparable(migrated));
    // The append-only triggers are back in force after the restore.
    await env.DB.prepare(
      "INSERT INTO operator_audit (id, at, operator, action, target) VALUES ('aud_kept', 1, 'op', 'test', 'x')",
    ).run();
    await expect(env.DB.prepare("DELETE FROM operator_audit").run()).rejects.toThrow(/append-only|audit/);
    await resetDatabase(env.DB, migrations);
  });

  it("new rows get the rowids they would get after migrating", async () => {
    const nextRowid = async () => {
      await env.DB.prepare("INSERT INTO services (code, name) VALUES ('zz_next', 'Next')").run();
      return env.DB.prepare("SELECT rowid AS r FROM services WHERE code = 'zz_next'").first<{ r: number }>();
    };
    await spoil();
    await resetDatabase(env.DB, migrations);
    const afterRestore = await nextRowid();
    await resetDatabase(env.DB, migrations, { fromScratch: true });
    expect(await nextRowid()).toEqual(afterRestore);
    await resetDatabase(env.DB, migrations);
  });

  it("migrates from scratch when a file changed the schema", async () => {
    await spoil();
    await env.DB.batch([
      env.DB.prepare("CREATE TABLE scratch_table (x TEXT)"),
      env.DB.prepare("DROP INDEX operator_audit_at"),
    ]);
    expect(await resetDatabase(env.DB, migrations)).toBe("migrated");
    expect(comparable(await dumpDatabase(env.DB))).toEqual(comparable(migrated));
  });
});
