// Password storage: PBKDF2-SHA256 within the Workers cap, peppered, self-describing, upgraded on login.
import { env } from "cloudflare:test";
import type { Context } from "hono";
import { describe, expect, it } from "vitest";
import { requireVerifiedEmail } from "../../src/accounts/auth";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../../src/accounts/passwords";
import type { AppEnv } from "../../src/env";
import { logIn, PASSWORD, signUp } from "./helpers";

const storedHash = async (userId: string) =>
  (
    await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?")
      .bind(userId)
      .first<{ password_hash: string }>()
  )?.password_hash as string;

// The documented scheme, written out independently: HMAC-SHA256(pepper, password) is the PBKDF2 key.
const legacyHash = async (password: string, iterations: number) => {
  const enc = new TextEncoder();
  const hmacKey = await crypto.subtle.importKey(
    "raw",
    enc.encode(env.PASSWORD_PEPPER),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const peppered = await crypto.subtle.sign("HMAC", hmacKey, enc.encode(password));
  const material = await crypto.subtle.importKey("raw", peppered, "PBKDF2", false, ["deriveBits"]);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    256,
  );
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  return `pbkdf2-sha256$${iterations}$${b64(salt)}$${b64(new Uint8Array(bits))}`;
};

describe("password hashing", () => {
  it("stays within the 100,000 PBKDF2 iterations production Workers allow", () => {
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(100_000);
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(100_000);
  });

  it("salts every hash and verifies only the right password", async () => {
    const a = await hashPassword(PASSWORD, env.PASSWORD_PEPPER);
    const b = await hashPassword(PASSWORD, env.PASSWORD_PEPPER);
    expect(a).not.toBe(b);
    expect(a).toMatch(
      new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}=$`),
    );
    expect(await verifyPassword(PASSWORD, a, env.PASSWORD_PEPPER)).toEqual({ ok: true, rehash: false });
    expect((await verifyPassword("wrong password", a, env.PASSWORD_PEPPER)).ok).toBe(false);
  });

  it("needs the pepper: the same hash does not verify under another secret", async () => {
    const hash = await hashPassword(PASSWORD, env.PASSWORD_PEPPER);
    expect((await verifyPassword(PASSWORD, hash, "another pepper")).ok).toBe(false);
  });

  it("treats a missing or malformed stored hash as a failure, never an error", async () => {
    for (const stored of [
      null,
      "",
      "pbkdf2-sha256$100000$unused$unused",
      "bcrypt$10$x$y",
      "pbkdf2-sha256$9999999$AA==$AA==",
    ]) {
      expect((await verifyPassword(PASSWORD, stored, env.PASSWORD_PEPPER)).ok).toBe(false);
    }
  });

  it("rehashes a password stored with older parameters on the next login", async () => {
    const { email, userId } = await signUp();
    const old = await legacyHash(PASSWORD, 1_000);
    await env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(old, userId).run();

    expect((await logIn(email, PASSWORD)).status).toBe(200);
    const upgraded = await storedHash(userId);
    expect(upgraded).not.toBe(old);
    expect(upgraded.startsWith(`pbkdf2-sha256$${PBKDF2_ITERATIONS}$`)).toBe(true);
    expect((await logIn(email, PASSWORD)).status).toBe(200);
    expect(await storedHash(userId)).toBe(upgraded);
  });

  it("does not touch the stored hash after a failed login", async () => {
    const { email, userId } = await signUp();
    const old = await legacyHash(PASSWORD, 1_000);
    await env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(old, userId).run();
    expect((await logIn(email, "not the password")).status).toBe(401);
    expect(await storedHash(userId)).toBe(old);
  });
});

describe("requireVerifiedEmail", () => {
  const contextFor = (flag: string, emailVerified: boolean) =>
    ({
      env: { ...env, REQUIRE_EMAIL_VERIFICATION: flag },
      get: () => ({ id: "usr_x", email: "x@example.com", emailVerified, frozen: false }),
    }) as unknown as Context<AppEnv>;

  it("refuses an unverified user only when REQUIRE_EMAIL_VERIFICATION is on", () => {
    expect(() => requireVerifiedEmail(contextFor("true", false))).toThrow(
      expect.objectContaining({ status: 403, code: "EMAIL_NOT_VERIFIED" }),
    );
    expect(() => requireVerifiedEmail(contextFor("true", true))).not.toThrow();
    expect(() => requireVerifiedEmail(contextFor("false", false))).not.toThrow();
  });
});
