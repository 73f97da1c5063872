// Hash routing: "#/activations/act_123?x=1" → a route, its params and its query. Each render gets an
// AbortSignal that fires when the person navigates away, so screens can close their sockets and timers.

/**
 * @typedef {{ params: Record<string, string>, query: URLSearchParams, signal: AbortSignal, main: HTMLElement }} ViewContext
 * @typedef {{ path: string, view: (ctx: ViewContext) => void | Promise<void>, title: string,
 *   access: "user" | "guest" | "public" }} Route
 */

/** @returns {{ path: string, query: URLSearchParams }} */
export const currentLocation = () => {
  const raw = location.hash.replace(/^#/, "") || "/";
  const at = raw.indexOf("?");
  return at === -1
    ? { path: raw, query: new URLSearchParams() }
    : { path: raw.slice(0, at), query: new URLSearchParams(raw.slice(at + 1)) };
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

/** @param {string} path */
export const navigate = (path) => {
  if (location.hash === `#${path}`) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = path;
};
