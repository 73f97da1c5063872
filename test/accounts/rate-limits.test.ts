// Signup, login and reset requests are limited per IP and per email (limits in wrangler.toml).
import { describe, expect, it } from "vitest";
import { call, uniqueEmail } from "../support";
import { browser, count, inOneRateLimitWindow, logIn, signupBody, uniqueIp } from "./helpers";

describe("auth rate limits", () => {
  it("answers 429 RATE_LIMITED with Retry-After after 10 logins for one email, from any IPs", async () => {
    const { statuses, last } = await inOneRateLimitWindow(async () => {
      const email = uniqueEmail("target");
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await logIn(email, "wrong password!!", uniqueIp())).status);
      return { statuses, last: await logIn(email, "wrong password!!", uniqueIp()) };
    });
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(last.status).toBe(429);
    expect(last.headers.get("Retry-After")).toBe("60");
    expect(await last.json()).toMatchObject({ error: { code: "RATE_LIMITED" } });
  });

  it("answers 429 after 20 attempts from one IP, whatever the emails, and the refused signup creates nothing", async () => {
    const email = uniqueEmail("late");
    const { statuses, signup } = await inOneRateLimitWindow(async () => {
      const ip = uniqueIp();
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const body = { email: uniqueEmail() };
        statuses.push(
          (await call("/api/v1/auth/request-password-reset", browser("POST", { ip, body }))).status,
        );
      }
      const signup = await call("/api/v1/auth/signup", browser("POST", { ip, body: signupBody(email) }));
      return { statuses, signup };
    });
    expect(statuses).toEqual(Array(20).fill(200));
    expect(signup.status).toBe(429);
    expect(signup.headers.get("Retry-After")).toBe("60");
    expect(await count("users", "email = ?", email)).toBe(0);

    // Another IP is unaffected.
    const elsewhere = await call(
      "/api/v1/auth/signup",
      browser("POST", { ip: uniqueIp(), body: signupBody(email) }),
    );
    expect(elsewhere.status).toBe(201);
  });
});
