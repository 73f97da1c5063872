// The handler_api.php actions: each one parses the protocol's parameters, calls the same service
// function REST calls, and spells the result as the protocol does. The table also feeds /docs.

import type { UserRead } from "../accounts/auth";
import type { Scope } from "../accounts/key-policy";
import { listCountries } from "../activations/catalog";
import {
  type ActivationView,
  type Actor,
  activationByNumericId,
  cancelActivation,
  createActivation,
  finishActivation,
  getActivationByNumericId,
  listActivations,
  retryActivation,
} from "../activations/service";
import { getBalance } from "../billing/ledger";
import type { Env } from "../env";
import type { AppError } from "../lib/errors";
import { toDecimalString } from "../lib/money";
import {
  countriesAnswer,
  countryParam,
  numbersStatusAnswer,
  operatorsAnswer,
  pricesAnswer,
  pricesV2Answer,
  servicesListAnswer,
  topCountriesAnswer,
} from "./compat-catalog";
import {
  activeActivation,
  fullSmsWord,
  isEnded,
  jsonError,
  numberV2,
  ProtocolWord,
  phoneDigits,
  statusV2,
  statusWord,
} from "./compat-format";

export type Params = Record<string, string | undefined>;

type Action = {
  /** The key scope the action needs; "read" when absent. */
  scope?: Scope;
  params: string;
  answers: string;
  /**
   * A poll's activation, read in the same D1 round trip as the key (the protocol's most frequent
   * calls); run receives it, or undefined when the parameters could not name one (run then answers).
   */
  reads?: (env: Env, params: Params) => UserRead<ActivationView> | undefined;
  run: (actor: Actor, params: Params, read?: ActivationView) => Promise<string | object>;
};

/** The polled activation: the one read with the key, else looked up (and its errors answered) here. */
const polled = async (actor: Actor, params: Params, read: ActivationView | undefined) =>
  read ?? (await getActivationByNumericId(actor, numericId(params)));

const pollRead = (env: Env, params: Params) => {
  const id = validNumericId(params);
  return id === null ? undefined : activationByNumericId(env, id);
};

/**
 * Our error codes as the protocol's words; client errors the protocol has no word for keep their own
 * name. Null for a failure of ours, which the protocol spells ERROR_SQL.
 */
export const wordForError = (err: AppError): string | null => {
  switch (err.code) {
    case "NOT_FOUND":
      return "NO_ACTIVATION";
    case "BAD_TRANSITION":
      return "BAD_STATUS";
    case "IDEMPOTENCY_MISMATCH":
      return "ORDER_ALREADY_EXISTS";
    // A parameter the service refused (e.g. an orderId over 255 characters): the protocol's own word.
    case "VALIDATION_FAILED":
      return "BAD_DATA";
    // From the client's side both mean "no number now, try later".
    case "PROVIDER_UNAVAILABLE":
      return "NO_NUMBERS";
    case "WRONG_MAX_PRICE":
      return `WRONG_MAX_PRICE:${toDecimalString((err.details as { minPrice: number }).minPrice)}`;
    // A frozen account stays frozen until its dispute is settled: there is no date to give.
    case "ACCOUNT_FROZEN":
      return "BANNED:unknown";
    // The key's daily cap: to a client, the money this key may spend is used up.
    case "SPEND_LIMIT_REACHED":
      return "NO_BALANCE";
    default:
      return err.status < 500 ? err.code : null;
  }
};

const validNumericId = (params: Params): number | null => {
  const id = Number(params.id);
  return params.id && Number.isSafeInteger(id) && id > 0 ? id : null;
};

const numericId = (params: Params): number => {
  const id = validNumericId(params);
  if (id === null) throw new ProtocolWord("NO_ACTIVATION");
  return id;
};

/**
 * A decimal cap in currency units → minor units, rounded down so the cap is never exceeded. PHP
 * clients send floats as they print them: ".82" and "1." are decimals too.
 */
