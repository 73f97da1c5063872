// Formatting at the edge: money arrives in integer minor units, times as ISO 8601; both are shown
// in the dashboard's language (Intl with its locale).
import { en } from "./i18n/en.js";
import { locale, t } from "./lang.js";

/** @typedef {import("./i18n/index.js").MessageKey} MessageKey */

/** @param {string} currency */
const fractionDigits = (currency) =>
  new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;

/**
 * @param {number} minor
 * @param {string} currency
 */
export const money = (minor, currency) =>
  new Intl.NumberFormat(locale, { style: "currency", currency }).format(
    minor / 10 ** fractionDigits(currency),
  );

/** Signed, for ledger rows: "+$5.00", "−$0.39". @param {number} minor @param {string} currency */
export const signedMoney = (minor, currency) =>
  `${minor > 0 ? "+" : minor < 0 ? "−" : ""}${money(Math.abs(minor), currency)}`;

/**
 * "12.5" → 1250 in a two-decimal currency; null for anything that is not a plain positive amount.
 * @param {string} text
 * @param {string} currency
 */
export const parseMoney = (text, currency) => {
  const digits = fractionDigits(currency);
  const m = /^(\d{1,9})(?:[.,](\d+))?$/.exec(text.trim());
  if (!m || (m[2] ?? "").length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? "").padEnd(digits, "0") || 0);
};

/** Minor units as the plain decimal a person types: 500 → "5.00". @param {number} minor @param {string} currency */
export const plainAmount = (minor, currency) => {
  const digits = fractionDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
};

const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "long" });

/** @param {string | null | undefined} iso */
export const dateTime = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : "—");

/** "2026-11-01" → "November 1, 2026" in the reader's language. @param {string} day */
export const longDate = (day) => {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : dateFormat.format(d);
};

const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });

/** "3 minutes ago". @param {string | null | undefined} iso */
export const ago = (iso) => {
  if (!iso) return t("time.never");
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  /** @type {[Intl.RelativeTimeFormatUnit, number][]} */
  const units = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(0, "minute");
};

/** Remaining time as m:ss (or h:mm:ss). @param {number} ms */
export const clock = (ms) => {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
};

/** "2 minutes", "45 seconds" ("2 минуты", "45 секунд"). @param {number} seconds */
export const duration = (seconds) =>
  seconds >= 60 && seconds % 60 === 0
    ? t("time.minutes", { count: seconds / 60 })
    : t("time.seconds", { count: seconds });

/** @param {string} status */
export const statusLabel = (status) =>
  `status.${status}` in en ? t(/** @type {MessageKey} */ (`status.${status}`)) : status;

/** @param {string} kind */
export const ledgerLabel = (kind) =>
  `ledger.${kind}` in en ? t(/** @type {MessageKey} */ (`ledger.${kind}`)) : kind;

/** @param {string} kind */
export const securityLabel = (kind) =>
  `security.${kind}` in en ? t(/** @type {MessageKey} */ (`security.${kind}`)) : kind.replaceAll("_", " ");

/** Failures are what someone else trying the account leaves behind. @param {string} kind */
export const isSecurityFailure = (kind) => kind.endsWith("_failed");

/** @type {[RegExp, string][]} */
const browsers = [
  [/Edg\//, "Edge"],
  [/Firefox\//, "Firefox"],
  [/Chrom(e|ium)\//, "Chrome"],
  [/Safari\//, "Safari"],
  [/^curl\//, "curl"],
];
/** @type {[RegExp, string][]} */
const systems = [
  [/Android/, "Android"],
  [/iPhone|iPad/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X/, "macOS"],
  [/Linux/, "Linux"],
];

/** A short, human description of a user agent string. @param {string | null | undefined} ua */
export const device = (ua) => {
  if (!ua) return t("device.unknown");
  const browser = browsers.find(([re]) => re.test(ua))?.[1];
  const os = systems.find(([re]) => re.test(ua))?.[1];
  if (browser && os) return t("device.on", { browser, os });
  return browser ?? os ?? ua.slice(0, 60);
};

// Calling codes of the catalog's countries (ITU-T E.164 assignments), to split a number into the
// country code and the national part.
/** @type {Record<string, string>} */
const CALLING_CODES = {
  RU: "7",
  KZ: "7",
  UA: "380",
  PH: "63",
  ID: "62",
  MY: "60",
  VN: "84",
  PL: "48",
  GB: "44",
  IN: "91",
  CA: "1",
  US: "1",
  DE: "49",
  NL: "31",
  ES: "34",
  BR: "55",
  FR: "33",
  IT: "39",
};

/**
 * A number split for reading and for the two ways apps ask for it: "+44 7700 900 123" shown,
 * "+447700900123" with the country code, "7700900123" without.
 * @param {string} phone E.164, with or without the "+"
 * @param {string | undefined} iso the country's ISO code
 */
export const phoneParts = (phone, iso) => {
  const digits = phone.replace(/\D/g, "");
  const cc = (iso && CALLING_CODES[iso]) || "";
  const national = cc && digits.startsWith(cc) ? digits.slice(cc.length) : digits;
  // Groups of three, the last one or two of four when the length needs it (10 → 3 3 4,
  // 11 → 3 4 4): how numbers are read aloud.
  const count = national.length < 6 ? 0 : Math.floor(national.length / 3);
  const longer = national.length - count * 3;
  const groups = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const size = 3 + (i >= count - longer ? 1 : 0);
    groups.push(national.slice(at, at + size));
    at += size;
  }
  if (at < national.length) groups.push(national.slice(at));
  return {
    full: `+${digits}`,
    national: cc ? national : digits,
    countryCode: cc ? `+${cc}` : "",
    grouped: `${cc ? `+${cc} ` : ""}${groups.join(" ")}`,
  };
};
