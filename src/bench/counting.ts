// On a bench server only (BENCH_SEED set): counts D1 round trips, D1 statements and Durable Object
// calls, so the bench can print what one order and one SMS cost the shared database. Production
// gets its env untouched. The simulator plays the upstream provider inside this Worker; its queries
// are counted apart ("upstream"), since a real provider's would not touch our D1 at all.
import type { Env } from "../env";

export type Counts = { d1RoundTrips: number; d1Statements: number; doCalls: number };
export type CountScope = "service" | "upstream";

const counts: Record<CountScope, Counts> = {
  service: { d1RoundTrips: 0, d1Statements: 0, doCalls: 0 },
  upstream: { d1RoundTrips: 0, d1Statements: 0, doCalls: 0 },
};

export const readCounts = (): Record<CountScope, Counts> => structuredClone(counts);

const wrapped = new WeakMap<object, D1PreparedStatement>();

const countStatement = (real: D1PreparedStatement, tally: Counts): D1PreparedStatement => {
  const proxy = new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      if (prop === "bind") return (...args: unknown[]) => countStatement(target.bind(...args), tally);
      return (...args: unknown[]) => {
        tally.d1RoundTrips++;
        tally.d1Statements++;
        return value.apply(target, args);
      };
    },
  });
  wrapped.set(proxy, real);
  return proxy;
};

const countDb = (db: D1Database, tally: Counts): D1Database =>
  new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      if (prop === "prepare") return (query: string) => countStatement(target.prepare(query), tally);
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          tally.d1RoundTrips++;
          tally.d1Statements += statements.length;
          return target.batch(statements.map((s) => wrapped.get(s) ?? s));
        };
      }
      if (prop === "exec") {
        return (query: string) => {
          tally.d1RoundTrips++;
          tally.d1Statements++;
          return target.exec(query);
        };
      }
      return value.bind(target);
    },
  });

const countStub = <T extends object>(stub: T, tally: Counts): T =>
  new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function" || prop === "then") return value;
      return (...args: unknown[]) => {
        tally.doCalls++;
        return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
      };
    },
  });

const countNamespace = <T extends object>(ns: T, tally: Counts): T =>
  new Proxy(ns, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      if (prop === "get" || prop === "getByName") {
        return (...args: unknown[]) =>
          countStub(Reflect.apply(value as (...a: unknown[]) => object, target, args), tally);
      }
      return value.bind(target);
    },
  });

const cache = new WeakMap<Env, Partial<Record<CountScope, Env>>>();

/** The env with counting bindings on a bench server; the env itself everywhere else. */
export const countingEnv = (env: Env, scope: CountScope = "service"): Env => {
  if (!env.BENCH_SEED) return env;
  const byScope = cache.get(env) ?? {};
  cache.set(env, byScope);
  const existing = byScope[scope];
  if (existing) return existing;
  const tally = counts[scope];
  const counted = {
    ...env,
    DB: countDb(env.DB, tally),
    ACTIVATION_ROOM: countNamespace(env.ACTIVATION_ROOM, tally),
    WEBHOOK_OUTBOX: countNamespace(env.WEBHOOK_OUTBOX, tally),
  } as Env;
  byScope[scope] = counted;
  return counted;
};

/** The simulator's own routes play the upstream provider: their queries are not the service's. */
export const scopeOfPath = (path: string): CountScope =>
  path.startsWith("/simulator") ? "upstream" : "service";
