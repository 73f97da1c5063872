// Policy, retention: "SMS texts and codes are kept SMS_RETENTION_DAYS, each message by its own age, in
// D1 and in the activation's own object", and an SMS arriving after the account's erasure or after the
// content was purged keeps only its metadata.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { purgeByRetention } from "../../src/privacy/retention";
import { browser } from "../accounts/helpers";
import { act, makeCancelable, room, sms } from "../activations/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { customerWithHistory } from "./helpers";

beforeAll(async () => {
  await seedCatalogForTests(env);
});

const DAY = 24 * 60 * 60 * 1000;
const retentionDays = () => Number(env.SMS_RETENTION_DAYS);

const roomSms = (activationId: string) =>
  runInDurableObject(room(activationId), (_instance, state) =>
    state.storage.sql
      .exec<{ text: string | null; code: string | null }>("SELECT text, code FROM sms ORDER BY seq")
      .toArray(),
  );

const d1Sms = async (activationId: string) =>
  (
    await env.DB.prepare("SELECT text, code FROM sms_messages WHERE activation_id = ? ORDER BY received_at")
      .bind(activationId)
      .all<{ text: string | null; code: string | null }>()
  ).results;

/** Ages the room's copy of every message received so far past the retention period, then fires its alarm. */
const ageRoomMessagesAndFireAlarm = async (activationId: string) => {
  const past = Date.now() - (retentionDays() + 1) * DAY;
  await runInDurableObject(room(activationId), (_instance, state) => {
    state.storage.sql.exec("UPDATE sms SET received_at = ?", past);
    state.storage.sql.exec("UPDATE events SET at = ? WHERE type = 'sms'", past);
    return state.storage.setAlarm(Date.now());
  });
  expect(await runDurableObjectAlarm(room(activationId))).toBe(true);
};

const eraseAccount = async (c: Awaited<ReturnType<typeof customerWithHistory>>) => {
  await makeCancelable(c.activationId);
  expect((await act(c.auth, c.activationId, "cancel")).status).toBe(200);
  const res = await call(
    "/api/v1/me/delete",
    browser("POST", {
      cookie: c.cookie,
      body: { password: c.password, confirm: "DELETE", forfeitBalance: true },
    }),
  );
  expect(res.status).toBe(200);
};

describe("retention: SMS after erasure or after the purge keep only metadata", () => {
  it("an SMS arriving after the account was erased is recorded without its text and code, in D1 and in the room", async () => {
    const c = await customerWithHistory();
    await eraseAccount(c);
    await sms(c.activationId, "Your Telegram code is 90817");
    expect(await roomSms(c.activationId)).toEqual([{ text: null, code: null }]);
    expect(await d1Sms(c.activationId)).toEqual([{ text: null, code: null }]);
  });

  it("an SMS for an erased account keeps only metadata even when its room has not heard of the erasure yet", async () => {
    const c = await customerWithHistory();
    // The erasure is in D1; the room was not reached (the erasure job retries it from the cron).
    await env.DB.prepare("UPDATE users SET deleted_at = ? WHERE id = ?").bind(Date.now(), c.userId).run();
    await sms(c.activationId, "Your Telegram code is 55501");
    expect(await roomSms(c.activationId)).toEqual([{ text: null, code: null }]);
    expect(await d1Sms(c.activationId)).toEqual([{ text: null, code: null }]);
    // Restore the account for the ledger check in afterEach: its hold is settled by the room as usual.
    await env.DB.prepare("UPDATE users SET deleted_at = NULL WHERE id = ?").bind(c.userId).run();
  });

  it("an SMS arriving after the room purged its content is recorded without text and code", async () => {
    const c = await customerWithHistory();
    await sms(c.activationId, "Your Telegram code is 44321");
    await act(c.auth, c.activationId, "finish");
    await ageRoomMessagesAndFireAlarm(c.activationId);
    await sms(c.activationId, "Your Telegram code is 77788, a late one");
    expect(await roomSms(c.activationId)).toEqual([
      { text: null, code: null },
      { text: null, code: null },
    ]);
    const late = (await d1Sms(c.activationId)).at(-1);
    expect(late).toEqual({ text: null, code: null });
  });

  it("the room erases each message by its own age: an older message goes, a newer one stays", async () => {
    const c = await customerWithHistory();
    await sms(c.activationId, "Your Telegram code is 10101");
    await act(c.auth, c.activationId, "retry");
    const past = Date.now() - (retentionDays() + 1) * DAY;
    await runInDurableObject(room(c.activationId), (_instance, state) => {
      state.storage.sql.exec("UPDATE sms SET received_at = ?", past);
      state.storage.sql.exec("UPDATE events SET at = ? WHERE type = 'sms'", past);
    });
    await sms(c.activationId, "Your Telegram code is 20202");
    await act(c.auth, c.activationId, "finish");
    await runInDurableObject(room(c.activationId), (_instance, state) => state.storage.setAlarm(Date.now()));
    expect(await runDurableObjectAlarm(room(c.activationId))).toBe(true);
    expect(await roomSms(c.activationId)).toEqual([
      { text: null, code: null },
      { text: expect.stringContaining("20202"), code: "20202" },
    ]);
    // The remaining message is due at its own time: the room's next alarm is set for it.
    const alarm = await runInDurableObject(room(c.activationId), (_instance, state) =>
      state.storage.getAlarm(),
    );
    expect(alarm).toBeGreaterThan(Date.now() + (retentionDays() - 1) * DAY);
  });
});

describe("retention: the rest of the schedule", () => {
  it("deletes security log entries (also failed sign-ins of unknown emails) and closed tickets past their periods", async () => {
    const day = 24 * 60 * 60 * 1000;
    const old = Date.now() - (Number(env.SECURITY_LOG_RETENTION_DAYS) + 1) * day;
    const oldClosed = Date.now() - (Number(env.SUPPORT_RETENTION_DAYS) + 1) * day;
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO security_events (id, user_id, kind, ip, created_at) VALUES ('sev_old_unknown', NULL, 'login_failed', '10.0.0.1', ?)",
      ).bind(old),
      env.DB.prepare(
        "INSERT INTO security_events (id, user_id, kind, ip, created_at) VALUES ('sev_recent_unknown', NULL, 'login_failed', '10.0.0.2', ?)",
      ).bind(Date.now()),
      env.DB.prepare(
        `INSERT INTO support_tickets (id, email, kind, subject, status, created_at, due_at, closed_at, updated_at)
         VALUES ('tkt_old_closed', 'a@example.com', 'support', 'old', 'closed', ?1, ?1, ?1, ?1),
                ('tkt_old_open', 'b@example.com', 'support', 'still open', 'open', ?1, ?1, NULL, ?1)`,
      ).bind(oldClosed),
    ]);
    await purgeByRetention(env, createDb(env.DB), Date.now());
    const ids = async (table: string) =>
      (
        await env.DB.prepare(
          `SELECT id FROM ${table} WHERE id IN ('sev_old_unknown', 'sev_recent_unknown', 'tkt_old_closed', 'tkt_old_open')`,
        ).all<{ id: string }>()
      ).results.map((r) => r.id);
    expect(await ids("security_events")).toEqual(["sev_recent_unknown"]);
    expect(await ids("support_tickets")).toEqual(["tkt_old_open"]);
  });
});
