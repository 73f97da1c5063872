// kind "smshub-agent": SIM banks speaking the SMSHUB agent protocol ("SMSHUB Agent Protocol",
// version of March 6, 2024), the one SIM owners use to sell through smshub, GrizzlySMS, SMSBower and
// OnlineSim. Here SMSPROF is the hub: we POST JSON `{action, key, …}` to the agent at `baseUrl`
//   GET_SERVICES      → {status, countryList: [{country, operatorMap: {operator: {service: count}}}]}
//   GET_NUMBER        {country, operator, service, sum (cur), currency (840|643), exceptionPhoneSet?}
//                     → {status: SUCCESS, number (Ulong), activationId (Ulong)} | {status: NO_NUMBERS}
//   FINISH_ACTIVATION {activationId, status: 1 no longer for this service | 3 sold | 4 cancelled | 5 refunded}
//                     → {status: SUCCESS}, idempotent on the agent's side, so we repeat it until then
// and the agent POSTs PUSH_SMS {smsId (Ulong), phone (Ulong), phoneFrom, text, key} to
// /webhooks/providers/<name>, re-sending every 10 s until it reads {"status":"SUCCESS"}.
// Field types are the protocol's: numbers are JSON numbers, never strings. Requests and answers may
// be gzip-compressed (the protocol asks for it); an answer that is not SUCCESS is an error word
// (Appendix 5: ERROR carries `error`). The protocol names countries by words (Appendix 1) and
// services by short codes that are sms-activate's, i.e. ours (Appendix 3).
import { z } from "zod";
import type { Db } from "../db/client";
import { createDb } from "../db/client";
import type { Env } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { log } from "../lib/log";
import type { ProviderEntry } from "./config";
import {
  agentExclusions,
  claimAgentSim,
  countryOfPhone,
  recordUnrentedSms,
  releaseSim,
  rentalOf,
  type SimRules,
  simOfPhone,
  simRules,
} from "./own-sims";
import {
  type AcquiredNumber,
  type AcquireRequest,
  type CatalogOffer,
  type InboundSms,
  type Provider,
  ProviderError,
  WebhookAuthError,
} from "./types";
import { minorToUpstream, upstreamFetch } from "./upstream-http";
import { FIVESIM_COUNTRY } from "./upstream-names";

/** Appendix 1 (smshub.org/countries): the protocol's words for our countries are 5sim's. */
const SMSHUB_COUNTRY = FIVESIM_COUNTRY;
const COUNTRY_ID = new Map(Object.entries(SMSHUB_COUNTRY).map(([id, word]) => [word, Number(id)]));

/** Appendix 6: ISO 4217 numeric codes of the currencies the protocol knows. */
const CURRENCY_CODE: Record<string, number> = { RUB: 643, USD: 840 };

/** Appendix 4: what FINISH_ACTIVATION tells the agent. */
export const FINISH_STATUS = { notForService: 1, sold: 3, cancelled: 4, refunded: 5 } as const;

const ServicesAnswer = z.object({
  status: z.literal("SUCCESS"),
  countryList: z.array(
    z.object({
      country: z.string(),
      operatorMap: z.record(z.string(), z.record(z.string(), z.number().int())),
    }),
  ),
});

const NumberAnswer = z.object({
  status: z.literal("SUCCESS"),
  number: z.number().int().positive(),
  activationId: z.number().int().nonnegative(),
});

const PushSms = z.object({
  action: z.literal("PUSH_SMS"),
  key: z.string(),
  smsId: z.number().int().nonnegative(),
  phone: z.number().int().positive(),
  phoneFrom: z.string().max(100),
  text: z.string().max(10_000),
});

/**
 * A request or answer body as text, gunzipped when it is gzip data (its magic bytes decide, not the
 * header alone: a runtime may or may not have decoded an answer already).
 */
export const readBody = async (message: Request | Response): Promise<string> => {
  const bytes = new Uint8Array(await message.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes);
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
};

export class SmshubAgentProvider implements Provider {
  readonly name: string;
  readonly pushes = true;
  readonly pollSeconds: number;
  private readonly db: Db;
  private readonly rules: SimRules;
  private readonly currencyCode: number;

