// /privacy and /terms: the policies as server-rendered pages (readable without JavaScript, linkable),
// each from its versioned source document, with the deployment's own processors and retention.
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv, Env } from "../env";
import { renderPage } from "../pages/layout";
import { pageFacts } from "./facts";
import { DOCUMENTS, type DocumentName } from "./policy";

const longDate = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });

const documentPage = (env: Env, name: DocumentName) => {
  const doc = DOCUMENTS[name];
  return renderPage(env, {
    title: doc.title,
    description: `${doc.title} of ${env.BRAND_NAME}, version ${doc.version}.`,
    body: html`<article class="legal card">
      <h1>${doc.title}</h1>
      <p class="muted">
        Last updated <time datetime="${doc.lastUpdated}">${longDate(doc.lastUpdated)}</time> · version ${doc.version}
      </p>
      ${doc.body(pageFacts(env))}
    </article>`,
  });
};

export const legalPages = new Hono<AppEnv>();
legalPages.get("/privacy", (c) => c.html(documentPage(c.env, "privacy")));
legalPages.get("/terms", (c) => c.html(documentPage(c.env, "terms")));
