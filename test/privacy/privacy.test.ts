// The privacy policy's promises, as a customer would exercise them: export everything, delete the
// account, and SMS content that disappears after the retention period.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../../src/billing/ledger";
import { createDb } from "../../src/db/client";
import type { exportUserData } from "../../src/privacy/export";
import { purgeExpiredSmsContent } from "../../src/privacy/retention";
import { browser, inOneRateLimitWindow, logIn, signUp } from "../accounts/helpers";
import { act, makeCancelable, room, sms } from "../activations/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";

beforeAll(async () => {
  await seedCatalogForTests(env);
});

/** A signed-up customer with money, an API key and one finished activation that received a code. */
const customerWithHistory = async () => {
  const person = await signUp();
  const topUp = await call(
    "/api/v1/billing/demo-topup",
    browser("POST", { cookie: person.cookie, body: { amount: 2000 } }),
  );
  expect(topUp.status).toBe(200);
  const keyRes = await call(
    "/api/v1/keys",
    browser("POST", { cookie: person.cookie, body: { name: "bot" } }),
  );
  const { key } = (await keyRes.json()) as { key: string };
  const auth = { Authorization: `Bearer ${key}` };
  const orderRes = await call("/api/v1/activations", {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ service: "tg", country: 0 }),
  });
  expect(orderRes.status).toBe(201);
  const activation = (await orderRes.json()) as { id: string };
  return { ...person, auth, key, activationId: activation.id };
};

const exportOf = async (cookie: string) => {
  const res = await call("/api/v1/me/export", browser("GET", { cookie }));
  expect(res.status).toBe(200);
  return { res, data: (await res.json()) as Awaited<ReturnType<typeof exportUserData>> };
};

const erase = (cookie: string, body: unknown) => call("/api/v1/me/delete", browser("POST", { cookie, body }));

describe("data export", () => {
  it("gives the customer everything kept about them, including SMS text, as a download", async () => {
    const c = await customerWithHistory();
    await sms(c.activationId, "Your Telegram code is 48213. Don't share it.");

    const { res, data } = await exportOf(c.cookie);
    expect(res.headers.get("Content-Disposition")).toMatch(/attachment/);
    expect(data.account).toMatchObject({ id: c.userId, email: c.email });
    const t = data.tables as Record<string, Array<Record<string, unknown>>>;
    expect(t.api_keys).toHaveLength(1);
    expect(JSON.stringify(data)).not.toContain(c.key); // the key itself is never stored
    expect(t.api_keys?.[0]).not.toHaveProperty("key_hash");
    expect(t.ledger_entries?.map((e) => e.kind)).toContain("top_up");
    expect(t.security_events?.map((e) => e.kind)).toContain("signup");
    expect(t.activations).toHaveLength(1);
    expect(t.sms_messages?.[0]).toMatchObject({ code: "48213", text: expect.stringContaining("48213") });
    // The activation's own object's copy is in it too.
    expect(data.rooms[0]?.sms[0]).toMatchObject({ code: "48213" });
  });

  it("is not available to an API key, only to the signed-in person", async () => {
    const c = await customerWithHistory();
    const res = await call("/api/v1/me/export", { headers: c.auth });
    expect(res.status).toBe(403);
  });
});

