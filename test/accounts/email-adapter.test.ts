// The email adapter: always an outbox row (the text only when it is not sent over HTTP); over HTTP
// when EMAIL_API_URL is set, else the log.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { REDACTED_BODY, sendEmail } from "../../src/accounts/email";
import { createDb } from "../../src/db/client";
import { uniqueEmail } from "../support";
import { FAKE_EMAIL_HOST, FAKE_EMAIL_KEY } from "./fake-email-api";

const outboxRow = async (to: string) =>
  env.DB.prepare("SELECT subject, body, sent_at FROM email_outbox WHERE to_address = ?")
    .bind(to)
    .first<{ subject: string; body: string; sent_at: number | null }>();

const message = (to: string) => ({ to, subject: "Hello", body: "A link: https://example.com/#/x" });

describe("sendEmail", () => {
  it("without EMAIL_API_URL records the message and prints it to the log", async () => {
    const to = uniqueEmail();
    expect(await sendEmail({ ...env, EMAIL_API_URL: "" }, createDb(env.DB), message(to))).toBe(true);
    expect(await outboxRow(to)).toMatchObject({
      subject: "Hello",
      body: message(to).body,
      sent_at: expect.any(Number),
    });
  });

  it("with EMAIL_API_URL posts {from, to, subject, text} with the bearer key and marks it sent", async () => {
    const to = uniqueEmail();
    const http = { ...env, EMAIL_API_URL: `http://${FAKE_EMAIL_HOST}/send`, EMAIL_API_KEY: FAKE_EMAIL_KEY };
    expect(await sendEmail(http, createDb(env.DB), message(to))).toBe(true);
    // The API has the text; the outbox keeps the envelope only, never the link.
    expect(await outboxRow(to)).toEqual({
      subject: "Hello",
      body: REDACTED_BODY,
      sent_at: expect.any(Number),
    });
  });

  it("keeps the message unsent, without throwing, when the email API refuses it", async () => {
    const to = uniqueEmail();
    const http = { ...env, EMAIL_API_URL: `http://${FAKE_EMAIL_HOST}/send`, EMAIL_API_KEY: "wrong key" };
    expect(await sendEmail(http, createDb(env.DB), message(to))).toBe(false);
    expect(await outboxRow(to)).toEqual({ subject: "Hello", body: REDACTED_BODY, sent_at: null });
  });
});
