// /privacy and /terms: the policies as server-rendered pages (readable without JavaScript, linkable),
// each from its versioned source document, with the deployment's own processors and retention. The
// page's chrome follows the reader's language; the policy text itself is the English original (one
// binding text per version), and a Russian reader is told so at the top.
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../env";
import { pageLang } from "../pages/i18n";
import { renderPage } from "../pages/layout";
import { pageFacts } from "./facts";
import { DOCUMENTS, type DocumentName } from "./policy";

const longDate = (day: string, lang: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(lang === "ru" ? "ru-RU" : "en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });

const documentPage = (c: Context<AppEnv>, name: DocumentName) => {
  const { lang, t, here } = pageLang(c);
  const doc = DOCUMENTS[name];
  const title = t(name === "privacy" ? "footer.privacy" : "footer.terms");
  return renderPage(c.env, {
    lang,
    here,
    title,
    description: t("legal.description", { title, brand: c.env.BRAND_NAME, version: doc.version }),
    body: html`<article class="legal card">
      <h1>${title}</h1>
      <p class="muted">
        ${t("legal.updated")} <time datetime="${doc.lastUpdated}">${longDate(doc.lastUpdated, lang)}</time> · ${t("legal.version", { version: doc.version })}
      </p>
      ${lang === "en" ? "" : html`<p class="notice" lang="${lang}">${t("legal.englishOnly")}</p>`}
      <div lang="en">${doc.body(pageFacts(c.env))}</div>
    </article>`,
  });
};

export const legalPages = new Hono<AppEnv>();
legalPages.get("/privacy", (c) => c.html(documentPage(c, "privacy")));
legalPages.get("/terms", (c) => c.html(documentPage(c, "terms")));
