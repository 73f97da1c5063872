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
];

describe("extractCode", () => {
  it.each(cases)("%s", (_label, text, expected) => {
    expect(extractCode(text)).toBe(expected);
  });

  it("keeps codes as strings with their leading zeros", () => {
    expect(extractCode("Your code: 004213")).toBe("004213");
  });
});
