import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractCode } from "../../src/activations/code";

// Message shapes as services actually send them; the expected code is what a person would type in.
const cases: [string, string, string | null][] = [
  [
    "Telegram",
    "Telegram code: 52614\n\nYou can also tap on this link to log in:\nhttps://t.me/login/52614",
    "52614",
  ],
  ["simulator", "Your Telegram code is 48213. Don't share it.", "48213"],
  ["WhatsApp dashed", "Your WhatsApp code: 123-456\nDon't share this code with others", "123456"],
  [
    "WhatsApp with link",
    "Your WhatsApp code is 482-913 but you can simply tap on this link to verify your device:\nv.whatsapp.com/482913",
    "482913",
  ],
  ["Google prefixed", "G-123456 is your Google verification code.", "123456"],
  ["Facebook FB-", "FB-74632 is your Facebook confirmation code", "74632"],
  ["Facebook plain", "123456 is your Facebook code. Laz+nxCarLW", "123456"],
  ["Instagram spaced", "Use 123 456 to verify your Instagram account.", "123456"],
  ["Twitter", "Your X confirmation code is 739201. Reply STOP to stop.", "739201"],
  ["Discord", "Your Discord security code: 582710", "582710"],
  ["Microsoft", "Use 4823 as Microsoft account security code", "4823"],
  ["Amazon OTP", "123456 is your Amazon OTP. Do not share it with anyone.", "123456"],
  ["Uber", "Your Uber code: 4321. Never share this code. Reply STOP ASAP to unsubscribe.", "4321"],
  ["TikTok bracketed", "[TikTok] 837462 is your verification code, valid for 5 minutes.", "837462"],
  ["Apple", "Your Apple ID Code is: 846271. Don't share it with anyone.", "846271"],
  ["PayPal", "PayPal: Your security code is: 102938. Your code expires in 10 minutes.", "102938"],
  ["Russian", "Код: 1234", "1234"],
  ["Russian sentence", "Ваш код подтверждения: 5678. Никому не сообщайте его.", "5678"],
  ["Russian amount and code", "Списание 1500 руб. Код для подтверждения: 9012", "9012"],
  ["Ukrainian", "Ваш код підтвердження 7340", "7340"],
  ["Spanish", "Tu código de verificación es 482913", "482913"],
  ["Spanish clave", "Tu clave de acceso es 8812. No la compartas.", "8812"],
  ["Portuguese", "Seu código de verificação do Nubank é 392817", "392817"],
  ["Portuguese senha", "Sua senha temporária: 5521", "5521"],
  ["German", "Ihr Bestätigungscode lautet 739104. Geben Sie ihn nicht weiter.", "739104"],
  ["French", "Votre code de vérification est le 847362.", "847362"],
  ["Italian", "Il tuo codice di verifica è 110293", "110293"],
  ["Turkish", "Doğrulama kodunuz: 665432", "665432"],
  ["Indonesian", "Kode verifikasi Anda adalah 9921. Jangan berikan kode ini kepada siapa pun.", "9921"],
  ["Chinese full-width colon", "【微信】验证码：123456，5分钟内有效。", "123456"],
  ["Chinese no separators", "您的验证码是829104请勿泄露", "829104"],
  ["Japanese", "認証コード：5821", "5821"],
  ["Korean", "[Web발신] 인증번호 [482913]를 입력해주세요.", "482913"],
  ["Arabic-Indic digits", "رمز التحقق الخاص بك هو ٤٨٢٩١٣", "482913"],
  ["Full-width digits", "確認コード：７３９１", "7391"],
  ["dashed 4-4", "Your one-time passcode: 1234-5678", "12345678"],
  ["pairs", "Your Viber code is 12 34 56", "123456"],
  ["phone number is not the code", "Call +1 800 555 0199 if this wasn't you. Your code is 7755", "7755"],
  ["phone in Russian format", "Звоните +7 912 345 67 89. Ваш код 2468", "2468"],
  ["amount in dollars", "You paid $2500.00 to Uber. Your receipt code: 99812", "99812"],
  ["year and code", "© 2024 Yandex. Код для входа: 3391", "3391"],
  ["date and time are not codes", "Login on 2024-05-12 at 14:30 from a new device.", null],
  ["order number after hash", "Your order #123456 has shipped.", null],
  ["no digits", "Welcome to Telegram! Reply HELP for help.", null],
  ["only a short number", "Your code expires in 10 minutes.", null],
  ["a bare code", "48213", "48213"],
  // Letter-and-digit codes.
  ["Steam Guard", "Your Steam Guard code is: 4KX7P", "4KX7P"],
  ["Steam Guard letters only", "Steam Guard code: KXPQR", "KXPQR"],
  ["Steam login", "Login Code: F7G2K\nThis is the code you need to log in to your Steam account.", "F7G2K"],
  ["alphanumeric German", "Ihr Bestätigungscode: AB12CD. Gültig für 10 Minuten.", "AB12CD"],
  ["alphanumeric Russian", "Ваш код: X7K9Q2", "X7K9Q2"],
  ["alphanumeric Spanish", "Tu código de acceso es 9HX4T", "9HX4T"],
  // Codes in links.
  ["link only", "Sign in: https://example.com/verify?code=583920", "583920"],
  ["link path", "Tap to log in: https://t.me/login/61524", "61524"],
  ["link French", "Confirmez votre numéro : https://app.example.fr/c?otp=775310&lang=fr", "775310"],
  // Spaced digits and unusual lengths.
  ["spaced code", "Your code is 123 456.", "123456"],
  ["spaced Portuguese", "Seu código: 482 913", "482913"],
  ["three digits", "Your Lyft code is 123", "123"],
  ["three digits Russian", "Код: 581", "581"],
  ["nine digits", "Your verification code: 123456789", "123456789"],
  ["nine digits Chinese", "验证码：918273645，请勿泄露", "918273645"],
  // Numbers that are not codes.
  ["order number", "Your order 58213 has shipped.", null],
  ["order number Spanish", "Tu pedido 58213 ha sido enviado.", null],
  ["order number Russian", "Ваш заказ 58213 отправлен.", null],
  ["tracking number", "Tracking 48213 - your parcel arrives tomorrow.", null],
  ["duration after a keyword", "Your code is valid for 300 seconds.", null],
  ["a long number is no code", "Your code: 1234567890123", null],
];

