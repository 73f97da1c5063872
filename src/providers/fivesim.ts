// 5sim (REST at baseUrl = …/v1, `Authorization: Bearer <token>`, https://5sim.net/docs): offers from
// /guest/prices, numbers from /user/buy/activation/{country}/{operator}/{product}, state by polling
// /user/check/{id} (5sim has no webhooks), then /user/finish, /user/cancel. Its errors are short
// English phrases in the body of a 4xx ("no free phones"); its words for countries and products map
// to our codes through upstream-names.ts.

import { sha256Hex } from "../lib/crypto";
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
import { FIVESIM_COUNTRY, FIVESIM_COUNTRY_ID, FIVESIM_PRODUCT, FIVESIM_SERVICE_CODE } from "./upstream-names";

type Meaning = { code: ProviderErrorCode; alert?: string };

const ERRORS: Record<string, Meaning> = {
  "no free phones": { code: "NO_NUMBERS" },
  "no product": { code: "BAD_SERVICE" },
  "bad country": { code: "BAD_SERVICE" },
  "bad operator": { code: "BAD_SERVICE" },
  "not enough user balance": {
    code: "UNAVAILABLE",
    alert: "our wallet at this upstream is empty: top it up",
  },
  "not enough rating": { code: "UNAVAILABLE", alert: "our 5sim rating is too low to rent more numbers" },
  "server offline": { code: "UNAVAILABLE" },
  "order not found": { code: "REJECTED" },
  "order expired": { code: "REJECTED" },
  "order has sms": { code: "HAS_SMS" },
  "hosting order": { code: "REJECTED" },
};

const ENDED: Record<string, UpstreamState["ended"]> = {
  CANCELED: "cancelled",
  TIMEOUT: "expired",
  FINISHED: "finished",
  BANNED: "banned",
};

type Order = {
  id: number | string;
  phone: string;
  price: number;
  status: string;
  sms: Array<{
    id?: number | string;
    created_at?: string;
    date?: string;
    text?: string;
    code?: string;
  }> | null;
};

const isOrder = (v: unknown): v is Order => {
  const o = v as Partial<Order> | null;
  return !!o && typeof o === "object" && o.id !== undefined && typeof o.status === "string";
};

export class FiveSimProvider implements Provider {
  readonly name: string;
  readonly pushes = false;
  readonly pollSeconds: number;

  constructor(
    private readonly entry: ProviderEntry,
    private readonly token: string,
  ) {
    this.name = entry.name;
    this.pollSeconds = entry.pollSeconds;
  }

