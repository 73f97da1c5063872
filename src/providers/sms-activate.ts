// The sms-activate protocol (`…/stubs/handler_api.php?api_key=…&action=…`), served by sms-activate's
// successors and clones: HeroSMS, GrizzlySMS, SMSBower, SMSHub, DaisySMS. Answers are plain words
// (`ACCESS_NUMBER:id:phone`, `STATUS_OK:code`) or JSON; every answer, whatever its HTTP status, may be
// an error word, read through one table with per-profile overrides. State arrives by webhook (an
// unsigned POST, authenticated by the secret token in the URL we registered) and by polling getStatus
// as the safety net.

import { sha256Hex, timingSafeEqual } from "../lib/crypto";
import { AppError } from "../lib/errors";
import type { ProviderEntry } from "./config";
import {
  type AcquiredNumber,
  type AcquireRequest,
  type CatalogOffer,
  type InboundSms,
  type Provider,
  ProviderError,
  type ProviderErrorCode,
  type UpstreamState,
  WebhookAuthError,
} from "./types";
import { costToMinor, minorToUpstream, upstreamFetch } from "./upstream-http";
import { SMS_ACTIVATE_SERVICE_OVERRIDES } from "./upstream-names";

type Meaning = { code: ProviderErrorCode; alert?: string };

// What each profile changes. Small data, not subclasses: they all speak the same protocol.
type Profile = {
  numberV2: boolean; // getNumberV2 (JSON with the cost) exists; else getNumber + the catalog's cost
  pricesV2: boolean; // getPricesV2 ({cost → count} per offer) exists; else getPrices
  statusV2: boolean; // getStatusV2 returns the SMS text; else the text is the code getStatus gives
  maxPriceParam: string;
  errors: Record<string, Meaning>;
};

const EMPTY_WALLET = "our wallet at this upstream is empty: top it up";

const ERRORS: Record<string, Meaning> = {
  NO_NUMBERS: { code: "NO_NUMBERS" },
  WRONG_MAX_PRICE: { code: "NO_NUMBERS" }, // WRONG_MAX_PRICE:{min}: nothing at or below our maxPrice
  CHANNELS_LIMIT: { code: "NO_NUMBERS" },
  BAD_SERVICE: { code: "BAD_SERVICE" },
  BAD_COUNTRY: { code: "BAD_SERVICE" },
  NO_BALANCE: { code: "UNAVAILABLE", alert: EMPTY_WALLET },
  BAD_KEY: { code: "UNAVAILABLE", alert: "the upstream refuses our API key (PROVIDER_<NAME>_KEY)" },
  ACCOUNT_INACTIVE: { code: "UNAVAILABLE", alert: "our account at this upstream is inactive" },
  BANNED: { code: "UNAVAILABLE", alert: "our account at this upstream is banned" },
  ERROR_SQL: { code: "UNAVAILABLE" },
  BAD_ACTION: { code: "UNAVAILABLE" },
  EARLY_CANCEL_DENIED: { code: "RETRY_LATER" },
  NO_ACTIVATION: { code: "REJECTED" },
  WRONG_ACTIVATION_ID: { code: "REJECTED" },
  BAD_STATUS: { code: "REJECTED" },
  WRONG_STATUS: { code: "REJECTED" },
};

const SMS_ACTIVATE: Profile = {
  numberV2: true,
  pricesV2: false,
  statusV2: true,
  maxPriceParam: "maxPrice",
  errors: {},
};

/** Known upstreams of the protocol and where they differ from sms-activate itself. */
export const SMS_ACTIVATE_PROFILES: Record<string, Profile> = {
  default: SMS_ACTIVATE,
  herosms: SMS_ACTIVATE, // HeroSMS took over sms-activate's API as is
  grizzly: { ...SMS_ACTIVATE, statusV2: false },
  smsbower: { ...SMS_ACTIVATE, statusV2: false },
  smshub: { ...SMS_ACTIVATE, numberV2: false, statusV2: false },
  daisysms: {
    ...SMS_ACTIVATE,
    numberV2: false,
    statusV2: false,
    maxPriceParam: "max_price",
    errors: {
      MAX_PRICE_EXCEEDED: { code: "NO_NUMBERS" },
      NO_MONEY: { code: "UNAVAILABLE", alert: EMPTY_WALLET },
      TOO_MANY_ACTIVE_RENTALS: { code: "NO_NUMBERS" },
    },
  },
};