describe("extractCode", () => {
  it.each(cases)("%s", (_label, text, expected) => {
    expect(extractCode(text)).toBe(expected);
  });

  it("keeps codes as strings with their leading zeros", () => {
    expect(extractCode("Your code: 004213")).toBe("004213");
  });
});

// The code must be something the person can find in the message: the same characters in the same
// order, with at most a space or a dash between them (digit forms other than ASCII are read as digits).
const foundIn = (code: string, text: string): boolean => {
  const ascii = text.replace(/[\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]/g, (ch) => {
    const cp = ch.charCodeAt(0);
    const base = cp >= 0xff10 ? 0xff10 : cp >= 0x06f0 ? 0x06f0 : 0x0660;
    return String(cp - base);
  });
  const pattern = [...code].map((ch) => ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[- ]?");
  return new RegExp(pattern).test(ascii);
};

describe("extractCode properties", () => {
  // A fixed seed keeps CI deterministic; failures print the counterexample to add to the table.
  const params = { seed: 1515, numRuns: 2000 };
  const words = fc.constantFrom(
    "code",
    "Your",
    "is",
    "код",
    "order",
    "G-",
    "https://x.io/login/",
    "?code=",
    " ",
    "\n",
    ":",
    "-",
    "#",
    "$",
    "+1",
    "验证码",
    "ID",
  );
  const pieces = fc.oneof(
    fc.string(),
    fc.stringMatching(/^[A-Z0-9]{1,10}$/),
    fc.stringMatching(/^\d{1,12}$/),
    words,
    fc.string({ unit: "binary", maxLength: 8 }),
  );
  const messages = fc.oneof(
    fc.string({ unit: "binary", maxLength: 300 }),
    fc.array(pieces, { maxLength: 30 }).map((p) => p.join(" ")),
  );

  it("never throws and returns only text the message contains", () => {
    fc.assert(
      fc.property(messages, (text) => {
        const code = extractCode(text);
        if (code !== null) {
          expect(code.length).toBeGreaterThanOrEqual(3);
          expect(foundIn(code, text), `${JSON.stringify(code)} in ${JSON.stringify(text)}`).toBe(true);
        }
      }),
      params,
    );
  });

  it("finds a code written after a keyword, whatever surrounds it", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{4,8}$/),
        fc.constantFrom("Hello. ", "", "Telegram: "),
        (code, lead) => {
          expect(extractCode(`${lead}Your code is ${code}. Do not share it.`)).toBe(code);
        },
      ),
      params,
    );
  });
});
