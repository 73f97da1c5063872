// Usage counters of API keys are coalesced off the request's path (src/accounts/key-usage.ts), yet
// a revoked key is refused on the very next request, and the owner's list shows every request.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { flushKeyUsage, pendingKeyUses } from "../../src/accounts/key-usage";
import { createDb } from "../../src/db/client";
import { call } from "../support";
import { browser, signUp } from "./helpers";

const bearer = (key: string) => ({ headers: { Authorization: `Bearer ${key}` } });

const storedCount = async (keyId: string) =>
  (
    await env.DB.prepare("SELECT request_count AS n FROM api_keys WHERE id = ?")
      .bind(keyId)
      .first<{ n: number }>()
  )?.n;

const newKey = async (cookie: string) => {
  const res = await call("/api/v1/keys", browser("POST", { cookie, body: { name: "poller" } }));
  return (await res.json()) as { id: string; key: string };
};

describe("API key usage counters", () => {
  it("are counted in memory, not written to D1 by each request, and flushed in one batch", async () => {
    await flushKeyUsage(createDb(env.DB));
    const { cookie } = await signUp();
    const { id, key } = await newKey(cookie);
    for (let i = 0; i < 5; i++) expect((await call("/api/v1/me", bearer(key))).status).toBe(200);
    // Within the flush interval the requests answered without touching the key's row.
    expect(await storedCount(id)).toBe(0);
    expect(pendingKeyUses()).toBe(5);

    const list = await call("/api/v1/keys", browser("GET", { cookie }));
    const { keys } = (await list.json()) as { keys: Array<{ requestCount: number; lastUsedAt: string }> };
    expect(keys[0]).toMatchObject({ requestCount: 5, lastUsedAt: expect.stringMatching(/^\d{4}-/) });
    expect(await storedCount(id)).toBe(5);
    expect(pendingKeyUses()).toBe(0);
  });

  it("never delay revocation: the next request after a revoke is refused", async () => {
    const { cookie } = await signUp();
    const { id, key } = await newKey(cookie);
    expect((await call("/api/v1/me", bearer(key))).status).toBe(200);
    const revoked = await call(`/api/v1/keys/${id}`, browser("DELETE", { cookie }));
    expect(revoked.status).toBeLessThan(300);
    const next = await call("/api/v1/me", bearer(key));
    expect(next.status).toBe(401);
    expect(await next.json()).toMatchObject({ error: { code: "BAD_KEY" } });
    // Same for handler_api.php, which authenticates the same way.
    const compat = await call(`/stubs/handler_api.php?api_key=${key}&action=getBalance`);
    expect(await compat.text()).toBe("BAD_KEY");
  });
});