describe("account deletion", () => {
  it("is refused while a number is live, and with a wrong password", async () => {
    const c = await customerWithHistory();
    const live = await erase(c.cookie, { password: c.password, confirm: "DELETE", forfeitBalance: true });
    expect(live.status).toBe(409);
    expect(await live.json()).toMatchObject({ error: { code: "ACTIVE_ACTIVATIONS" } });

    await makeCancelable(c.activationId);
    expect((await act(c.auth, c.activationId, "cancel")).status).toBe(200);
    const wrong = await erase(c.cookie, {
      password: "not my password",
      confirm: "DELETE",
      forfeitBalance: true,
    });
    expect(wrong.status).toBe(403);
    expect((await call("/api/v1/me", browser("GET", { cookie: c.cookie }))).status).toBe(200);
  });

  it("limits password guesses and logs each wrong one", async () => {
    const { c, statuses } = await inOneRateLimitWindow(async () => {
      const c = await customerWithHistory();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push((await erase(c.cookie, { password: `guess number ${i}`, confirm: "DELETE" })).status);
      }
      return { c, statuses };
    });
    // Signing up counted once against the per-email budget of 10 a minute.
    expect(statuses.filter((s) => s === 403).length).toBeGreaterThanOrEqual(8);
    expect(statuses.at(-1)).toBe(429);
    const failed = await env.DB.prepare(
      "SELECT count(*) AS n FROM security_events WHERE user_id = ? AND kind = 'password_check_failed'",
    )
      .bind(c.userId)
      .first<{ n: number }>();
    expect(failed?.n).toBe(statuses.filter((s) => s === 403).length);
  });

  it("asks the customer to give up a remaining balance explicitly", async () => {
    const c = await customerWithHistory();
    await makeCancelable(c.activationId);
    await act(c.auth, c.activationId, "cancel");
    const res = await erase(c.cookie, { password: c.password, confirm: "DELETE" });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: { code: "BALANCE_REMAINING", details: { available: 2000 } },
    });
  });

  it("needs the typed confirmation", async () => {
    const c = await customerWithHistory();
    const res = await erase(c.cookie, { password: c.password, confirm: "yes" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });

  it("erases personal data, signs out everywhere and keeps the books balanced", async () => {
    const c = await customerWithHistory();
    await sms(c.activationId, "Your Telegram code is 77120");
    await act(c.auth, c.activationId, "finish");

    const res = await erase(c.cookie, { password: c.password, confirm: "DELETE", forfeitBalance: true });
    expect(res.status).toBe(200);

    // Signed out, the key is dead, and the email and password no longer open anything.
    expect((await call("/api/v1/me", browser("GET", { cookie: c.cookie }))).status).toBe(401);
    expect((await call("/api/v1/billing/balance", { headers: c.auth })).status).toBe(401);
    expect((await logIn(c.email, c.password)).status).toBe(401);

    const user = await env.DB.prepare("SELECT email, available, held, deleted_at FROM users WHERE id = ?")
      .bind(c.userId)
      .first<{ email: string; available: number; held: number; deleted_at: number | null }>();
    expect(user?.email).not.toContain(c.email);
    expect(user).toMatchObject({ available: 0, held: 0 });
    expect(user?.deleted_at).not.toBeNull();

    const leftovers = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM sessions WHERE user_id = ?1) AS sessions,
              (SELECT count(*) FROM api_keys WHERE user_id = ?1) AS keys,
              (SELECT count(*) FROM security_events WHERE user_id = ?1) AS security,
              (SELECT count(*) FROM email_outbox WHERE to_address = ?2) AS emails,
              (SELECT count(*) FROM sms_messages WHERE activation_id = ?3 AND text IS NOT NULL) AS sms`,
    )
      .bind(c.userId, c.email, c.activationId)
      .first();
    expect(leftovers).toEqual({ sessions: 0, keys: 0, security: 0, emails: 0, sms: 0 });
    // The activation's own object no longer has the message either.
    const stored = await runInDurableObject(room(c.activationId), (_instance, state) =>
      state.storage.sql
        .exec("SELECT count(*) AS n FROM sms WHERE text IS NOT NULL OR code IS NOT NULL")
        .one(),
    );
    expect(stored.n).toBe(0);
    expect((await verifyLedger(createDb(env.DB))).ok).toBe(true);
  });
});

describe("SMS retention", () => {
  it("purges text and code older than the retention period and keeps newer messages", async () => {
    const c = await customerWithHistory();
    await sms(c.activationId, "Your Telegram code is 11111");
    const day = 24 * 60 * 60 * 1000;
    const retention = Number(env.SMS_RETENTION_DAYS);
    // Age the first message past the retention period, in both places that hold its text.
    await env.DB.batch([
      env.DB.prepare("UPDATE sms_messages SET received_at = ? WHERE activation_id = ?").bind(
        Date.now() - (retention + 1) * day,
        c.activationId,
      ),
      env.DB.prepare(
        "UPDATE activation_events SET created_at = ? WHERE activation_id = ? AND type = 'sms'",
      ).bind(Date.now() - (retention + 1) * day, c.activationId),
    ]);
    await act(c.auth, c.activationId, "retry");
    await sms(c.activationId, "Your Telegram code is 22222");

    const purged = await purgeExpiredSmsContent(createDb(env.DB), Date.now(), retention);
    expect(purged).toBe(1);

    const { data } = await exportOf(c.cookie);
    const texts = (data.tables.sms_messages as Array<{ text: string | null }>).map((m) => m.text);
    expect(texts).toContain(null);
    expect(texts).toContainEqual(expect.stringContaining("22222"));
    const events = await env.DB.prepare(
      "SELECT data FROM activation_events WHERE activation_id = ? AND type = 'sms' ORDER BY seq",
    )
      .bind(c.activationId)
      .all<{ data: string }>();
    expect(events.results.map((e) => JSON.parse(e.data).sms)).toEqual([
      expect.objectContaining({ code: null, text: null }),
      expect.objectContaining({ code: "22222", text: expect.stringContaining("22222") }),
    ]);
  });
});

describe("SMS retention in the activation's own object", () => {
  it("erases the room's copy of texts and codes once the retention period after the end has passed", async () => {
    const c = await customerWithHistory();
    await sms(c.activationId, "Your Telegram code is 55555");
    await act(c.auth, c.activationId, "finish");
    const days = Number(env.SMS_RETENTION_DAYS) + 1;
    // Each message is erased by its own age: age the message (and the event that repeats it).
    await runInDurableObject(room(c.activationId), (_instance, state) => {
      const past = Date.now() - days * 24 * 60 * 60 * 1000;
      state.storage.sql.exec("UPDATE sms SET received_at = ?", past);
      state.storage.sql.exec("UPDATE events SET at = ?", past);
    });
    // The alarm set for the purge (or any pending one) now finds the period over.
    await runInDurableObject(room(c.activationId), (_instance, state) => state.storage.setAlarm(Date.now()));
    expect(await runDurableObjectAlarm(room(c.activationId))).toBe(true);

    const waited = await call(`/api/v1/activations/${c.activationId}/wait?since=0&timeout=0`, {
      headers: c.auth,
    });
    const body = (await waited.json()) as {
      events: Array<{ code: string | null; sms: { text: string | null } | null }>;
    };
    const smsEvents = body.events.filter((e) => e.sms);
    expect(smsEvents.length).toBe(1);
    expect(smsEvents[0]?.sms?.text).toBeNull();
    expect(body.events.every((e) => e.code === null)).toBe(true);
  });
});
