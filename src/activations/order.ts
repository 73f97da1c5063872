// Ordering a number: validate → price from the catalog → journal → hold → acquire from the first route
// that has a number (each attempt bounded; failover in src/providers/routing.ts) → activation row → its
// Durable Object. Whatever fails after the hold and before the row voids it: nothing is charged; what a
// crash interrupts is left in the journal for the cron (order-journal.ts).
import { and, eq, sql } from "drizzle-orm";
import { assertEmailVerifiedIfRequired } from "../accounts/auth";
import { assertUnderSpendLimit, recordKeyOrder } from "../accounts/key-policy";
import { placeHold, voidHold } from "../billing/ledger";
import type { Db } from "../db/client";
import { countries, orderClaims, services } from "../db/schema";
import { type CurrentUser, type Env, int } from "../env";
import { AppError, forbidden } from "../lib/errors";
import { faultPoint } from "../lib/faults";
import { newId } from "../lib/ids";
import { log } from "../lib/log";
import { now } from "../lib/time";
import { accountOpenForOrders, assertAccountMay } from "../privacy/account-gate";
import { getProvider } from "../providers";
import { enabledEntries } from "../providers/enabled";
import { AllRoutesRefused, acquireByRoute, type Refusal, type Route } from "../providers/routing";
import { raiseAlert } from "../providers/status";
import { isMagicService, routesForAccount, testOffer } from "../providers/test-mode";
import { type AcquiredNumber, type AcquireRequest, type Provider, ProviderError } from "../providers/types";
import { adjustStock, getOffer, type Offer, routesFor } from "./catalog";
import { journalAcquired, journalDone, journalStart } from "./order-journal";
import type { NewActivation } from "./room";
import { countActive, findByIdempotencyKey, viewsOf } from "./store";
import { type ActivationView, LIVE_STATUSES } from "./view";

export type Actor = {
  env: Env;
  db: Db;
  user: CurrentUser;
  requestId?: string;
  waitUntil?: (p: Promise<unknown>) => void;
};

export type OrderInput = { service: string; country: number; maxPrice?: number; idempotencyKey?: string };

// The hold outlives the window so that a late alarm can still void (or a code still post) it.
const HOLD_MARGIN_MS = 30 * 60_000;
const CLAIM_POLL_MS = 100;
const NUMERIC_ID_ATTEMPTS = 5;
// Each route gets PROVIDER_TIMEOUT_MS; an order tries at most this many before giving up.
const MAX_ROUTES_PER_ORDER = 3;

const changes = (result: unknown): number => (result as D1Result).meta.changes;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const createActivation = async (a: Actor, input: OrderInput): Promise<ActivationView> => {
  assertMayOrder(a);
  assertInput(input);
  await assertAccountMay(a.db, a.user.id, "order");
  if (input.idempotencyKey === undefined) return placeOrder(a, input, newId("act"), null);
  return orderOnce(a, input, input.idempotencyKey);
};

const assertMayOrder = (a: Actor) => {
  if (a.user.frozen)
    throw forbidden("ACCOUNT_FROZEN", "This account is frozen; new orders are not possible.");
  assertEmailVerifiedIfRequired(a.env, a.user);
};

const assertInput = (input: OrderInput) => {
  if (!Number.isSafeInteger(input.country) || input.country < 0) {
    throw new AppError(400, "BAD_COUNTRY", "Unknown country.");
  }
  if (input.maxPrice !== undefined && (!Number.isSafeInteger(input.maxPrice) || input.maxPrice < 0)) {
    throw new AppError(400, "VALIDATION_FAILED", "maxPrice must be a whole number of minor units.", [
      { path: "maxPrice", message: "Expected a non-negative integer" },
    ]);
  }
  const key = input.idempotencyKey;
  if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new AppError(400, "VALIDATION_FAILED", "An Idempotency-Key is 1 to 255 visible ASCII characters.", [
      { path: "idempotencyKey", message: "Invalid idempotency key" },
    ]);
  }
};

