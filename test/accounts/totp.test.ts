// Two-factor sign-in: the TOTP algorithm against RFC 6238's published vectors, then the set-up,
// the sign-in that asks for a code, replays, recovery codes and turning it off, through HTTP.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, hotp, stepAt } from "../../src/accounts/totp";
import { call, createUserWithKey } from "../support";
import { browser, PASSWORD, securityKinds, sessionCookie, signUp } from "./helpers";

const code = (secret: string, at = Date.now()) => hotp(base32Decode(secret), stepAt(at));

const post = (cookie: string, path: string, body: unknown = {}) =>
  call(`/api/v1${path}`, browser("POST", { cookie, body }));

const login = (email: string, extra: Record<string, string> = {}) =>
  call("/api/v1/auth/login", browser("POST", { body: { email, password: PASSWORD, ...extra } }));

/** A signed-up account with two-factor sign-in on; returns its secret and recovery codes. */
const withTotp = async () => {
  const account = await signUp();
  const setup = await post(account.cookie, "/me/totp/setup");
  expect(setup.status).toBe(200);
  const { secret, otpauthUri } = (await setup.json()) as { secret: string; otpauthUri: string };
  // Key URI format: "issuer:account", the colon URL-encoded.
  expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/SMSPROF%3A.+\?secret=[A-Z2-7]+&issuer=SMSPROF/);
  // The code of the previous step: the next sign-in can use the current one.
  const enable = await post(account.cookie, "/me/totp/enable", {
    code: await code(secret, Date.now() - 30_000),
  });
  expect(enable.status).toBe(200);
  const { recoveryCodes } = (await enable.json()) as { recoveryCodes: string[] };
  return { ...account, secret, recoveryCodes };
};

describe("TOTP, the algorithm", () => {
  it("matches RFC 6238's SHA-1 test vectors", async () => {
    // RFC 6238 appendix B: secret "12345678901234567890", 8 digits.
    const secret = new TextEncoder().encode("12345678901234567890");
    const vectors: [number, string][] = [
      [59, "94287082"],
      [1111111109, "07081804"],
      [1111111111, "14050471"],
      [1234567890, "89005924"],
      [2000000000, "69279037"],
      [20000000000, "65353130"],
    ];
    for (const [seconds, want] of vectors) expect(await hotp(secret, stepAt(seconds * 1000), 8)).toBe(want);
  });

  it("round-trips base32 (RFC 4648)", () => {
    expect(base32Encode(new TextEncoder().encode("foobar"))).toBe("MZXW6YTBOI");
    expect(new TextDecoder().decode(base32Decode("MZXW6YTBOI"))).toBe("foobar");
  });
});

describe("two-factor sign-in", () => {
  it("asks for a code after the right password, and signs in with it once", async () => {
    const { email, secret, userId } = await withTotp();
    const asked = await login(email);
    expect(asked.status).toBe(401);
    expect(await asked.json()).toMatchObject({ error: { code: "TOTP_REQUIRED" } });
    expect(sessionCookie(asked)).toBeNull();
    const wrong = await login(email, { totpCode: "000000" === (await code(secret)) ? "111111" : "000000" });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { code: "TOTP_INVALID" } });
    const current = await code(secret);
    const ok = await login(email, { totpCode: current });
    expect(ok.status).toBe(200);
    expect(sessionCookie(ok)).toBeTruthy();
    // The same code again is a replay.
    const replay = await login(email, { totpCode: current });
    expect(replay.status).toBe(400);
    expect(await securityKinds(userId)).toContain("totp_enabled");
  });

  it("takes each recovery code once", async () => {
    const { email, recoveryCodes } = await withTotp();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const first = recoveryCodes[0] as string;
    expect((await login(email, { recoveryCode: first.toUpperCase() })).status).toBe(200);
    const again = await login(email, { recoveryCode: first });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: { code: "RECOVERY_CODE_INVALID" } });
  });

  it("keeps the secret sealed at rest and the recovery codes hashed", async () => {
    const { userId, secret, recoveryCodes } = await withTotp();
    const row = await env.DB.prepare("SELECT secret FROM totp_factors WHERE user_id = ?")
      .bind(userId)
      .first<{ secret: string }>();
    expect(row?.secret).not.toContain(secret);
    const hashes = await env.DB.prepare("SELECT code_hash FROM recovery_codes WHERE user_id = ?")
      .bind(userId)
      .all<{ code_hash: string }>();
    expect(hashes.results.map((r) => r.code_hash)).not.toContain(recoveryCodes[0]);
  });

  it("refuses a wrong first code, and a second set-up while on", async () => {
    const { cookie } = await signUp();
    await post(cookie, "/me/totp/setup");
    const wrong = await post(cookie, "/me/totp/enable", { code: "12345" });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const notOn = await call("/api/v1/me/totp", browser("GET", { cookie }));
    expect(await notOn.json()).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    const on = await withTotp();
    const twice = await post(on.cookie, "/me/totp/setup");
    expect(twice.status).toBe(409);
  });

  it("turns off only with a code, then signs in with the password alone", async () => {
    const { cookie, email, secret } = await withTotp();
    const bare = await post(cookie, "/me/totp/disable", {});
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ error: { code: "TOTP_REQUIRED" } });
    const off = await post(cookie, "/me/totp/disable", { code: await code(secret) });
    expect(off.status).toBe(200);
    expect(await off.json()).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    expect((await login(email)).status).toBe(200);
  });

  it("is managed from a browser session only", async () => {
    const { auth } = await createUserWithKey();
    const res = await call("/api/v1/me/totp/setup", { method: "POST", headers: auth });
    expect(res.status).toBe(403);
  });
});
