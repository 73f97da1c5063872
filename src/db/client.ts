import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

const make = (d1: D1Database) => drizzle(d1, { schema });
export type Db = ReturnType<typeof make>;

// Building drizzle's relational config from the schema costs most of a millisecond; the binding is the
// same object for every request of an isolate, so one client per binding serves them all.
const clients = new WeakMap<D1Database, Db>();

export const createDb = (d1: D1Database): Db => {
  let db = clients.get(d1);
  if (!db) {
    db = make(d1);
    clients.set(d1, db);
  }
  return db;
};
