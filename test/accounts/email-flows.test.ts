// Email verification, password reset and password change: single-use, expiring, hashed tokens.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RESET_EMAILS_PER_HOUR } from "../../src/accounts/login-limits";
import { sha256Hex } from "../../src/lib/crypto";
import { call, createUserWithKey, uniqueEmail } from "../support";
import {
  browser,
  count,
  emailedToken,
  emailedTokens,
  logIn,
  me,
  PASSWORD,
  securityKinds,
  sessionCookie,
  signUp,
} from "./helpers";

const post = (path: string, body: unknown, cookie?: string) =>
  call(`/api/v1${path}`, browser("POST", { body, cookie }));

const verified = async (userId: string) =>
  (
    await env.DB.prepare("SELECT email_verified_at FROM users WHERE id = ?").bind(userId).first<{
      email_verified_at: number | null;
    }>()
  )?.email_verified_at ?? null;

const passwordHash = async (userId: string) =>
  (
    await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?")
      .bind(userId)
      .first<{ password_hash: string }>()
  )?.password_hash;

describe("email verification", () => {
  it("confirms the address with the emailed token, once", async () => {
    const { email, userId, cookie } = await signUp();
    const token = await emailedToken(email, "verify-email");
    // Only the hash is stored.
    expect(await count("email_tokens", "token_hash = ?", await sha256Hex(token))).toBe(1);
    expect(await count("email_tokens", "token_hash = ?", token)).toBe(0);

    const res = await post("/auth/verify-email", { token });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { id: userId, emailVerified: true } });
    expect(await (await me(cookie)).json()).toMatchObject({ emailVerified: true });
    expect((await securityKinds(userId)).at(-1)).toBe("email_verified");

    // Opened again: the account is confirmed already, so it answers the same and logs nothing more.
    const again = await post("/auth/verify-email", { token });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ user: { id: userId, emailVerified: true } });
    expect((await securityKinds(userId)).filter((k) => k === "email_verified")).toHaveLength(1);
  });

  it("spends the older links once the address is confirmed, and logs one confirmation", async () => {
    const { email, userId, cookie } = await signUp();
    expect((await post("/auth/resend-verification", undefined, cookie)).status).toBe(200);
    const [newest, oldest] = await emailedTokens(email, "verify-email");
    expect(oldest).toBeDefined();

    expect((await post("/auth/verify-email", { token: newest })).status).toBe(200);
    expect(
      await count(
        "email_tokens",
        "token_hash = ? AND used_at IS NOT NULL",
        await sha256Hex(oldest as string),
      ),
    ).toBe(1);
    const older = await post("/auth/verify-email", { token: oldest });
    expect(older.status).toBe(200);
    expect(await older.json()).toMatchObject({ user: { id: userId, emailVerified: true } });
    expect((await securityKinds(userId)).filter((k) => k === "email_verified")).toHaveLength(1);
  });

  it("refuses an expired token and leaves the address unconfirmed", async () => {
    const { email, userId } = await signUp();
    const token = await emailedToken(email, "verify-email");
    await env.DB.prepare("UPDATE email_tokens SET expires_at = ? WHERE token_hash = ?")
      .bind(Date.now() - 1, await sha256Hex(token))
      .run();
    const res = await post("/auth/verify-email", { token });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "INVALID_TOKEN" } });
    expect(await verified(userId)).toBeNull();
  });

  it("refuses an unknown token, a missing one and a reset token", async () => {
    const { email, userId } = await signUp();
    expect((await post("/auth/verify-email", { token: "nope" })).status).toBe(400);
    const missing = await post("/auth/verify-email", {});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [{ path: "token" }] },
    });
    await post("/auth/request-password-reset", { email });
    const resetToken = await emailedToken(email, "reset-password");
    expect((await post("/auth/verify-email", { token: resetToken })).status).toBe(400);
    expect(await verified(userId)).toBeNull();
  });

  it("sends a new link on request, and says when there is nothing to confirm", async () => {
    const { email, cookie } = await signUp();
    const first = await emailedToken(email, "verify-email");
    const res = await post("/auth/resend-verification", undefined, cookie);
    expect(res.status).toBe(200);
    const second = await emailedToken(email, "verify-email");
    expect(second).not.toBe(first);

    expect((await post("/auth/verify-email", { token: second })).status).toBe(200);
    const done = await post("/auth/resend-verification", undefined, cookie);
    expect(done.status).toBe(409);
    expect(await done.json()).toMatchObject({ error: { code: "EMAIL_ALREADY_VERIFIED" } });
  });
});

