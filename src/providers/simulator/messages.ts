import { SERVICES } from "./upstream-data.mjs";

// What a service's verification SMS looks like, so the automatic messages exercise code extraction
// the way real traffic does.
const TEMPLATES: Record<string, (code: string) => string> = {
  tg: (c) => `Telegram code: ${c}\n\nYou can also tap on this link to log in:\nhttps://t.me/login/${c}`,
  wa: (c) => `Your WhatsApp code: ${c.slice(0, 3)}-${c.slice(3)}\nDon't share this code with others`,
  go: (c) => `G-${c} is your Google verification code.`,
  fb: (c) => `FB-${c} is your Facebook confirmation code`,
  ig: (c) => `Use ${c.slice(0, 3)} ${c.slice(3)} to verify your Instagram account.`,
  tw: (c) => `Your X confirmation code is ${c}.`,
  ds: (c) => `Your Discord security code: ${c}`,
  vi: (c) => `Your Viber code is ${c}`,
  wb: (c) => `[WeChat] 验证码：${c}，请勿告诉他人。`,
  am: (c) => `${c} is your Amazon OTP. Do not share it with anyone.`,
  mm: (c) => `Use ${c} as Microsoft account security code`,
  lf: (c) => `[TikTok] ${c} is your verification code, valid for 5 minutes.`,
  ub: (c) => `Your Uber code: ${c}. Never share this code.`,
  wx: (c) => `Your Apple ID Code is: ${c}. Don't share it with anyone.`,
  ts: (c) => `PayPal: Your security code is: ${c}. Your code expires in 10 minutes.`,
  vk: (c) => `VK: ${c} — код для входа. Никому его не сообщайте.`,
  ok: (c) => `Код подтверждения OK: ${c}`,
  ya: (c) => `Ваш код подтверждения Яндекс ID: ${c}`,
};

const CODE_LENGTH: Record<string, number> = { tg: 5, vi: 4, mm: 4, ub: 4, vk: 6 };

const randomDigits = (length: number): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((b) => String(b % 10)).join("");
};

/** A realistic verification SMS for a service, with a fresh random code. */
export const verificationSms = (service: string): string => {
  const code = randomDigits(CODE_LENGTH[service] ?? 6);
  const name = SERVICES[service]?.name ?? "verification";
  const template = TEMPLATES[service] ?? ((c: string) => `Your ${name} code is ${c}. Don't share it.`);
  return template(code);
};
