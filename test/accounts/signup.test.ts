import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { POLICY_VERSION } from "../../src/privacy/policy";
import { call, uniqueEmail } from "../support";
import {
  browser,
  count,
  me,
  ORIGIN,
  PASSWORD,
  securityKinds,
  sessionCookie,
  signUp,
  signupBody,
} from "./helpers";

const signup = (body: unknown, init: { ip?: string; headers?: Record<string, string> } = {}) =>
  call("/api/v1/auth/signup", browser("POST", { body, ...init }));

describe("signup", () => {
  it("creates the account, signs it in and sends a confirmation link", async () => {
    const email = uniqueEmail("new");
    const res = await signup(signupBody(email));
    expect(res.status).toBe(201);
    const { user } = (await res.json()) as { user: Record<string, unknown> };
    expect(user).toEqual({
      id: expect.stringMatching(/^usr_/),
      email,
      emailVerified: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const cookieLine = res.headers.getSetCookie().find((c) => c.startsWith("__Host-smsprof_session="));
    expect(cookieLine).toMatch(/HttpOnly/);
    expect(cookieLine).toMatch(/Secure/);
    expect(cookieLine).toMatch(/SameSite=Lax/);
    expect(cookieLine).toMatch(/Path=\//);
    expect(cookieLine).toMatch(/Max-Age=2592000/);
    expect(cookieLine).not.toMatch(/Domain=/);

    const cookie = sessionCookie(res) as string;
    expect(await (await me(cookie)).json()).toEqual(user);

    const row = await env.DB.prepare(
      "SELECT accepted_policy_version, accepted_policy_at, password_hash FROM users WHERE id = ?",
    )
      .bind(user.id)
      .first<{ accepted_policy_version: string; accepted_policy_at: number; password_hash: string }>();
    expect(row?.accepted_policy_version).toBe(POLICY_VERSION);
    expect(row?.accepted_policy_at).toBeGreaterThan(0);
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(row?.password_hash).not.toContain(PASSWORD);

    const mail = await env.DB.prepare("SELECT subject, body FROM email_outbox WHERE to_address = ?")
      .bind(email)
      .first<{ subject: string; body: string }>();
    expect(mail?.subject).toContain("Confirm");
    expect(mail?.body).toMatch(new RegExp(`${ORIGIN}/#/verify-email\\?token=[A-Za-z0-9_-]{43}`));
    expect(await securityKinds(user.id as string)).toEqual(["signup"]);
  });

  it("normalises the email: trimmed and lowercased", async () => {
    const email = uniqueEmail("Mixed");
    const res = await signup(signupBody(`  ${email.toUpperCase()}  `));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { user: { email: string } }).user.email).toBe(email.toLowerCase());
  });

  it("refuses an email that is taken, whatever its case, and changes nothing", async () => {
    const first = await signUp();
    const before = await count("users");
    const res = await signup(signupBody(first.email.toUpperCase(), "another long password"));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "EMAIL_TAKEN" } });
    expect(sessionCookie(res)).toBeNull();
    expect(await count("users")).toBe(before);
    // The original password still works.
    const login = await call(
      "/api/v1/auth/login",
      browser("POST", { body: { email: first.email, password: PASSWORD } }),
    );
    expect(login.status).toBe(200);
  });

  const badBodies: Array<[string, unknown, string[]]> = [
    ["missing fields", {}, ["email", "password", "acceptTerms", "confirmAdult"]],
    [
      "wrong types",
      { email: 42, password: true, acceptTerms: "yes", confirmAdult: 1 },
      ["email", "password"],
    ],
    ["an invalid email", { ...signupBody("not-an-email") }, ["email"]],
    ["a short password", { ...signupBody(uniqueEmail()), password: "short1234" }, ["password"]],
    ["terms not accepted", { ...signupBody(uniqueEmail()), acceptTerms: false }, ["acceptTerms"]],
    ["adulthood not confirmed", { ...signupBody(uniqueEmail()), confirmAdult: false }, ["confirmAdult"]],
  ];
  for (const [label, body, paths] of badBodies) {
    it(`answers ${label} with 400 VALIDATION_FAILED naming the fields, and creates nothing`, async () => {
      const before = await count("users");
      const res = await signup(body);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; details: Array<{ path: string }> } };
      expect(error.code).toBe("VALIDATION_FAILED");
      for (const path of paths) expect(error.details.map((d) => d.path)).toContain(path);
      expect(await count("users")).toBe(before);
    });
  }

  it("refuses a common password with 400 WEAK_PASSWORD", async () => {
    const email = uniqueEmail();
    const res = await signup(signupBody(email, "Password123"));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "WEAK_PASSWORD" } });
    expect(await count("users", "email = ?", email)).toBe(0);
  });

  it("answers malformed JSON with 400 and creates nothing", async () => {
    const before = await count("users");
    const res = await call("/api/v1/auth/signup", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: ORIGIN },
      body: '{"email": "x@example.com", "password": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: expect.any(String), message: expect.any(String) },
    });
    expect(await count("users")).toBe(before);
  });

  it("answers a body over 64 KB with 413 and creates nothing", async () => {
    const before = await count("users");
    const res = await signup({ ...signupBody(uniqueEmail()), padding: "x".repeat(70_000) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(await count("users")).toBe(before);
  });

  it("refuses a form post (not JSON) and creates nothing", async () => {
    const email = uniqueEmail();
    const res = await call("/api/v1/auth/signup", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
      body: new URLSearchParams({ email, password: PASSWORD, acceptTerms: "true", confirmAdult: "true" }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await count("users", "email = ?", email)).toBe(0);
  });

  it("refuses a signup posted from another site's page", async () => {
    const email = uniqueEmail();
    const res = await signup(signupBody(email), { headers: { Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "CSRF_REJECTED" } });
    expect(await count("users", "email = ?", email)).toBe(0);
  });
});
