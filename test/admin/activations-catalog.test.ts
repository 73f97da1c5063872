// Operators on activations (show, cancel through the room, refund, stuck), the catalog (overrides
// that survive a sync, disabled services and countries), the books (ledger check, stats) and the
// incident tools (revoke-all, affected users, notify).
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { syncCatalog } from "../../src/activations/catalog";
import { createDb } from "../../src/db/client";
import { ordered, room, sms } from "../activations/helpers";
import { call, createUserWithKey, uniqueEmail } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { admin, adminJson } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const balanceOf = (userId: string) =>
  env.DB.prepare("SELECT available, held FROM users WHERE id = ?")
    .bind(userId)
    .first<{ available: number; held: number }>();

const lastAudit = async () => {
  const { items } = (await (await admin("/audit?limit=1")).json()) as {
    items: Array<{ action: string; target: string; before: unknown; after: unknown }>;
  };
  return items[0];
};

describe("activations", () => {
  it("shows one with upstream, cost and margin, and refunds a charged one exactly once", async () => {
    const { userId, auth } = await createUserWithKey({ available: 5000 });
    const a = await ordered(auth, "tg", 0);
    await sms(a.id, "Your Telegram code is 48213");
    const shown = (await (await admin(`/activations/${a.id}`)).json()) as Record<string, unknown>;
    const price = shown.price as number;
    const cost = shown.cost as number;
    expect(shown).toMatchObject({ status: "received", charged: true, upstream: { provider: "simulator" } });
    expect(cost).toBeGreaterThan(0);
    expect(shown.margin).toBe(price - cost);
    expect((shown.events as unknown[]).length).toBeGreaterThanOrEqual(2);

    const before = await balanceOf(userId);
    const res = await adminJson("POST", `/activations/${a.id}/refund`, { reason: "code never worked" });
    expect(await res.json()).toMatchObject({ applied: true, amount: price, userId });
    expect((await balanceOf(userId))?.available).toBe((before?.available ?? 0) + price);
    expect(await lastAudit()).toMatchObject({
      action: "activation.refund",
      target: a.id,
      after: { refunded: price },
    });
    const again = await adminJson("POST", `/activations/${a.id}/refund`, { reason: "twice" });
    expect(await again.json()).toMatchObject({ applied: false });
    expect((await balanceOf(userId))?.available).toBe((before?.available ?? 0) + price);
    const after = (await (await admin(`/activations/${a.id}`)).json()) as Record<string, unknown>;
    expect(after).toMatchObject({ refunded: price, margin: -cost });
  });

  it("refuses to refund an activation that was not charged", async () => {
    const { auth } = await createUserWithKey({ available: 5000 });
    const a = await ordered(auth, "tg", 0);
    const res = await adminJson("POST", `/activations/${a.id}/refund`, { reason: "no code" });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_CHARGED" } });
    const missing = await adminJson("POST", "/activations/act_missing/refund", { reason: "x" });
    expect(missing.status).toBe(404);
  });

  it("cancels through the room inside the early window, voiding the hold", async () => {
    const { userId, auth } = await createUserWithKey({ available: 5000 });
    const a = await ordered(auth, "tg", 0);
    expect((await balanceOf(userId))?.held).toBe(a.price);
    const customerTry = await call(`/api/v1/activations/${a.id}/cancel`, { method: "POST", headers: auth });
    expect(customerTry.status).toBe(409);
    const res = await adminJson("POST", `/activations/${a.id}/cancel`, { reason: "customer asked" });
    expect(await res.json()).toMatchObject({ status: "cancelled", hold: { status: "voided" } });
    expect(await balanceOf(userId)).toEqual({ available: 5000, held: 0 });
    expect(await lastAudit()).toMatchObject({
      action: "activation.cancel",
      before: { status: "waiting" },
      after: { status: "cancelled" },
    });
  });

  it("lists a live activation past its expiry and a room ahead of D1 as stuck", async () => {
    const { auth } = await createUserWithKey({ available: 5000 });
    const late = await ordered(auth, "tg", 0);
    await env.DB.prepare("UPDATE activations SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 120_000, late.id)
      .run();
    const unsynced = await ordered(auth, "tg", 0);
    await runInDurableObject(room(unsynced.id), (_i, state) => {
      state.storage.sql.exec("UPDATE record SET data = json_set(data, '$.lastSeq', 5)");
    });
    const { items } = (await (await admin("/activations/stuck")).json()) as {
      items: Array<{ id: string; problems: string[] }>;
    };
    expect(items.find((i) => i.id === late.id)?.problems).toContain("live_past_expiry");
    expect(items.find((i) => i.id === unsynced.id)?.problems).toContain("unsynced_events");
  });
});

describe("catalog", () => {
  it("an override price applies now and survives the next sync; clearing it goes back", async () => {
    const base = (await (await admin("/prices?service=wa&country=0")).json()) as {
      items: Array<{ price: number; cost: number }>;
    };
    const original = base.items[0]?.price;
    expect(original).toBeGreaterThan(0);
    const set = await adminJson("PUT", "/prices/wa/0", { price: 999, reason: "promo" });
    expect(await set.json()).toMatchObject({ item: { price: 999, override: { price: 999 } }, applied: true });
    await syncCatalog(env, createDb(env.DB));
    const cat = (await (await call("/api/v1/catalog?service=wa&country=0")).json()) as {
      prices: Array<{ price: number }>;
    };
    expect(cat.prices[0]?.price).toBe(999);
    const markup = await adminJson("PUT", "/prices/wa/0", { markupPercent: 100, reason: "double" });
    const { item } = (await markup.json()) as { item: { price: number; cost: number } };
    expect(item.price).toBe(item.cost * 2);
    await adminJson("PUT", "/prices/wa/0", { clear: true, reason: "end of promo" });
    await syncCatalog(env, createDb(env.DB));
    const back = (await (await admin("/prices?service=wa&country=0")).json()) as typeof base;
    expect(back.items[0]?.price).toBe(original);
    expect(await lastAudit()).toMatchObject({ action: "price.clear", target: "wa/0" });
  });

  it("refuses two rules at once and unknown pairs", async () => {
    const both = await adminJson("PUT", "/prices/wa/0", { price: 5, markupPercent: 5, reason: "x" });
    expect(both.status).toBe(400);
    const unknown = await adminJson("PUT", "/prices/zz/0", { price: 5, reason: "x" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "BAD_SERVICE" } });
  });

  it("a disabled service is hidden from the catalog and refused by ordering; enabling brings it back", async () => {
    const { auth } = await createUserWithKey({ available: 5000 });
    const off = await adminJson("POST", "/services/vk/disable", { reason: "provider outage" });
    expect(await off.json()).toMatchObject({ code: "vk", disabled: true });
    const cat = (await (await call("/api/v1/catalog")).json()) as {
      services: Array<{ code: string }>;
      prices: Array<{ service: string }>;
    };
    expect(cat.services.some((s) => s.code === "vk")).toBe(false);
    expect(cat.prices.some((p) => p.service === "vk")).toBe(false);
    const res = await call("/api/v1/activations", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ service: "vk", country: 0 }),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "NO_NUMBERS" } });
    await adminJson("POST", "/services/vk/enable", { reason: "back" });
    expect((await ordered(auth, "vk", 0)).service).toBe("vk");
  });

  it("a disabled country is hidden and refused", async () => {
    const { auth } = await createUserWithKey({ available: 5000 });
    await adminJson("POST", "/countries/16/disable", { reason: "regulator" });
    const cat = (await (await call("/api/v1/catalog")).json()) as { countries: Array<{ id: number }> };
    expect(cat.countries.some((c) => c.id === 16)).toBe(false);
    const res = await call("/api/v1/activations", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ service: "tg", country: 16 }),
    });
    expect(res.status).toBe(409);
    await adminJson("POST", "/countries/16/enable", { reason: "back" });
    expect(await lastAudit()).toMatchObject({ action: "country.enable", target: "16" });
    const unknown = await adminJson("POST", "/countries/99999/disable", { reason: "x" });
    expect(unknown.status).toBe(404);
  });
});

