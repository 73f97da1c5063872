// Policy, consent: "acceptance recorded with version and date; 18+ attested with its time; a new
// version must be accepted before the next order", and restriction of processing: the data stays,
// nothing new is done with it (no orders or top-ups) until the customer lifts it.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { POLICY_VERSION } from "../../src/privacy/policy";
import { browser } from "../accounts/helpers";
import { order } from "../activations/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { customerWithHistory } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

describe("policy acceptance", () => {
  it("signup records the acceptance of each document with its version and time, and the 18+ attestation", async () => {
    const c = await customerWithHistory();
    const { results } = await env.DB.prepare(
      "SELECT document, version, accepted_at FROM policy_acceptances WHERE user_id = ? ORDER BY document",
    )
      .bind(c.userId)
      .all<{ document: string; version: string; accepted_at: number }>();
    expect(results.map((r) => [r.document, r.version])).toEqual([
      ["privacy", "2026-03-20"],
      ["terms", "2026-03-20"],
    ]);
    const user = await env.DB.prepare(
      "SELECT adult_attested_at, accepted_policy_version FROM users WHERE id = ?",
    )
      .bind(c.userId)
      .first<{ adult_attested_at: number | null; accepted_policy_version: string }>();
    expect(user?.adult_attested_at).toBeGreaterThan(0);
    expect(user?.accepted_policy_version).toBe(POLICY_VERSION);
  });

  it("after a new version, orders answer 403 POLICY_ACCEPTANCE_REQUIRED until the customer accepts it", async () => {
    const c = await customerWithHistory();
    // The customer accepted an older version than the one the service now ships.
    await env.DB.prepare("UPDATE users SET accepted_policy_version = '2025-01-01' WHERE id = ?")
      .bind(c.userId)
      .run();
    const refused = await order(c.auth, { service: "tg", country: 0 });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: { code: "POLICY_ACCEPTANCE_REQUIRED", details: { version: POLICY_VERSION } },
    });
    const state = await call("/api/v1/me/policy", browser("GET", { cookie: c.cookie }));
    expect(await state.json()).toMatchObject({ acceptanceRequired: true, version: POLICY_VERSION });

    const accepted = await call(
      "/api/v1/me/policy",
      browser("POST", { cookie: c.cookie, body: { version: POLICY_VERSION, confirmAdult: true } }),
    );
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ acceptanceRequired: false });
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM policy_acceptances WHERE user_id = ?")
      .bind(c.userId)
      .first<{ n: number }>();
    expect(rows?.n).toBe(4); // signup's two and this acceptance's two
    expect((await order(c.auth, { service: "tg", country: 0 })).status).toBe(201);
  });

  it("refuses to accept a version that is not the current one", async () => {
    const c = await customerWithHistory();
    const res = await call(
      "/api/v1/me/policy",
      browser("POST", { cookie: c.cookie, body: { version: "1999-01-01", confirmAdult: true } }),
    );
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "POLICY_VERSION_MISMATCH" } });
  });
});

describe("restriction of processing", () => {
  it("keeps the data but refuses orders and top-ups until the customer lifts it", async () => {
    const c = await customerWithHistory();
    const restrict = (restricted: boolean) =>
      call("/api/v1/me/restriction", browser("POST", { cookie: c.cookie, body: { restricted } }));
    expect((await restrict(true)).status).toBe(200);

    const refused = await order(c.auth, { service: "tg", country: 0 });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "PROCESSING_RESTRICTED" } });
    const topUp = await call(
      "/api/v1/billing/demo-topup",
      browser("POST", { cookie: c.cookie, body: { amount: 500 } }),
    );
    expect(topUp.status).toBe(403);
    // The data is still there and still the customer's to see.
    expect((await call("/api/v1/me/export", browser("GET", { cookie: c.cookie }))).status).toBe(200);

    expect((await restrict(false)).status).toBe(200);
    expect((await order(c.auth, { service: "tg", country: 0 })).status).toBe(201);
  });
});
