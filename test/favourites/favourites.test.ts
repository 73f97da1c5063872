// Starred services and countries: per account, validated against the catalog, idempotent, bounded.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_PER_KIND } from "../../src/favourites/favourites";
import { browser, signUp } from "../accounts/helpers";
import { call, createUserWithKey } from "../support";

const put = (auth: Record<string, string>, kind: string, ref: string) =>
  call(`/api/v1/me/favourites/${kind}/${encodeURIComponent(ref)}`, { method: "PUT", headers: auth });
const del = (auth: Record<string, string>, kind: string, ref: string) =>
  call(`/api/v1/me/favourites/${kind}/${encodeURIComponent(ref)}`, { method: "DELETE", headers: auth });
const list = async (auth: Record<string, string>) =>
  (await (await call("/api/v1/me/favourites", { headers: auth })).json()) as {
    services: string[];
    countries: number[];
  };

describe("favourites", () => {
  it("starts empty, stars and unstars, and starring twice changes nothing", async () => {
    const { auth } = await createUserWithKey();
    expect(await list(auth)).toEqual({ services: [], countries: [] });
    expect((await put(auth, "service", "tg")).status).toBe(200);
    expect((await put(auth, "service", "wa")).status).toBe(200);
    expect((await put(auth, "country", "16")).status).toBe(200);
    const again = await put(auth, "service", "tg");
    expect(await again.json()).toEqual({ services: ["tg", "wa"], countries: [16] });
    const after = await del(auth, "service", "tg");
    expect(await after.json()).toEqual({ services: ["wa"], countries: [16] });
    // Unstarring what is not starred is harmless too.
    expect((await del(auth, "service", "tg")).status).toBe(200);
  });

  it("keeps each account's own", async () => {
    const a = await createUserWithKey();
    const b = await createUserWithKey();
    await put(a.auth, "service", "go");
    expect(await list(b.auth)).toEqual({ services: [], countries: [] });
  });

  it("refuses what the catalog does not have, and a bad kind, with clear errors", async () => {
    const { auth } = await createUserWithKey();
    const service = await put(auth, "service", "nope");
    expect(service.status).toBe(400);
    expect(await service.json()).toMatchObject({ error: { code: "BAD_SERVICE" } });
    for (const ref of ["9999", "abc", "1e3"]) {
      const country = await put(auth, "country", ref);
      expect(country.status, ref).toBe(400);
      expect(await country.json()).toMatchObject({ error: { code: "BAD_COUNTRY" } });
    }
    const kind = await put(auth, "planet", "tg");
    expect(kind.status).toBe(400);
    expect(await kind.json()).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [{ path: "kind" }] },
    });
    expect(await list(auth)).toEqual({ services: [], countries: [] });
  });

  it("stops at the bound, even when asked at once", async () => {
    const { auth, userId } = await createUserWithKey();
    // Fill up to one below the bound directly; the catalog has fewer services than the bound.
    const t = Date.now();
    await env.DB.batch(
      Array.from({ length: MAX_PER_KIND - 1 }, (_, i) =>
        env.DB.prepare(
          "INSERT INTO favourites (user_id, kind, ref, created_at) VALUES (?, 'service', ?, ?)",
        ).bind(userId, `x${i}`, t),
      ),
    );
    const answers = await Promise.all(["tg", "wa", "go"].map((code) => put(auth, "service", code)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect((await list(auth)).services).toHaveLength(MAX_PER_KIND);
  });

  it("needs a signed-in account, and a browser session's CSRF rules", async () => {
    expect((await call("/api/v1/me/favourites")).status).toBe(401);
    const { cookie } = await signUp();
    const ok = await call("/api/v1/me/favourites/service/tg", browser("PUT", { cookie }));
    expect(ok.status).toBe(200);
    const forged = await call("/api/v1/me/favourites/service/wa", {
      method: "PUT",
      headers: { Cookie: cookie, Origin: "https://evil.example" },
    });
    expect(forged.status).toBe(403);
  });
});