describe("books", () => {
  it("the ledger check passes, and fails on a balance no entry explains", async () => {
    const ok = (await (await admin("/ledger/check")).json()) as { ok: boolean };
    expect(ok.ok).toBe(true);
    const { userId } = await createUserWithKey();
    // Break a balance behind the ledger's back (the CHECK allows it; the invariant does not).
    await env.DB.prepare("UPDATE users SET available = 7 WHERE id = ?").bind(userId).run();
    const broken = (await (await admin("/ledger/check")).json()) as {
      ok: boolean;
      mismatches: Array<{ userId: string }>;
    };
    expect(broken.ok).toBe(false);
    expect(broken.mismatches.map((m) => m.userId)).toContain(userId);
    await env.DB.prepare("UPDATE users SET available = 0 WHERE id = ?").bind(userId).run();
  });

  it("stats count revenue, cost, margin and outcomes", async () => {
    const stats = (await (await admin("/stats?days=1")).json()) as {
      revenue: number;
      upstreamCost: number;
      margin: number;
      activations: Record<string, number>;
      successByPair: Array<{ service: string; charged: number }>;
    };
    expect(stats.margin).toBe(stats.revenue - stats.upstreamCost);
    expect(stats.activations.cancelled).toBeGreaterThanOrEqual(1);
    expect(stats.successByPair.find((p) => p.service === "tg")?.charged).toBeGreaterThanOrEqual(1);
    expect((await admin("/stats?days=0")).status).toBe(400);
  });
});