const fingerprint = (input: OrderInput) =>
  JSON.stringify([input.service, input.country, input.maxPrice ?? null]);

const mismatch = () =>
  new AppError(409, "IDEMPOTENCY_MISMATCH", "This Idempotency-Key was already used for a different order.");

/**
 * One order per (customer, Idempotency-Key). Each request first claims the key; identical requests
 * arriving while an order is being placed wait for the claim to go, then find its activation, instead
 * of placing a second hold.
 */
const orderOnce = async (a: Actor, input: OrderInput, key: string): Promise<ActivationView> => {
  const fp = fingerprint(input);
  const patience = int(a.env.PROVIDER_TIMEOUT_MS, 8000) * MAX_ROUTES_PER_ORDER + 5_000;
  const giveUpAt = now() + patience;
  for (;;) {
    const activationId = newId("act");
    const claimed = await a.db
      .insert(orderClaims)
      .values({ userId: a.user.id, idempotencyKey: key, fingerprint: fp, activationId, createdAt: now() })
      .onConflictDoNothing()
      .run();
    if (changes(claimed) === 1) {
      try {
        return (await existingOrder(a, key, fp)) ?? (await placeOrder(a, input, activationId, { key, fp }));
      } finally {
        await releaseClaim(a.db, a.user.id, key, activationId);
      }
    }
    const claim = await a.db
      .select()
      .from(orderClaims)
      .where(and(eq(orderClaims.userId, a.user.id), eq(orderClaims.idempotencyKey, key)))
      .get();
    if (!claim) continue;
    // The claim may belong to a request with another body (which will itself be refused): an order
    // already made with this key answers an identical retry at once, whoever holds the claim.
    if (claim.fingerprint !== fp) {
      const done = await existingOrder(a, key, fp);
      if (done) return done;
    }
    // A claim older than any order can take was left by a request that died: take it over.
    if (claim.createdAt < now() - 2 * patience) {
      await releaseClaim(a.db, a.user.id, key, claim.activationId);
      continue;
    }
    if (now() > giveUpAt) {
      throw new AppError(
        409,
        "ORDER_IN_PROGRESS",
        "An order with this Idempotency-Key is still being placed.",
      );
    }
    await sleep(CLAIM_POLL_MS);
  }
};

const existingOrder = async (a: Actor, key: string, fp: string): Promise<ActivationView | null> => {
  const row = await findByIdempotencyKey(a.db, a.user.id, key);
  if (!row) return null;
  if (row.requestFingerprint !== fp) throw mismatch();
  const [view] = await viewsOf(a.env, a.db, [row]);
  return view ?? null;
};

const releaseClaim = (db: Db, userId: string, key: string, activationId: string) =>
  db
    .delete(orderClaims)
    .where(
      and(
        eq(orderClaims.userId, userId),
        eq(orderClaims.idempotencyKey, key),
        eq(orderClaims.activationId, activationId),
      ),
    )
    .run();

// A conflict with the customer's own state, not a rate limit: waiting does not help, and a 429 would
// send generic retry logic round in circles (there is no Retry-After to give).
const tooManyActive = (max: number) =>
  new AppError(
    409,
    "TOO_MANY_ACTIVE",
    `You already have ${max} live numbers, the most at once: finish or cancel one of them, then order again.`,
    { max },
  );

