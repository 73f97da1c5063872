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

// Words that make a nearby number anything but a code: order, tracking and booking numbers.
const NOT_CODE_WORDS = [
  "order",
  "tracking",
  "invoice",
  "booking",
  "ticket",
  "parcel",
  "balance",
  "заказ",
  "посылк",
  "pedido",
  "commande",
  "bestellung",
  "sipariş",
  "订单",
];

// Separated forms first: "123-456" must win over its halves. Groups of equal length only, so that
// "1234 10 minutes" is not read as one code.
const CANDIDATE = /(?:([A-Z]{1,3})-)?(\d{3}[- ]\d{3}|\d{4}-\d{4}|\d{2}([- ])\d{2}\3\d{2}|\d{3,9})(?!\d)/g;
// Letter-and-digit codes (Steam Guard "4KX7P", "AB12CD"): upper case only, so hashes such as
// "Laz+nxCarLW" in app-signature suffixes are never taken.
const ALNUM = /(?<![A-Za-z0-9])(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{4,10}(?![A-Za-z0-9])/g;
// Steam Guard codes may be letters only ("KXPQR"): taken only right after a keyword.
const LETTERS = /(?<![A-Za-z0-9])[A-Z]{5}(?![A-Za-z0-9])/g;
// A code carried in a link: ?code=123456, /login/52614, /verify/AB12CD.
const IN_LINK =
  /(?:[?&#](?:code|otp|pin|verification_code|confirmation_code)=|\/(?:login|verify|verification|code|otp|confirm|activate)\/)([A-Za-z0-9]{3,10})(?![A-Za-z0-9])/gi;

const CURRENCY_BEFORE = /(?:[$€£¥₹₽₴₸]|\b(?:rs|inr|usd|eur|rub|uah|kzt|idr|rp|r\$))\.?\s?$/i;
const CURRENCY_AFTER =
  /^\s?(?:[$€£¥₹₽₴₸%]|(?:руб|грн|тенге|usd|eur|rub|uah|kzt|idr|inr|rs|dollars?|euros?|reais|pesos?)(?![a-zа-я]))/i;
// "valid for 300 seconds", "expires in 15 мин": durations are not codes.
const DURATION_AFTER =
  /^\s?(?:s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?|сек|секунд|мин|минут|час|segundos?|minutos?|秒|分|小时)(?![a-zа-я])/i;
const YEAR = /^(?:19|20)\d\d$/;

const KEYWORD_WINDOW_BEFORE = 40;
const KEYWORD_WINDOW_AFTER = 30;
// Unusual lengths (3 or 9 digits) and letter-only codes need their keyword right before them.
const CLOSE_WINDOW = 20;

type Kind = "digits" | "alnum" | "letters" | "link";
type Candidate = { value: string; start: number; end: number; prefixed: boolean; kind: Kind };

const hasKeyword = (slice: string) => KEYWORDS.some((k) => slice.includes(k));

const keywordNear = (lower: string, c: Candidate) => ({
  before: hasKeyword(lower.slice(Math.max(0, c.start - KEYWORD_WINDOW_BEFORE), c.start)),
  after: hasKeyword(lower.slice(c.end, c.end + KEYWORD_WINDOW_AFTER)),
  closeBefore: hasKeyword(lower.slice(Math.max(0, c.start - CLOSE_WINDOW), c.start)),
  notCode: NOT_CODE_WORDS.some((w) => lower.slice(Math.max(0, c.start - 25), c.end + 15).includes(w)),
});

// Phone numbers are written in groups ("+1 800 555 0199"): count the digits of the whole run of
// digits, spaces, dashes and brackets around the candidate.
const digitsInRun = (text: string, start: number, end: number): number => {
  let from = start;
  let to = end;
  while (from > 0 && /[\d \-()+]/.test(text[from - 1] ?? "")) from--;
  while (to < text.length && /[\d \-()+]/.test(text[to] ?? "")) to++;
  return text.slice(from, to).replace(/\D/g, "").length;
};

// A candidate glued to other numbers, a URL, an amount, a date, a time or a duration is not a code.
const isNoise = (text: string, start: number, end: number, ownDigits: number): boolean => {
  const prev = text[start - 1] ?? "";
  const prev2 = text[start - 2] ?? "";
  const next = text[end] ?? "";
  const next2 = text[end + 1] ?? "";
  if (/[A-Za-z0-9/=#&_@]/.test(prev)) return true;
  if (/[A-Za-z_]/.test(next)) return true;
  if (/[.,:/-]/.test(prev) && /\d/.test(prev2)) return true;
  if (/[.,:/-]/.test(next) && /\d/.test(next2)) return true;
  if (prev === "+" || digitsInRun(text, start, end) > Math.max(8, ownDigits)) return true;
  if (CURRENCY_BEFORE.test(text.slice(Math.max(0, start - 5), start))) return true;
  if (DURATION_AFTER.test(text.slice(end, end + 10))) return true;
  return CURRENCY_AFTER.test(text.slice(end, end + 10));
};

function* digitCandidates(text: string): Generator<Candidate> {
  for (const m of text.matchAll(CANDIDATE)) {
    const prefix = m[1];
    const body = m[2] ?? "";
    const start = (m.index ?? 0) + (prefix ? prefix.length + 1 : 0);
    const end = start + body.length;
    const digits = body.replace(/\D/g, "");
    if (isNoise(text, prefix ? (m.index ?? 0) : start, end, digits.length)) continue;
    yield { value: digits, start, end, prefixed: Boolean(prefix), kind: "digits" };
  }
}

function* wordCandidates(text: string, pattern: RegExp, kind: Kind): Generator<Candidate> {
  for (const m of text.matchAll(pattern)) {
    const start = m.index ?? 0;
    yield { value: m[0], start, end: start + m[0].length, prefixed: false, kind };
  }
}

function* linkCandidates(text: string): Generator<Candidate> {
  for (const m of text.matchAll(IN_LINK)) {
    const value = m[1] ?? "";
    if (!/\d/.test(value)) continue;
    const end = (m.index ?? 0) + m[0].length;
    yield { value, start: end - value.length, end, prefixed: false, kind: "link" };
  }
}

const candidates = (text: string): Candidate[] => [
  ...digitCandidates(text),
  ...wordCandidates(text, ALNUM, "alnum"),
  ...wordCandidates(text, LETTERS, "letters"),
  ...linkCandidates(text),
];

/** How likely a candidate is the code; null when it must not be taken at all. */
const score = (lower: string, c: Candidate, alone: boolean): number | null => {
  const near = keywordNear(lower, c);
  const unusual = c.kind === "digits" && (c.value.length === 3 || c.value.length === 9);
  if ((unusual || c.kind === "letters") && !near.closeBefore) return null;
  if (c.kind === "alnum" && !near.before && !near.after) return null;
  // A number with no keyword near is a code only when nothing else in the text could be, and nothing
  // says it is an order or tracking number ("Your order 58213 has shipped").
  if (c.kind === "digits" && !near.before && !near.after && (!alone || near.notCode)) return null;
  let s = 0;
  if (near.before) s += 10;
  if (near.after) s += 8;
  if (c.kind === "link") s += 9;
  if (c.kind === "digits") s += 1;
  if (c.prefixed) s += 3;
  if (near.notCode) s -= 6;
  if (c.kind === "digits" && YEAR.test(c.value)) s -= 5;
  return s;
};

/**
 * The verification code in an SMS, as the person would type it: digits without their separators
 * ("G-123 456" → "123456") or a letter-and-digit code ("4KX7P"); null when there is none.
 */
export const extractCode = (text: string): string | null => {
  const normalized = asciiDigits(text);
  const lower = normalized.toLowerCase();
  const found = candidates(normalized);
  const alone = new Set(found.map((c) => c.value)).size === 1;
  let best: { value: string; score: number } | null = null;
  for (const c of found) {
    const s = score(lower, c, alone);
    if (s !== null && (!best || s > best.score)) best = { value: c.value, score: s };
  }
  return best?.value ?? null;
};
