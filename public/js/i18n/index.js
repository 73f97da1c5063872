// The languages and how one is chosen, shared by the dashboard and the Worker's pages (no DOM here).
import { en } from "./en.js";
import { ru } from "./ru.js";

/** @typedef {"en" | "ru"} Lang */
/** @typedef {keyof typeof en} MessageKey */

/** @type {Record<Lang, Record<MessageKey, string>>} */
export const MESSAGES = { en, ru };
/** @type {Lang[]} */
export const LANGS = ["en", "ru"];
export const DEFAULT_LANG = /** @type {Lang} */ ("en");
/** The cookie that carries the choice to the Worker's pages (and the dashboard's localStorage key). */
export const LANG_COOKIE = "lang";
export const LANG_STORAGE_KEY = "smsprof:lang";

/** @param {unknown} value @returns {value is Lang} */
export const isLang = (value) => LANGS.includes(/** @type {Lang} */ (value));

/**
 * The first supported language among a reader's preferences, in their order ("ru-RU" → ru).
 * @param {readonly string[]} tags BCP 47 tags, most preferred first
 * @returns {Lang}
 */
export const pickLang = (tags) => {
  for (const tag of tags) {
    const base = tag.trim().toLowerCase().split("-")[0];
    if (isLang(base)) return base;
  }
  return DEFAULT_LANG;
};

/**
 * An Accept-Language header's tags by preference (RFC 9110 §12.5.4: q weights, default 1; q=0 is
 * "not acceptable").
 * @param {string | null | undefined} header
 * @returns {string[]}
 */
export const acceptedTags = (header) =>
  (header ?? "")
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/i.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.tag && x.tag !== "*" && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((x) => x.tag);

/**
 * The plural forms a message lists, "|"-separated, in this order per language (the Intl.PluralRules
 * categories of whole numbers; Russian "other" is for fractions, which read like "few": 1,5 минуты).
 * @type {Record<Lang, Intl.LDMLPluralRule[]>}
 */
export const PLURAL_FORMS = { en: ["one", "other"], ru: ["one", "few", "many"] };
/** @type {Record<string, Intl.LDMLPluralRule>} */
const FALLBACK_FORM = { other: "few" };

/**
 * A message of a catalogue in a language, with `{name}` filled from params. A message with "|" has
 * plural forms, chosen by `params.count` (see PLURAL_FORMS). The Worker passes its own part of the
 * catalogues (pages.js), so the dashboard's messages stay out of its bundle.
 * @template {string} K
 * @param {Record<Lang, Record<K, string>>} messages
 * @param {Lang} lang
 * @param {K} key
 * @param {Record<string, string | number>} [params]
 */
export const translateFrom = (messages, lang, key, params) => {
  let text = messages[lang][key] ?? messages.en[key] ?? key;
  if (text.includes("|")) {
    const forms = text.split("|");
    const category = new Intl.PluralRules(lang).select(Number(params?.count ?? 0));
    const order = PLURAL_FORMS[lang];
    const at = order.indexOf(order.includes(category) ? category : (FALLBACK_FORM[category] ?? "other"));
    text = forms[at] ?? forms[forms.length - 1] ?? "";
  }
  return params ? text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m)) : text;
};

/**
 * A message of the whole catalogue (the dashboard's).
 * @param {Lang} lang
 * @param {MessageKey} key
 * @param {Record<string, string | number>} [params]
 */
export const translate = (lang, key, params) => translateFrom(MESSAGES, lang, key, params);
