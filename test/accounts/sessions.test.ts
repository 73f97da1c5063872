// Login, the session cookie and what makes a session token invalid.
import { env } from "cloudflare:test";
import { base64url, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { call, createUserWithKey, uniqueEmail } from "../support";
import {
  browser,
  count,
  logIn,
  me,
  ORIGIN,
  PASSWORD,
  securityKinds,
  sessionCookie,
  signUp,
  tokenOf,
} from "./helpers";

const COOKIE = "__Host-smsprof_session";
const secret = () => new TextEncoder().encode(env.SESSION_SECRET);

const latestSessionId = async (userId: string) =>
  (
    await env.DB.prepare("SELECT id FROM sessions WHERE user_id = ? ORDER BY created_at DESC, rowid DESC")
      .bind(userId)
      .first<{ id: string }>()
  )?.id as string;

/** A token signed like the service signs them; each test bends one property. */
const craft = (
  claims: { sid: string; sub: string },
  opts: { exp?: number; iss?: string; aud?: string } = {},
) =>
  new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(opts.iss ?? "smsprof")
    .setAudience(opts.aud ?? "smsprof:dashboard")
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 3600)
    .sign(secret());

const meWithToken = (token: string) => me(`${COOKIE}=${token}`);

describe("login", () => {
  it("signs in with the right password and sets a working cookie", async () => {
    const { email, userId } = await signUp();
    const res = await logIn(email, PASSWORD);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { id: userId, email } });
    const cookie = sessionCookie(res) as string;
    expect((await me(cookie)).status).toBe(200);
    expect(await securityKinds(userId)).toEqual(["signup", "login_ok"]);
  });

  it("accepts the email in any case and with spaces", async () => {
    const { email } = await signUp();
    expect((await logIn(`  ${email.toUpperCase()} `, PASSWORD)).status).toBe(200);
  });

  it("answers a wrong password and an unknown email with the same 401, logging the failure", async () => {
    const { email, userId } = await signUp();
    const sessionsBefore = await count("sessions", "user_id = ?", userId);

    const wrong = await logIn(email, "not the password at all");
    const unknown = await logIn(uniqueEmail("nobody"), PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const wrongBody = await wrong.json();
    expect(wrongBody).toEqual(await unknown.json());
    expect(wrongBody).toMatchObject({ error: { code: "INVALID_CREDENTIALS" } });
    expect(sessionCookie(wrong)).toBeNull();
    expect(await count("sessions", "user_id = ?", userId)).toBe(sessionsBefore);
    expect(await securityKinds(userId)).toEqual(["signup", "login_failed"]);
  });

  it("answers missing fields, wrong types and malformed JSON with 400", async () => {
    for (const body of [{}, { email: "a@example.com" }, { email: 1, password: 2 }]) {
      const res = await call("/api/v1/auth/login", browser("POST", { body }));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    }
    const malformed = await call("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
  });

  it("refuses a login posted from another site's page", async () => {
    const { email } = await signUp();
    const res = await call(
      "/api/v1/auth/login",
      browser("POST", { body: { email, password: PASSWORD }, headers: { Origin: "https://evil.example" } }),
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "CSRF_REJECTED" } });
  });

  it("refuses an erased account as if it did not exist", async () => {
    const { email, userId, cookie } = await signUp();
    await env.DB.prepare("UPDATE users SET deleted_at = ? WHERE id = ?").bind(Date.now(), userId).run();
    expect((await logIn(email, PASSWORD)).status).toBe(401);
    expect((await me(cookie)).status).toBe(401);
  });
});

describe("GET /me", () => {
  it("is 401 UNAUTHORIZED without a cookie or key", async () => {
    const res = await call("/api/v1/me");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  });

  it("works with an API key too", async () => {
    const { userId, auth } = await createUserWithKey();
    const res = await call("/api/v1/me", { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: userId, emailVerified: false });
  });
});

