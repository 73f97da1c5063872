// Per-key limits and counts: one budget per API key shared by REST and handler_api.php (600 requests
// per 60 s, API_KEY_LIMITER in wrangler.toml), and each key's request count shown to its owner.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { newId, randomString } from "../../src/lib/ids";
import { browser, inOneRateLimitWindow, signUp } from "../accounts/helpers";
import { call } from "../support";
import { customer, handler } from "./helpers";

const LIMIT = 600;

describe("the per-key rate limit", () => {
  it("refuses the request after the limit: 429 RATE_LIMITED on REST, TOO_MANY_REQUESTS on handler_api.php", async () => {
    const { allowed, rest, compat, otherKey } = await inOneRateLimitWindow(async () => {
      const { key, auth } = await customer(2_500);
      const other = await customer(2_500);
      // Half of the budget through each door: the two share it.
      const allowed: string[] = [];
      for (let sent = 0; sent < LIMIT; sent += 50) {
        const batch = Array.from({ length: 50 }, (_, i) =>
          (sent + i) % 2 === 0
            ? handler({ api_key: key, action: "getBalance" }).then((a) => a.text)
            : call("/api/v1/billing/balance", { headers: auth }).then((r) => String(r.status)),
        );
        allowed.push(...(await Promise.all(batch)));
      }
      return {
        allowed,
        rest: await call("/api/v1/billing/balance", { headers: auth }),
        compat: await handler({ api_key: key, action: "getBalance" }),
        otherKey: await handler({ api_key: other.key, action: "getBalance" }),
      };
    });
    expect(allowed.filter((a) => a !== "ACCESS_BALANCE:25.00" && a !== "200")).toEqual([]);

    expect(rest.status).toBe(429);
    expect(rest.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(await rest.json()).toMatchObject({ error: { code: "RATE_LIMITED" } });

    expect(compat).toMatchObject({ status: 200, text: "TOO_MANY_REQUESTS" });
    expect(compat.res.headers.get("Retry-After")).toMatch(/^\d+$/);

    // Another key has its own budget.
    expect(otherKey.text).toBe("ACCESS_BALANCE:25.00");
    // Six hundred real requests take seconds on a shared machine (and a run crossing a window boundary
    // is repeated): the time budget is generous and is not an assertion.
  }, 120_000);
});

/** Another key of the same account, written straight to D1. */
const extraKey = async (userId: string) => {
  const key = `sk_${randomString(29)}`;
  await env.DB.prepare(
    "INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at) VALUES (?, ?, 'extra', ?, ?, ?)",
  )
    .bind(newId("key"), userId, key.slice(0, 10), await sha256Hex(key), Date.now())
    .run();
  return key;
};

describe("the per-account rate limit", () => {
  it("refuses every door of an account once its budget is spent (ACCOUNT_LIMITER, 1200 / 60 s)", async () => {
    const ACCOUNT_LIMIT = 1200;
    const { cookieAnswer, keyAnswer, restAnswer, otherAccount } = await inOneRateLimitWindow(async () => {
      const { cookie, userId } = await signUp();
      const key = await extraKey(userId);
      const other = await customer(2_500);
      // Twelve hundred HTTP requests take minutes on a shared machine, longer than the window: the
      // budget is spent through the binding itself, with the key the service uses (the user id).
      // Sent a hundred at a time rather than one after the other: the same 1200 calls, in less time.
      for (let sent = 0; sent < ACCOUNT_LIMIT; sent += 100) {
        await Promise.all(Array.from({ length: 100 }, () => env.ACCOUNT_LIMITER.limit({ key: userId })));
      }
      return {
        cookieAnswer: await call("/api/v1/billing/balance", browser("GET", { cookie })),
        keyAnswer: await handler({ api_key: key, action: "getBalance" }),
        restAnswer: await call("/api/v1/billing/balance", { headers: { Authorization: `Bearer ${key}` } }),
        otherAccount: await handler({ api_key: other.key, action: "getBalance" }),
      };
    });
    // The dashboard's cookie (which has no per-key budget) and a key that made no request yet are
    // both refused: the budget is the account's.
    expect(cookieAnswer.status).toBe(429);
    expect(cookieAnswer.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(await cookieAnswer.json()).toMatchObject({ error: { code: "RATE_LIMITED" } });
    expect(keyAnswer.text).toBe("TOO_MANY_REQUESTS");
    expect(restAnswer.status).toBe(429);
    expect(otherAccount.text).toBe("ACCESS_BALANCE:25.00");
  }, 120_000);
});

describe("request counts", () => {
  it("count handler_api.php calls on the key, as its owner sees in the key list", async () => {
    const { cookie } = await signUp();
    const created = await call("/api/v1/keys", browser("POST", { cookie, body: { name: "bot" } }));
    const { key } = (await created.json()) as { key: string };
    for (const action of ["getBalance", "getServicesList", "noSuchAction"]) {
      await handler({ api_key: key, action });
    }
    const list = await call("/api/v1/keys", browser("GET", { cookie }));
    const { keys } = (await list.json()) as {
      keys: { name: string; requestCount: number; lastUsedAt: string }[];
    };
    expect(keys).toEqual([
      expect.objectContaining({ name: "bot", requestCount: 3, lastUsedAt: expect.any(String) }),
    ]);
  });
});
