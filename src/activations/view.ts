// What a customer sees of an activation and of each change to it. The Durable Object (while live) and
// D1 (for lists and history) both produce these shapes, so every front door answers the same way.
import { type Env, int } from "../env";
import { iso } from "../lib/time";

export const STATUSES = ["waiting", "received", "waiting_retry", "finished", "cancelled", "expired"] as const;
export type ActivationStatus = (typeof STATUSES)[number];

/** Statuses in which the number is still rented and an SMS can still be charged. */
export const LIVE_STATUSES: readonly ActivationStatus[] = ["waiting", "received", "waiting_retry"];
export const isLive = (status: ActivationStatus): boolean => LIVE_STATUSES.includes(status);

export type SmsView = { code: string | null; text: string | null; receivedAt: string };

export type ActivationView = {
  id: string;
  numericId: number;
  phone: string;
  service: string;
  country: number;
  price: number;
  currency: string;
  status: ActivationStatus;
  code: string | null;
  sms: SmsView[];
  createdAt: string;
  expiresAt: string;
  cancelableAt: string;
  canRetry: boolean;
  lastSeq: number;
  charged: boolean;
};

export type EventType = "created" | "sms" | "status";

/**
 * One numbered change. It carries the state after the change, so a watcher can follow along from
 * events alone; an `sms` event also carries the message.
 */
export type ActivationEvent = {
  seq: number;
  type: EventType;
  at: string;
  status: ActivationStatus;
  code: string | null;
  charged: boolean;
  sms: SmsView | null;
};

/** The fields both D1 rows and the Durable Object's record have. */
export type ActivationFacts = {
  id: string;
  numericId: number;
  phone: string;
  service: string;
  country: number;
  price: number;
  currency: string;
  status: ActivationStatus;
  code: string | null;
  createdAt: number;
  expiresAt: number;
  lastSeq: number;
  charged: boolean;
};

export type StoredSms = { code: string | null; text: string | null; receivedAt: number };

export const earlyCancelMs = (env: Env): number => int(env.EARLY_CANCEL_SECONDS, 120) * 1000;

export const smsView = (sms: StoredSms): SmsView => ({
  code: sms.code,
  text: sms.text,
  receivedAt: iso(sms.receivedAt),
});

export const buildView = (env: Env, facts: ActivationFacts, sms: StoredSms[]): ActivationView => ({
  id: facts.id,
  numericId: facts.numericId,
  phone: facts.phone,
  service: facts.service,
  country: facts.country,
  price: facts.price,
  currency: facts.currency,
  status: facts.status,
  code: facts.code,
  sms: sms.map(smsView),
  createdAt: iso(facts.createdAt),
  expiresAt: iso(facts.expiresAt),
  cancelableAt: iso(facts.createdAt + earlyCancelMs(env)),
  canRetry: facts.status === "received",
  lastSeq: facts.lastSeq,
  charged: facts.charged,
});
