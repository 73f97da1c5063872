// The account's security log: what happened, when, from which IP and user agent.
import { describe, expect, it } from "vitest";
import { call } from "../support";
import { browser, logIn, PASSWORD, sessionCookie, signUp, uniqueIp } from "./helpers";

type Item = {
  kind: string;
  detail: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
};
const log = async (cookie: string) =>
  ((await (await call("/api/v1/me/security-log", browser("GET", { cookie }))).json()) as { items: Item[] })
    .items;

describe("GET /me/security-log", () => {
  it("lists the account's own events newest first, with IP and user agent", async () => {
    const ip = uniqueIp();
    const { email, cookie } = await signUp({ ip });
    await logIn(email, "definitely wrong", ip);
    const second = await logIn(email, PASSWORD, ip);
    expect(second.status).toBe(200);
    const key = (await (
      await call("/api/v1/keys", browser("POST", { cookie, ip, body: { name: "k" } }))
    ).json()) as { prefix: string };
    await call("/api/v1/auth/logout", browser("POST", { cookie, ip }));

    const fresh = sessionCookie(await logIn(email, PASSWORD, ip)) as string;
    const items = await log(fresh);
    expect(items.map((i) => i.kind)).toEqual([
      "login_ok",
      "logout",
      "key_created",
      "login_ok",
      "login_failed",
      "signup",
    ]);
    for (const item of items) {
      expect(item).toEqual({
        kind: item.kind,
        detail: item.kind === "key_created" ? `k (${key.prefix}…)` : null,
        ip,
        userAgent: "TestBrowser/1.0",
        createdAt: expect.stringMatching(/Z$/),
      });
    }
  });

  it("names the API key of each key event by its name and prefix", async () => {
    const { cookie } = await signUp();
    const created = (await (
      await call("/api/v1/keys", browser("POST", { cookie, body: { name: "deploy bot" } }))
    ).json()) as { id: string; prefix: string };
    await call(`/api/v1/keys/${created.id}`, browser("DELETE", { cookie }));
    const items = await log(cookie);
    expect(items.slice(0, 2).map(({ kind, detail }) => ({ kind, detail }))).toEqual([
      { kind: "key_revoked", detail: `deploy bot (${created.prefix}…)` },
      { kind: "key_created", detail: `deploy bot (${created.prefix}…)` },
    ]);
  });

  it("records password reset requests of the account, and failed password changes", async () => {
    const { email, cookie } = await signUp();
    await call("/api/v1/auth/request-password-reset", browser("POST", { body: { email } }));
    await call(
      "/api/v1/me/password",
      browser("POST", {
        cookie,
        body: { currentPassword: "not my password", newPassword: "a brand new passphrase" },
      }),
    );
    expect((await log(cookie)).map((i) => i.kind)).toEqual([
      "password_change_failed",
      "password_reset_requested",
      "signup",
    ]);
  });

  it("shows nothing of other accounts", async () => {
    const mine = await signUp();
    const theirs = await signUp();
    await logIn(theirs.email, "definitely wrong");
    expect((await log(mine.cookie)).map((i) => i.kind)).toEqual(["signup"]);
  });

  it("needs a signed-in caller", async () => {
    expect((await call("/api/v1/me/security-log")).status).toBe(401);
  });
});
