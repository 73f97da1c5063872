// What every screen needs to know: the service's public configuration, who is signed in, and the
// balance shown in the header. Screens change it through these functions; the shell re-renders.
import { api } from "./api.js";

/**
 * @typedef {{ brandName: string, supportEmail: string, policyVersion: string, policyLastUpdated: string,
 *   currency: string, demoTopUp: boolean, stripeEnabled: boolean, simulator: boolean,
 *   requireEmailVerification: boolean, topUpMin: number, topUpMax: number,
 *   earlyCancelSeconds: number, activationMinutes: number, smsRetentionDays: number }} Config
 * @typedef {{ id: string, email: string, emailVerified: boolean, createdAt: string }} Me
 * @typedef {{ available: number, held: number, currency: string }} Balance
 */

export const session = {
  /** @type {Config} */
  config: /** @type {any} */ (null),
  /** @type {Me | null} */
  me: null,
  /** @type {Balance | null} */
  balance: null,
  /** Whether the numbers come from the local simulator, so the card can offer to send them an SMS. */
  simulatorIsProvider: false,
};

/** @type {Set<() => void>} */
const listeners = new Set();

/** @param {() => void} fn @returns {() => void} stops listening */
export const onSessionChange = (fn) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};
const changed = () => {
  for (const fn of listeners) fn();
};

export const loadConfig = async () => {
  session.config = await api.get("/api/v1/config");
  if (session.config.simulator) {
    // The simulator can be mounted while numbers come from a real provider: then it cannot reach them.
    const status = await api.get("/simulator/api/status").catch(() => null);
    session.simulatorIsProvider = status?.isProvider === true;
  }
};

/** Asks the server who is signed in: the cookie is HttpOnly, so only the server knows. */
export const loadMe = async () => {
  const before = session.me?.id;
  try {
    session.me = await api.get("/api/v1/me", { quiet401: true });
  } catch (err) {
    if (/** @type {{ status?: number }} */ (err).status !== 401) throw err;
    session.me = null;
  }
  if (session.me?.id !== before) {
    session.balance = null;
    // Whichever screen comes next, the header shows the newly signed-in person's balance.
    if (session.me) refreshBalance().catch(() => {});
  }
  changed();
  return session.me;
};

/** @param {Me | null} me */
export const setMe = (me) => {
  session.me = me;
  session.balance = null;
  changed();
};

/** @returns {Promise<Balance>} */
export const refreshBalance = async () => {
  session.balance = await api.get("/api/v1/billing/balance");
  changed();
  return /** @type {Balance} */ (session.balance);
};