describe("incidents", () => {
  it("finds who was active in a window, by IP too", async () => {
    const email = uniqueEmail("active");
    const { userId } = await createUserWithKey({ email });
    const t = Date.now();
    await env.DB.prepare(
      "INSERT INTO security_events (id, user_id, kind, ip, created_at) VALUES (?, ?, 'login_ok', '203.0.113.9', ?)",
    )
      .bind(`sev_${userId}`, userId, t)
      .run();
    const window = `since=${new Date(t - 1000).toISOString()}&until=${new Date(t + 1000).toISOString()}`;
    const all = (await (await admin(`/incidents/affected-users?${window}`)).json()) as {
      items: Array<{ userId: string; ips: string[] }>;
    };
    expect(all.items.find((i) => i.userId === userId)?.ips).toEqual(["203.0.113.9"]);
    const other = (await (await admin(`/incidents/affected-users?${window}&ip=198.51.100.1`)).json()) as {
      items: Array<{ userId: string }>;
    };
    expect(other.items.some((i) => i.userId === userId)).toBe(false);
    const bad = await admin(
      `/incidents/affected-users?since=${new Date(t).toISOString()}&until=${new Date(t - 1).toISOString()}`,
    );
    expect(bad.status).toBe(400);
  });

  it("notifies the listed users through the email outbox and logs it", async () => {
    const email = uniqueEmail("notify");
    const { userId } = await createUserWithKey({ email });
    const res = await adminJson("POST", "/notify", {
      users: [email, "nobody@example.com"],
      subject: "Security notice",
      body: "Please change your password.",
    });
    expect(await res.json()).toMatchObject({
      sent: [userId],
      unknown: ["nobody@example.com"],
      retryAfter: null,
    });
    const row = await env.DB.prepare("SELECT subject FROM email_outbox WHERE to_address = ?")
      .bind(email)
      .first();
    expect(row).toMatchObject({ subject: "Security notice" });
    expect(await lastAudit()).toMatchObject({ action: "notify.send", after: { sent: [userId] } });
    const neither = await adminJson("POST", "/notify", { subject: "x", body: "y" });
    expect(neither.status).toBe(400);
  });

  it("notifies everyone with all: every account not erased, one page, no cursor left", async () => {
    const { userId } = await createUserWithKey();
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM users WHERE deleted_at IS NULL").first<{
      n: number;
    }>()) ?? { n: 0 };
    expect(n).toBeLessThan(50);
    const res = await adminJson("POST", "/notify", { all: true, subject: "Maintenance", body: "Tonight." });
    const answer = (await res.json()) as { sent: string[]; nextCursor: string | null };
    expect(answer.sent).toHaveLength(n);
    expect(answer.sent).toContain(userId);
    expect(answer.nextCursor).toBeNull();
    expect(await lastAudit()).toMatchObject({ action: "notify.send", target: "all" });
  });

  it("revokes every session of everyone", async () => {
    const { userId } = await createUserWithKey();
    await env.DB.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
      .bind(`ses_${userId}`, userId, Date.now(), Date.now() + 86_400_000)
      .run();
    const res = await adminJson("POST", "/sessions/revoke-all", { reason: "secret leaked" });
    const { revoked } = (await res.json()) as { revoked: number };
    expect(revoked).toBeGreaterThanOrEqual(1);
    const live = await env.DB.prepare(
      "SELECT count(*) AS n FROM sessions WHERE revoked_at IS NULL",
    ).first<number>("n");
    expect(live).toBe(0);
    expect(await lastAudit()).toMatchObject({ action: "sessions.revoke_all", after: { liveSessions: 0 } });
  });
});