describe("session tokens", () => {
  it("accepts a token crafted exactly like the service's (the control for the cases below)", async () => {
    const { userId } = await signUp();
    const token = await craft({ sid: await latestSessionId(userId), sub: userId });
    expect((await meWithToken(token)).status).toBe(200);
  });

  it("rejects a tampered token", async () => {
    const { cookie } = await signUp();
    const token = tokenOf(cookie);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === "A" ? "B" : "A"}${signature.at(-1)}`;
    expect((await meWithToken(`${header}.${payload}.${flipped}`)).status).toBe(401);

    // A payload naming someone else's session, with the original signature.
    const other = await signUp();
    const forged = base64url.encode(
      JSON.stringify({
        ...JSON.parse(new TextDecoder().decode(base64url.decode(payload))),
        sid: await latestSessionId(other.userId),
        sub: other.userId,
      }),
    );
    expect((await meWithToken(`${header}.${forged}.${signature}`)).status).toBe(401);
  });

  it("rejects an expired token", async () => {
    const { userId } = await signUp();
    const token = await craft(
      { sid: await latestSessionId(userId), sub: userId },
      { exp: Math.floor(Date.now() / 1000) - 60 },
    );
    expect((await meWithToken(token)).status).toBe(401);
  });

  it("rejects a session whose row has expired even if the token has not", async () => {
    const { userId, cookie } = await signUp();
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1, userId)
      .run();
    expect((await me(cookie)).status).toBe(401);
  });

  it('rejects alg "none"', async () => {
    const { userId } = await signUp();
    const enc = (o: object) => base64url.encode(JSON.stringify(o));
    const now = Math.floor(Date.now() / 1000);
    const token = `${enc({ alg: "none", typ: "JWT" })}.${enc({
      sid: await latestSessionId(userId),
      sub: userId,
      iss: "smsprof",
      aud: "smsprof:dashboard",
      iat: now,
      exp: now + 3600,
    })}.`;
    expect((await meWithToken(token)).status).toBe(401);
  });

  it("rejects a token signed with another secret, issuer or audience", async () => {
    const { userId } = await signUp();
    const claims = { sid: await latestSessionId(userId), sub: userId };
    const otherSecret = await new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("smsprof")
      .setAudience("smsprof:dashboard")
      .setSubject(userId)
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("some-other-secret-0123456789abcdef"));
    expect((await meWithToken(otherSecret)).status).toBe(401);
    expect((await meWithToken(await craft(claims, { iss: "elsewhere" }))).status).toBe(401);
    expect((await meWithToken(await craft(claims, { aud: "elsewhere" }))).status).toBe(401);
  });

  it("rejects garbage in the cookie with 401, not 500", async () => {
    for (const token of ["", "abc", "a.b.c", "%%%", "x".repeat(3000)]) {
      expect((await meWithToken(token)).status).toBe(401);
    }
  });
});

describe("logout", () => {
  it("revokes this session only, and clears the cookie", async () => {
    const { email, userId, cookie } = await signUp();
    const other = sessionCookie(await logIn(email, PASSWORD)) as string;

    const res = await call("/api/v1/auth/logout", browser("POST", { cookie }));
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().join("\n")).toMatch(/__Host-smsprof_session=;.*Max-Age=0/);
    expect((await me(cookie)).status).toBe(401);
    expect((await me(other)).status).toBe(200);
    // Replaying the revoked cookie changes nothing more.
    expect((await call("/api/v1/auth/logout", browser("POST", { cookie }))).status).toBe(401);
    expect(await securityKinds(userId)).toEqual(["signup", "login_ok", "logout"]);
  });

  it("logout-all revokes every session of the account and no one else's", async () => {
    const { email, userId, cookie } = await signUp();
    const second = sessionCookie(await logIn(email, PASSWORD)) as string;
    const stranger = await signUp();

    const res = await call("/api/v1/auth/logout-all", browser("POST", { cookie: second }));
    expect(res.status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
    expect((await me(second)).status).toBe(401);
    expect((await me(stranger.cookie)).status).toBe(200);
    expect(await count("sessions", "user_id = ? AND revoked_at IS NULL", userId)).toBe(0);
    expect((await securityKinds(userId)).at(-1)).toBe("logout_all");
  });

  it("cannot be done with an API key", async () => {
    const { auth } = await createUserWithKey();
    const res = await call("/api/v1/auth/logout", { method: "POST", headers: auth });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "SESSION_REQUIRED" } });
  });
});

describe("CSRF on cookie-authenticated changes", () => {
  it("refuses a change without application/json, without Origin or from another origin", async () => {
    const { cookie } = await signUp();
    const attempts: Record<string, string>[] = [
      { "Content-Type": "text/plain", Origin: ORIGIN },
      { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
      { "Content-Type": "application/json" },
      { "Content-Type": "application/json", Origin: "https://evil.example" },
      { "Content-Type": "application/json", Origin: "http://localhost:9999" },
    ];
    for (const headers of attempts) {
      const res = await call("/api/v1/keys", {
        method: "POST",
        headers: { Cookie: cookie, ...headers },
        body: JSON.stringify({ name: "csrf" }),
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "CSRF_REJECTED" } });
    }
    const logout = await call("/api/v1/auth/logout", { method: "POST", headers: { Cookie: cookie } });
    expect(logout.status).toBe(403);
    expect((await me(cookie)).status).toBe(200);
    expect(await count("api_keys", "name = 'csrf'")).toBe(0);
  });

  it("lets reads through without Origin", async () => {
    const { cookie } = await signUp();
    expect((await call("/api/v1/me", { headers: { Cookie: cookie } })).status).toBe(200);
  });
});
