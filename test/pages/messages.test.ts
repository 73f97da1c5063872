// The two message catalogues stay in step: the same keys, the same {placeholders} in each message,
// and plural messages with exactly the forms their language needs, chosen as a reader expects.
import { describe, expect, it } from "vitest";
import { en } from "../../public/js/i18n/en.js";
import { type MessageKey, PLURAL_FORMS, translate } from "../../public/js/i18n/index.js";
import { PAGE_MESSAGES } from "../../public/js/i18n/pages.js";
import { ru } from "../../public/js/i18n/ru.js";

const placeholders = (text: string) => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();

describe("the message catalogues", () => {
  it("have exactly the same keys in English and Russian", () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  });

  it("give the Worker's pages the same keys in both languages (its part of each catalogue)", () => {
    expect(Object.keys(PAGE_MESSAGES.ru).sort()).toEqual(Object.keys(PAGE_MESSAGES.en).sort());
  });

  it("use the same placeholders in both languages", () => {
    const differing = (Object.keys(en) as MessageKey[]).filter(
      (key) => placeholders(en[key]).join() !== placeholders(ru[key]).join(),
    );
    expect(differing).toEqual([]);
  });

  it("give plural messages the forms of their language, each naming the count", () => {
    const keys = (Object.keys(en) as MessageKey[]).filter(
      (key) => en[key].includes("|") || ru[key].includes("|"),
    );
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) {
      expect(en[key].split("|"), key).toHaveLength(PLURAL_FORMS.en.length);
      expect(ru[key].split("|"), key).toHaveLength(PLURAL_FORMS.ru.length);
      for (const form of [...en[key].split("|"), ...ru[key].split("|")])
        expect(form, key).toContain("{count}");
    }
    // No message is left empty or untranslated by accident (brand names and codes may match).
    expect((Object.keys(en) as MessageKey[]).filter((key) => !ru[key].trim())).toEqual([]);
  });

  it("choose Russian plurals as a reader expects: один, несколько, много", () => {
    const minutes = (count: number) => translate("ru", "time.minutes", { count });
    expect([1, 2, 4, 5, 11, 12, 14, 20, 21, 22, 25, 101, 111].map(minutes)).toEqual([
      "1 минута",
      "2 минуты",
      "4 минуты",
      "5 минут",
      "11 минут",
      "12 минут",
      "14 минут",
      "20 минут",
      "21 минута",
      "22 минуты",
      "25 минут",
      "101 минута",
      "111 минут",
    ]);
    expect(translate("ru", "keys.requests", { count: 0 })).toBe("0 запросов");
    expect(translate("ru", "buy.inStock", { count: 3 })).toBe("3 номера в наличии");
    expect([1, 2, 0].map((count) => translate("en", "time.seconds", { count }))).toEqual([
      "1 second",
      "2 seconds",
      "0 seconds",
    ]);
  });
});