const placeOrder = async (
  a: Actor,
  input: OrderInput,
  id: string,
  idem: { key: string; fp: string } | null,
): Promise<ActivationView> => {
  const { env, db, user } = a;
  // Everything that can be refused without money is refused before the hold, the request's own faults
  // first: only a provider's refusal (or losing a race for the last free slot) leaves a hold and its void.
  const offer = await offerFor(a, input);
  if (input.maxPrice !== undefined && offer.price > input.maxPrice) {
    throw new AppError(409, "WRONG_MAX_PRICE", "The price is above your maxPrice.", {
      minPrice: offer.price,
    });
  }
  const maxActive = int(env.MAX_ACTIVE_ACTIVATIONS, 10);
  if ((await countActive(db, user.id)) >= maxActive) throw tooManyActive(maxActive);
  const routes = await routesForAccount(user, offer, () => routesOf(a, input, offer));
  await assertUnderSpendLimit(env, user.key, offer.price);
  const windowMs = int(env.ACTIVATION_MINUTES, 20) * 60_000;
  // Journalled before the hold: whatever a crash interrupts from here on, the cron can resolve.
  await journalStart(db, {
    activationId: id,
    userId: user.id,
    provider: routes[0]?.provider ?? offer.provider,
  });
  let holdId: string;
  try {
    ({ holdId } = await placeHold(db, {
      userId: user.id,
      amount: offer.price,
      currency: offer.currency,
      reference: id,
      expiresAt: now() + windowMs + HOLD_MARGIN_MS,
    }));
  } catch (error) {
    await journalDone(db, id);
    throw error;
  }
  let number: AcquiredNumber | null = null;
  let provider: Provider | null = null;
  let inserted = false;
  let activation: NewActivation;
  try {
    await faultPoint("order.afterHold");
    await recordKeyOrder(env, user.key, id, offer.price);
    const rented = await acquireFromRoutes(a, routes, {
      service: input.service,
      country: input.country,
      // Never pay upstream more than the customer pays us.
      maxCost: offer.price,
      activationId: id,
    });
    number = rented.number;
    provider = rented.provider;
    await journalAcquired(db, id, provider.name, number);
    await faultPoint("order.afterAcquire");
    const createdAt = now();
    activation = {
      id,
      numericId: 0,
      userId: user.id,
      provider: provider.name,
      service: input.service,
      country: input.country,
      phone: number.phone,
      providerRef: number.providerRef,
      price: offer.price,
      currency: offer.currency,
      createdAt,
      expiresAt: createdAt + windowMs,
    };
    activation.numericId = await insertRow(db, activation, {
      holdId,
      idem,
      maxActive,
      upstreamCost: number.cost,
    });
    inserted = true;
    await faultPoint("order.afterInsert");
    // Test orders sell play numbers: the real stock is not theirs to count down.
    if (!user.test) await takeFromStock(a, input, provider.name);
  } catch (error) {
    await faultPoint("order.beforeCleanup");
    await voidHold(db, id);
    if (inserted) await abandonRow(db, id);
    if (number && provider) await releaseNumber(a, provider, number.providerRef);
    await journalDone(db, id);
    throw error;
  }
  const view = await startRoomOf(a, activation);
  // The number is the customer's now: a provider's failed push is logged, it does not undo the order.
  await provider?.started?.({ id, providerRef: activation.providerRef }).catch((error: unknown) => {
    log(a.requestId, "provider_start_failed", { activationId: id, error: String(error) });
  });
  return view;
};

/**
 * The row is written: the activation is the customer's now (listed, found by its Idempotency-Key), so
 * a room that fails to start is never voided here. It is asked again once; if it still fails, the
 * journal entry stays and the cron's `resolveStaleOrders` starts it (or ends it unpaid) within minutes.
 */
const startRoomOf = async (a: Actor, activation: NewActivation): Promise<ActivationView> => {
  let view: ActivationView;
  try {
    view = await startRoom(a.env, activation);
  } catch (first) {
    log(a.requestId, "room_start_failed", { activationId: activation.id, error: String(first) });
    try {
      view = await startRoom(a.env, activation);
    } catch {
      throw new AppError(
        503,
        "ORDER_INCOMPLETE",
        "The number was rented but its activation did not start; it appears in your list within minutes, or its money is released.",
      );
    }
  }
  try {
    await faultPoint("order.afterStart");
    await journalDone(a.db, activation.id);
  } catch (error) {
    // The cron finds the room started and only deletes the entry.
    log(a.requestId, "order_journal_cleanup_failed", { activationId: activation.id, error: String(error) });
  }
  return view;
};

