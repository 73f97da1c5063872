// How the handler_api.php protocol spells our values: numeric ids, phone digits without "+", decimal
// amounts, "YYYY-MM-DD HH:MM:SS" times and its own status words.
import type { ActivationView } from "../activations/service";
import { toDecimalString } from "../lib/money";

/** An error word the protocol answers with HTTP 200, e.g. NO_BALANCE or WRONG_MAX_PRICE:0.25. */
export class ProtocolWord extends Error {
  constructor(readonly word: string) {
    super(word);
  }
}

export const phoneDigits = (e164: string): string => e164.replace(/^\+/, "");

/** Minor units as the protocol's decimal number (JSON answers). */
export const decimalNumber = (minor: number): number => Number(toDecimalString(minor));

/** The protocol's clients parse times as "YYYY-MM-DD HH:MM:SS"; ours are UTC. */
export const protocolTime = (isoOrMs: string | number): string =>
  new Date(isoOrMs).toISOString().slice(0, 19).replace("T", " ");

// getNumberV2 carries the currency as its ISO 4217 number, as the protocol's clients parse it.
const CURRENCY_NUMBERS: Record<string, number> = { USD: 840, EUR: 978, GBP: 826, RUB: 643 };
export const currencyNumber = (code: string): number | string => CURRENCY_NUMBERS[code] ?? code;

const latestSms = (view: ActivationView) => view.sms.at(-1) ?? null;

/** The code a client should see: the latest code, else the latest text (an SMS with no digits in it). */
const shownCode = (view: ActivationView): string => view.code ?? latestSms(view)?.text ?? "";

export const isEnded = (view: ActivationView) =>
  view.status === "finished" || view.status === "cancelled" || view.status === "expired";

/** getStatus: the one-line answer for an activation. */
export const statusWord = (view: ActivationView): string => {
  switch (view.status) {
    case "waiting":
      return "STATUS_WAIT_CODE";
    case "waiting_retry":
      return `STATUS_WAIT_RETRY:${shownCode(view)}`;
    case "received":
    case "finished":
      return `STATUS_OK:${shownCode(view)}`;
    case "cancelled":
    case "expired":
      return "STATUS_CANCEL";
  }
};

/** getFullSms: the whole text of the latest SMS, which getStatus shortens to the code. */
export const fullSmsWord = (view: ActivationView): string => {
  if (view.status === "cancelled" || view.status === "expired") return "STATUS_CANCEL";
  const sms = latestSms(view);
  return sms ? `FULL_SMS:${sms.text}` : "STATUS_WAIT_CODE";
};

/** getStatusV2: the latest SMS as JSON, or STATUS_CANCEL once the activation was cancelled or expired. */
export const statusV2 = (view: ActivationView) => {
  if (view.status === "cancelled" || view.status === "expired") return "STATUS_CANCEL";
  const sms = latestSms(view);
  return {
    verificationType: 0,
    sms: sms ? { dateTime: protocolTime(sms.receivedAt), code: sms.code ?? "", text: sms.text } : null,
    call: null,
  };
};

// The protocol asks whether the number can take another SMS at all (setStatus 3 once a code is in),
// not whether it can right now: every live activation of ours can.
const canGetAnotherSms = (view: ActivationView) => !isEnded(view);

// getActiveActivations' activationStatus numbers, as sms-activate reports them.
const ACTIVE_STATUS_NUMBER: Record<ActivationView["status"], string> = {
  waiting: "4",
  received: "2",
  waiting_retry: "3",
  finished: "6",
  cancelled: "8",
  expired: "8",
};

/**
 * getActiveActivations' item. Every value is a string, as the original spells them: clients declare
 * them as strings (sms-activate-go's Activation struct fails to decode a number there). We give no
 * discounts and every activation is a first one, hence "0.00" and "0".
 */
export const activeActivation = (view: ActivationView, countryName: string) => {
  const sms = latestSms(view);
  return {
    activationId: String(view.numericId),
    serviceCode: view.service,
    phoneNumber: phoneDigits(view.phone),
    activationCost: toDecimalString(view.price),
    activationStatus: ACTIVE_STATUS_NUMBER[view.status],
    smsCode: sms ? (sms.code ?? "") : null,
    smsText: sms ? sms.text : null,
    activationTime: protocolTime(view.createdAt),
    discount: "0.00",
    repeated: "0",
    countryCode: String(view.country),
    countryName,
    canGetAnotherSms: canGetAnotherSms(view) ? "1" : "0",
  };
};

/** The error answers the original sends as JSON (clients compare the body byte for byte). */
export const jsonError = (error: string) => ({ status: "error", error });

/**
 * getNumberV2's answer. `activationId` and `activationCost` are strings, `canGetAnotherSms` a boolean
 * and `currency` the ISO 4217 number, as the original sends them (sms-activate-go's GetNumberV2
 * struct declares string, string, bool; its decoder fails on any other type).
 */
export const numberV2 = (view: ActivationView) => ({
  activationId: String(view.numericId),
  phoneNumber: phoneDigits(view.phone),
  activationCost: toDecimalString(view.price),
  currency: currencyNumber(view.currency),
  countryCode: String(view.country),
  canGetAnotherSms: canGetAnotherSms(view),
  activationTime: protocolTime(view.createdAt),
  activationEndTime: protocolTime(view.expiresAt),
  // Numbers come from whichever operator the provider picks; the protocol spells that "any".
  activationOperator: "any",
});
