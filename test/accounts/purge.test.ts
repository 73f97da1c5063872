// The cron purge of account records: old emails, spent or expired email tokens, ended sessions.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ENDED_RECORD_DAYS, purgeAccountRecords } from "../../src/accounts/purge";
import { createDb } from "../../src/db/client";
import { newId } from "../../src/lib/ids";
import { count, signUp } from "./helpers";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const at = Date.now();
const longAgo = at - (ENDED_RECORD_DAYS + 1) * DAY;
const lately = at - (ENDED_RECORD_DAYS - 1) * DAY;

const outbox = async (to: string, createdAt: number) => {
  const id = newId("eml");
  await env.DB.prepare(
    "INSERT INTO email_outbox (id, to_address, subject, body, created_at, sent_at) VALUES (?, ?, 's', 'b', ?, ?)",
  )
    .bind(id, to, createdAt, createdAt)
    .run();
  return id;
};

const token = async (userId: string, expiresAt: number, usedAt: number | null) => {
  const id = newId("tok");
  await env.DB.prepare(
    "INSERT INTO email_tokens (id, user_id, purpose, token_hash, created_at, expires_at, used_at) VALUES (?, ?, 'reset_password', ?, ?, ?, ?)",
  )
    .bind(id, userId, id, expiresAt - HOUR, expiresAt, usedAt)
    .run();
  return id;
};

const session = async (userId: string, expiresAt: number, revokedAt: number | null) => {
  const id = newId("ses");
  await env.DB.prepare(
    "INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)",
  )
    .bind(id, userId, expiresAt - 30 * DAY, expiresAt, revokedAt)
    .run();
  return id;
};

const exists = async (table: string, id: string) => (await count(table, "id = ?", id)) === 1;

describe("purgeAccountRecords", () => {
  it("deletes emails older than the longest link lifetime (48 h) and keeps younger ones", async () => {
    const { email } = await signUp();
    const old = await outbox(email, at - 49 * HOUR);
    const young = await outbox(email, at - 47 * HOUR);
    await purgeAccountRecords(createDb(env.DB), at);
    expect(await exists("email_outbox", old)).toBe(false);
    expect(await exists("email_outbox", young)).toBe(true);
    // The signup's own confirmation email is minutes old.
    expect(await count("email_outbox", "to_address = ?", email)).toBe(2);
  });

  it(`deletes email tokens expired or spent more than ${ENDED_RECORD_DAYS} days ago, and no others`, async () => {
    const { userId } = await signUp();
    const expiredLongAgo = await token(userId, longAgo, null);
    const spentLongAgo = await token(userId, lately, longAgo);
    const expiredLately = await token(userId, lately, null);
    const spentLately = await token(userId, at + HOUR, lately);
    const live = await token(userId, at + HOUR, null);
    await purgeAccountRecords(createDb(env.DB), at);
    expect(await exists("email_tokens", expiredLongAgo)).toBe(false);
    expect(await exists("email_tokens", spentLongAgo)).toBe(false);
    for (const kept of [expiredLately, spentLately, live])
      expect(await exists("email_tokens", kept)).toBe(true);
  });

  it(`deletes sessions expired or revoked more than ${ENDED_RECORD_DAYS} days ago, and no others`, async () => {
    const { userId } = await signUp();
    const expiredLongAgo = await session(userId, longAgo, null);
    const revokedLongAgo = await session(userId, at + DAY, longAgo);
    const revokedLately = await session(userId, at + DAY, lately);
    const live = await session(userId, at + DAY, null);
    await purgeAccountRecords(createDb(env.DB), at);
    expect(await exists("sessions", expiredLongAgo)).toBe(false);
    expect(await exists("sessions", revokedLongAgo)).toBe(false);
    for (const kept of [revokedLately, live]) expect(await exists("sessions", kept)).toBe(true);
    // The signup's own session is still signed in.
    expect(await count("sessions", "user_id = ? AND revoked_at IS NULL AND expires_at > ?", userId, at)).toBe(
      2,
    );
  });
});
