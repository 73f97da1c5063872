// Every test file starts from a database exactly as the migrations leave it. Replaying the
// migrations for each file costs about a quarter of a second (every statement of 18 migrations),
// so they run once per runtime: what they leave (the schema, the rows they seed, sqlite_sequence)
// is kept in memory, and each later file gets it back in one batch — every table emptied, the
// seeded rows written back with their rowids. A runtime is shared by the files of one vitest worker
// (`isolate: false`), and so is this module's memory: the snapshot lives on globalThis.
import { applyD1Migrations, type D1Migration } from "cloudflare:test";

type Value = string | number | null;
type SchemaEntry = { type: string; name: string; tbl_name: string; sql: string | null };
type TableRows = { table: string; columns: string[]; rows: Value[][] };
type Snapshot = { migrations: string; schema: string; triggers: SchemaEntry[]; tables: TableRows[] };

const SNAPSHOT = Symbol.for("smsprof.test.migratedSnapshot");
const store = globalThis as unknown as { [SNAPSHOT]?: Snapshot };

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Everything the migrations made (tables, indexes, triggers), sqlite_sequence included. */
const readSchema = async (db: D1Database): Promise<SchemaEntry[]> =>
  (
    await db
      .prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE '_cf_%' AND (name NOT LIKE 'sqlite_%' OR name = 'sqlite_sequence') ORDER BY type, name",
      )
      .all<SchemaEntry>()
  ).results;

/**
 * Every row of a table, with its rowid where the table has one of its own (not an alias of an
 * INTEGER PRIMARY KEY, which the columns already carry): a fresh insert must land on the same rowid.
 */
const readTable = async (db: D1Database, table: SchemaEntry): Promise<TableRows> => {
  const info = (
    await db
      .prepare("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid")
      .bind(table.name)
      .all<{ name: string; type: string; pk: number }>()
  ).results;
  const keys = info.filter((c) => c.pk > 0);
  const rowidAlias = keys.length === 1 && keys[0]?.type.toUpperCase() === "INTEGER";
  const withoutRowid = /\bWITHOUT\s+ROWID\b/i.test(table.sql ?? "");
  const ownRowid = !rowidAlias && !withoutRowid && table.name !== "sqlite_sequence";
  const columns = [...(ownRowid ? ["rowid"] : []), ...info.map((c) => c.name)];
  const select = columns.map((c) => (c === "rowid" ? "rowid" : quote(c))).join(", ");
  const order = ownRowid || rowidAlias ? " ORDER BY rowid" : "";
  const rows = await db.prepare(`SELECT ${select} FROM ${quote(table.name)}${order}`).raw<Value[]>();
  return { table: table.name, columns, rows };
};

/** The whole schema and every table's rows (the snapshot, and what the reset's own test compares). */
export const dumpDatabase = async (db: D1Database) => {
  const schema = await readSchema(db);
  const tables = await Promise.all(schema.filter((e) => e.type === "table").map((t) => readTable(db, t)));
  return { schema, tables };
};

const takeSnapshot = async (db: D1Database, migrations: string): Promise<Snapshot> => {
  const { schema, tables } = await dumpDatabase(db);
  return {
    migrations,
    schema: JSON.stringify(schema),
    triggers: schema.filter((e) => e.type === "trigger"),
    tables,
  };
};

/** The slow, always-right way: drop whatever is there and replay every migration. */
const migrateFromScratch = async (db: D1Database, migrations: D1Migration[]) => {
  const tables = (await readSchema(db)).filter((e) => e.type === "table" && e.name !== "sqlite_sequence");
  if (tables.length > 0) {
    // One batch is one transaction: foreign keys are checked at its end, when no table is left.
    await db.batch([
      db.prepare("PRAGMA defer_foreign_keys = on"),
      ...tables.map(({ name }) => db.prepare(`DROP TABLE ${quote(name)}`)),
    ]);
  }
  await applyD1Migrations(db, migrations);
};

/**
 * Back to the snapshot in one transaction. The append-only triggers are lifted for its length, and
 * sqlite_sequence is written last: re-inserting an AUTOINCREMENT table's rows moves it by itself.
 */
const restore = (db: D1Database, snapshot: Snapshot) => {
  const inserts = ({ table, columns, rows }: TableRows) => {
    const sql = `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
    return rows.map((row) => db.prepare(sql).bind(...row));
  };
  const sequence = snapshot.tables.filter((t) => t.table === "sqlite_sequence");
  const tables = snapshot.tables.filter((t) => t.table !== "sqlite_sequence");
  return db.batch([
    db.prepare("PRAGMA defer_foreign_keys = on"),
    ...snapshot.triggers.map((t) => db.prepare(`DROP TRIGGER ${quote(t.name)}`)),
    ...tables.map((t) => db.prepare(`DELETE FROM ${quote(t.table)}`)),
    ...tables.flatMap(inserts),
    ...sequence.map(() => db.prepare("DELETE FROM sqlite_sequence")),
    ...sequence.flatMap(inserts),
    ...snapshot.triggers.map((t) => db.prepare(t.sql ?? "")),
  ]);
};

/**
 * Leaves `db` exactly as `applyD1Migrations` on an empty database would. Falls back to dropping and
 * migrating when there is no snapshot yet, the migrations changed, or a file changed the schema.
 */
export const resetDatabase = async (
  db: D1Database,
  migrations: D1Migration[],
  opts: { fromScratch?: boolean } = {},
): Promise<"restored" | "migrated"> => {
  const key = JSON.stringify(migrations);
  const snapshot = store[SNAPSHOT];
  if (!opts.fromScratch && snapshot?.migrations === key) {
    if (JSON.stringify(await readSchema(db)) === snapshot.schema) {
      await restore(db, snapshot);
      return "restored";
    }
  }
  await migrateFromScratch(db, migrations);
  store[SNAPSHOT] = await takeSnapshot(db, key);
  return "migrated";
};
