// The one way the dashboard talks to /api/v1: JSON both ways, the session cookie, and the API's
// error envelope turned into an ApiError whose message can be shown as it is.

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {unknown} [details]
   */
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** @type {Set<() => void>} */
const unauthorizedListeners = new Set();

/** Called when a signed-in request comes back 401: the session ended elsewhere. */
export const onUnauthorized = (/** @type {() => void} */ fn) => unauthorizedListeners.add(fn);

/**
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, headers?: Record<string, string>, signal?: AbortSignal, quiet401?: boolean }} [opts]
 * @returns {Promise<any>}
 */
export const request = async (method, path, opts = {}) => {
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json", ...opts.headers };
  /** @type {RequestInit} */
  const init = { method, headers, credentials: "same-origin", signal: opts.signal };
  if (method !== "GET") {
    // Every unsafe request is JSON, even without a body: the server's CSRF rule asks for it.
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(opts.body ?? {});
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw new ApiError(0, "NETWORK", "Could not reach the service. Check your connection and try again.");
  }
  const data = await res.json().catch(() => null);
  if (res.ok) return data;
  const error = data?.error;
  if (res.status === 401 && !opts.quiet401) for (const fn of unauthorizedListeners) fn();
  throw new ApiError(
    res.status,
    error?.code ?? `HTTP_${res.status}`,
    error?.message ?? `The service answered with status ${res.status}. Please try again.`,
    error?.details,
  );
};

export const api = {
  /** @param {string} path @param {{ signal?: AbortSignal, quiet401?: boolean }} [opts] */
  get: (path, opts) => request("GET", path, opts),
  /** @param {string} path @param {unknown} [body] @param {{ headers?: Record<string, string>, signal?: AbortSignal, quiet401?: boolean }} [opts] */
  post: (path, body, opts) => request("POST", path, { ...opts, body }),
  /** @param {string} path */
  del: (path) => request("DELETE", path),
};

/**
 * Query string from the non-empty entries of `params`.
 * @param {Record<string, string | number | null | undefined>} params
 */
export const query = (params) => {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") q.set(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : "";
};
