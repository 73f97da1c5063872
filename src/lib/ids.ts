// Prefixed random ids (act_…, usr_…): unguessable, never sequential in URLs.
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export const randomString = (length: number): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  // 36 does not divide 256 evenly; the slight bias is irrelevant for identifiers.
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
};

export const newId = (prefix: string): string => `${prefix}_${randomString(20)}`;
