// The /docs reference page: rendered by the service from its OpenAPI document, readable without any
// script or outside resource, so it works under the site's Content-Security-Policy.
import { describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/api/compat-actions";
import { call } from "../support";

const page = async () => {
  const res = await call("/docs");
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
  return { res, html: await res.text() };
};

describe("GET /docs", () => {
  it("shows a quick start in curl for REST and handler_api.php", async () => {
    const { html } = await page();
    expect(html).toContain("<h1>SMSPROF API</h1>");
    expect(html).toContain("export BASE=http://localhost:8787");
    expect(html).toContain('curl -s -H "Authorization: Bearer $KEY" $BASE/api/v1/billing/balance');
    expect(html).toContain("$BASE/stubs/handler_api.php?api_key=$KEY&amp;action=getNumber&amp;service=tg");
  });

  it("waits for the code from the order's lastSeq, so a code that already came is answered at once", async () => {
    const { html } = await page();
    const waits = html.match(/\/wait\?[^"]*/g) ?? [];
    expect(waits.length).toBeGreaterThan(0);
    for (const wait of waits) expect(wait).toContain("since=&lt;lastSeq&gt;");
    expect(html).toContain("since = the lastSeq of that answer");
  });

  it("documents every operation of the OpenAPI document", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const { html } = await page();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        expect(html, `${method} ${path}`).toMatch(
          new RegExp(
            `<span class="method ${method}">${method.toUpperCase()}</span> <code>${literal(path)}</code>`,
          ),
        );
      }
    }
  });

  it("lists every handler_api.php action with its answers", async () => {
    const { html } = await page();
    for (const name of Object.keys(ACTIONS)) expect(html).toContain(`<td><code>${name}</code></td>`);
    expect(html).toContain("ACCESS_NUMBER:&lt;id&gt;:&lt;phone digits&gt;");
    expect(html).toContain("BAD_KEY");
  });

  it("loads nothing but its own stylesheet: no scripts, no inline styles, no other site", async () => {
    const { res, html } = await page();
    expect(res.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('<link rel="stylesheet" href="/docs/docs.css">');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const css = await call("/docs/docs.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("Content-Type")).toMatch(/^text\/css/);
    expect(await css.text()).toContain("font");
  });
});

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
