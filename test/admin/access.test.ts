// The Cloudflare Access path into the operators' API: a JWT signed by the team's key, for this
// application's audience, names the operator; anything else is 401 and logged.
import { env } from "cloudflare:test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../support";

const TEAM = `https://${env.ACCESS_TEAM_DOMAIN}`;
let privateKey: CryptoKey;
let otherKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  privateKey = pair.privateKey;
  otherKey = (await generateKeyPair("RS256")).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "test-key-1", alg: "RS256", use: "sig" };
  const res = await fetch(`${TEAM}/__keys`, { method: "PUT", body: JSON.stringify({ keys: [jwk] }) });
  expect(res.ok).toBe(true);
});

const accessJwt = (
  claims: Record<string, unknown> = {},
  opts: { key?: CryptoKey; aud?: string; exp?: number; iss?: string } = {},
) =>
  new SignJWT({ email: "ops@example.com", type: "app", ...claims })
    .setProtectedHeader({ alg: "RS256", kid: "test-key-1" })
    .setIssuer(opts.iss ?? TEAM)
    .setAudience([opts.aud ?? (env.ACCESS_AUD as string)])
    .setSubject("access-user-1")
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 600)
    .sign(opts.key ?? privateKey);

const whoami = (jwt: string) => call("/admin/api/v1/whoami", { headers: { "Cf-Access-Jwt-Assertion": jwt } });

describe("Cloudflare Access", () => {
  it("accepts a JWT of the team for this audience; the operator is the identity's email", async () => {
    const res = await whoami(await accessJwt());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ operator: "ops@example.com", via: "access" });
  });

  it("accepts a service token, named by its common name", async () => {
    const res = await whoami(await accessJwt({ email: undefined, common_name: "ci.access" }));
    expect(await res.json()).toEqual({ operator: "ci.access", via: "access" });
  });

  it("writes the Access identity into the audit log", async () => {
    const jwt = await accessJwt({ email: "auditor@example.com" });
    const res = await call("/admin/api/v1/sessions/revoke-all", {
      method: "POST",
      headers: { "Cf-Access-Jwt-Assertion": jwt, "Content-Type": "application/json" },
      body: JSON.stringify({ reason: "access audit test" }),
    });
    expect(res.status).toBe(200);
    const audit = await call("/admin/api/v1/audit?limit=1", { headers: { "Cf-Access-Jwt-Assertion": jwt } });
    const { items } = (await audit.json()) as { items: Array<{ operator: string; action: string }> };
    expect(items[0]).toMatchObject({ operator: "auditor@example.com", action: "sessions.revoke_all" });
  });

  it("refuses a tampered, expired, wrong-audience, wrong-issuer or foreign-key JWT with 401", async () => {
    const good = await accessJwt();
    const [header, payload, signature] = good.split(".") as [string, string, string];
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...claims, email: "attacker@example.com" }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    const refused = [
      `${header}.${forged}.${signature}`,
      await accessJwt({}, { exp: Math.floor(Date.now() / 1000) - 60 }),
      await accessJwt({}, { aud: "another-application" }),
      await accessJwt({}, { iss: "https://other-team.cloudflareaccess.com" }),
      await accessJwt({}, { key: otherKey }),
      await accessJwt({ email: undefined }),
      "not-a-jwt",
    ];
    for (const jwt of refused) {
      const res = await whoami(jwt);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    }
  });

  it("is never reached without the configuration", async () => {
    const { verifyAccessJwt } = await import("../../src/admin/auth");
    const result = await verifyAccessJwt({ ...env, ACCESS_AUD: "" }, await accessJwt());
    expect(result).toEqual({ ok: false, reason: "access_not_configured" });
  });
});