  constructor(
    env: Env,
    private readonly entry: ProviderEntry,
    private readonly key: string,
  ) {
    this.name = entry.name;
    this.pollSeconds = entry.pollSeconds;
    this.db = createDb(env.DB);
    this.rules = simRules(env);
    this.currencyCode = CURRENCY_CODE[entry.currency ?? env.CURRENCY] ?? 0;
  }

  private get cost(): number {
    return this.entry.cost ?? 0;
  }

  /** One protocol request; anything but a JSON answer with a status is UNAVAILABLE. */
  private async call(action: string, fields: Record<string, unknown>, signal?: AbortSignal) {
    if (!this.key) throw new ProviderError("UNAVAILABLE", `${this.name}: PROVIDER_<NAME>_KEY is not set.`);
    if (!this.currencyCode)
      throw new ProviderError("UNAVAILABLE", `${this.name}: the protocol knows only RUB and USD.`);
    const res = await upstreamFetch(this.entry, this.entry.baseUrl, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Accept-Encoding": "gzip",
        "User-Agent": "SMSPROF-hub/1",
      },
      body: JSON.stringify({ action, key: this.key, ...fields }),
      signal,
    });
    const text = await readBody(res);
    let json: { status?: unknown; error?: unknown };
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProviderError(
        "UNAVAILABLE",
        `${this.name} answered ${action} with HTTP ${res.status}, not JSON.`,
      );
    }
    if (json.status === "NO_NUMBERS") throw new ProviderError("NO_NUMBERS", `${this.name} has no numbers.`);
    if (json.status !== "SUCCESS") {
      const why = typeof json.error === "string" ? json.error : `status ${String(json.status)}`;
      throw new ProviderError("UNAVAILABLE", `${this.name} refused ${action}: ${why}`);
    }
    return json as unknown;
  }

  private async services(signal?: AbortSignal) {
    const parsed = ServicesAnswer.safeParse(await this.call("GET_SERVICES", {}, signal));
    if (!parsed.success)
      throw new ProviderError("UNAVAILABLE", `${this.name}: GET_SERVICES answer is malformed.`);
    return parsed.data.countryList;
  }

  /** Stock per country × service (all operators together), each at the entry's cost. */
  async offers(): Promise<CatalogOffer[]> {
    const stock = new Map<string, CatalogOffer>();
    for (const { country: word, operatorMap } of await this.services()) {
      const country = COUNTRY_ID.get(word);
      if (country === undefined) continue;
      for (const counts of Object.values(operatorMap)) {
        for (const [service, count] of Object.entries(counts)) {
          const offer = stock.get(`${service}/${country}`) ?? { service, country, cost: this.cost, stock: 0 };
          offer.stock += Math.max(0, count);
          stock.set(`${service}/${country}`, offer);
        }
      }
    }
    return [...stock.values()].filter((o) => o.stock > 0);
  }

  async acquire(request: AcquireRequest, signal?: AbortSignal): Promise<AcquiredNumber> {
    const { service, country } = request;
    if (request.maxCost !== undefined && this.cost > request.maxCost) {
      throw new ProviderError("NO_NUMBERS", `${this.name} sells at ${this.cost}, above ${request.maxCost}.`);
    }
    const word = SMSHUB_COUNTRY[country];
    if (!word) throw new ProviderError("NO_NUMBERS", `${this.name} has no word for country ${country}.`);
    // The operator with the most numbers for the service: agents that divide by operator serve
    // only the one asked for; "any" is what the others report.
    const operators = (await this.services(signal)).find((c) => c.country === word)?.operatorMap ?? {};
    const [operator] = Object.entries(operators)
      .map(([name, counts]) => [name, counts[service] ?? 0] as const)
      .filter(([, count]) => count > 0)
      .sort((a, b) => b[1] - a[1])[0] ?? [undefined];
    if (!operator)
      throw new ProviderError("NO_NUMBERS", `${this.name} has no ${service} numbers in ${word}.`);
    const at = Date.now();
    const excluded = await agentExclusions(this.db, this.rules, this.name, service, at);
    const answer = NumberAnswer.safeParse(
      await this.call(
        "GET_NUMBER",
        {
          country: word,
          operator,
          service,
          sum: Number(minorToUpstream(this.cost, this.entry)),
          currency: this.currencyCode,
          // Whole numbers as prefixes: each excludes exactly that SIM.
          exceptionPhoneSet: [...excluded.rented, ...excluded.spent].sort().map((phone) => phone.slice(1)),
        },
        signal,
      ),
    );
    if (!answer.success)
      throw new ProviderError("UNAVAILABLE", `${this.name}: GET_NUMBER answer is malformed.`);
    const phone = `+${answer.data.number}`;
    const activationId = String(answer.data.activationId);
    const giveBack = async (status: number, why: string) => {
      log(undefined, "smshub_agent_number_refused", { provider: this.name, activationId, phone, why });
      await this.finishAtAgent(activationId, status).catch(() => {});
      throw new ProviderError("NO_NUMBERS", `${this.name} handed out ${phone}, which ${why}.`);
    };
    if (excluded.spent.includes(phone))
      await giveBack(FINISH_STATUS.notForService, "is spent for the service");
    if (excluded.rented.includes(phone)) await giveBack(FINISH_STATUS.cancelled, "serves another activation");
    if ((await countryOfPhone(this.db, phone)) !== country)
      await giveBack(FINISH_STATUS.cancelled, "is not of that country");
    const claimed = await claimAgentSim(this.db, this.rules, {
      provider: this.name,
      phone,
      country,
      service,
      rentalRef: activationId,
      at,
    });
    if (!claimed) await giveBack(FINISH_STATUS.cancelled, "already serves another activation or entry");
    return { providerRef: activationId, phone, cost: this.cost };
  }

  private async finishAtAgent(activationId: string, status: number): Promise<void> {
    await this.call("FINISH_ACTIVATION", { activationId: Number(activationId), status });
  }

  // Our side is released first: the activation has ended whatever the agent answers, and the room
  // repeats the call (with backoff) until the agent says SUCCESS.
  async cancel(providerRef: string): Promise<void> {
    await releaseSim(this.db, this.name, providerRef, false, Date.now());
    await this.finishAtAgent(providerRef, FINISH_STATUS.cancelled);
  }

  async finish(providerRef: string): Promise<void> {
    await releaseSim(this.db, this.name, providerRef, true, Date.now());
    await this.finishAtAgent(providerRef, FINISH_STATUS.sold);
  }

  /** A refund takes the sale back at the agent too (its books follow ours). */
  async refunded(providerRef: string): Promise<void> {
    await this.finishAtAgent(providerRef, FINISH_STATUS.refunded);
  }

  /** The agent pushes every SMS to the number while the activation is open: nothing to ask. */
  async requestAnotherSms(): Promise<void> {}

  async parseWebhook(request: Request): Promise<InboundSms[]> {
    let json: unknown;
    try {
      json = JSON.parse(await readBody(request));
    } catch {
      throw new AppError(
        400,
        "BAD_WEBHOOK",
        "The body is not JSON (gzip is accepted with Content-Encoding).",
      );
    }
    const key = (json as { key?: unknown } | null)?.key;
    if (!this.key || typeof key !== "string" || !timingSafeEqual(key, this.key)) {
      throw new WebhookAuthError("the key is not this agent's");
    }
    const parsed = PushSms.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        400,
        "BAD_WEBHOOK",
        `Not a PUSH_SMS: ${issue?.path.join(".") || "body"}: ${issue?.message}`,
      );
    }
    const sms = parsed.data;
    const phone = `+${sms.phone}`;
    // The protocol carries no time: the SMS is as new as its push.
    const receivedAt = Date.now();
    const messageId = `smshub_${sms.smsId}`;
    const rentalRef = rentalOf(await simOfPhone(this.db, this.name, phone), receivedAt);
    if (!rentalRef) {
      await recordUnrentedSms(this.db, undefined, {
        id: `${this.name}:${messageId}`,
        provider: this.name,
        phone,
        deviceId: null,
        slot: null,
        sender: sms.phoneFrom,
        text: sms.text,
        receivedAt,
      });
      return [];
    }
    return [{ providerRef: rentalRef, messageId, text: sms.text, code: null, receivedAt }];
  }

  /** The agent stops re-sending an SMS when, and only when, it reads this. */
  acknowledge(): { status: "SUCCESS" } {
    return { status: "SUCCESS" };
  }

  /** Rewards for sold numbers are the agent's wallet, not ours. */
  async balance(): Promise<number | null> {
    return null;
  }
}
