// Bench-only seeding: customers with an API key and demo credit, made in one request without the
// signup limiter, so `npm run bench` can open thousands of activations. It exists only where the
// BENCH_SEED secret is set (never in wrangler.toml): everywhere else the route answers 404.

import { createApiKey } from "../accounts/keys";
import { hashPassword } from "../accounts/passwords";
import type { RequestMeta } from "../accounts/request-meta";
import { demoTopUp } from "../billing/topups";
import type { Db } from "../db/client";
import { users } from "../db/schema";
import type { Env } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { newId } from "../lib/ids";
import { now } from "../lib/time";
import { acceptanceStatements, POLICY_VERSION } from "../privacy/policy";

export const MAX_SEEDED_CUSTOMERS = 200;
export const MAX_KEYS_PER_SEEDED_CUSTOMER = 5;

/** The route does not exist unless BENCH_SEED is set, and then only for a caller who presents it. */
export const assertBenchSeedAllowed = (env: Env, authorization: string | undefined) => {
  const secret = env.BENCH_SEED ?? "";
  if (secret === "") throw new AppError(404, "NOT_FOUND", "Not found.");
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1] ?? "";
  if (!timingSafeEqual(presented, secret)) {
    throw new AppError(401, "UNAUTHORIZED", "Send the BENCH_SEED secret as a bearer token.");
  }
};

export type SeededCustomer = { userId: string; email: string; key: string; keys: string[] };

/** Customers through the same key and ledger code as real ones; only signup's limiter is skipped. */
export const seedCustomers = async (
  db: Db,
  env: Env,
  meta: RequestMeta,
  input: { customers: number; credit: number; keys?: number },
): Promise<SeededCustomer[]> => {
  // One hash for the batch: nobody signs in as a bench customer, and hashing costs ~100 ms each.
  const passwordHash = await hashPassword(crypto.randomUUID(), env.PASSWORD_PEPPER);
  const seeded: SeededCustomer[] = [];
  for (let i = 0; i < input.customers; i++) {
    const id = newId("usr");
    const email = `bench-${id.slice(4).toLowerCase()}@bench.invalid`;
    const t = now();
    await db.batch([
      db.insert(users).values({
        id,
        email,
        passwordHash,
        acceptedPolicyVersion: POLICY_VERSION,
        acceptedPolicyAt: t,
        adultAttestedAt: t,
        currency: env.CURRENCY,
        createdAt: t,
      }),
      ...acceptanceStatements(db, id, t),
    ]);
    const keys: string[] = [];
    for (let k = 0; k < (input.keys ?? 1); k++)
      keys.push((await createApiKey(db, meta, id, `bench ${k + 1}`)).key);
    if (input.credit > 0) await demoTopUp(db, id, input.credit, "bench-seed");
    seeded.push({ userId: id, email, key: keys[0] as string, keys });
  }
  return seeded;
};
