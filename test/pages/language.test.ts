// The server-rendered pages speak the reader's language: the `lang` cookie (set by the switch, here
// or in the dashboard) first, then Accept-Language by its q weights, then English; the switch works
// without JavaScript and never redirects off the site.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { acceptedTags, pickLang } from "../../public/js/i18n/index.js";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";

beforeAll(() => seedCatalogForTests(env));

const page = async (path: string, headers: Record<string, string> = {}) => {
  const res = await call(path, { headers });
  return { res, text: await res.text() };
};

describe("choosing the language of a page", () => {
  it("reads Accept-Language by weight, the first supported language winning", () => {
    expect(acceptedTags("fr-CH, fr;q=0.9, ru;q=0.8, en;q=0.7")).toEqual(["fr-CH", "fr", "ru", "en"]);
    expect(pickLang(acceptedTags("fr-CH, fr;q=0.9, ru;q=0.8, en;q=0.7"))).toBe("ru");
    expect(pickLang(acceptedTags("en;q=0.5, ru-RU"))).toBe("ru");
    expect(pickLang(acceptedTags("ru;q=0, de"))).toBe("en");
    expect(pickLang(acceptedTags(""))).toBe("en");
    expect(pickLang(acceptedTags("*;q=0.1, garbage;;q=x"))).toBe("en");
  });

  it("renders the landing page in Russian for a Russian browser, prices in its format", async () => {
    const { res, text } = await page("/", { "Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Vary")).toContain("Accept-Language");
    expect(text).toContain('<html lang="ru">');
    expect(text).toContain("Получайте SMS с кодами подтверждения на временный номер");
    expect(text).toContain(">Войти</a>");
    expect(text).toContain(">Сервис</a>");
    // The catalog's Russian country names, and money as Russian readers write it ("0,39 $").
    expect(text).toContain("Великобритания");
    expect(text).toMatch(/<td class="num">\d+,\d{2}\s\$<\/td>/);
    expect(text).not.toContain("Receive SMS verification codes");
  });

  it("stays English for an English or unknown browser", async () => {
    for (const accept of ["en-GB,en;q=0.9", "de-DE", ""]) {
      const { text } = await page("/prices", accept ? { "Accept-Language": accept } : {});
      expect(text).toContain('<html lang="en">');
      expect(text).toContain('<h1 id="prices-title">Prices</h1>');
      expect(text).toMatch(/<td class="num">\$\d+\.\d{2}<\/td>/);
    }
  });

  it("lets the cookie from the switch win over the browser's language", async () => {
    const { text } = await page("/prices", { "Accept-Language": "en-US", Cookie: "lang=ru" });
    expect(text).toContain('<html lang="ru">');
    expect(text).toContain('<h1 id="prices-title">Цены</h1>');
    const english = await page("/prices", { "Accept-Language": "ru", Cookie: "lang=en" });
    expect(english.text).toContain('<html lang="en">');
    // An unknown value in the cookie is ignored, not an error.
    const odd = await page("/prices", { "Accept-Language": "ru", Cookie: "lang=xx" });
    expect(odd.res.status).toBe(200);
    expect(odd.text).toContain('<html lang="ru">');
  });

  it("translates the 404 page too", async () => {
    const { res, text } = await page("/no-such-page", { "Accept-Language": "ru" });
    expect(res.status).toBe(404);
    expect(text).toContain("Страница не найдена");
    expect(text).toContain("<code>/no-such-page</code>");
  });

  it("switches without JavaScript: sets the cookie and goes back to the same page", async () => {
    const { text } = await page("/prices?q=tele", { "Accept-Language": "en" });
    expect(text).toContain('href="/language/ru?back=%2Fprices%3Fq%3Dtele"');
    const res = await call("/language/ru?back=%2Fprices%3Fq%3Dtele", { redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/prices?q=tele");
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/^lang=ru;/);
    expect(cookie).toContain("Path=/");
    expect(cookie).toContain("SameSite=Lax");
  });

  it("never sends the switch's reader to another site, and refuses an unknown language", async () => {
    for (const back of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
      const res = await call(`/language/en?back=${encodeURIComponent(back)}`, { redirect: "manual" });
      expect(res.status).toBe(303);
      expect(res.headers.get("Location")).toBe("/");
    }
    const res = await call("/language/xx", { redirect: "manual" });
    expect(res.status).toBe(404);
    expect(res.headers.get("Set-Cookie")).toBeNull();
  });

  it("gives the policy pages a Russian frame and says the binding text is the English original", async () => {
    const pages: [string, string][] = [
      ["/privacy", "Политика конфиденциальности"],
      ["/terms", "Условия использования"],
    ];
    for (const [path, title] of pages) {
      const { res, text } = await page(path, { Cookie: "lang=ru" });
      expect(res.status).toBe(200);
      expect(res.headers.get("Vary")).toContain("Cookie");
      expect(text).toContain('<html lang="ru">');
      expect(text).toContain(`<h1>${title}</h1>`);
      expect(text).toMatch(/Обновлено <time datetime="2026-03-20">20 марта 2026/);
      expect(text).toContain("Этот документ действует на английском языке");
      // The policy itself stays the English original, marked as English for screen readers.
      expect(text).toContain('<div lang="en">');
      expect(text).toContain('aria-label="Правовая информация"');
    }
    const english = await page("/privacy", { "Accept-Language": "en-GB" });
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain("<h1>Privacy Policy</h1>");
    expect(english.text).toContain("Last updated");
    expect(english.text).not.toContain("Этот документ");
    // The language cookie is disclosed where the cookies are.
    expect(english.text).toContain("<code>lang</code>");
  });
});
