// checkPasswordAttempt: the password prompt before a sensitive change (password change, account
// deletion) is rate limited per account (apart from sign-in's budget), and every wrong answer is in the security log.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { checkPasswordAttempt } from "../../src/accounts/account";
import { createDb } from "../../src/db/client";
import { call } from "../support";
import { browser, inOneRateLimitWindow, PASSWORD, securityKinds, signUp, uniqueIp } from "./helpers";

const meta = () => ({ ip: uniqueIp(), userAgent: "TestBrowser/1.0" });
const attempt = (user: { userId: string; email: string }, password: string) =>
  checkPasswordAttempt(env, createDb(env.DB), { id: user.userId, email: user.email }, password, meta());

describe("checkPasswordAttempt", () => {
  it("accepts the right password without logging anything", async () => {
    const user = await signUp();
    await expect(attempt(user, PASSWORD)).resolves.toBeUndefined();
    expect(await securityKinds(user.userId)).toEqual(["signup"]);
  });

  it("refuses a wrong password with 403 WRONG_PASSWORD and logs password_check_failed", async () => {
    const user = await signUp();
    await expect(attempt(user, "not my password")).rejects.toMatchObject({
      status: 403,
      code: "WRONG_PASSWORD",
    });
    expect(await securityKinds(user.userId)).toEqual(["signup", "password_check_failed"]);
  });

  it("answers 429 RATE_LIMITED after 10 attempts for one account, even to the right password", async () => {
    const { codes, last } = await inOneRateLimitWindow(async () => {
      const user = await signUp();
      const codes: string[] = [];
      // The account's own budget: sign-in attempts for its email (anyone's) never spend it.
      for (let i = 0; i < 10; i++) {
        codes.push(await attempt(user, `wrong guess ${i}`).catch((err) => err.code));
      }
      return { codes, last: await attempt(user, PASSWORD).catch((err) => err) };
    });
    expect(codes).toEqual(Array(10).fill("WRONG_PASSWORD"));
    expect(last).toMatchObject({ status: 429, code: "RATE_LIMITED" });
  });
});

describe("POST /me/password with a wrong current password", () => {
  it("is refused and logged as password_change_failed", async () => {
    const { userId, cookie } = await signUp();
    const res = await call(
      "/api/v1/me/password",
      browser("POST", {
        cookie,
        body: { currentPassword: "not my password", newPassword: "a brand new passphrase" },
      }),
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "WRONG_PASSWORD" } });
    expect(await securityKinds(userId)).toEqual(["signup", "password_change_failed"]);
  });
});
