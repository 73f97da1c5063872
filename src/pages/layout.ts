// Server-rendered pages (readable without JavaScript, linkable, previewable) share one shell with the
// dashboard's look: its stylesheet and header. No inline script or style, so the site's CSP holds.
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Env } from "../env";

export type PageOptions = {
  title: string; // the page's own title; the brand is appended
  description?: string;
  body: HtmlEscapedString | Promise<HtmlEscapedString>;
  /** Extra ES module for progressive enhancement, e.g. "/js/pages/prices.js". */
  script?: string;
};

export const renderPage = (env: Env, page: PageOptions) => html`<!doctype html>
<html lang="en">
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
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href="/">${env.BRAND_NAME}</a>
        <nav class="nav" aria-label="Main">
          <ul>
            <li><a href="/prices">Prices</a></li>
            <li><a href="/docs">API</a></li>
          </ul>
        </nav>
        <div class="session">
          <a class="btn btn-small btn-ghost" href="/login">Log in</a>
          <a class="btn btn-small btn-primary" href="/signup">Sign up</a>
        </div>
      </div>
    </header>
    <main id="main" class="main" tabindex="-1">${page.body}</main>
    <footer class="footer">
      <div class="footer-inner">
        <p>© ${new Date().getUTCFullYear()} ${env.BRAND_NAME} · Support: <a href="mailto:${env.SUPPORT_EMAIL}">${env.SUPPORT_EMAIL}</a></p>
        <nav aria-label="Legal">
          <a href="/prices">Prices</a>
          <a href="/privacy">Privacy Policy</a>
          <a href="/terms">Terms of Service</a>
          <a href="/docs">API docs</a>
        </nav>
      </div>
    </footer>
  </body>
</html>`;
