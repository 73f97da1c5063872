// The /docs reference page, rendered on the server from the OpenAPI document: no scripts, no CDN, one
// stylesheet of our own (the site's Content-Security-Policy allows nothing else).
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Env } from "../env";
import { COMPAT_TAG } from "./compat";
import { ACTIONS } from "./compat-actions";
import type { OpenApiDocument } from "./openapi-document";

type Html = HtmlEscapedString;
type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  example?: unknown;
  additionalProperties?: Schema | boolean;
};
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type MediaTypes = Record<string, { schema?: Schema }>;
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content?: MediaTypes; required?: boolean };
  responses?: Record<string, { description?: string; content?: MediaTypes }>;
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const MAX_DEPTH = 4;

const h = (strings: TemplateStringsArray, ...values: unknown[]) => html(strings, ...values) as Html;

/** Descriptions are short Markdown-ish prose: `code` spans become <code>, everything else is escaped. */
const prose = (text: string | undefined) =>
  (text ?? "").split("`").map((part, i) => (i % 2 === 1 ? h`<code>${part}</code>` : part));

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

const resolve = (doc: OpenApiDocument, schema: Schema | undefined): Schema | undefined => {
  const name = schema?.$ref?.replace("#/components/schemas/", "");
  return name ? (doc.components?.schemas?.[name] as Schema | undefined) : schema;
};

const typeLabel = (doc: OpenApiDocument, raw: Schema | undefined): string => {
  const schema = resolve(doc, raw);
  if (!schema) return "any";
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map((v) => typeLabel(doc, v)).join(" | ");
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return (
    types.map((t) => (t === "array" ? `array of ${typeLabel(doc, schema.items)}` : t)).join(" | ") || "any"
  );
};

/** The object a schema describes once arrays and nullability are looked through, if it has fields. */
const objectIn = (doc: OpenApiDocument, raw: Schema | undefined): Schema | undefined => {
  const schema = resolve(doc, raw);
  if (!schema) return undefined;
  if (schema.properties) return schema;
  if (schema.items) return objectIn(doc, schema.items);
  for (const variant of schema.anyOf ?? schema.oneOf ?? []) {
    const found = objectIn(doc, variant);
    if (found) return found;
  }
  return undefined;
};

const fields = (doc: OpenApiDocument, raw: Schema | undefined, depth = 0): Html | string => {
  const schema = objectIn(doc, raw);
  if (!schema?.properties || depth >= MAX_DEPTH) return "";
  const required = new Set(schema.required ?? []);
  return h`<ul class="fields">${Object.entries(schema.properties).map(
    ([name, prop]) =>
      h`<li><code>${name}</code> <span class="type">${typeLabel(doc, prop)}</span>${
        required.has(name) ? "" : h` <span class="opt">optional</span>`
      }${resolve(doc, prop)?.description ? h` — ${prose(resolve(doc, prop)?.description)}` : ""}${fields(doc, prop, depth + 1)}</li>`,
  )}</ul>`;
};

const parametersTable = (doc: OpenApiDocument, parameters: Parameter[]) =>
  h`<table><thead><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>${parameters.map(
    (p) =>
      h`<tr><td><code>${p.name}</code>${p.required ? h` <span class="req">required</span>` : ""}</td><td>${
        p.in
      }</td><td>${typeLabel(doc, p.schema)}</td><td>${prose(p.description ?? resolve(doc, p.schema)?.description)}</td></tr>`,
  )}</tbody></table>`;

const bodyBlock = (doc: OpenApiDocument, content: MediaTypes | undefined) =>
  Object.entries(content ?? {}).map(
    ([type, media]) =>
      h`<p class="media">${type}: <span class="type">${typeLabel(doc, media.schema)}</span></p>${fields(doc, media.schema)}`,
  );

const securityLabel = (operation: Operation) => {
  const schemes = (operation.security ?? []).flatMap((s) => Object.keys(s));
  if (operation.security === undefined) return "";
  if (schemes.length === 0) return h`<p class="auth">No authentication.</p>`;
  return h`<p class="auth">Authentication: ${schemes
    .map((s) => (s === "bearerAuth" ? "API key" : s === "cookieAuth" ? "session cookie" : s))
    .join(" or ")}.</p>`;
};

