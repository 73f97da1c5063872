// API keys: created with a session, shown once, stored hashed, usable as Bearer, revocable.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { call, createUserWithKey } from "../support";
import { browser, count, securityKinds, signUp } from "./helpers";

type CreatedKey = { id: string; name: string; prefix: string; key: string; createdAt: string };
type ListedKey = {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  requestCount: number;
};

const createKey = async (cookie: string, name = "script") => {
  const res = await call("/api/v1/keys", browser("POST", { cookie, body: { name } }));
  return { res, body: (await res.json()) as CreatedKey };
};
const listKeys = async (cookie: string) =>
  ((await (await call("/api/v1/keys", browser("GET", { cookie }))).json()) as { keys: ListedKey[] }).keys;
const bearer = (key: string) => ({ headers: { Authorization: `Bearer ${key}` } });

describe("API keys", () => {
  it("creates a key shown once, stores only its SHA-256, and accepts it as Bearer", async () => {
    const { cookie, userId } = await signUp();
    const { res, body } = await createKey(cookie, "  my bot  ");
    expect(res.status).toBe(201);
    // 32 characters, the length sms-activate clients check (sms-activate-go refuses any other length).
    expect(body.key).toMatch(/^sk_[A-Za-z0-9]{29}$/);
    expect(body.prefix).toBe(body.key.slice(0, 10));
    expect(body.name).toBe("my bot");
    expect(body.id).toMatch(/^key_/);

    const row = await env.DB.prepare("SELECT key_hash FROM api_keys WHERE id = ?")
      .bind(body.id)
      .first<{ key_hash: string }>();
    expect(row?.key_hash).toBe(await sha256Hex(body.key));
    expect(await count("api_keys", "key_hash = ? OR prefix = ?", body.key, body.key)).toBe(0);

    const me = await call("/api/v1/me", bearer(body.key));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: userId });

    const [listed] = await listKeys(cookie);
    expect(listed).toEqual({
      id: body.id,
      name: "my bot",
      prefix: body.prefix,
      createdAt: body.createdAt,
      lastUsedAt: expect.stringMatching(/^\d{4}-/),
      requestCount: 1,
      test: false,
      // Made without limits: it may do everything from anywhere (test/accounts/key-limits.test.ts).
      scopes: null,
      dailySpendLimit: null,
      ipAllowlist: null,
      smsWebhookUrl: null,
    });
    expect(JSON.stringify(await listKeys(cookie))).not.toContain(body.key);
    expect(await securityKinds(userId)).toContain("key_created");
  });

  it("keeps accepting keys of the earlier 46-character form", async () => {
    // createUserWithKey writes `sk_` + 43 characters, the shape keys had before they became 32 long.
    const { key } = await createUserWithKey();
    expect(key).toHaveLength(46);
    expect((await call("/api/v1/me", bearer(key))).status).toBe(200);
    expect((await call(`/stubs/handler_api.php?api_key=${key}&action=getBalance`)).status).toBe(200);
    expect(await (await call(`/stubs/handler_api.php?api_key=${key}&action=getBalance`)).text()).toBe(
      "ACCESS_BALANCE:0.00",
    );
  });

  it("revokes a key: it stops working with 401 BAD_KEY and leaves the list", async () => {
    const { cookie, userId } = await signUp();
    const { body: kept } = await createKey(cookie, "kept");
    const { body: doomed } = await createKey(cookie, "doomed");

    const res = await call(`/api/v1/keys/${doomed.id}`, browser("DELETE", { cookie }));
    expect(res.status).toBe(200);
    const refused = await call("/api/v1/me", bearer(doomed.key));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "BAD_KEY" } });
    expect((await call("/api/v1/me", bearer(kept.key))).status).toBe(200);
    expect((await listKeys(cookie)).map((k) => k.name)).toEqual(["kept"]);
    expect(await securityKinds(userId)).toContain("key_revoked");

    const again = await call(`/api/v1/keys/${doomed.id}`, browser("DELETE", { cookie }));
    expect(again.status).toBe(404);
  });

  it("answers 404 for another account's key and leaves that key working", async () => {
    const owner = await signUp();
    const { body: theirs } = await createKey(owner.cookie);
    const intruder = await signUp();

    const res = await call(`/api/v1/keys/${theirs.id}`, browser("DELETE", { cookie: intruder.cookie }));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect((await call("/api/v1/me", bearer(theirs.key))).status).toBe(200);
    expect(await listKeys(intruder.cookie)).toEqual([]);
  });

  it("refuses unknown and malformed keys with 401 BAD_KEY", async () => {
    for (const header of ["Bearer sk_nope", "Bearer ", "Bearer a b"]) {
      const res = await call("/api/v1/me", { headers: { Authorization: header } });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "BAD_KEY" } });
    }
  });

  it("cannot be managed with an API key", async () => {
    const { auth } = await createUserWithKey();
    const create = await call("/api/v1/keys", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "from a script" }),
    });
    expect(create.status).toBe(403);
    expect(await create.json()).toMatchObject({ error: { code: "SESSION_REQUIRED" } });
    expect((await call("/api/v1/keys", { headers: auth })).status).toBe(403);
    expect(await count("api_keys", "name = 'from a script'")).toBe(0);
  });

  it("refuses a missing or empty name", async () => {
    const { cookie, userId } = await signUp();
    for (const body of [{}, { name: "   " }, { name: 7 }, { name: "x".repeat(65) }]) {
      const res = await call("/api/v1/keys", browser("POST", { cookie, body }));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { code: "VALIDATION_FAILED", details: [{ path: "name" }] },
      });
    }
    expect(await count("api_keys", "user_id = ?", userId)).toBe(0);
  });

  it("refuses names with control characters or text-direction marks, and nothing is created", async () => {
    const { cookie, userId } = await signUp();
    const unsafe = ["\u0000", "\u001F", "\u007F", "\u200E", "\u200F", "\u202A", "\u202E", "\u2066", "\u2069"];
    for (const ch of unsafe) {
      const res = await call("/api/v1/keys", browser("POST", { cookie, body: { name: `my${ch}bot` } }));
      expect(res.status, JSON.stringify(ch)).toBe(400);
      expect(await res.json()).toMatchObject({
        error: {
          code: "VALIDATION_FAILED",
          details: [{ path: "name", message: "Use no control characters or text-direction marks." }],
        },
      });
    }
    expect(await count("api_keys", "user_id = ?", userId)).toBe(0);
  });

  it("accepts names of 64 characters and any script, trimmed", async () => {
    const { cookie } = await signUp();
    for (const name of ["x".repeat(64), "ключ для бота", "مفتاح", "deploy – prod ✓"]) {
      const { res, body } = await createKey(cookie, `\t${name} \n`);
      expect(res.status).toBe(201);
      expect(body.name).toBe(name);
    }
  });

  it("allows at most 20 live keys; revoking one frees a slot", async () => {
    const { cookie, userId } = await signUp();
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => createKey(cookie, `k${i}`)));
    expect(made.every(({ res }) => res.status === 201)).toBe(true);

    const extra = await createKey(cookie, "one too many");
    expect(extra.res.status).toBe(409);
    expect(extra.body).toMatchObject({ error: { code: "TOO_MANY_KEYS" } });
    expect(await count("api_keys", "user_id = ?", userId)).toBe(20);

    await call(`/api/v1/keys/${made[0]?.body.id}`, browser("DELETE", { cookie }));
    expect((await createKey(cookie, "replacement")).res.status).toBe(201);
  });
});
