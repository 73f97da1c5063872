// The language of a server-rendered page: the reader's choice (the `lang` cookie the switch sets,
// here or in the dashboard), else the browser's Accept-Language, else English. The messages are the
// pages' part of the dashboard's own catalogue (public/js/i18n/*-pages.js), so each string exists once.
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import {
  acceptedTags,
  isLang,
  LANG_COOKIE,
  type Lang,
  pickLang,
  translateFrom,
} from "../../public/js/i18n/index.js";
import { PAGE_MESSAGES, type PageMessageKey } from "../../public/js/i18n/pages.js";
import type { AppEnv } from "../env";

export type { Lang };
export type MessageKey = PageMessageKey;

export const langOf = (c: Context<AppEnv>): Lang => {
  const chosen = getCookie(c, LANG_COOKIE);
  if (isLang(chosen)) return chosen;
  return pickLang(acceptedTags(c.req.header("Accept-Language")));
};

/** A page's translator: `t("prices.title")`, `t("prices.count", { shown, total })`. */
export const translator = (lang: Lang) => (key: MessageKey, params?: Record<string, string | number>) =>
  translateFrom(PAGE_MESSAGES, lang, key, params);

export type T = ReturnType<typeof translator>;

/** What every page needs to speak the reader's language and to come back to itself after a switch. */
export const pageLang = (c: Context<AppEnv>) => {
  const lang = langOf(c);
  // The answer depends on these: a shared cache must not hand a Russian page to an English reader.
  c.header("Vary", "Accept-Language, Cookie");
  const url = new URL(c.req.url);
  return { lang, t: translator(lang), here: `${url.pathname}${url.search}` };
};
