// The one interface every upstream provider adapter implements. The simulator is a real adapter of it;
// sms-activate's handler_api and 5sim's REST map onto it as docs/PROVIDERS.md describes.

/** What we ask a provider for. `maxCost` is the most we are willing to pay upstream, minor units. */
export type AcquireRequest = {
  service: string; // our service code, e.g. "tg"
  country: number; // sms-activate numeric country id
  maxCost?: number;
  activationId: string; // ours, so the provider side can log or tag it
};

export type AcquiredNumber = {
  providerRef: string; // the provider's activation / order id
  phone: string; // E.164 with leading +
  cost: number; // what the provider charges us, minor units
};

/** One SMS as a provider reports it, already authenticated. */
export type InboundSms = {
  providerRef: string;
  messageId: string; // unique per provider message: the idempotency key for delivery
  text: string;
  code: string | null; // the provider's own extraction, if it sends one; we extract again
  receivedAt: number; // UTC ms
};

export type CatalogOffer = { service: string; country: number; cost: number; stock: number };

export type ProviderErrorCode = "NO_NUMBERS" | "BAD_SERVICE" | "UNAVAILABLE" | "REJECTED";

export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown by parseWebhook when the request is not provably from the provider: answer 401, store nothing. */
export class WebhookAuthError extends Error {}

export interface Provider {
  readonly name: string;
  acquire(request: AcquireRequest, signal?: AbortSignal): Promise<AcquiredNumber>;
  cancel(providerRef: string): Promise<void>;
  finish(providerRef: string): Promise<void>;
  requestAnotherSms(providerRef: string): Promise<void>;
  /** Verifies the request's authenticity and returns the SMS it carries (may be several). */
  parseWebhook(request: Request, url: URL): Promise<InboundSms[]>;
  /** For providers without webhooks: SMS received since the activation began. */
  poll?(providerRef: string): Promise<InboundSms[]>;
  /** Costs and stock, to refresh the catalog. */
  offers(): Promise<CatalogOffer[]>;
}
