import { describe, expect, it } from "vitest";
import { call, json } from "./support";

describe("the shared HTTP surface", () => {
  it("answers the health check", async () => {
    const res = await call("/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("gives every response a request id", async () => {
    const res = await call("/api/health");
    expect(res.headers.get("X-Request-Id")).toMatch(/.+/);
  });

  it("answers an unknown API route with a JSON 404", async () => {
    const res = await call("/api/v1/no-such-thing");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("refuses a body over 64 KB with 413", async () => {
    const res = await call("/api/v1/auth/login", json({ email: "a@b.c", password: "x".repeat(70_000) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  });

  it("sends security headers with a content security policy", async () => {
    const res = await call("/api/health");
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'self'");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });
});
