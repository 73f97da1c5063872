// The one interface every upstream provider adapter implements. The simulator is a real adapter of it;
// sms-activate's handler_api and 5sim's REST map onto it as docs/PROVIDERS.md describes.

/** What we ask a provider for. `maxCost` is the most we are willing to pay upstream, minor units. */
export type AcquireRequest = {
  service: string; // our service code, e.g. "tg"
  country: number; // sms-activate numeric country id
  maxCost?: number;
  expectedCost?: number; // the route's cost as last synced, for upstreams whose answer omits it
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

/**
 * NO_NUMBERS / BAD_SERVICE / UNAVAILABLE: this upstream cannot rent now (an order falls over to the
 * next route). REJECTED: the upstream refuses and asking again will not help. RETRY_LATER: refused
 * for now (sms-activate's EARLY_CANCEL_DENIED): ask again later. HAS_SMS: a cancel refused because
 * the upstream already holds an SMS for the number — its word wins, the activation is received.
 */
export type ProviderErrorCode =
  | "NO_NUMBERS"
  | "BAD_SERVICE"
  | "UNAVAILABLE"
  | "REJECTED"
  | "RETRY_LATER"
  | "HAS_SMS";

export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  /** Set when an operator must act (our wallet at the upstream is empty, the key is refused). */
  readonly alert: string | null;

  constructor(code: ProviderErrorCode, message: string, alert: string | null = null) {
    super(message);
    this.code = code;
    this.alert = alert;
  }
}

/** What the upstream says about one activation: its SMS so far, and whether it ended it on its own. */
export type UpstreamState = {
  sms: InboundSms[];
  /** null while the upstream still serves the number; else why it stopped. */
  ended: null | "expired" | "cancelled" | "banned" | "finished";
};

/** Thrown by parseWebhook when the request is not provably from the provider: answer 401, store nothing. */
export class WebhookAuthError extends Error {}

export interface Provider {
  readonly name: string;
  /** False for upstreams that only report by polling (5sim): their rooms poll at pollSeconds. */
  readonly pushes: boolean;
  readonly pollSeconds: number;
  acquire(request: AcquireRequest, signal?: AbortSignal): Promise<AcquiredNumber>;
  cancel(providerRef: string): Promise<void>;
  finish(providerRef: string): Promise<void>;
  requestAnotherSms(providerRef: string): Promise<void>;
  /** An operator refunded a sold activation's charge (own SIMs' hub protocol reports it). */
  refunded?(providerRef: string): Promise<void>;
  /** Verifies the request's authenticity and returns the SMS it carries (may be several). */
  parseWebhook(request: Request, url: URL): Promise<InboundSms[]>;
  /** The upstream's view of an activation: the poll of 5sim, the safety net of webhook upstreams. */
  poll?(providerRef: string): Promise<UpstreamState>;
  /** Called once the activation's room exists, for a provider that pushes its SMS itself (test mode). */
  started?(activation: { id: string; providerRef: string }): Promise<void>;
  /** Costs (converted to CURRENCY minor units) and stock, to refresh the catalog. */
  offers(): Promise<CatalogOffer[]>;
  /** Our wallet at the upstream, in CURRENCY minor units; null where the upstream has none. */
  balance(): Promise<number | null>;
  /** What an operator must act on that is not a failing call (own SIMs: phones gone silent). */
  alert?(): Promise<string | null>;
  /**
   * The answer a webhook delivery gets once stored, where the upstream's protocol prescribes one
   * (the SMSHUB agent re-sends until it reads {"status":"SUCCESS"}); otherwise our JSON outcome.
   */
  acknowledge?(): { status: "SUCCESS" };
}
