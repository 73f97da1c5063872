// The events a customer can subscribe to. Each kind of event builds its payload in its own file under
// events/; every payload is the Standard Webhooks envelope {type, timestamp, data}.
export const EVENT_TYPES = [
  "activation.created",
  "activation.sms_received",
  "activation.finished",
  "activation.cancelled",
  "activation.expired",
  "balance.credited",
  "topup.refunded",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Sent only by "send a test event", to the one endpoint asked, whatever it subscribes to. */
export const TEST_EVENT = "webhook.test";

/** One thing that happened, once: `key` makes publishing it again a no-op. */
export type WebhookEvent = {
  type: EventType | typeof TEST_EVENT;
  key: string;
  at: number;
  data: unknown;
  /** The body an API key's sms-activate-style webhook gets for this event, if it gets one. */
  smsActivateBody?: string;
};

export const envelope = (event: WebhookEvent): string =>
  JSON.stringify({ type: event.type, timestamp: new Date(event.at).toISOString(), data: event.data });