// The catalog's stock is a hint refreshed from the provider; a failed update must not fail the order.
const takeFromStock = async (a: Actor, input: OrderInput, provider: string) => {
  try {
    await adjustStock(a.db, input.service, input.country, -1, provider);
  } catch (error) {
    log(a.requestId, "stock_adjust_failed", { error: String(error) });
  }
};

// The room never started, so nothing else will end this row: it must not count as active, and its
// Idempotency-Key must stay free for the customer's retry.
const abandonRow = (db: Db, id: string) =>
  db.run(sql`UPDATE activations SET status = 'cancelled', idempotency_key = NULL, ended_at = ${now()},
    updated_at = ${now()} WHERE id = ${id} AND last_seq = 0`);

/**
 * The price of a service in a country (a test account's from the test provider's price list); which
 * of the two is unknown decides the error.
 */
const offerFor = async ({ db, env, user }: Actor, input: OrderInput): Promise<Offer> => {
  const test = user.test;
  const real = await getOffer(db, input.service, input.country);
  const offer = test ? await testOffer(db, input, real, env.CURRENCY) : real;
  if (offer) return offer;
  const [service, country] = await Promise.all([
    db.select({ code: services.code }).from(services).where(eq(services.code, input.service)).get(),
    db.select({ id: countries.id }).from(countries).where(eq(countries.id, input.country)).get(),
  ]);
  const magic = test && isMagicService(input.service);
  if (!service && !magic) throw new AppError(400, "BAD_SERVICE", `Unknown service "${input.service}".`);
  if (!country) throw new AppError(400, "BAD_COUNTRY", `Unknown country ${input.country}.`);
  throw new AppError(409, "NO_NUMBERS", "This service is not offered in this country.");
};

/**
 * The upstreams that may sell this number, best first: those whose cost the price covers (we never
 * pay upstream more than the customer pays us). A price row written before routing existed (no
 * provider_offers yet, e.g. a fresh local seed) is served by the upstream it names.
 */
const routesOf = async (a: Actor, input: OrderInput, offer: Offer): Promise<Route[]> => {
  const routes = (await routesFor(a.env, a.db, input.service, input.country)).filter(
    (r) => r.cost <= offer.price,
  );
  if (routes.length > 0) return routes.slice(0, MAX_ROUTES_PER_ORDER);
  const entry = (await enabledEntries(a.env, a.db)).get(offer.provider);
  if (!entry) {
    // Every upstream that offers it is disabled (configuration or operator): nothing to sell, not an outage.
    throw providerFailure(
      new ProviderError("NO_NUMBERS", `No enabled upstream offers ${input.service}/${input.country}.`),
      a.requestId,
    );
  }
  return [
    {
      provider: entry.name,
      cost: offer.cost,
      stock: offer.stock,
      priority: entry.priority,
      price: offer.price,
      successRate: null,
    },
  ];
};

/** Tries the routes in turn; an upstream that needs an operator (empty wallet, bad key) raises an alert. */
const acquireFromRoutes = async (
  a: Actor,
  routes: Route[],
  request: AcquireRequest,
): Promise<{ provider: Provider; number: AcquiredNumber }> => {
  const onRefusal = async ({ provider, error }: Refusal) => {
    log(a.requestId, "provider_acquire_refused", { provider, error: String(error) });
    if (error instanceof ProviderError && error.alert) {
      await raiseAlert(a.db, provider, error.alert, error.message, a.requestId).catch(() => {});
    }
  };
  try {
    const { value } = await acquireByRoute(
      routes,
      async (route) => {
        const provider = getProvider(a.env, route.provider);
        return { provider, number: await acquire(provider, { ...request, expectedCost: route.cost }, a.env) };
      },
      onRefusal,
    );
    return value;
  } catch (error) {
    if (!(error instanceof AllRoutesRefused)) throw providerFailure(error, a.requestId);
    // The most useful refusal for the customer: "none in stock" beats "not sold here" beats "down".
    const codes = error.refusals.map((r) =>
      r.error instanceof ProviderError ? r.error.code : "UNAVAILABLE",
    );
    const said = (["NO_NUMBERS", "BAD_SERVICE"] as const).find((c) => codes.includes(c));
    throw providerFailure(said ? new ProviderError(said, error.message) : error, a.requestId);
  }
};