const maxPriceOf = (value: string | undefined): number | undefined => {
  if (value === undefined || value === "") return undefined;
  const amount = Number(value);
  if (!/^(\d+\.?\d*|\.\d+)$/.test(value.trim()) || !Number.isFinite(amount))
    throw new ProtocolWord("BAD_MAX_PRICE");
  return Math.floor(Math.round(amount * 1e6) / 1e4);
};

const order = (actor: Actor, params: Params, idempotencyKey?: string) => {
  if (!params.service) throw new ProtocolWord("BAD_SERVICE");
  return createActivation(actor, {
    service: params.service,
    country: countryParam(params.country, 0) as number,
    maxPrice: maxPriceOf(params.maxPrice),
    idempotencyKey,
  });
};

// setStatus numbers → what they do. 1 ("the SMS has been sent") only acknowledges a live activation.
const SET_STATUS: Record<string, (actor: Actor, numeric: number) => Promise<string>> = {
  "1": async (actor, numeric) => {
    const view = await getActivationByNumericId(actor, numeric);
    if (isEnded(view)) throw new ProtocolWord("BAD_STATUS");
    return "ACCESS_READY";
  },
  "3": async (actor, numeric) => {
    await retryActivation(actor, (await getActivationByNumericId(actor, numeric)).id);
    return "ACCESS_RETRY_GET";
  },
  "6": async (actor, numeric) => {
    await finishActivation(actor, (await getActivationByNumericId(actor, numeric)).id);
    return "ACCESS_ACTIVATION";
  },
  "8": async (actor, numeric) => {
    await cancelActivation(actor, (await getActivationByNumericId(actor, numeric)).id);
    return "ACCESS_CANCEL";
  },
};
// The protocol's first version cancelled with -1; older clients still send it.
SET_STATUS["-1"] = SET_STATUS["8"] as (typeof SET_STATUS)[string];

const balanceWord = async (actor: Actor) =>
  `ACCESS_BALANCE:${toDecimalString((await getBalance(actor.db, actor.user.id)).available)}`;

const allActive = async (actor: Actor) => {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await listActivations(actor, { scope: "active", cursor, limit: 100 });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
};

