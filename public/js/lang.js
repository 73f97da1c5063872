// The dashboard's language: the reader's own choice (a cookie, which the Worker's pages read too, and
// localStorage), else the browser's languages. Changing it reloads, so every screen redraws in it.
import { isLang, LANG_COOKIE, LANG_STORAGE_KEY, LANGS, MESSAGES, pickLang, translate } from "./i18n/index.js";

/** @typedef {import("./i18n/index.js").Lang} Lang */
/** @typedef {import("./i18n/index.js").MessageKey} MessageKey */

const cookieLang = () =>
  document.cookie
    .split(";")
    .map((c) => c.trim().split("="))
    .find(([name]) => name === LANG_COOKIE)?.[1];

const storedLang = () => {
  try {
    return localStorage.getItem(LANG_STORAGE_KEY);
  } catch {
    return null;
  }
};

/** @returns {Lang} */
const chosen = () => {
  for (const value of [cookieLang(), storedLang()]) if (isLang(value)) return value;
  return pickLang(navigator.languages ?? [navigator.language]);
};

export const lang = chosen();

/** For Intl: the browser's own regional variant when it is of this language (en-GB dates), else the language. */
export const locale =
  navigator.languages?.find((tag) => pickLang([tag]) === lang && tag.includes("-")) ?? lang;

/** @param {MessageKey} key @param {Record<string, string | number>} [params] */
export const t = (key, params) => translate(lang, key, params);

/** Remember a language for the dashboard and the Worker's pages, then redraw in it. @param {Lang} next */
export const setLang = (next) => {
  try {
    localStorage.setItem(LANG_STORAGE_KEY, next);
  } catch {
    // Private mode: the cookie alone carries it.
  }
  document.cookie = `${LANG_COOKIE}=${next}; Path=/; Max-Age=31536000; SameSite=Lax`;
  location.reload();
};

/** The visible switch: each language named in itself, the current one marked. */
export const langSwitch = () => {
  const nav = document.createElement("nav");
  nav.className = "lang-switch";
  nav.setAttribute("aria-label", t("lang.switch"));
  for (const code of LANGS) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small btn-ghost";
    button.lang = code;
    button.textContent = MESSAGES[code]["lang.name"];
    button.setAttribute("aria-pressed", String(code === lang));
    button.addEventListener("click", () => {
      if (code !== lang) setLang(code);
    });
    nav.append(button);
  }
  return nav;
};

document.documentElement.lang = lang;