const NumberV2 = (value: unknown) => {
  const v = value as Record<string, unknown> | null;
  if (!v || typeof v !== "object" || v.activationId === undefined || v.phoneNumber === undefined) return null;
  const cost = Number(v.activationCost);
  return {
    id: String(v.activationId),
    phone: String(v.phoneNumber),
    cost: Number.isFinite(cost) ? cost : null,
  };
};

type StatusWord = { status: string; value: string | null };

export class SmsActivateProvider implements Provider {
  readonly name: string;
  readonly pushes = true;
  readonly pollSeconds: number;
  private readonly profile: Profile;
  private readonly handler: string;

  constructor(
    private readonly entry: ProviderEntry,
    private readonly apiKey: string,
    private readonly webhookToken = "",
  ) {
    this.name = entry.name;
    this.pollSeconds = entry.pollSeconds;
    this.profile = SMS_ACTIVATE_PROFILES[entry.profile] ?? SMS_ACTIVATE;
    this.handler = /\.php$/.test(entry.baseUrl) ? entry.baseUrl : `${entry.baseUrl}/stubs/handler_api.php`;
  }

  /** One action; answers the body as text after ruling out every error word. */
  private async call(action: string, params: Record<string, string>, signal?: AbortSignal): Promise<string> {
    const url = new URL(this.handler);
    url.searchParams.set("api_key", this.apiKey);
    url.searchParams.set("action", action);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await upstreamFetch(this.entry, url.toString(), { signal });
    const body = (await res.text()).trim();
    const meaning = this.errorIn(body);
    if (meaning) {
      throw new ProviderError(
        meaning.code,
        `${this.name} answered ${action} with ${body.slice(0, 80)}`,
        meaning.alert ?? null,
      );
    }
    if (!res.ok)
      throw new ProviderError("UNAVAILABLE", `${this.name} answered ${action} with HTTP ${res.status}.`);
    return body;
  }

  /** An error word, bare (`NO_NUMBERS`), with a value (`WRONG_MAX_PRICE:12`) or in a JSON body. */
  private errorIn(body: string): Meaning | null {
    let word = body.split(":")[0] ?? "";
    if (body.startsWith("{")) {
      try {
        const json = JSON.parse(body) as Record<string, unknown>;
        const said = [json.status, json.error, json.title, json.message].find(
          (v) => typeof v === "string" && this.meaningOf(v),
        );
        word = typeof said === "string" ? said : "";
      } catch {
        word = "";
      }
    }
    return this.meaningOf(word);
  }

  private meaningOf(word: string): Meaning | null {
    return this.profile.errors[word] ?? ERRORS[word] ?? null;
  }

  private serviceCode(service: string): string {
    return SMS_ACTIVATE_SERVICE_OVERRIDES[this.entry.profile]?.[service] ?? service;
  }

  async acquire(request: AcquireRequest, signal?: AbortSignal): Promise<AcquiredNumber> {
    const params: Record<string, string> = {
      service: this.serviceCode(request.service),
      country: String(request.country),
    };
    if (request.maxCost !== undefined)
      params[this.profile.maxPriceParam] = minorToUpstream(request.maxCost, this.entry);
    if (this.profile.numberV2) {
      const body = await this.call("getNumberV2", params, signal);
      const number = NumberV2(safeJson(body));
      if (!number)
        throw new ProviderError("UNAVAILABLE", `${this.name} sent a getNumberV2 answer we cannot read.`);
      return {
        providerRef: number.id,
        phone: `+${number.phone.replace(/^\+/, "")}`,
        cost:
          number.cost === null
            ? (request.expectedCost ?? request.maxCost ?? 0)
            : costToMinor(number.cost, this.entry),
      };
    }
    const body = await this.call("getNumber", params, signal);
    const [word, id, phone] = body.split(":");
    if (word !== "ACCESS_NUMBER" || !id || !phone) {
      throw new ProviderError("UNAVAILABLE", `${this.name} sent a getNumber answer we cannot read.`);
    }
    // getNumber says no cost: the offer's, as last synced, is what this upstream charges.
    return {
      providerRef: id,
      phone: `+${phone.replace(/^\+/, "")}`,
      cost: request.expectedCost ?? request.maxCost ?? 0,
    };
  }

