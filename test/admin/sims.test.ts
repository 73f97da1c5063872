// The operators' SIM registry: /admin/api/v1/sims (what `npm run ops -- sims …` calls).
import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { customer, ordered } from "../activations/helpers";
import { GATEWAY, onlinePhone, phone, resetOwnSims, sync, ukNumber } from "../providers/own-sims-helpers";
import { call } from "../support";
import { admin, adminJson } from "./helpers";

type Listed = { items: Array<Record<string, unknown>> };

const auditFor = async (target: string) =>
  (
    await env.DB.prepare(
      "SELECT action, before, after, reason FROM operator_audit WHERE target = ? ORDER BY at",
    )
      .bind(target)
      .all<{ action: string; before: string | null; after: string | null; reason: string | null }>()
  ).results;

beforeEach(resetOwnSims);

describe("sims add", () => {
  it("registers a SIM with its country from the number, and audits it", async () => {
    const number = ukNumber();
    const res = await adminJson("POST", "/sims", {
      provider: GATEWAY,
      phone: number,
      deviceId: "dev-a",
      slot: 2,
      services: ["tg", "wa"],
      reason: "new phone on the shelf",
    });
    expect(res.status).toBe(201);
    const { sim } = (await res.json()) as { sim: Record<string, unknown> };
    expect(sim).toMatchObject({ provider: GATEWAY, phone: number, country: 16, deviceId: "dev-a", slot: 2 });
    expect(sim.services).toEqual(["tg", "wa"]);
    expect(sim.id).toMatch(/^osim_/);
    const audit = await auditFor(`${GATEWAY}/${number}`);
    expect(audit).toEqual([
      {
        action: "sim.add",
        before: null,
        after: JSON.stringify({ deviceId: "dev-a", slot: 2, services: ["tg", "wa"] }),
        reason: "new phone on the shelf",
      },
    ]);
  });

  const bad: Array<[string, Record<string, unknown>, number, string]> = [
    ["a number that is not E.164", { phone: "07700900123" }, 400, "VALIDATION_FAILED"],
    ["a number of no real range", { phone: "+44100000000" }, 400, "BAD_PHONE"],
    ["a country outside the catalog", { phone: "+61412345678" }, 400, "BAD_PHONE"],
    ["an unknown service", { services: ["nosuch"] }, 400, "BAD_SERVICE"],
    ["a slot that is not a number", { slot: "1" }, 400, "VALIDATION_FAILED"],
    ["an entry that is not a gateway", { provider: "simulator" }, 400, "BAD_PROVIDER"],
    ["an entry that does not exist", { provider: "nosuch" }, 400, "BAD_PROVIDER"],
  ];
  for (const [what, change, status, code] of bad) {
    it(`refuses ${what}: ${status} ${code}, nothing stored`, async () => {
      const res = await adminJson("POST", "/sims", {
        provider: GATEWAY,
        phone: ukNumber(),
        deviceId: "dev-bad",
        slot: 1,
        ...change,
      });
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
      expect(await env.DB.prepare("SELECT count(*) AS n FROM own_sims").first<{ n: number }>()).toEqual({
        n: 0,
      });
    });
  }

  it("refuses the same number twice, and a second SIM in the same slot: 409 SIM_EXISTS", async () => {
    const number = ukNumber();
    const sim = { provider: GATEWAY, phone: number, deviceId: "dev-b", slot: 1 };
    expect((await adminJson("POST", "/sims", sim)).status).toBe(201);
    const again = await adminJson("POST", "/sims", { ...sim, deviceId: "dev-c" });
    expect(again.status).toBe(409);
    const sameSlot = await adminJson("POST", "/sims", { ...sim, phone: ukNumber() });
    expect(sameSlot.status).toBe(409);
    expect(((await sameSlot.json()) as { error: { code: string } }).error.code).toBe("SIM_EXISTS");
  });

  it("needs the operator's credential", async () => {
    const res = await call("/admin/api/v1/sims", {
      headers: { Authorization: "Bearer nope-nope-nope-nope" },
    });
    expect(res.status).toBe(401);
  });
});

describe("sims list", () => {
  it("shows health, the current rental and the services spent", async () => {
    const { numbers } = await onlinePhone(1);
    await sync();
    const silent = phone();
    const silentNumber = ukNumber();
    expect(
      (
        await adminJson("POST", "/sims", {
          provider: GATEWAY,
          phone: silentNumber,
          deviceId: silent.deviceId,
          slot: 1,
        })
      ).status,
    ).toBe(201);
    const view = await ordered((await customer()).auth, "tg", 16);
    expect(view.phone).toBe(numbers[0]);
    const { items } = (await (await admin(`/sims?provider=${GATEWAY}`)).json()) as Listed;
    const rented = items.find((s) => s.phone === numbers[0]);
    expect(rented?.rental).toMatchObject({ service: "tg" });
    expect(rented?.device).toMatchObject({ healthy: true, health: "pass" });
    expect(items.find((s) => s.phone === silentNumber)?.device).toMatchObject({
      healthy: false,
      lastSeenAt: null,
    });
    expect(rented?.spent).toEqual([]);
  });

  it("validates its filter", async () => {
    const res = await admin("/sims?provider=Not-A-Name");
    expect(res.status).toBe(400);
  });
});

describe("sims remove", () => {
  it("removes a free SIM, audited with what it was", async () => {
    const number = ukNumber();
    await adminJson("POST", "/sims", { provider: GATEWAY, phone: number, deviceId: "dev-r", slot: 1 });
    const res = await admin(`/sims/${GATEWAY}/${encodeURIComponent(number)}?reason=broken`, {
      method: "DELETE",
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { removed: { phone: string } }).removed.phone).toBe(number);
    const audit = await auditFor(`${GATEWAY}/${number}`);
    expect(audit.map((a) => a.action)).toEqual(["sim.add", "sim.remove"]);
    expect(audit[1]).toMatchObject({
      reason: "broken",
      before: JSON.stringify({ deviceId: "dev-r", slot: 1, services: null }),
    });
    expect((await admin(`/sims/${GATEWAY}/${encodeURIComponent(number)}`, { method: "DELETE" })).status).toBe(
      404,
    );
  });

  it("refuses a SIM that serves a live activation: 409 SIM_RENTED, nothing removed or audited", async () => {
    const { numbers } = await onlinePhone(1);
    await sync();
    await ordered((await customer()).auth, "tg", 16);
    const number = numbers[0] ?? "";
    const res = await admin(`/sims/${GATEWAY}/${encodeURIComponent(number)}`, { method: "DELETE" });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("SIM_RENTED");
    expect((await auditFor(`${GATEWAY}/${number}`)).map((a) => a.action)).toEqual(["sim.add"]);
  });
});
