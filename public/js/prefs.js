// What a customer chose for this dashboard (sound and notification on a code, the numbers' view),
// remembered per account in this browser: keyed by the account's id, so two people sharing a
// browser keep their own choices.
import { session } from "./session.js";

/**
 * @typedef {{ sound: boolean, notify: boolean, view: "cards" | "table" }} Prefs
 */

/** @type {Prefs} */
const DEFAULTS = { sound: false, notify: false, view: "cards" };

const keyOf = () => (session.me ? `smsprof:prefs:${session.me.id}` : null);

/** @returns {Prefs} */
export const getPrefs = () => {
  const key = keyOf();
  if (!key) return { ...DEFAULTS };
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(key) ?? "{}") };
  } catch {
    return { ...DEFAULTS };
  }
};

/** @param {Partial<Prefs>} change */
export const setPrefs = (change) => {
  const key = keyOf();
  if (!key) return;
  localStorage.setItem(key, JSON.stringify({ ...getPrefs(), ...change }));
};
