// Raw D1 statements for money writes. These need INSERT … SELECT … ON CONFLICT guards that the query
// builder does not express, and drizzle's batch() cannot carry raw SQL, so they go to D1 directly.
import type { Db } from "../db/client";

/** A piece of SQL with its bound values; fragments nest inside other fragments. */
export class Fragment {
  constructor(
    readonly text: string,
    readonly params: unknown[],
  ) {}
}

export const q = (strings: TemplateStringsArray, ...values: unknown[]): Fragment => {
  let text = strings[0] ?? "";
  const params: unknown[] = [];
  values.forEach((value, i) => {
    if (value instanceof Fragment) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += "?";
      params.push(value);
    }
    text += strings[i + 1] ?? "";
  });
  return new Fragment(text, params);
};

/** Runs the statements as one D1 batch: a single transaction, all or nothing. */
export const runBatch = (db: Db, statements: Fragment[]): Promise<D1Result[]> =>
  db.$client.batch(statements.map((s) => db.$client.prepare(s.text).bind(...s.params)));

export const changes = (result: D1Result | undefined): number => result?.meta.changes ?? 0;
