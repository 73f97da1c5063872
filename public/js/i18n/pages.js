// The part of the catalogues the Worker's pages use (the Worker imports this, never en.js / ru.js).
import { enPages } from "./en-pages.js";
import { ruPages } from "./ru-pages.js";

/** @typedef {keyof typeof enPages} PageMessageKey */

/** @type {Record<import("./index.js").Lang, Record<PageMessageKey, string>>} */
export const PAGE_MESSAGES = { en: enPages, ru: ruPages };
