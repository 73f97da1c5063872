// Policy 7, correction: "change your email address in Settings (confirmed from the new address)".
// The password is re-checked, the new address gets a link, the old one a notice, and nothing changes
// until the link is opened.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { browser, logIn, signUp } from "../accounts/helpers";
import { call, uniqueEmail } from "../support";

const lastEmailTo = async (to: string) =>
  env.DB.prepare(
    "SELECT subject, body FROM email_outbox WHERE to_address = ? ORDER BY created_at DESC, rowid DESC",
  )
    .bind(to)
    .first<{ subject: string; body: string }>();

describe("changing the email address", () => {
  it("takes effect only once the link sent to the new address is opened, and notifies the old one", async () => {
    const person = await signUp();
    const newEmail = uniqueEmail("moved");
    const asked = await call(
      "/api/v1/me/email",
      browser("POST", { cookie: person.cookie, body: { password: person.password, newEmail } }),
    );
    expect(asked.status).toBe(202);
    expect((await lastEmailTo(person.email))?.subject).toMatch(/being changed/);
    // Not yet: the old address still signs in.
    expect((await logIn(person.email, person.password)).status).toBe(200);

    const link = (await lastEmailTo(newEmail))?.body ?? "";
    const token = /confirm-email-change\?token=([A-Za-z0-9_-]+)/.exec(link)?.[1] as string;
    const confirmed = await call("/api/v1/auth/confirm-email-change", browser("POST", { body: { token } }));
    expect(confirmed.status).toBe(200);
    expect((await logIn(newEmail, person.password)).status).toBe(200);
    expect((await logIn(person.email, person.password)).status).toBe(401);
    // The link works once.
    expect(
      (await call("/api/v1/auth/confirm-email-change", browser("POST", { body: { token } }))).status,
    ).toBe(400);
  });

  it("needs the password and refuses an address another account uses", async () => {
    const person = await signUp();
    const other = await signUp();
    const wrong = await call(
      "/api/v1/me/email",
      browser("POST", {
        cookie: person.cookie,
        body: { password: "not my password", newEmail: uniqueEmail() },
      }),
    );
    expect(wrong.status).toBe(403);
    const takenRes = await call(
      "/api/v1/me/email",
      browser("POST", { cookie: person.cookie, body: { password: person.password, newEmail: other.email } }),
    );
    expect(takenRes.status).toBe(409);
    expect(await takenRes.json()).toMatchObject({ error: { code: "EMAIL_TAKEN" } });
  });
});
