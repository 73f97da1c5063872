// Optional two-factor sign-in: TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, one step of
// clock drift either way) with ten single-use recovery codes. The secret is stored encrypted
// (AES-GCM, key derived from PASSWORD_PEPPER), so the database alone cannot mint codes; a code is
// accepted once (the step it matched is remembered), and recovery codes are stored hashed.
import { and, count, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { recoveryCodes, totpFactors } from "../db/schema";
import type { Env } from "../env";
import { sha256Hex } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { now } from "../lib/time";

const STEP_SECONDS = 30;
const DIGITS = 6;
const DRIFT_STEPS = 1;
const RECOVERY_CODES = 10;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export const base32Encode = (bytes: Uint8Array) => {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
};

export const base32Decode = (text: string) => {
  const clean = text.replace(/[\s=-]/g, "").toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index === -1) throw new Error("not base32");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
};

/** HOTP (RFC 4226) of one counter value. */
export const hotp = async (secret: Uint8Array, counter: number, digits = DIGITS) => {
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const message = new DataView(new ArrayBuffer(8));
  message.setUint32(0, Math.floor(counter / 2 ** 32));
  message.setUint32(4, counter >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message.buffer));
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) |
    ((mac[offset + 1] ?? 0) << 16) |
    ((mac[offset + 2] ?? 0) << 8) |
    (mac[offset + 3] ?? 0);
  return String(binary % 10 ** digits).padStart(digits, "0");
};

export const stepAt = (ms: number) => Math.floor(ms / 1000 / STEP_SECONDS);

/** The step a code belongs to, within the allowed drift, or null. */
export const matchingStep = async (secret: Uint8Array, code: string, at: number) => {
  if (!/^\d{6}$/.test(code)) return null;
  const current = stepAt(at);
  for (let delta = -DRIFT_STEPS; delta <= DRIFT_STEPS; delta++) {
    if ((await hotp(secret, current + delta)) === code) return current + delta;
  }
  return null;
};

// ── the secret at rest ──

const secretKey = async (env: Env) => {
  const base = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(env.PASSWORD_PEPPER),
    "HKDF",
    false,
    ["deriveKey"],
  );
  return crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: new Uint8Array(0),
      info: new TextEncoder().encode("smsprof totp secret"),
    },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
};

const seal = async (env: Env, secret: Uint8Array) => {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await secretKey(env), secret),
  );
  return `${btoa(String.fromCharCode(...iv))}.${btoa(String.fromCharCode(...sealed))}`;
};

const open = async (env: Env, stored: string) => {
  const [iv, sealed] = stored.split(".").map((part) => Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
  if (!iv || !sealed) throw new Error("malformed TOTP secret");
  return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv }, await secretKey(env), sealed));
};

// ── the factor's life ──

const factorOf = (db: Db, userId: string) =>
  db.select().from(totpFactors).where(eq(totpFactors.userId, userId)).get();

export const totpStatus = async (db: Db, userId: string) => {
  const factor = await factorOf(db, userId);
  const left = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
    .get();
  return {
    enabled: Boolean(factor?.confirmedAt),
    recoveryCodesLeft: factor?.confirmedAt ? (left?.n ?? 0) : 0,
  };
};

/** A fresh secret to scan; it protects nothing until confirmed with a code from the app. */
export const startTotpSetup = async (db: Db, env: Env, userId: string, email: string) => {
  const existing = await factorOf(db, userId);
  if (existing?.confirmedAt) {
    throw new AppError(409, "TOTP_ALREADY_ENABLED", "Two-factor sign-in is already on. Turn it off first.");
  }
  const secret = crypto.getRandomValues(new Uint8Array(20));
  const stored = await seal(env, secret);
  await db
    .insert(totpFactors)
    .values({ userId, secret: stored, confirmedAt: null, lastStep: 0, createdAt: now() })
    .onConflictDoUpdate({
      target: totpFactors.userId,
      set: { secret: stored, lastStep: 0, createdAt: now() },
    });
  const base32 = base32Encode(secret);
  const label = encodeURIComponent(`${env.BRAND_NAME}:${email}`);
  const issuer = encodeURIComponent(env.BRAND_NAME);
  return {
    secret: base32,
    otpauthUri: `otpauth://totp/${label}?secret=${base32}&issuer=${issuer}&algorithm=SHA1&digits=${DIGITS}&period=${STEP_SECONDS}`,
  };
};

const invalidCode = () =>
  new AppError(400, "TOTP_INVALID", "That code is not right. Use the current code from your app.");

/** Accepts `code` once: the factor's last step only moves forward, in one conditional UPDATE. */
const spendCode = async (db: Db, env: Env, userId: string, code: string) => {
  const factor = await factorOf(db, userId);
  if (!factor) return false;
  const step = await matchingStep(await open(env, factor.secret), code, now());
  if (step === null) return false;
  const spent = await db
    .update(totpFactors)
    .set({ lastStep: step })
    .where(and(eq(totpFactors.userId, userId), sql`${totpFactors.lastStep} < ${step}`));
  return spent.meta.changes > 0;
};

const newRecoveryCode = () => {
  const raw = base32Encode(crypto.getRandomValues(new Uint8Array(5))).toLowerCase();
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}`;
};

/** Turns the factor on with a first code; answers the recovery codes, shown this once. */
export const confirmTotp = async (db: Db, env: Env, userId: string, code: string) => {
  const factor = await factorOf(db, userId);
  if (!factor)
    throw new AppError(409, "TOTP_NOT_STARTED", "Start the set-up first: there is no secret to confirm.");
  if (factor.confirmedAt)
    throw new AppError(409, "TOTP_ALREADY_ENABLED", "Two-factor sign-in is already on.");
  if (!(await spendCode(db, env, userId, code))) throw invalidCode();
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  const at = now();
  await db.batch([
    db.update(totpFactors).set({ confirmedAt: at }).where(eq(totpFactors.userId, userId)),
    db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
    db
      .insert(recoveryCodes)
      .values(
        await Promise.all(
          codes.map(async (c) => ({ userId, codeHash: await sha256Hex(c), usedAt: null, createdAt: at })),
        ),
      ),
  ]);
  return codes;
};

export const isTotpEnabled = async (db: Db, userId: string) =>
  Boolean((await factorOf(db, userId))?.confirmedAt);

/**
 * The second step of a sign-in (or of turning the factor off): a current code, or an unused
 * recovery code, which is then spent. Returns which one was used.
 */
export const checkSecondFactor = async (
  db: Db,
  env: Env,
  userId: string,
  input: { totpCode?: string; recoveryCode?: string },
): Promise<"totp" | "recovery"> => {
  if (input.totpCode) {
    if (await spendCode(db, env, userId, input.totpCode.replace(/\s/g, ""))) return "totp";
    throw invalidCode();
  }
  if (input.recoveryCode) {
    const hash = await sha256Hex(input.recoveryCode.trim().toLowerCase());
    const spent = await db
      .update(recoveryCodes)
      .set({ usedAt: now() })
      .where(
        and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hash), isNull(recoveryCodes.usedAt)),
      );
    if (spent.meta.changes > 0) return "recovery";
    throw new AppError(
      400,
      "RECOVERY_CODE_INVALID",
      "That recovery code is not right, or it was used already.",
    );
  }
  throw new AppError(401, "TOTP_REQUIRED", "Enter the code from your authenticator app, or a recovery code.");
};

export const disableTotp = async (db: Db, userId: string) => {
  await db.batch([
    db.delete(totpFactors).where(eq(totpFactors.userId, userId)),
    db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
  ]);
};
