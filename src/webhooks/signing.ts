// Signatures as the Standard Webhooks specification defines them (standardwebhooks.com, "Signature
// scheme"): the signed content is `<webhook-id>.<webhook-timestamp>.<body>`, the key is the base64
// part of the `whsec_…` secret, decoded, and `webhook-signature` carries space-separated `v1,<base64
// HMAC-SHA256>` entries — two during a secret rotation, so receivers holding either secret verify.

const encoder = new TextEncoder();

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

/** A new signing secret: `whsec_` + base64 of 32 random bytes (the spec asks for 24 to 64 bytes). */
export const newSigningSecret = (): string => `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;

const signOne = async (secret: string, content: string): Promise<string> => {
  const key = await crypto.subtle.importKey(
    "raw",
    fromBase64(secret.replace(/^whsec_/, "")),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return `v1,${toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(content))))}`;
};

/** The three headers of one attempt; `timestamp` is Unix seconds. */
export const signedHeaders = async (
  secrets: string[],
  id: string,
  timestamp: number,
  body: string,
): Promise<Record<string, string>> => {
  const content = `${id}.${timestamp}.${body}`;
  const signatures = await Promise.all(secrets.map((secret) => signOne(secret, content)));
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signatures.join(" "),
  };
};