  private async setStatus(providerRef: string, status: 1 | 3 | 6 | 8, expect: string): Promise<void> {
    const body = await this.call("setStatus", { id: providerRef, status: String(status) });
    if (!body.startsWith(expect)) {
      throw new ProviderError(
        "UNAVAILABLE",
        `${this.name} answered setStatus ${status} with ${body.slice(0, 80)}`,
      );
    }
  }

  async cancel(providerRef: string): Promise<void> {
    try {
      await this.setStatus(providerRef, 8, "ACCESS_CANCEL");
    } catch (error) {
      // A refused cancel may mean the upstream has the SMS already: its word decides.
      if (!(error instanceof ProviderError) || error.code !== "REJECTED") throw error;
      const state = await this.poll(providerRef);
      if (state.sms.length > 0)
        throw new ProviderError("HAS_SMS", `${this.name} has an SMS for ${providerRef}.`);
      if (state.ended) return;
      throw error;
    }
  }

  async finish(providerRef: string): Promise<void> {
    await this.setStatus(providerRef, 6, "ACCESS_ACTIVATION");
  }

  async requestAnotherSms(providerRef: string): Promise<void> {
    await this.setStatus(providerRef, 3, "ACCESS_RETRY_GET");
  }

  private async status(providerRef: string): Promise<StatusWord> {
    const body = await this.call("getStatus", { id: providerRef });
    const at = body.indexOf(":");
    return at < 0 ? { status: body, value: null } : { status: body.slice(0, at), value: body.slice(at + 1) };
  }

  async poll(providerRef: string): Promise<UpstreamState> {
    let word: StatusWord;
    try {
      word = await this.status(providerRef);
    } catch (error) {
      // The upstream forgot the activation: it is over there, whatever we thought.
      if (error instanceof ProviderError && error.code === "REJECTED") return { sms: [], ended: "expired" };
      throw error;
    }
    if (word.status === "STATUS_CANCEL") return { sms: [], ended: "cancelled" };
    const code =
      (word.status === "STATUS_OK" || word.status === "STATUS_WAIT_RETRY") && word.value ? word.value : null;
    if (!code) return { sms: [], ended: null };
    let text = code;
    let receivedAt = Date.now();
    if (this.profile.statusV2) {
      const v2 = safeJson(await this.call("getStatusV2", { id: providerRef })) as {
        sms?: { text?: unknown; dateTime?: unknown } | null;
      } | null;
      if (typeof v2?.sms?.text === "string" && v2.sms.text !== "") text = v2.sms.text;
      const at =
        typeof v2?.sms?.dateTime === "string"
          ? Date.parse(`${v2.sms.dateTime.replace(" ", "T")}Z`)
          : Number.NaN;
      if (Number.isFinite(at)) receivedAt = at;
    }
    return {
      sms: [{ providerRef, messageId: await messageIdOf(providerRef, code, text), text, code, receivedAt }],
      ended: null,
    };
  }

