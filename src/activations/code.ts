// Finds the verification code in an SMS. Providers send the full text and sometimes their own guess;
// we always extract again so every provider behaves the same. The full text is kept elsewhere: when
// this returns null the customer still reads the message.

// Digit forms other than ASCII that SMS gateways pass through (Arabic-Indic, Persian, full-width).
// Each maps one UTF-16 unit to one, so positions in the text stay valid.
const DIGIT_BLOCKS = [0x0660, 0x06f0, 0xff10];

const asciiDigits = (text: string): string =>
  text.replace(/[\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]/g, (ch) => {
    const cp = ch.charCodeAt(0);
    const block = DIGIT_BLOCKS.find((start) => cp >= start && cp <= start + 9) ?? 0;
    return String(cp - block);
  });

// Words that sit next to a code in real messages, lower-cased; substring match so that inflections
// (подтверждения, verificación) and scripts without spaces (您的验证码是) are covered.
const KEYWORDS = [
  "code",
  "otp",
  "pin",
  "passcode",
  "password",
  "one-time",
  "verif",
  "код",
  "пароль",
  "підтвердж",
  "código",
  "codigo",
  "clave",
  "senha",
  "codice",
  "kode",
  "kod",
  "şifre",
  "mã",
  "kennwort",
  "passwort",
  "mot de passe",
  "验证码",
  "驗證碼",
  "校验码",
  "动态码",
  "確認コード",
  "認証コード",
  "コード",
  "인증번호",
  "인증 번호",
  "رمز",
  "كود",
  "कोड",
  "รหัส",
];

// Separated forms first: "123-456" must win over its halves. Groups of equal length only, so that
// "1234 10 minutes" is not read as one code.
const CANDIDATE = /(?:([A-Z]{1,3})-)?(\d{3}[- ]\d{3}|\d{4}-\d{4}|\d{2}([- ])\d{2}\3\d{2}|\d{4,8})(?!\d)/g;

const CURRENCY_BEFORE = /(?:[$€£¥₹₽₴₸]|\b(?:rs|inr|usd|eur|rub|uah|kzt|idr|rp|r\$))\.?\s?$/i;
const CURRENCY_AFTER =
  /^\s?(?:[$€£¥₹₽₴₸%]|(?:руб|грн|тенге|usd|eur|rub|uah|kzt|idr|inr|rs|dollars?|euros?|reais|pesos?)(?![a-zа-я]))/i;
const YEAR = /^(?:19|20)\d\d$/;

const KEYWORD_WINDOW_BEFORE = 40;
const KEYWORD_WINDOW_AFTER = 30;

type Candidate = { digits: string; start: number; end: number; prefixed: boolean };

const keywordNear = (lower: string, c: Candidate): { before: boolean; after: boolean } => {
  const before = lower.slice(Math.max(0, c.start - KEYWORD_WINDOW_BEFORE), c.start);
  const after = lower.slice(c.end, c.end + KEYWORD_WINDOW_AFTER);
  return {
    before: KEYWORDS.some((k) => before.includes(k)),
    after: KEYWORDS.some((k) => after.includes(k)),
  };
};

// Phone numbers are written in groups ("+1 800 555 0199"): count the digits of the whole run of
// digits, spaces, dashes and brackets around the candidate.
const digitsInRun = (text: string, start: number, end: number): number => {
  let from = start;
  let to = end;
  while (from > 0 && /[\d \-()+]/.test(text[from - 1] ?? "")) from--;
  while (to < text.length && /[\d \-()+]/.test(text[to] ?? "")) to++;
  return text.slice(from, to).replace(/\D/g, "").length;
};

// A candidate glued to other numbers, a URL, an amount, a date or a time is not a code.
const isNoise = (text: string, start: number, end: number): boolean => {
  const prev = text[start - 1] ?? "";
  const prev2 = text[start - 2] ?? "";
  const next = text[end] ?? "";
  const next2 = text[end + 1] ?? "";
  if (/[A-Za-z0-9/=#&_@]/.test(prev)) return true;
  if (/[A-Za-z_]/.test(next)) return true;
  if (/[.,:/-]/.test(prev) && /\d/.test(prev2)) return true;
  if (/[.,:/-]/.test(next) && /\d/.test(next2)) return true;
  if (prev === "+" || digitsInRun(text, start, end) > 8) return true;
  if (CURRENCY_BEFORE.test(text.slice(Math.max(0, start - 5), start))) return true;
  return CURRENCY_AFTER.test(text.slice(end, end + 10));
};

const candidates = (text: string): Candidate[] => {
  const found: Candidate[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const prefix = m[1];
    const body = m[2] ?? "";
    const start = (m.index ?? 0) + (prefix ? prefix.length + 1 : 0);
    const end = start + body.length;
    const noiseStart = prefix ? (m.index ?? 0) : start;
    if (isNoise(text, noiseStart, end)) continue;
    const digits = body.replace(/\D/g, "");
    if (digits.length < 4 || digits.length > 8) continue;
    found.push({ digits, start, end, prefixed: Boolean(prefix) });
  }
  return found;
};

const score = (lower: string, c: Candidate): number => {
  const near = keywordNear(lower, c);
  let s = 0;
  if (near.before) s += 10;
  if (near.after) s += 8;
  if (c.prefixed) s += 3;
  if (YEAR.test(c.digits)) s -= 5;
  return s;
};

/** The verification code in an SMS as a string of digits ("G-123 456" → "123456"), or null. */
export const extractCode = (text: string): string | null => {
  const normalized = asciiDigits(text);
  const lower = normalized.toLowerCase();
  let best: { digits: string; score: number } | null = null;
  for (const c of candidates(normalized)) {
    const s = score(lower, c);
    if (!best || s > best.score) best = { digits: c.digits, score: s };
  }
  return best?.digits ?? null;
};
