// The test provider: the upstream of every test-mode order (sk_test_ keys), in any deployment,
// SIMULATOR_ENABLED or not, whatever PROVIDERS says. It runs in-process (no HTTP, no public route,
// never a remote upstream) and borrows the simulator's number formats and SMS texts, so test traffic
// looks like the simulator's. It keeps no state of its own: what an order will do is written into
// its providerRef. Its name has a hyphen, which no PROVIDERS entry may have (config.ts), so no
// configured upstream can be mistaken for it, and no real account's route can lead to it.
//
// Magic services make the cases a script must handle happen on demand (README, "Test mode"):
//   test_code    the code arrives at once (so does any ordinary service in test mode)
//   test_delay   the code arrives at the first cron run at least TEST_SMS_DELAY_MS after the order
//   test_nosms   no SMS until the window ends: the activation expires and the hold is voided
//   test_nonum   no numbers (NO_NUMBERS; nothing charged)
//   test_error   the upstream fails (PROVIDER_UNAVAILABLE; nothing charged)
import { and, eq, like, lte } from "drizzle-orm";
import type { Offer } from "../activations/catalog";
import { deliverSms } from "../activations/deliver";
import type { Db } from "../db/client";
import { activations, countries } from "../db/schema";
import type { Env } from "../env";
import { newId } from "../lib/ids";
import { log } from "../lib/log";
import { now } from "../lib/time";
import type { Route } from "./routing";
import { verificationSms } from "./simulator/messages";
import { phoneFromFormat } from "./simulator/upstream";
import { COUNTRIES } from "./simulator/upstream-data.mjs";
import {
  type AcquiredNumber,
  type AcquireRequest,
  type CatalogOffer,
  type InboundSms,
  type Provider,
  ProviderError,
  WebhookAuthError,
} from "./types";

export const TEST_PROVIDER = "test-mode";
export const TEST_SMS_DELAY_MS = 60_000;
/** What a magic service costs in test mode: $0.50 of play money, in every country. */
export const MAGIC_PRICE = 50;

export const MAGIC_SERVICES = {
  test_code: "code",
  test_delay: "delay",
  test_nosms: "nosms",
  test_nonum: "nonum",
  test_error: "error",
} as const;
type Behaviour = (typeof MAGIC_SERVICES)[keyof typeof MAGIC_SERVICES];

export const isMagicService = (service: string): service is keyof typeof MAGIC_SERVICES =>
  Object.hasOwn(MAGIC_SERVICES, service);
const behaviourOf = (service: string): Behaviour =>
  isMagicService(service) ? MAGIC_SERVICES[service] : "code";

/**
 * Which routes an account's order may take. A test account's: only ever the test provider, in every
 * deployment, never a configured upstream and so never routing or failover to one. Anyone else's:
 * the catalog's routes (`realRoutes`), which are built from PROVIDERS entries only.
 */
export const routesForAccount = async (
  account: { test: boolean },
  offer: Offer,
  realRoutes: () => Promise<Route[]>,
): Promise<Route[]> =>
  account.test
    ? [{ provider: TEST_PROVIDER, cost: 0, stock: 1, priority: 0, price: offer.price, successRate: null }]
    : realRoutes();

// "test.<behaviour>.<service>.<random>": everything later calls need, without a table.
const refOf = (behaviour: Behaviour, service: string) => `test.${behaviour}.${service}.${newId("tnum")}`;
const parseRef = (ref: string) => {
  const [, behaviour, service] = ref.split(".");
  return { behaviour: behaviour as Behaviour, service: service ?? "" };
};

/**
 * The offer a test account orders from: the real catalog's price for ordinary services (so scripts
 * see real prices), a fixed price for the magic ones in any known country. Null: not sold, and the
 * order explains why as it would for anyone.
 */
export const testOffer = async (
  db: Db,
  order: { service: string; country: number },
  real: Offer | null,
  currency: string,
): Promise<Offer | null> => {
  if (!isMagicService(order.service)) return real && { ...real, cost: 0, provider: TEST_PROVIDER };
  const known = await db
    .select({ id: countries.id })
    .from(countries)
    .where(eq(countries.id, order.country))
    .get();
  if (!known) return null;
  return { price: MAGIC_PRICE, cost: 0, currency, stock: 1000, provider: TEST_PROVIDER };
};

const smsFor = (ref: string): InboundSms => ({
  providerRef: ref,
  // One message per activation: a replay (cron twice, a retry) is recognised by the room.
  messageId: `${ref}:1`,
  text: verificationSms(parseRef(ref).service),
  code: null,
  receivedAt: now(),
});

export class TestModeProvider implements Provider {
  readonly name = TEST_PROVIDER;
  // It pushes its SMS itself (started, deliverDueTestSms) and has no poll, so its rooms arm no poll alarm.
  readonly pushes = true;
  readonly pollSeconds = 60;

  constructor(private readonly env: Env) {}

  async acquire(request: AcquireRequest): Promise<AcquiredNumber> {
    const behaviour = behaviourOf(request.service);
    if (behaviour === "nonum") throw new ProviderError("NO_NUMBERS", "No numbers (test_nonum).");
    if (behaviour === "error") throw new ProviderError("UNAVAILABLE", "The upstream fails (test_error).");
    const format = COUNTRIES[request.country]?.format ?? "+1555#######";
    return { providerRef: refOf(behaviour, request.service), phone: phoneFromFormat(format), cost: 0 };
  }

  /** The room exists now: an order that gets its code at once gets it here. */
  async started(activation: { id: string; providerRef: string }): Promise<void> {
    if (parseRef(activation.providerRef).behaviour !== "code") return;
    await deliverSms(this.env, activation.id, smsFor(activation.providerRef));
  }

  async cancel(): Promise<void> {}
  async finish(): Promise<void> {}
  // Another SMS is not simulated in test mode: the one code is all an order ever gets.
  async requestAnotherSms(): Promise<void> {}

  async parseWebhook(): Promise<InboundSms[]> {
    throw new WebhookAuthError("the test provider sends no webhooks");
  }

  async offers(): Promise<CatalogOffer[]> {
    return [];
  }

  async balance(): Promise<number | null> {
    return null;
  }
}

/** The cron's part: delayed test codes whose time has come. */
export const deliverDueTestSms = async (env: Env, db: Db, at: number): Promise<number> => {
  const due = await db
    .select({ id: activations.id, providerRef: activations.providerRef })
    .from(activations)
    .where(
      and(
        eq(activations.provider, TEST_PROVIDER),
        eq(activations.status, "waiting"),
        like(activations.providerRef, "test.delay.%"),
        lte(activations.createdAt, at - TEST_SMS_DELAY_MS),
      ),
    )
    .all();
  let delivered = 0;
  for (const row of due) {
    try {
      await deliverSms(env, row.id, smsFor(row.providerRef));
      delivered++;
    } catch (err) {
      // Ended meanwhile (its window closed before this run): nothing is owed.
      log(undefined, "test_sms_not_delivered", { activationId: row.id, error: String(err) });
    }
  }
  return delivered;
};
