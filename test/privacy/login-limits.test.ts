// Policy, security: "brute force is limited, and the limits cannot be turned against the owner".
// Failures for an email from elsewhere exhaust that email's budget, but never stop the owner's correct
// login from a browser they used before, a password reset, a password change or an erasure; a flood
// of reset requests sends at most a few emails. The security log (IPs) is for a session only.
import { describe, expect, it } from "vitest";
import { RESET_EMAILS_PER_HOUR } from "../../src/accounts/login-limits";
import {
  browser,
  count,
  emailedToken,
  inOneRateLimitWindow,
  logIn,
  PASSWORD,
  sessionCookie,
  signupBody,
  uniqueIp,
} from "../accounts/helpers";
import { call, createUserWithKey, uniqueEmail } from "../support";

const deviceCookie = (res: Response): string | null =>
  res.headers
    .getSetCookie()
    .find((c) => c.startsWith("__Host-smsprof_device="))
    ?.split(";")[0] ?? null;

/** Signs up from the owner's browser: its session cookie and the device cookie it keeps. */
const ownerSignsUp = async () => {
  const email = uniqueEmail("owner");
  const res = await call("/api/v1/auth/signup", browser("POST", { body: signupBody(email) }));
  expect(res.status).toBe(201);
  return { email, session: sessionCookie(res) as string, device: deviceCookie(res) as string };
};

/** Someone else fails to sign in as `email` from many addresses until the email's budget is gone. */
const attackerFails = async (email: string) => {
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) statuses.push((await logIn(email, `guess ${i} not it`, uniqueIp())).status);
  return statuses;
};

describe("login limits that cannot be turned against the owner", () => {
  it("failures from elsewhere do not stop the owner's correct login from their own browser", async () => {
    const owner = await ownerSignsUp();
    const { statuses, mine } = await inOneRateLimitWindow(async () => {
      const statuses = await attackerFails(owner.email);
      const mine = await call(
        "/api/v1/auth/login",
        browser("POST", { cookie: owner.device, body: { email: owner.email, password: PASSWORD } }),
      );
      return { statuses, mine };
    });
    expect(statuses.at(-1)).toBe(429); // the attacker is still braked
    expect(mine.status).toBe(200);
    expect(sessionCookie(mine)).not.toBeNull();
  });

  it("brute force is still limited per email for browsers the account has not seen", async () => {
    const owner = await ownerSignsUp();
    const { statuses, fromNewBrowser } = await inOneRateLimitWindow(async () => {
      const statuses = await attackerFails(owner.email);
      return { statuses, fromNewBrowser: await logIn(owner.email, PASSWORD, uniqueIp()) };
    });
    // Signing up counted once against the email's budget of 10 a minute.
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(fromNewBrowser.status).toBe(429);
  });

  it("a device cookie of another account gives no exemption", async () => {
    const owner = await ownerSignsUp();
    const other = await ownerSignsUp();
    const { stranger } = await inOneRateLimitWindow(async () => {
      await attackerFails(owner.email);
      const stranger = await call(
        "/api/v1/auth/login",
        browser("POST", { cookie: other.device, body: { email: owner.email, password: "still guessing" } }),
      );
      return { stranger };
    });
    expect(stranger.status).toBe(429);
  });

  it("failures from elsewhere do not stop the owner's password change or account deletion", async () => {
    const owner = await ownerSignsUp();
    const { change } = await inOneRateLimitWindow(async () => {
      await attackerFails(owner.email);
      const change = await call(
        "/api/v1/me/password",
        browser("POST", {
          cookie: owner.session,
          body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
        }),
      );
      return { change };
    });
    expect(change.status).toBe(200);
    const fresh = sessionCookie(change) as string;
    const { erase } = await inOneRateLimitWindow(async () => {
      await attackerFails(owner.email);
      const erase = await call(
        "/api/v1/me/delete",
        browser("POST", { cookie: fresh, body: { password: "a brand new passphrase", confirm: "DELETE" } }),
      );
      return { erase };
    });
    expect(erase.status).toBe(200);
  });

  it("a flood of reset requests sends at most a few emails, and the owner can still reset", async () => {
    const owner = await ownerSignsUp();
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await call(
        "/api/v1/auth/request-password-reset",
        browser("POST", { body: { email: owner.email } }),
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual(Array(15).fill(200));
    const resetEmails = await count(
      "email_outbox",
      "to_address = ? AND subject LIKE '%password%'",
      owner.email,
    );
    expect(resetEmails).toBe(RESET_EMAILS_PER_HOUR);

    // The owner opens one of the links in their inbox; that browser is now known to the account.
    const token = await emailedToken(owner.email, "reset-password");
    const reset = await call(
      "/api/v1/auth/reset-password",
      browser("POST", { body: { token, password: "my recovered passphrase" } }),
    );
    expect(reset.status).toBe(200);
    const device = deviceCookie(reset) as string;
    const { mine } = await inOneRateLimitWindow(async () => {
      await attackerFails(owner.email);
      const mine = await call(
        "/api/v1/auth/login",
        browser("POST", {
          cookie: device,
          body: { email: owner.email, password: "my recovered passphrase" },
        }),
      );
      return { mine };
    });
    expect(mine.status).toBe(200);
  });
});

describe("the security log", () => {
  it("is readable with a session only, not with an API key (it holds IP addresses)", async () => {
    const { auth } = await createUserWithKey();
    const res = await call("/api/v1/me/security-log", { headers: auth });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "SESSION_REQUIRED" } });
    const owner = await ownerSignsUp();
    expect((await call("/api/v1/me/security-log", browser("GET", { cookie: owner.session }))).status).toBe(
      200,
    );
  });
});
