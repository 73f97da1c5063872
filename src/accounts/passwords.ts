// Password hashing: PBKDF2-SHA256 from WebCrypto, peppered, stored self-describing as
// `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` so the parameters can change without a migration.
import { hmacSha256 } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { isCommonPassword } from "./common-passwords";

/** Production Workers refuse PBKDF2 above 100,000 iterations (wrangler dev does not): never raise it. */
export const PBKDF2_ITERATIONS = 100_000;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 1024;

const ALGORITHM = "pbkdf2-sha256";
const SALT_BYTES = 16;
const HASH_BITS = 256;

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

// The pepper is an HMAC key rather than a suffix: a stolen database alone cannot be brute-forced
// without the secret, and the PBKDF2 input has a fixed length whatever the password's length.
const pepper = (password: string, secret: string): Promise<ArrayBuffer> => hmacSha256(secret, password);

const derive = async (password: string, secret: string, salt: Uint8Array, iterations: number) => {
  const material = await crypto.subtle.importKey("raw", await pepper(password, secret), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    HASH_BITS,
  );
  return new Uint8Array(bits);
};

export const hashPassword = async (password: string, secret: string): Promise<string> => {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, secret, salt, PBKDF2_ITERATIONS);
  return `${ALGORITHM}$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
};

type Parsed = { iterations: number; salt: Uint8Array; hash: Uint8Array };

const parse = (stored: string): Parsed | null => {
  const [algorithm, iterations, salt, hash, ...rest] = stored.split("$");
  const count = Number(iterations);
  if (algorithm !== ALGORITHM || rest.length > 0 || !Number.isInteger(count) || count < 1) return null;
  if (count > PBKDF2_ITERATIONS) return null; // the runtime would refuse to derive it
  try {
    return { iterations: count, salt: fromBase64(salt ?? ""), hash: fromBase64(hash ?? "") };
  } catch {
    return null;
  }
};

// Verified against when the email is unknown, so that answer costs one full derivation too.
const DECOY = `${ALGORITHM}$${PBKDF2_ITERATIONS}$${toBase64(new Uint8Array(SALT_BYTES))}$${toBase64(new Uint8Array(HASH_BITS / 8))}`;

/**
 * Checks a password against a stored hash (or the decoy when `stored` is null) in constant time.
 * `rehash` is true when the stored parameters differ from today's and the hash should be replaced.
 */
export const verifyPassword = async (
  password: string,
  stored: string | null,
  secret: string,
): Promise<{ ok: boolean; rehash: boolean }> => {
  const parsed = parse(stored ?? DECOY) ?? parse(DECOY);
  if (!parsed) return { ok: false, rehash: false };
  const actual = await derive(password, secret, parsed.salt, parsed.iterations);
  const same =
    actual.byteLength === parsed.hash.byteLength && crypto.subtle.timingSafeEqual(actual, parsed.hash);
  const ok = stored !== null && same;
  return {
    ok,
    rehash: ok && (parsed.iterations !== PBKDF2_ITERATIONS || parsed.salt.byteLength !== SALT_BYTES),
  };
};

/**
 * The rules a new password must meet beyond its length (which the request schemas check); `field` is
 * the request field the password came in, for the error's details.
 */
export const assertAcceptablePassword = (password: string, field = "password") => {
  if (isCommonPassword(password.toLowerCase())) {
    throw new AppError(400, "WEAK_PASSWORD", "This password is too common; choose a less guessable one.", [
      { path: field, message: "Too common or too easy to guess." },
    ]);
  }
};