export const ACTIONS: Record<string, Action> = {
  getBalance: {
    params: "",
    answers: "ACCESS_BALANCE:<available balance, 2 decimals>",
    run: balanceWord,
  },
  getBalanceAndCashBack: {
    params: "",
    answers: "ACCESS_BALANCE:<balance + cashback, 2 decimals>; there is no cashback, so it equals getBalance",
    run: balanceWord,
  },
  getNumber: {
    scope: "orders",
    params: "service, country (default 0), maxPrice?, operator? (ignored)",
    answers:
      "ACCESS_NUMBER:<id>:<phone digits> · NO_NUMBERS · NO_BALANCE · BAD_SERVICE · BAD_COUNTRY · " +
      "WRONG_MAX_PRICE:<min> · BANNED:unknown (account frozen) · TOO_MANY_ACTIVE",
    run: async (actor, params) => {
      const view = await order(actor, params);
      return `ACCESS_NUMBER:${view.numericId}:${phoneDigits(view.phone)}`;
    },
  },
  getNumberV2: {
    scope: "orders",
    params: "as getNumber, and orderId? (idempotency key: 1 to 255 visible ASCII characters)",
    answers:
      'JSON {activationId: "<id>", phoneNumber, activationCost: "<decimal>", currency: <ISO 4217 number>, ' +
      "countryCode, canGetAnotherSms: <boolean>, activationTime, activationEndTime, activationOperator} · " +
      "ORDER_ALREADY_EXISTS · " +
      "BAD_DATA (an orderId that is not 1 to 255 visible ASCII characters) · the getNumber errors",
    run: async (actor, params) => numberV2(await order(actor, params, params.orderId || undefined)),
  },
  getStatus: {
    params: "id",
    answers:
      "STATUS_WAIT_CODE · STATUS_WAIT_RETRY:<last code> · STATUS_OK:<code> · STATUS_CANCEL · NO_ACTIVATION",
    reads: pollRead,
    run: async (actor, params, read) => statusWord(await polled(actor, params, read)),
  },
  getStatusV2: {
    params: "id",
    answers:
      "JSON {verificationType, sms: {dateTime, code, text} | null, call} · STATUS_CANCEL · NO_ACTIVATION",
    reads: pollRead,
    run: async (actor, params, read) => statusV2(await polled(actor, params, read)),
  },
  setStatus: {
    scope: "orders",
    params: "id, status (1, 3, 6, 8; -1 = 8)",
    answers:
      "1 → ACCESS_READY · 3 → ACCESS_RETRY_GET · 6 → ACCESS_ACTIVATION · 8 (or the legacy -1) → ACCESS_CANCEL · " +
      "EARLY_CANCEL_DENIED · BAD_STATUS · NO_ACTIVATION",
    run: async (actor, params) => {
      const numeric = numericId(params);
      const apply = Object.hasOwn(SET_STATUS, params.status ?? "")
        ? SET_STATUS[params.status as string]
        : undefined;
      if (!apply) throw new ProtocolWord("BAD_STATUS");
      return apply(actor, numeric);
    },
  },
  getActiveActivations: {
    params: "",
    answers:
      'JSON {"status":"success","activeActivations":[{activationId, serviceCode, phoneNumber, activationCost, ' +
      "activationStatus, smsCode, smsText, activationTime, discount, repeated, countryCode, countryName, " +
      'canGetAnotherSms}]}, all strings · JSON {"status":"error","error":"NO_ACTIVATIONS"}',
    run: async (actor) => {
      const active = await allActive(actor);
      if (active.length === 0) return jsonError("NO_ACTIVATIONS");
      const names = new Map((await listCountries(actor.db)).map((c) => [c.id, c.name]));
      return {
        status: "success",
        activeActivations: active.map((view) => activeActivation(view, names.get(view.country) ?? "")),
      };
    },
  },
  getFullSms: {
    params: "id",
    answers: "FULL_SMS:<text of the latest SMS> · STATUS_WAIT_CODE · STATUS_CANCEL · NO_ACTIVATION",
    reads: pollRead,
    run: async (actor, params, read) => fullSmsWord(await polled(actor, params, read)),
  },
  getPrices: {
    params: "service?, country?",
    answers:
      'JSON {"<country id>": {"<service>": {"cost": <decimal>, "count": <stock>}}}; {} when nothing matches ' +
      "(also for a country that is not an id)",
    run: async (actor, params) => pricesAnswer(actor.db, params),
  },
  getPricesV2: {
    params: "service?, country?",
    answers:
      'JSON {"<country id>": {"<service>": {"<price, decimal>": <stock at that price>}}}; {} when nothing matches',
    run: async (actor, params) => pricesV2Answer(actor.db, params),
  },
  getTopCountriesByService: {
    params: "service, freePrice? (true adds freePriceMap)",
    answers:
      'JSON {"<rank from 0>": {country, count, price, retail_price, freePriceMap?}}, most stock first · BAD_SERVICE',
    run: async (actor, params) => topCountriesAnswer(actor.db, params),
  },
  getOperators: {
    params: "country?",
    answers:
      'JSON {"status":"success","countryOperators":{"<country id>":["any"]}} · ' +
      'JSON {"status":"error","error":"OPERATORS_NOT_FOUND"} for a country we do not serve',
    run: async (actor, params) => operatorsAnswer(actor.db, params),
  },
  getCountries: {
    params: "",
    answers: 'JSON {"<id>": {id, eng, rus, chn, visible, retry, rent, multiService}}',
    run: async (actor) => countriesAnswer(actor.db),
  },
  getServicesList: {
    params: "",
    answers: 'JSON {"status":"success","services":[{code, name}]}',
    run: async (actor) => servicesListAnswer(actor.db),
  },
  getNumbersStatus: {
    params: "country (default 0)",
    answers:
      'JSON {"<service>_0": <stock>, …} for every service, 0 included; {} for a country we do not serve',
    run: async (actor, params) => numbersStatusAnswer(actor.db, params),
  },
};
