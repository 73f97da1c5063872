// Fuzzing from the OpenAPI document: every operation it lists, and every handler_api.php action,
// gets generated bad input — wrong types, overlong and odd strings, broken encodings, wrong content
// types, junk paths — as a signed-in customer (session and API key) and as nobody. Any 5xx, any
// non-JSON answer under /api, any ERROR_SQL from handler_api.php and any logged unhandled error fails.
// Deterministic: a fixed seed, a bounded number of runs per operation.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ACTIONS } from "../../src/api/compat-actions";
import { ORIGIN } from "../accounts/helpers";
import { call, createUserWithKey, createUserWithSession } from "../support";
import { seedCatalogForTests } from "../support-catalog";

const SEED = 15_2026;
const RUNS_PER_OPERATION = 12;
const RUNS_PER_ACTION = 25;

type Operation = {
  method: string;
  path: string;
  params: Array<{ name: string; in: string }>;
  bodyFields: string[];
};

// Every log line of the Worker passes through console.log in this isolate.
const logged: string[] = [];
beforeAll(async () => {
  await seedCatalogForTests(env);
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    logged.push(args.map(String).join(" "));
  });
});
afterAll(() => vi.restoreAllMocks());

const unhandled = () =>
  logged.filter((l) => l.includes('"event":"unhandled_error"') || l.includes('"event":"compat_error"'));

const operations = async (): Promise<Operation[]> => {
  const res = await call("/api/v1/openapi.json");
  expect(res.status).toBe(200);
  const doc = (await res.json()) as {
    paths: Record<string, Record<string, { parameters?: Operation["params"]; requestBody?: unknown }>>;
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const body = JSON.stringify(op.requestBody ?? {});
      const bodyFields = [
        ...body.matchAll(/"properties":\{((?:"[^"]+":\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\},?)*)\}/g),
      ]
        .flatMap((m) => [...(m[1] ?? "").matchAll(/"([A-Za-z_][A-Za-z0-9_]*)":\{/g)].map((f) => f[1] ?? ""))
        .filter(Boolean);
      ops.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        bodyFields: [...new Set(bodyFields)],
      });
    }
  }
  return ops;
};

// Strings that have broken parsers before: empty, huge, control and odd Unicode, numbers that are not.
const junkString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "null",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9007199254740993",
    "act_",
    "../../etc/passwd",
    "%00",
    "\u0000",
    "\ud800",
    "😀",
    "' OR 1=1 --",
    "<script>",
    "a".repeat(5000),
  ),
);
const junkValue = fc.oneof(
  junkString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

const encodePathValue = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return "%ZZ"; // a lone surrogate cannot be encoded: send a broken escape instead
  }
};

type Body = { contentType: string | null; bytes: Uint8Array | string };
const bodyFor = (fields: string[]): fc.Arbitrary<Body> => {
  const asJson = (value: unknown): Body => ({
    contentType: "application/json",
    bytes: JSON.stringify(value) ?? "null",
  });
  return fc.oneof(
    // The operation's own fields, with values of any type.
    (fields.length > 0
      ? fc.record(Object.fromEntries(fields.map((f) => [f, junkValue])), { requiredKeys: [] })
      : fc.dictionary(fc.string({ maxLength: 8 }), junkValue, { maxKeys: 4 })
    ).map(asJson),
    fc.jsonValue({ maxDepth: 3 }).map(asJson),
    fc.string({ maxLength: 60 }).map((s) => ({ contentType: "application/json", bytes: s })),
    fc.uint8Array({ maxLength: 60 }).map((b) => ({ contentType: "application/json", bytes: b })),
    fc.constant({ contentType: "application/json", bytes: `{"x":"${"y".repeat(70_000)}"}` }),
    junkString.map((s) => ({
      contentType: "application/x-www-form-urlencoded",
      bytes: `a=${encodePathValue(s)}`,
    })),
    fc.constant({ contentType: "multipart/form-data; boundary=zz", bytes: "--zz\r\nbroken" }),
    fc.constant({ contentType: "text/plain", bytes: "hello" }),
    fc.constant({ contentType: null, bytes: "" }),
  );
};

type Who = "nobody" | "session" | "key";

const problems: string[] = [];
beforeEach(() => {
  problems.length = 0;
  logged.length = 0;
});
const check = async (label: string, res: Response, underApi: boolean) => {
  const text = await res.text();
  if (res.status >= 500) problems.push(`${label} → ${res.status} ${text.slice(0, 200)}`);
  const type = res.headers.get("Content-Type") ?? "";
  if (underApi && res.status !== 204 && res.status !== 101 && !type.startsWith("application/json")) {
    problems.push(`${label} → ${res.status} answered ${type || "no type"}`);
  }
};