  async offers(): Promise<CatalogOffer[]> {
    const action = this.profile.pricesV2 ? "getPricesV2" : "getPrices";
    const json = safeJson(await this.call(action, {}));
    if (!json || typeof json !== "object")
      throw new ProviderError("UNAVAILABLE", `${this.name} sent ${action} we cannot read.`);
    const ours = new Map(
      Object.entries(SMS_ACTIVATE_SERVICE_OVERRIDES[this.entry.profile] ?? {}).map(([o, t]) => [t, o]),
    );
    const offers: CatalogOffer[] = [];
    for (const [country, byService] of Object.entries(json as Record<string, Record<string, unknown>>)) {
      if (!/^\d+$/.test(country) || !byService || typeof byService !== "object") continue;
      for (const [code, offer] of Object.entries(byService)) {
        const read = this.profile.pricesV2 ? readPriceTiers(offer) : readPrice(offer);
        if (!read) continue;
        offers.push({
          service: ours.get(code) ?? code,
          country: Number(country),
          cost: costToMinor(read.cost, this.entry),
          stock: read.stock,
        });
      }
    }
    return offers;
  }

  async balance(): Promise<number | null> {
    const body = await this.call("getBalance", {});
    const [word, amount] = body.split(":");
    const value = Number(amount);
    if (word !== "ACCESS_BALANCE" || !Number.isFinite(value)) {
      throw new ProviderError("UNAVAILABLE", `${this.name} sent a getBalance answer we cannot read.`);
    }
    return Math.floor(Number((value * this.entry.rate * 100).toFixed(6)));
  }

  /** Body `{activationId, service, text, code, country, receivedAt}`; the URL's token proves the sender. */
  async parseWebhook(request: Request, url: URL): Promise<InboundSms[]> {
    const token = decodeURIComponent(url.pathname.split("/").filter(Boolean)[3] ?? "");
    if (this.webhookToken === "")
      throw new WebhookAuthError("no webhook token is configured for this upstream");
    if (!timingSafeEqual(token, this.webhookToken))
      throw new WebhookAuthError("wrong or missing webhook token");
    const body = safeJson(await request.text()) as Record<string, unknown> | null;
    const id = body?.activationId;
    const text = typeof body?.text === "string" ? body.text : null;
    if ((typeof id !== "string" && typeof id !== "number") || text === null) {
      throw new AppError(400, "BAD_WEBHOOK", "The webhook body is not an sms-activate SMS.");
    }
    const code = typeof body?.code === "string" && body.code !== "" ? body.code : null;
    const at =
      typeof body?.receivedAt === "string"
        ? Date.parse(
            body.receivedAt.includes("T") ? body.receivedAt : `${body.receivedAt.replace(" ", "T")}Z`,
          )
        : Number.NaN;
    const providerRef = String(id);
    return [
      {
        providerRef,
        messageId: await messageIdOf(providerRef, code, text),
        text,
        code,
        receivedAt: Number.isFinite(at) ? at : Date.now(),
      },
    ];
  }
}

/**
 * The protocol gives SMS no id. The upstream's own code (or the text) identifies one per activation,
 * the same whether it came by webhook or by getStatus, so a code seen both ways is stored once.
 */
const messageIdOf = async (providerRef: string, code: string | null, text: string) =>
  `sa_${(await sha256Hex(`${providerRef}\u0000${code ?? text}`)).slice(0, 32)}`;

const safeJson = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
};

const readPrice = (offer: unknown): { cost: number; stock: number } | null => {
  const o = offer as { cost?: unknown; count?: unknown } | null;
  const cost = Number(o?.cost);
  const stock = Number(o?.count);
  return Number.isFinite(cost) && Number.isFinite(stock)
    ? { cost, stock: Math.max(0, Math.trunc(stock)) }
    : null;
};

// getPricesV2: {"0.25": 120, "0.30": 40} per offer: the cheapest tier with numbers, and all of them.
const readPriceTiers = (offer: unknown): { cost: number; stock: number } | null => {
  if (!offer || typeof offer !== "object") return null;
  const tiers = Object.entries(offer as Record<string, unknown>)
    .map(([cost, count]) => ({ cost: Number(cost), count: Number(count) }))
    .filter((t) => Number.isFinite(t.cost) && Number.isFinite(t.count) && t.count > 0)
    .sort((a, b) => a.cost - b.cost);
  const first = tiers[0];
  return first ? { cost: first.cost, stock: tiers.reduce((n, t) => n + Math.trunc(t.count), 0) } : null;
};