  private async call(path: string, auth: boolean, signal?: AbortSignal): Promise<unknown> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (auth) headers.Authorization = `Bearer ${this.token}`;
    const res = await upstreamFetch(this.entry, `${this.entry.baseUrl}${path}`, { headers, signal });
    const body = (await res.text()).trim();
    if (res.status === 401) {
      throw new ProviderError(
        "UNAVAILABLE",
        `${this.name} refused our token.`,
        "the upstream refuses our API key (PROVIDER_<NAME>_KEY)",
      );
    }
    const meaning = ERRORS[body.toLowerCase()];
    if (meaning) throw new ProviderError(meaning.code, `${this.name}: ${body}`, meaning.alert ?? null);
    if (!res.ok)
      throw new ProviderError(
        res.status === 404 ? "REJECTED" : "UNAVAILABLE",
        `${this.name} answered ${path.split("?")[0]} with HTTP ${res.status}.`,
      );
    try {
      return JSON.parse(body);
    } catch {
      throw new ProviderError("UNAVAILABLE", `${this.name} sent an answer we cannot read.`);
    }
  }

  async acquire(request: AcquireRequest, signal?: AbortSignal): Promise<AcquiredNumber> {
    const country = FIVESIM_COUNTRY[request.country];
    const product = FIVESIM_PRODUCT[request.service];
    if (!country || !product)
      throw new ProviderError(
        "BAD_SERVICE",
        `${this.name} has no name for ${request.service}/${request.country}.`,
      );
    const query =
      request.maxCost === undefined ? "" : `?maxPrice=${minorToUpstream(request.maxCost, this.entry)}`;
    const order = await this.call(`/user/buy/activation/${country}/any/${product}${query}`, true, signal);
    if (!isOrder(order) || typeof order.phone !== "string")
      throw new ProviderError("UNAVAILABLE", `${this.name} sent an order we cannot read.`);
    return {
      providerRef: String(order.id),
      phone: `+${order.phone.replace(/^\+/, "")}`,
      cost:
        typeof order.price === "number" ? costToMinor(order.price, this.entry) : (request.expectedCost ?? 0),
    };
  }

  private async orderCall(action: "finish" | "cancel", providerRef: string): Promise<Order> {
    const order = await this.call(`/user/${action}/${encodeURIComponent(providerRef)}`, true);
    if (!isOrder(order)) throw new ProviderError("UNAVAILABLE", `${this.name} sent an order we cannot read.`);
    return order;
  }

  async cancel(providerRef: string): Promise<void> {
    try {
      await this.orderCall("cancel", providerRef);
    } catch (error) {
      if (!(error instanceof ProviderError) || (error.code !== "REJECTED" && error.code !== "HAS_SMS"))
        throw error;
      // Refused: the order either has an SMS (the upstream's word wins) or is over anyway.
      const state = await this.poll(providerRef);
      if (state.sms.length > 0)
        throw new ProviderError("HAS_SMS", `${this.name} has an SMS for ${providerRef}.`);
      if (state.ended) return;
      throw error;
    }
  }

  async finish(providerRef: string): Promise<void> {
    await this.orderCall("finish", providerRef);
  }

  /** Nothing to ask: a 5sim order keeps receiving SMS until it ends; the next check shows them. */
  async requestAnotherSms(): Promise<void> {}

  async poll(providerRef: string): Promise<UpstreamState> {
    const order = await this.call(`/user/check/${encodeURIComponent(providerRef)}`, true);
    if (!isOrder(order)) throw new ProviderError("UNAVAILABLE", `${this.name} sent an order we cannot read.`);
    const sms: InboundSms[] = [];
    for (const m of order.sms ?? []) {
      const text = typeof m.text === "string" ? m.text : "";
      const created = m.created_at ?? m.date ?? "";
      sms.push({
        providerRef,
        messageId:
          m.id === undefined
            ? `5s_${(await sha256Hex(`${created}\u0000${text}`)).slice(0, 32)}`
            : `5s_${m.id}`,
        text,
        code: typeof m.code === "string" && m.code !== "" ? m.code : null,
        receivedAt: Number.isFinite(Date.parse(created)) ? Date.parse(created) : Date.now(),
      });
    }
    return { sms, ended: ENDED[order.status] ?? null };
  }

  /** /guest/prices: {country: {product: {operator: {cost, count}}}}; the cheapest operator with stock. */
  async offers(): Promise<CatalogOffer[]> {
    const json = await this.call("/guest/prices", false);
    if (!json || typeof json !== "object")
      throw new ProviderError("UNAVAILABLE", `${this.name} sent prices we cannot read.`);
    const offers: CatalogOffer[] = [];
    for (const [countryName, products] of Object.entries(json as Record<string, Record<string, unknown>>)) {
      const country = FIVESIM_COUNTRY_ID.get(countryName);
      if (country === undefined || !products || typeof products !== "object") continue;
      for (const [productName, operators] of Object.entries(products)) {
        const service = FIVESIM_SERVICE_CODE.get(productName);
        if (service === undefined || !operators || typeof operators !== "object") continue;
        let cheapest: number | null = null;
        let stock = 0;
        for (const op of Object.values(operators as Record<string, { cost?: unknown; count?: unknown }>)) {
          const cost = Number(op?.cost);
          const count = Number(op?.count);
          if (!Number.isFinite(cost) || !Number.isFinite(count) || count <= 0) continue;
          stock += Math.trunc(count);
          cheapest = cheapest === null ? cost : Math.min(cheapest, cost);
        }
        if (cheapest !== null)
          offers.push({ service, country, cost: costToMinor(cheapest, this.entry), stock });
      }
    }
    return offers;
  }

  async balance(): Promise<number | null> {
    const profile = (await this.call("/user/profile", true)) as { balance?: unknown } | null;
    const value = Number(profile?.balance);
    if (!Number.isFinite(value))
      throw new ProviderError("UNAVAILABLE", `${this.name} sent a profile we cannot read.`);
    return Math.floor(Number((value * this.entry.rate * 100).toFixed(6)));
  }

  async parseWebhook(): Promise<InboundSms[]> {
    throw new WebhookAuthError("5sim sends no webhooks");
  }
}
