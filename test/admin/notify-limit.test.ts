// Operators' notices are rate limited deployment-wide (NOTIFY_LIMITER, 60 a minute): past the budget
// the request stops, names who was not written to, and says when to continue; nothing is sent twice.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createUserWithKey, uniqueEmail } from "../support";
import { adminJson } from "./helpers";

type NotifyAnswer = { sent: string[]; remaining: string[]; retryAfter: number | null };

describe("notify's rate limit", () => {
  it("stops at the limiter's budget, reports the rest, and sends nobody twice", async () => {
    const people = await Promise.all(
      Array.from({ length: 70 }, async () => {
        const email = uniqueEmail("limit");
        return { email, ...(await createUserWithKey({ email })) };
      }),
    );
    const answers: NotifyAnswer[] = [];
    for (let i = 0; i < people.length; i += 50) {
      const users = people.slice(i, i + 50).map((p) => p.userId);
      const res = await adminJson("POST", "/notify", { users, subject: "Notice", body: "Text" });
      expect(res.status, await res.clone().text()).toBe(200);
      answers.push((await res.json()) as NotifyAnswer);
    }
    const sent = answers.flatMap((a) => a.sent);
    const remaining = answers.flatMap((a) => a.remaining);
    // Other test files in the same runtime may have spent part of the shared one-minute budget (how
    // much depends on how fast they ran): at most 60 go out, and at least the ten past it wait.
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(60);
    expect(remaining.length).toBeGreaterThanOrEqual(10);
    expect(sent.length + remaining.length).toBe(70);
    expect(answers.at(-1)?.retryAfter).toBe(60);
    expect(new Set(sent).size).toBe(sent.length);
    for (const userId of remaining.slice(0, 3)) {
      const email = people.find((p) => p.userId === userId)?.email;
      const row = await env.DB.prepare("SELECT 1 FROM email_outbox WHERE to_address = ?").bind(email).first();
      expect(row).toBeNull();
    }
    // Seventy accounts and sixty emails take a while on a busy machine; nothing here waits for time.
  }, 60_000);
});