const acquire = async (provider: Provider, request: AcquireRequest, env: Env): Promise<AcquiredNumber> => {
  const signal = AbortSignal.timeout(int(env.PROVIDER_TIMEOUT_MS, 8000));
  // The race also bounds an adapter that forgets to pass the signal on.
  const timedOut = new Promise<never>((_, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason));
  });
  return await Promise.race([provider.acquire(request, signal), timedOut]);
};

const providerFailure = (error: unknown, requestId?: string): AppError => {
  if (error instanceof ProviderError && error.code === "NO_NUMBERS") {
    return new AppError(
      409,
      "NO_NUMBERS",
      "No numbers are available for this service and country right now.",
    );
  }
  if (error instanceof ProviderError && error.code === "BAD_SERVICE") {
    return new AppError(400, "BAD_SERVICE", "The provider does not offer this service here.");
  }
  log(requestId, "provider_acquire_failed", { error: String(error) });
  return new AppError(
    503,
    "PROVIDER_UNAVAILABLE",
    "The number provider is not answering; nothing was charged.",
  );
};

/**
 * Writes the activation row, unless the customer already reached the cap meanwhile (checked in the
 * same statement, so concurrent orders cannot slip past it). Returns the compat protocol's number.
 */
const insertRow = async (
  db: Db,
  act: NewActivation,
  extra: {
    holdId: string;
    idem: { key: string; fp: string } | null;
    maxActive: number;
    upstreamCost: number;
  },
): Promise<number> => {
  for (let attempt = 1; ; attempt++) {
    const numericId = randomNumericId();
    try {
      const result = await db.run(sql`INSERT INTO activations
          (id, numeric_id, user_id, service, country, phone, provider, provider_ref, price, currency,
           upstream_cost, margin, hold_id,
           status, last_seq, idempotency_key, request_fingerprint, created_at, expires_at, updated_at)
        SELECT ${act.id}, ${numericId}, ${act.userId}, ${act.service}, ${act.country}, ${act.phone},
          ${act.provider}, ${act.providerRef}, ${act.price}, ${act.currency},
          ${extra.upstreamCost}, ${act.price - extra.upstreamCost}, ${extra.holdId}, 'waiting', 0,
          ${extra.idem?.key ?? null}, ${extra.idem?.fp ?? null}, ${act.createdAt}, ${act.expiresAt}, ${act.createdAt}
        WHERE (SELECT COUNT(*) FROM activations WHERE user_id = ${act.userId} AND status IN ${LIVE_STATUSES})
          < ${extra.maxActive} AND ${accountOpenForOrders(act.userId)}`);
      if (changes(result) === 0) {
        // Erased or restricted since the order began: that error, else the cap was reached meanwhile.
        await assertAccountMay(db, act.userId, "order");
        throw tooManyActive(extra.maxActive);
      }
      return numericId;
    } catch (error) {
      const collided = String(error).includes("activations.numeric_id");
      if (!collided || attempt >= NUMERIC_ID_ATTEMPTS) throw error;
    }
  }
};

// Nine digits, like the ids sms-activate clients expect; random so they reveal no order volume.
const randomNumericId = (): number => {
  const [n = 0] = crypto.getRandomValues(new Uint32Array(1));
  return 100_000_000 + (n % 900_000_000);
};

const startRoom = async (env: Env, activation: NewActivation): Promise<ActivationView> => {
  const stub = env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(activation.id));
  return stub.init(activation);
};

const releaseNumber = async (a: Actor, provider: Provider, providerRef: string) => {
  const released = provider.cancel(providerRef).catch((error: unknown) => {
    log(a.requestId, "provider_release_failed", { providerRef, error: String(error) });
  });
  // The customer's error need not wait for the provider when the runtime can finish it later.
  if (a.waitUntil) a.waitUntil(released);
  else await released;
};
