// Small WebCrypto helpers shared by accounts, webhooks and the simulator.
const encoder = new TextEncoder();

export const toHex = (buf: ArrayBuffer | Uint8Array): string =>
  [...(buf instanceof Uint8Array ? buf : new Uint8Array(buf))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");

export const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

export const randomToken = (byteLength = 32): string =>
  base64url(crypto.getRandomValues(new Uint8Array(byteLength)));

export const sha256Hex = async (text: string): Promise<string> =>
  toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));

export const hmacSha256 = async (secret: string, message: string): Promise<ArrayBuffer> => {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return crypto.subtle.sign("HMAC", key, encoder.encode(message));
};

export const hmacSha256Hex = async (secret: string, message: string): Promise<string> =>
  toHex(await hmacSha256(secret, message));

/** Compares two strings without leaking where they differ. */
export const timingSafeEqual = (a: string, b: string): boolean => {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  if (x.byteLength !== y.byteLength) return false;
  return crypto.subtle.timingSafeEqual(x, y);
};
