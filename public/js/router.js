// Real paths with the History API: "/numbers/act_123?x=1" → a route, its params and its query (the
// Worker serves the app shell at each of them). Each render gets an AbortSignal that fires when the
// person navigates away, so screens can close their sockets and timers.

/**
 * @typedef {{ params: Record<string, string>, query: URLSearchParams, signal: AbortSignal, main: HTMLElement }} ViewContext
 * @typedef {(ctx: ViewContext) => void | Promise<void>} View
 * @typedef {{ path: string, load: () => Promise<View>, title: string,
 *   access: "user" | "guest" | "public" }} Route  load: fetches the screen's code on first use
 */

/** @returns {{ path: string, query: URLSearchParams }} */
export const currentLocation = () => {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
};

/** The path and query of this screen, e.g. for "?next=". */
export const here = () => `${location.pathname}${location.search}`;

/** Listeners of navigation (the shell re-renders). */
const NAVIGATED = "smsprof:navigate";
/** @param {() => void} fn */
export const onNavigate = (fn) => {
  window.addEventListener("popstate", fn);
  window.addEventListener(NAVIGATED, fn);
};

/**
 * Old addresses of the dashboard: "/#/buy" (hash routes) and the screens since renamed. Returns the
 * path to show instead, or null.
 * @param {Location} at
 */
export const legacyRedirect = (at) => {
  let path = at.pathname;
  let search = at.search;
  if (at.hash.startsWith("#/")) {
    const raw = at.hash.slice(1);
    const q = raw.indexOf("?");
    path = q === -1 ? raw : raw.slice(0, q);
    search = q === -1 ? "" : raw.slice(q);
  }
  path = path.replace(/^\/activations\//, "/numbers/").replace(/^\/billing$/, "/balance");
  const next = `${path}${search}`;
  return next === `${at.pathname}${at.search}` && !at.hash.startsWith("#/") ? null : next;
};

/**
 * @param {string} pattern
 * @param {string} path
 * @returns {Record<string, string> | null}
 */
const match = (pattern, path) => {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  /** @type {Record<string, string>} */
  const params = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    const g = got[i] ?? "";
    if (w.startsWith(":")) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return null;
  }
  return params;
};

/**
 * @param {Route[]} routes
 * @param {string} path
 * @returns {{ route: Route, params: Record<string, string> } | null}
 */
export const resolve = (routes, path) => {
  for (const route of routes) {
    const params = match(route.path, path);
    if (params) return { route, params };
  }
  return null;
};

/**
 * Shows another screen. `replace` when the current address should not stay in the history (a
 * redirect such as "log in first").
 * @param {string} path
 * @param {{ replace?: boolean }} [opts]
 */
export const navigate = (path, opts = {}) => {
  if (opts.replace) history.replaceState(null, "", path);
  else if (path !== here()) history.pushState(null, "", path);
  window.dispatchEvent(new Event(NAVIGATED));
};