describe("password reset", () => {
  it("answers the same whether or not the account exists, and mails only real accounts", async () => {
    const { email } = await signUp();
    const nobody = uniqueEmail("nobody");
    const known = await post("/auth/request-password-reset", { email });
    const unknown = await post("/auth/request-password-reset", { email: nobody });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(await known.json()).toEqual(await unknown.json());
    expect(await count("email_outbox", "to_address = ? AND subject LIKE '%password%'", email)).toBe(1);
    expect(await count("email_outbox", "to_address = ?", nobody)).toBe(0);
  });

  it("sets the new password, signs out every session, and works only once", async () => {
    const { email, userId, cookie } = await signUp();
    const other = sessionCookie(await logIn(email, PASSWORD)) as string;
    await post("/auth/request-password-reset", { email: email.toUpperCase() });
    const token = await emailedToken(email, "reset-password");

    const res = await post("/auth/reset-password", { token, password: "a brand new passphrase" });
    expect(res.status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
    expect((await me(other)).status).toBe(401);
    expect((await logIn(email, PASSWORD)).status).toBe(401);
    expect((await logIn(email, "a brand new passphrase")).status).toBe(200);
    expect(await securityKinds(userId)).toContain("password_reset");

    const hash = await passwordHash(userId);
    const reused = await post("/auth/reset-password", { token, password: "yet another passphrase" });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: { code: "INVALID_TOKEN" } });
    expect(await passwordHash(userId)).toBe(hash);
  });

  it("spends every other outstanding reset link once one of them is used", async () => {
    const { email } = await signUp();
    // At most RESET_EMAILS_PER_HOUR links go out, however many requests arrive.
    for (let i = 0; i < RESET_EMAILS_PER_HOUR; i++) {
      expect((await post("/auth/request-password-reset", { email })).status).toBe(200);
    }
    const [newest, ...older] = await emailedTokens(email, "reset-password");
    expect(older).toHaveLength(RESET_EMAILS_PER_HOUR - 1);

    expect(
      (await post("/auth/reset-password", { token: newest, password: "a brand new passphrase" })).status,
    ).toBe(200);
    for (const token of older) {
      const res = await post("/auth/reset-password", { token, password: "an attacker's passphrase" });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "INVALID_TOKEN" } });
    }
    expect((await logIn(email, "a brand new passphrase")).status).toBe(200);
  });

  it("refuses an expired token and keeps the old password", async () => {
    const { email, userId, cookie } = await signUp();
    await post("/auth/request-password-reset", { email });
    const token = await emailedToken(email, "reset-password");
    await env.DB.prepare("UPDATE email_tokens SET expires_at = ? WHERE token_hash = ?")
      .bind(Date.now() - 1, await sha256Hex(token))
      .run();
    const hash = await passwordHash(userId);
    const res = await post("/auth/reset-password", { token, password: "a brand new passphrase" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "INVALID_TOKEN" } });
    expect(await passwordHash(userId)).toBe(hash);
    expect((await me(cookie)).status).toBe(200);
  });

  it("refuses a weak or short new password without spending the token", async () => {
    const { email, userId } = await signUp();
    await post("/auth/request-password-reset", { email });
    const token = await emailedToken(email, "reset-password");
    const hash = await passwordHash(userId);

    const weak = await post("/auth/reset-password", { token, password: "qwertyuiop" });
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({ error: { code: "WEAK_PASSWORD" } });
    const short = await post("/auth/reset-password", { token, password: "short" });
    expect(short.status).toBe(400);
    expect(await short.json()).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [{ path: "password" }] },
    });
    expect(await passwordHash(userId)).toBe(hash);

    expect((await post("/auth/reset-password", { token, password: "a brand new passphrase" })).status).toBe(
      200,
    );
  });

  it("answers a bad email with 400 VALIDATION_FAILED", async () => {
    const res = await post("/auth/request-password-reset", { email: "not an email" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [{ path: "email" }] },
    });
  });
});

describe("password change", () => {
  it("needs the current password, revokes other sessions and keeps this browser signed in", async () => {
    const { email, userId, cookie } = await signUp();
    const other = sessionCookie(await logIn(email, PASSWORD)) as string;

    const res = await post(
      "/me/password",
      { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
      cookie,
    );
    expect(res.status).toBe(200);
    const renewed = sessionCookie(res) as string;
    expect(renewed).not.toBe(cookie);
    expect((await me(renewed)).status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
    expect((await me(other)).status).toBe(401);
    expect((await logIn(email, "a brand new passphrase")).status).toBe(200);
    expect(await securityKinds(userId)).toContain("password_changed");
  });

  it("spends the reset links asked for before the change", async () => {
    const { email, cookie } = await signUp();
    await post("/auth/request-password-reset", { email });
    const token = await emailedToken(email, "reset-password");
    const changed = await post(
      "/me/password",
      { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
      cookie,
    );
    expect(changed.status).toBe(200);

    const res = await post("/auth/reset-password", { token, password: "an attacker's passphrase" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "INVALID_TOKEN" } });
    expect((await logIn(email, "a brand new passphrase")).status).toBe(200);
  });

  it("refuses a wrong current password, a weak new one and bad input, changing nothing", async () => {
    const { userId, cookie } = await signUp();
    const hash = await passwordHash(userId);

    const wrong = await post(
      "/me/password",
      { currentPassword: "not my password", newPassword: "a brand new passphrase" },
      cookie,
    );
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ error: { code: "WRONG_PASSWORD" } });

    const weak = await post("/me/password", { currentPassword: PASSWORD, newPassword: "1234567890" }, cookie);
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({
      error: { code: "WEAK_PASSWORD", details: [{ path: "newPassword" }] },
    });

    const missing = await post("/me/password", { currentPassword: PASSWORD }, cookie);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [{ path: "newPassword" }] },
    });

    expect(await passwordHash(userId)).toBe(hash);
    expect((await me(cookie)).status).toBe(200);
  });

  it("refuses the current password as the new one, signing nobody out", async () => {
    const { email, userId, cookie } = await signUp();
    const other = sessionCookie(await logIn(email, PASSWORD)) as string;
    const hash = await passwordHash(userId);

    const res = await post("/me/password", { currentPassword: PASSWORD, newPassword: PASSWORD }, cookie);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: "SAME_PASSWORD", details: [{ path: "newPassword" }] },
    });
    expect(sessionCookie(res)).toBeNull();
    expect((await me(cookie)).status).toBe(200);
    expect((await me(other)).status).toBe(200);
    expect(await passwordHash(userId)).toBe(hash);
    expect(await securityKinds(userId)).not.toContain("password_changed");
  });

  it("cannot be done with an API key", async () => {
    const { auth } = await createUserWithKey();
    const res = await call("/api/v1/me/password", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ currentPassword: "x", newPassword: "a brand new passphrase" }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "SESSION_REQUIRED" } });
  });
});