describe("fuzzing", () => {
  it("every operation of the OpenAPI document survives generated bad input", async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(20);
    // The customers made straight in D1 are signed in for real: their cookie opens /me.
    const probe = await createUserWithSession();
    expect((await call("/api/v1/me", { headers: { Cookie: probe.cookie, Origin: ORIGIN } })).status).toBe(
      200,
    );
    for (const [index, op] of ops.entries()) {
      // A fresh customer per operation: one that logs out or deletes keys spoils no other. Made
      // straight in D1 (signup itself is one of the operations fuzzed here).
      const person = await createUserWithSession();
      const { key } = await createUserWithKey({ available: 5000 });
      const headersFor = (who: Who): Record<string, string> =>
        who === "session"
          ? { Cookie: person.cookie, Origin: ORIGIN }
          : who === "key"
            ? { Authorization: `Bearer ${key}` }
            : {};
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<Who>("session", "key", "nobody"),
          fc.array(junkString, { minLength: op.params.length, maxLength: op.params.length }),
          bodyFor(op.bodyFields),
          async (who, values, body) => {
            let path = op.path;
            const query = new URLSearchParams();
            const headers: Record<string, string> = { ...headersFor(who) };
            op.params.forEach((p, i) => {
              const value = values[i] ?? "";
              if (p.in === "path") path = path.replace(`{${p.name}}`, encodePathValue(value));
              else if (p.in === "query") query.set(p.name, value.replace(/[\ud800-\udfff]/g, "?"));
              else if (p.in === "header" && /^[\x20-\x7e]*$/.test(value)) headers[p.name] = value;
            });
            const init: RequestInit = { method: op.method, headers };
            if (op.method !== "GET" && op.method !== "DELETE") {
              if (body.contentType) headers["Content-Type"] = body.contentType;
              init.body = body.bytes;
            }
            const url = `${path}${query.size > 0 ? `?${query}` : ""}`;
            const res = await call(url, init);
            // handler_api.php is in the document too, and answers the protocol's plain-text words.
            await check(`${op.method} ${url.slice(0, 120)} as ${who}`, res, op.path.startsWith("/api"));
          },
        ),
        { seed: SEED + index, numRuns: RUNS_PER_OPERATION },
      );
    }
    expect(problems).toEqual([]);
    // The Worker's log lines do reach this spy (so a logged unhandled error could not slip by).
    expect(logged.filter((l) => l.includes('"event":"request"')).length).toBeGreaterThan(
      ops.length * RUNS_PER_OPERATION,
    );
    expect(unhandled()).toEqual([]);
  }, 240_000);

  it("junk paths get the JSON 404, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          "/api/v1/",
          "/api/",
          "/stubs/",
          "/webhooks/providers/",
          "/simulator/api/",
          "/admin/api/v1/",
        ),
        fc.array(junkString, { minLength: 1, maxLength: 4 }),
        fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"),
        async (prefix, segments, method) => {
          const url = prefix + segments.map(encodePathValue).join("/");
          const res = await call(url, { method });
          await check(`${method} ${url.slice(0, 120)}`, res, url.startsWith("/api"));
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
    expect(problems).toEqual([]);
    expect(unhandled()).toEqual([]);
  }, 120_000);

  it("every handler_api.php action survives generated bad parameters", async () => {
    const { key } = await createUserWithKey({ available: 5000 });
    const names = ["service", "country", "maxPrice", "operator", "orderId", "id", "status", "forward", "ref"];
    for (const [index, action] of [...Object.keys(ACTIONS), "noSuchAction", ""].entries()) {
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom(...names), junkString, { maxKeys: 5 }),
          fc.constantFrom("GET", "POST-form", "POST-multipart"),
          fc.boolean(),
          async (params, how, withKey) => {
            const all = new URLSearchParams();
            for (const [k, v] of Object.entries({
              ...params,
              action,
              ...(withKey ? { api_key: key } : {}),
            })) {
              all.set(k, v.replace(/[\ud800-\udfff]/g, "?"));
            }
            let res: Response;
            if (how === "GET") res = await call(`/stubs/handler_api.php?${all}`);
            else if (how === "POST-form")
              res = await call("/stubs/handler_api.php", { method: "POST", body: all });
            else {
              const form = new FormData();
              for (const [k, v] of all) form.set(k, v);
              res = await call("/stubs/handler_api.php", { method: "POST", body: form });
            }
            const text = await res.clone().text();
            if (text.startsWith("ERROR_SQL")) problems.push(`${action} ${how} ${all} → ERROR_SQL`);
            await check(`${action} ${how}`, res, false);
          },
        ),
        { seed: SEED + index, numRuns: RUNS_PER_ACTION },
      );
    }
    expect(problems).toEqual([]);
    expect(unhandled()).toEqual([]);
  }, 240_000);
});
