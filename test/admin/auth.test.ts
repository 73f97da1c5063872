import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { auditInsert } from "../../src/admin/audit";
import { createDb } from "../../src/db/client";
import { call, createUserWithKey } from "../support";
import { admin } from "./helpers";

describe("the operators' API", () => {
  it("answers the operator with the ADMIN_TOKEN", async () => {
    const res = await admin("/whoami");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ operator: "admin-token", via: "token" });
  });

  it("refuses no credential, a wrong token and a customer's API key with 401", async () => {
    const { auth } = await createUserWithKey();
    for (const init of [
      {},
      { headers: { Authorization: "Bearer wrong-token-0123456789" } },
      { headers: auth },
    ]) {
      const res = await call("/admin/api/v1/whoami", init);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    }
  });

  it("lists the audit log newest first, and the log cannot be edited", async () => {
    const db = createDb(env.DB);
    const operator = { id: "admin-token", via: "token" } as const;
    await auditInsert(db, { operator, action: "test.first", target: "t1", after: { a: 1 } }).run();
    await auditInsert(db, {
      operator,
      action: "test.second",
      target: "t2",
      before: { a: 1 },
      after: { a: 2 },
      reason: "why",
    }).run();
    const res = await admin("/audit?limit=2");
    const { items } = (await res.json()) as {
      items: Array<{ action: string; before: unknown; after: unknown }>;
    };
    expect(items.map((i) => i.action)).toEqual(["test.second", "test.first"]);
    expect(items[0]).toMatchObject({ before: { a: 1 }, after: { a: 2 }, reason: "why" });
    await expect(env.DB.prepare("UPDATE operator_audit SET reason = 'x'").run()).rejects.toThrow(
      /append-only/,
    );
    await expect(env.DB.prepare("DELETE FROM operator_audit").run()).rejects.toThrow(/append-only/);
  });

  it("has its own OpenAPI document, and the customers' document does not show it", async () => {
    const own = (await (await admin("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(own.paths)).toContain("/audit");
    const pub = (await (await call("/api/v1/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(pub.paths).some((p) => p.includes("admin") || p === "/audit")).toBe(false);
  });
});
