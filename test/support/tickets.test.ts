// Policy 4.6, 7 and Contact: "in-app support, answered within 48–72 hours on business days". A customer
// opens a ticket and sees the thread; an operator lists, answers (the customer is emailed) and closes
// it, each change audited; overdue tickets are flagged; privacy requests are verified by the session,
// or by an emailed link when sent without one.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { addBusinessHours } from "../../src/support/due";
import type { TicketView } from "../../src/support/tickets";
import { browser, signUp } from "../accounts/helpers";
import { admin, adminJson } from "../admin/helpers";
import { call, uniqueEmail } from "../support";
import { seedCatalogForTests } from "../support-catalog";

beforeAll(() => seedCatalogForTests(env));

const open = (cookie: string, body: unknown) =>
  call("/api/v1/support/tickets", browser("POST", { cookie, body }));

const emailsTo = async (to: string) =>
  (
    await env.DB.prepare(
      "SELECT subject, body FROM email_outbox WHERE to_address = ? ORDER BY created_at, rowid",
    )
      .bind(to)
      .all<{ subject: string; body: string }>()
  ).results;

describe("support tickets", () => {
  it("a customer opens a ticket, an operator answers it, the customer is emailed and sees the answer", async () => {
    const person = await signUp();
    const res = await open(person.cookie, {
      subject: "Code never came",
      message: "My Telegram number got nothing.",
    });
    expect(res.status).toBe(201);
    const ticket = (await res.json()) as TicketView;
    expect(ticket).toMatchObject({ status: "open", kind: "support", overdue: false });
    const hours = (Date.parse(ticket.dueAt) - Date.parse(ticket.createdAt)) / 3_600_000;
    expect(hours).toBeGreaterThanOrEqual(Number(env.SUPPORT_DUE_BUSINESS_HOURS));

    const listed = (await (await admin("/tickets")).json()) as { items: Array<{ id: string }> };
    expect(listed.items.map((t) => t.id)).toContain(ticket.id);

    const answered = await adminJson("POST", `/tickets/${ticket.id}/answer`, {
      body: "We refunded the hold; try again.",
    });
    expect(answered.status).toBe(200);
    const mail = (await emailsTo(person.email)).at(-1);
    expect(mail?.subject).toBe("Re: Code never came");
    expect(mail?.body).toContain("We refunded the hold");

    const thread = (await (
      await call(`/api/v1/support/tickets/${ticket.id}`, browser("GET", { cookie: person.cookie }))
    ).json()) as TicketView;
    expect(thread.status).toBe("answered");
    expect(thread.messages?.map((m) => m.author)).toEqual(["customer", "operator"]);

    expect((await adminJson("POST", `/tickets/${ticket.id}/close`, {})).status).toBe(200);
    const audit = await env.DB.prepare(
      "SELECT action FROM operator_audit WHERE target = ? ORDER BY at, rowid",
    )
      .bind(ticket.id)
      .all<{ action: string }>();
    expect(audit.results.map((a) => a.action)).toEqual(["ticket.answer", "ticket.close"]);
    const reply = await call(
      `/api/v1/support/tickets/${ticket.id}/messages`,
      browser("POST", { cookie: person.cookie, body: { message: "thanks" } }),
    );
    expect(reply.status).toBe(409);
  });

  it("flags tickets past their due time to operators", async () => {
    const person = await signUp();
    const ticket = (await (
      await open(person.cookie, { subject: "Late", message: "hello?" })
    ).json()) as TicketView;
    await env.DB.prepare("UPDATE support_tickets SET due_at = ? WHERE id = ?")
      .bind(Date.now() - 1000, ticket.id)
      .run();
    const overdue = (await (await admin("/tickets?overdue=true")).json()) as {
      items: Array<{ id: string; overdue: boolean }>;
      overdue: number;
    };
    expect(overdue.items.find((t) => t.id === ticket.id)).toMatchObject({ overdue: true });
    expect(overdue.overdue).toBeGreaterThanOrEqual(1);
  });

  it("refuses another customer's activation id and bad input with 400, and hides others' tickets", async () => {
    const a = await signUp();
    const b = await signUp();
    const bad = await open(a.cookie, { subject: "", message: "x", activationId: "act_nope" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const mine = (await (await open(a.cookie, { subject: "Mine", message: "private" })).json()) as TicketView;
    expect(
      (await call(`/api/v1/support/tickets/${mine.id}`, browser("GET", { cookie: b.cookie }))).status,
    ).toBe(404);
  });

  it("counts the due time in business hours: Friday evening plus 48 h is Wednesday evening", () => {
    const friday = Date.parse("2026-03-20T17:00:00Z");
    expect(new Date(addBusinessHours(friday, 48)).toISOString()).toBe("2026-03-24T17:00:00.000Z");
  });
});

describe("privacy requests", () => {
  it("a signed-in request is verified by its session and waits for an operator", async () => {
    const person = await signUp();
    const res = await open(person.cookie, {
      subject: "Correct my data",
      message: "…",
      privacyType: "correction",
    });
    const ticket = (await res.json()) as TicketView;
    expect(ticket).toMatchObject({ kind: "privacy", privacyType: "correction", status: "open" });
    const shown = (await (await admin(`/tickets/${ticket.id}`)).json()) as { verifiedBy: string };
    expect(shown.verifiedBy).toBe("session");
  });

  it("a request sent by email without a session is acted on only after its confirmation link", async () => {
    const person = await signUp();
    const sent = await call(
      "/api/v1/support/privacy-requests",
      browser("POST", { body: { email: person.email, privacyType: "access", message: "What do you keep?" } }),
    );
    expect(sent.status).toBe(202);
    const row = await env.DB.prepare(
      "SELECT id, status, user_id FROM support_tickets WHERE email = ? AND kind = 'privacy'",
    )
      .bind(person.email)
      .first<{ id: string; status: string; user_id: string | null }>();
    expect(row).toMatchObject({ status: "unverified", user_id: null });
    // An operator cannot act on it yet.
    expect((await adminJson("POST", `/tickets/${row?.id}/answer`, { body: "here" })).status).toBe(409);

    const mail = (await emailsTo(person.email)).at(-1);
    const token = /support\/confirm\?token=([A-Za-z0-9_-]+)/.exec(mail?.body ?? "")?.[1] as string;
    const confirmed = await call(
      "/api/v1/support/privacy-requests/confirm",
      browser("POST", { body: { token } }),
    );
    expect(confirmed.status).toBe(200);
    const after = await env.DB.prepare(
      "SELECT status, user_id, verified_by FROM support_tickets WHERE id = ?",
    )
      .bind(row?.id)
      .first();
    expect(after).toEqual({ status: "open", user_id: person.userId, verified_by: "email_link" });
    // The link works once.
    expect(
      (await call("/api/v1/support/privacy-requests/confirm", browser("POST", { body: { token } }))).status,
    ).toBe(400);
  });

  it("answers the same for an address without an account, and still asks for confirmation", async () => {
    const res = await call(
      "/api/v1/support/privacy-requests",
      browser("POST", { body: { email: uniqueEmail("nobody"), privacyType: "information", message: "hi" } }),
    );
    expect(res.status).toBe(202);
  });
});
