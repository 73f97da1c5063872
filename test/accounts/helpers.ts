// Helpers for the accounts tests: a browser-like client (cookie, Origin, JSON) and D1 look-ups.
import { env } from "cloudflare:test";
import { BASE, call, uniqueEmail } from "../support";

export const ORIGIN = new URL(BASE).origin;
export const PASSWORD = "correct horse battery staple";

/** Rate limits are keyed by IP and persist across tests: each test claims its own address. */
export const uniqueIp = () =>
  `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;

/** The session cookie a response sets, as a Cookie header value, or null. */
export const sessionCookie = (res: Response): string | null => {
  const line = res.headers.getSetCookie().find((c) => c.startsWith("__Host-smsprof_session="));
  return line?.split(";")[0] ?? null;
};

export const tokenOf = (cookie: string) => cookie.slice(cookie.indexOf("=") + 1);

/** What the dashboard sends: JSON, its own Origin and, when signed in, the cookie. */
export const browser = (
  method: string,
  opts: { cookie?: string | null; body?: unknown; ip?: string; headers?: Record<string, string> } = {},
): RequestInit => ({
  method,
  headers: {
    "Content-Type": "application/json",
    Origin: ORIGIN,
    "User-Agent": "TestBrowser/1.0",
    "CF-Connecting-IP": opts.ip ?? uniqueIp(),
    ...(opts.cookie ? { Cookie: opts.cookie } : {}),
    ...opts.headers,
  },
  body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
});

export const signupBody = (email: string, password = PASSWORD) => ({
  email,
  password,
  acceptTerms: true,
  confirmAdult: true,
});

/** Signs a new person up through the API and returns their signed-in cookie. */
export const signUp = async (opts: { email?: string; password?: string; ip?: string } = {}) => {
  const email = opts.email ?? uniqueEmail("acct");
  const password = opts.password ?? PASSWORD;
  const res = await call(
    "/api/v1/auth/signup",
    browser("POST", { body: signupBody(email, password), ip: opts.ip }),
  );
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const { user } = (await res.json()) as { user: { id: string; email: string } };
  const cookie = sessionCookie(res);
  if (!cookie) throw new Error("signup set no session cookie");
  return { userId: user.id, email: user.email, password, cookie };
};

export const logIn = async (email: string, password: string, ip?: string) =>
  call("/api/v1/auth/login", browser("POST", { body: { email, password }, ip }));

export const me = (cookie: string) => call("/api/v1/me", browser("GET", { cookie }));

export const count = async (table: string, where = "1 = 1", ...binds: unknown[]) => {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)
    .bind(...binds)
    .first<{ n: number }>();
  return row?.n ?? 0;
};

/** The tokens in the emails to this address whose link goes to the given dashboard route, newest first. */
export const emailedTokens = async (to: string, route: "verify-email" | "reset-password") => {
  const { results } = await env.DB.prepare(
    "SELECT body FROM email_outbox WHERE to_address = ? ORDER BY created_at DESC, rowid DESC",
  )
    .bind(to)
    .all<{ body: string }>();
  const link = new RegExp(`${ORIGIN}/#/${route}\\?token=([A-Za-z0-9_-]+)`);
  return results.flatMap(({ body }) => link.exec(body)?.[1] ?? []);
};

/** The token in the newest email to this address whose link goes to the given dashboard route. */
export const emailedToken = async (to: string, route: "verify-email" | "reset-password") => {
  const [newest] = await emailedTokens(to, route);
  if (!newest) throw new Error(`no ${route} email to ${to}`);
  return newest;
};

export const securityKinds = async (userId: string) => {
  const { results } = await env.DB.prepare(
    "SELECT kind FROM security_events WHERE user_id = ? ORDER BY created_at, rowid",
  )
    .bind(userId)
    .all<{ kind: string }>();
  return results.map((r) => r.kind);
};

/**
 * Rate-limit windows are aligned to the wall clock (60 s). A sequence of requests that straddles a
 * window boundary legitimately sees the count reset, so such a run is repeated, with fresh keys.
 */
export const inOneRateLimitWindow = async <T>(run: () => Promise<T>, periodMs = 60_000): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    const window = Math.floor(Date.now() / periodMs);
    const result = await run();
    if (Math.floor(Date.now() / periodMs) === window || attempt === 3) return result;
  }
};