const operationBlock = (doc: OpenApiDocument, path: string, method: string, op: Operation) => {
  const id = slug(`${method} ${path}`);
  return h`<section class="op" id="${id}">
  <h3><a href="#${id}"><span class="method ${method}">${method.toUpperCase()}</span> <code>${path}</code></a></h3>
  ${op.summary ? h`<p class="summary">${prose(op.summary)}</p>` : ""}
  ${op.description ? h`<p>${prose(op.description)}</p>` : ""}
  ${securityLabel(op)}
  ${op.parameters?.length ? parametersTable(doc, op.parameters) : ""}
  ${op.requestBody ? h`<h4>Request body</h4>${bodyBlock(doc, op.requestBody.content)}` : ""}
  <h4>Responses</h4>
  <dl class="responses">${Object.entries(op.responses ?? {}).map(
    ([status, response]) =>
      h`<dt class="s${status.charAt(0)}">${status}</dt><dd>${prose(response.description)}${
        status.startsWith("2") ? bodyBlock(doc, response.content) : ""
      }</dd>`,
  )}</dl>
</section>`;
};

const operationsByTag = (doc: OpenApiDocument) => {
  const byTag = new Map<string, { path: string; method: string; op: Operation }[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { path, method, op }]);
    }
  }
  return byTag;
};

const quickStart = (base: string) => h`<section id="quick-start">
<h2>Quick start</h2>
<p>Create an API key in the dashboard (or <code>POST /api/v1/keys</code> while signed in), then:</p>
<pre><code>export BASE=${base}
export KEY=sk_…

# REST: balance, then rent a Telegram number in country 187 (USA) and wait for its code
curl -s -H "Authorization: Bearer $KEY" $BASE/api/v1/billing/balance
curl -s -X POST -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \\
     -H "Idempotency-Key: order-1" -d '{"service":"tg","country":187}' $BASE/api/v1/activations
# since = the lastSeq of that answer: the wait returns at once if the code already came, else the moment it does
curl -s -H "Authorization: Bearer $KEY" "$BASE/api/v1/activations/act_…/wait?timeout=60&amp;since=&lt;lastSeq&gt;"
curl -s -X POST -H "Authorization: Bearer $KEY" $BASE/api/v1/activations/act_…/finish

# The same with the sms-activate protocol (handler_api.php)
curl -s "$BASE/stubs/handler_api.php?api_key=$KEY&amp;action=getBalance"
curl -s "$BASE/stubs/handler_api.php?api_key=$KEY&amp;action=getNumber&amp;service=tg&amp;country=187"
curl -s "$BASE/stubs/handler_api.php?api_key=$KEY&amp;action=getStatus&amp;id=100042"
curl -s "$BASE/stubs/handler_api.php?api_key=$KEY&amp;action=setStatus&amp;id=100042&amp;status=6"</code></pre>
</section>`;

const conventions = (doc: OpenApiDocument) => h`<section id="conventions">
<h2>Conventions</h2>
<ul>
  <li><strong>Authentication</strong>: <code>Authorization: Bearer sk_…</code> with an API key, or the dashboard's
  session cookie. Managing keys and passwords needs a signed-in session.</li>
  <li><strong>Errors</strong>: <code>{ "error": { "code": "NO_BALANCE", "message": "…", "details": … } }</code> with
  the HTTP status; invalid input is 400 <code>VALIDATION_FAILED</code> with the failing field paths.</li>
  <li><strong>Money</strong>: integer minor units (cents) and a currency code. <strong>Times</strong>: ISO 8601, UTC.</li>
  <li><strong>Idempotency</strong>: send <code>Idempotency-Key</code> when ordering; the same key returns the same activation.</li>
  <li><strong>Rate limits</strong>: per API key, shared by REST and handler_api.php. Over the limit REST answers
  429 <code>RATE_LIMITED</code> with <code>Retry-After</code> (seconds); handler_api.php answers
  <code>TOO_MANY_REQUESTS</code>. Each key's request count is listed with your keys.</li>
  <li>The machine-readable description: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI ${doc.openapi}).</li>
</ul>
</section>`;

const compatActions = () => h`<div id="handler-api">
<h3>Actions</h3>
<p>Existing sms-activate clients work by changing their base URL to this site. Send <code>api_key</code> and
<code>action</code> (plus the action's parameters) in the query string or a form body, by GET or POST; when both
carry a parameter the body wins. A <code>HEAD</code> runs nothing and is answered 405 (<code>Allow: GET, POST</code>).
Answers are plain text, or JSON where the action answers JSON; errors are HTTP 200
with the error word as the body. Activation ids are numbers and only ever refer to your own activations. Amounts
are decimals in the account currency, times <code>YYYY-MM-DD HH:MM:SS</code> in UTC.</p>
<p>On every action: <code>BAD_KEY</code> (missing or wrong key), <code>BAD_ACTION</code> (unknown action),
<code>TOO_MANY_REQUESTS</code> (rate limit), <code>ERROR_SQL</code> (our failure; retry later).</p>
<table class="actions"><thead><tr><th>action</th><th>Parameters</th><th>Answers</th></tr></thead><tbody>${Object.entries(
  ACTIONS,
).map(
  ([name, action]) =>
    h`<tr><td><code>${name}</code></td><td>${action.params || "—"}</td><td>${action.answers}</td></tr>`,
)}</tbody></table>
</div>`;

