// Policy, security: "sessions and credentials that really end". A live stream or a pending long-poll
// opened with a credential ends when that credential does — key revoked, logout, logout everywhere,
// password change or reset, erasure — and streams opened with other credentials carry on.
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ActivationRoom } from "../../src/activations/room";
import { browser, emailedToken, logIn, sessionCookie } from "../accounts/helpers";
import { act, makeCancelable, room, sms } from "../activations/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { cookieHeaders, customerWithHistory, pendingWait, watchWith } from "./helpers";

beforeAll(async () => {
  await seedCatalogForTests(env);
});

/** Resolves once the room has a long-poll parked (so a revocation cannot overtake the request). */
const parkedWaits = async (activationId: string, count: number) => {
  for (;;) {
    const n = await runInDurableObject(
      room(activationId),
      (instance: ActivationRoom) =>
        (instance as unknown as { waiterCredentials: Map<unknown, unknown> }).waiterCredentials.size,
    );
    if (n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const secondKey = async (cookie: string) => {
  const res = await call("/api/v1/keys", browser("POST", { cookie, body: { name: "other" } }));
  const { key } = (await res.json()) as { key: string };
  return { Authorization: `Bearer ${key}` };
};

describe("credentials that really end", () => {
  it("revoking an API key closes its live streams and pending long-polls, and only those", async () => {
    const c = await customerWithHistory();
    const other = await secondKey(c.cookie);
    const revokedWatcher = await watchWith(c.auth, c.activationId);
    const otherWatcher = await watchWith(other, c.activationId);
    await revokedWatcher.received(1);
    await otherWatcher.received(1);
    const wait = pendingWait(c.auth, c.activationId);
    await parkedWaits(c.activationId, 1);

    const revoke = await call(`/api/v1/keys/${c.keyId}`, browser("DELETE", { cookie: c.cookie }));
    expect(revoke.status).toBe(200);

    // Closed by the time the revocation is answered: no wall-clock wait involved.
    expect(await revokedWatcher.closed).toMatchObject({ code: 4001 });
    const waited = await wait;
    expect(waited.status).toBe(401);
    expect(await waited.json()).toMatchObject({ error: { code: "CREDENTIAL_REVOKED" } });

    await sms(c.activationId, "Your Telegram code is 24680");
    const [, event] = await otherWatcher.received(2);
    expect(event).toMatchObject({ type: "event", event: { code: "24680" } });
    expect(revokedWatcher.messages).toHaveLength(1); // the snapshot, never the code
    otherWatcher.ws.close();
  });

  it("logging out closes the streams of that session, not those of the account's other sessions", async () => {
    const c = await customerWithHistory();
    const secondLogin = await logIn(c.email, c.password);
    const otherCookie = sessionCookie(secondLogin) as string;
    const mine = await watchWith(cookieHeaders(c.cookie), c.activationId);
    const theirs = await watchWith(cookieHeaders(otherCookie), c.activationId);
    await mine.received(1);
    await theirs.received(1);

    expect((await call("/api/v1/auth/logout", browser("POST", { cookie: c.cookie }))).status).toBe(200);
    expect(await mine.closed).toMatchObject({ code: 4001 });

    await sms(c.activationId, "Your Telegram code is 13579");
    expect((await theirs.received(2))[1]).toMatchObject({ event: { code: "13579" } });
    theirs.ws.close();
  });

  it("logging out everywhere closes every session's streams and long-polls; API keys are separate credentials", async () => {
    const c = await customerWithHistory();
    const secondLogin = await logIn(c.email, c.password);
    const otherCookie = sessionCookie(secondLogin) as string;
    const first = await watchWith(cookieHeaders(c.cookie), c.activationId);
    const second = await watchWith(cookieHeaders(otherCookie), c.activationId);
    const script = await watchWith(c.auth, c.activationId);
    await Promise.all([first.received(1), second.received(1), script.received(1)]);
    const wait = pendingWait(cookieHeaders(otherCookie), c.activationId);
    await parkedWaits(c.activationId, 1);

    expect((await call("/api/v1/auth/logout-all", browser("POST", { cookie: c.cookie }))).status).toBe(200);
    expect(await first.closed).toMatchObject({ code: 4001 });
    expect(await second.closed).toMatchObject({ code: 4001 });
    expect((await wait).status).toBe(401);

    await sms(c.activationId, "Your Telegram code is 11223");
    expect((await script.received(2))[1]).toMatchObject({ event: { code: "11223" } });
    script.ws.close();
  });

  it("a password change closes the streams of every earlier session", async () => {
    const c = await customerWithHistory();
    const other = sessionCookie(await logIn(c.email, c.password)) as string;
    const watcher = await watchWith(cookieHeaders(other), c.activationId);
    await watcher.received(1);
    const res = await call(
      "/api/v1/me/password",
      browser("POST", {
        cookie: c.cookie,
        body: { currentPassword: c.password, newPassword: "a brand new passphrase" },
      }),
    );
    expect(res.status).toBe(200);
    expect(await watcher.closed).toMatchObject({ code: 4001 });
  });

  it("a password reset closes the streams of every session", async () => {
    const c = await customerWithHistory();
    const watcher = await watchWith(cookieHeaders(c.cookie), c.activationId);
    await watcher.received(1);
    const asked = await call(
      "/api/v1/auth/request-password-reset",
      browser("POST", { body: { email: c.email } }),
    );
    expect(asked.status).toBe(200);
    const token = await emailedToken(c.email, "reset-password");
    const reset = await call(
      "/api/v1/auth/reset-password",
      browser("POST", { body: { token, password: "another fresh passphrase" } }),
    );
    expect(reset.status).toBe(200);
    expect(await watcher.closed).toMatchObject({ code: 4001 });
  });

  it("erasing the account closes every stream, whatever opened it", async () => {
    const c = await customerWithHistory();
    await makeCancelable(c.activationId);
    expect((await act(c.auth, c.activationId, "cancel")).status).toBe(200);
    const byKey = await watchWith(c.auth, c.activationId);
    const bySession = await watchWith(cookieHeaders(c.cookie), c.activationId);
    await Promise.all([byKey.received(1), bySession.received(1)]);

    const res = await call(
      "/api/v1/me/delete",
      browser("POST", {
        cookie: c.cookie,
        body: { password: c.password, confirm: "DELETE", forfeitBalance: true },
      }),
    );
    expect(res.status).toBe(200);
    expect(await byKey.closed).toMatchObject({ code: 4001 });
    expect(await bySession.closed).toMatchObject({ code: 4001 });
  });
});
