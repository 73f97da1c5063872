// Server-rendered pages (readable without JavaScript, linkable, previewable) share one shell with the
// dashboard's look: its stylesheet and header. No inline script or style, so the site's CSP holds.
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { LANGS } from "../../public/js/i18n/index.js";
import { PAGE_MESSAGES } from "../../public/js/i18n/pages.js";
import type { Env } from "../env";
import { type Lang, translator } from "./i18n";

export type PageOptions = {
  lang: Lang;
  /** The page's own address (path and query), where the language switch comes back to. */
  here: string;
  title: string; // the page's own title; the brand is appended
  description?: string;
  body: HtmlEscapedString | Promise<HtmlEscapedString>;
  /** Extra ES module for progressive enhancement, e.g. "/js/pages/prices.js". */
  script?: string;
};

/** Links that set the language cookie and come back: the switch works without JavaScript. */
const langSwitch = (
  page: PageOptions,
) => html`<nav class="lang-switch" aria-label="${translator(page.lang)("lang.switch")}">
  ${LANGS.map(
    (code) =>
      html`<a class="btn btn-small btn-ghost" lang="${code}" hreflang="${code}" href="/language/${code}?back=${encodeURIComponent(page.here)}"${code === page.lang ? html` aria-current="true"` : ""}>${PAGE_MESSAGES[code]["lang.name"]}</a>`,
  )}
</nav>`;

export const renderPage = (env: Env, page: PageOptions) => {
  const t = translator(page.lang);
  return html`<!doctype html>
<html lang="${page.lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <title>${page.title} · ${env.BRAND_NAME}</title>
    ${page.description ? html`<meta name="description" content="${page.description}" />` : ""}
    <meta property="og:title" content="${page.title} · ${env.BRAND_NAME}" />
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/app.css" />
    ${page.script ? html`<script type="module" src="${page.script}"></script>` : ""}
  </head>
  <body class="static-page">
    <a class="skip-link" href="#main">${t("skip")}</a>
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href="/">${env.BRAND_NAME}</a>
        <nav class="nav" aria-label="${t("nav.main")}">
          <ul>
            <li><a href="/prices">${t("nav.prices")}</a></li>
            <li><a href="/docs">${t("nav.api")}</a></li>
          </ul>
        </nav>
        <div class="session">
          <a class="btn btn-small btn-ghost" href="/login">${t("session.login")}</a>
          <a class="btn btn-small btn-primary" href="/signup">${t("session.signup")}</a>
        </div>
      </div>
    </header>
    <main id="main" class="main" tabindex="-1">${page.body}</main>
    <footer class="footer">
      <div class="footer-inner">
        <p>© ${new Date().getUTCFullYear()} ${env.BRAND_NAME} · ${t("footer.support")} <a href="mailto:${env.SUPPORT_EMAIL}">${env.SUPPORT_EMAIL}</a></p>
        <nav aria-label="${t("footer.legal")}">
          <a href="/prices">${t("footer.prices")}</a>
          <a href="/privacy">${t("footer.privacy")}</a>
          <a href="/terms">${t("footer.terms")}</a>
          <a href="/docs">${t("footer.docs")}</a>
        </nav>
        ${langSwitch(page)}
      </div>
    </footer>
  </body>
</html>`;
};