export const renderDocsPage = (doc: OpenApiDocument, env: Env) => {
  const byTag = operationsByTag(doc);
  const tags = [...byTag.keys()];
  const tagDescription = (tag: string) => doc.tags?.find((t) => t.name === tag)?.description;
  // The protocol's own section comes last: it is the odd one out.
  tags.sort((a, b) => Number(a === COMPAT_TAG) - Number(b === COMPAT_TAG));
  return h`${raw("<!doctype html>")}
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.info.title} reference</title>
<link rel="icon" href="/favicon.svg">
<link rel="stylesheet" href="/docs/docs.css">
</head>
<body>
<nav>
  <p class="brand"><a href="/">${env.BRAND_NAME}</a> API</p>
  <ul>
    <li><a href="#quick-start">Quick start</a></li>
    <li><a href="#conventions">Conventions</a></li>
    ${tags.map((tag) => h`<li><a href="#tag-${slug(tag)}">${tag}</a></li>`)}
  </ul>
</nav>
<main>
<h1>${doc.info.title}</h1>
<p>${prose(doc.info.description)}</p>
${quickStart(env.PUBLIC_URL)}
${conventions(doc)}
${tags.map(
  (tag) =>
    h`<section class="tag" id="tag-${slug(tag)}"><h2>${tag}</h2>${
      tagDescription(tag) ? h`<p>${tagDescription(tag)}</p>` : ""
    }${(byTag.get(tag) ?? []).map(({ path, method, op }) => operationBlock(doc, path, method, op))}${
      tag === COMPAT_TAG ? compatActions() : ""
    }</section>`,
)}
</main>
</body>
</html>`;
};

export const DOCS_CSS = `
:root { --fg: #1d2430; --muted: #5b6575; --line: #dde2ea; --bg: #fff; --soft: #f5f7fa; --accent: #2457c5; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  background: var(--bg); display: grid; grid-template-columns: 240px 1fr; }
nav { position: sticky; top: 0; height: 100vh; overflow: auto; padding: 1.5rem 1rem; background: var(--soft);
  border-right: 1px solid var(--line); }
nav ul { list-style: none; padding: 0; margin: 0; }
nav li a { display: block; padding: .2rem 0; color: var(--fg); text-decoration: none; }
nav li a:hover { color: var(--accent); }
.brand { font-weight: 700; margin: 0 0 1rem; }
.brand a { color: var(--accent); text-decoration: none; }
main { padding: 2rem 3rem; max-width: 980px; }
h1 { margin-top: 0; }
h2 { margin-top: 2.5rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0 0 .4rem; }
h3 a { color: inherit; text-decoration: none; }
h4 { margin: .8rem 0 .3rem; font-size: .9rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
code, pre { font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #0f1720; color: #e6edf3; padding: 1rem; border-radius: 6px; overflow: auto; }
.op { border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; margin: 1rem 0; }
.method { display: inline-block; min-width: 4.2em; text-align: center; border-radius: 4px; padding: 0 .4em;
  color: #fff; font-size: .8rem; }
.method.get { background: #2f7d32; } .method.post { background: #2457c5; } .method.delete { background: #b3261e; }
.method.put, .method.patch { background: #8a5a00; }
.summary { font-weight: 600; margin: .2rem 0; }
.auth, .media { color: var(--muted); margin: .3rem 0; }
.type { color: #6f42c1; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
.opt, .req { font-size: .75rem; color: var(--muted); }
.req { color: #b3261e; }
ul.fields { margin: .2rem 0 .2rem 1rem; padding-left: 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
dl.responses { display: grid; grid-template-columns: 4rem 1fr; gap: .2rem .8rem; margin: 0; }
dl.responses dt { font-weight: 700; } dl.responses dd { margin: 0; }
dt.s2 { color: #2f7d32; } dt.s4 { color: #b3261e; } dt.s5 { color: #8a5a00; }
@media (max-width: 800px) { body { display: block; } nav { position: static; height: auto; } main { padding: 1rem; } }
`;
