// The list of signed-in devices and "sign out this device": one session ends, the others live on,
// and nobody can end (or learn about) another account's sessions.
import { describe, expect, it } from "vitest";
import { call, createUserWithKey } from "../support";
import { browser, logIn, PASSWORD, securityKinds, sessionCookie, signUp } from "./helpers";

type Listed = { id: string; current: boolean; userAgent: string | null; ip: string | null };

const listOf = async (cookie: string) => {
  const res = await call("/api/v1/me/sessions", browser("GET", { cookie }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessions: Listed[] }).sessions;
};

describe("signed-in devices", () => {
  it("lists each live session once, marking the caller's own", async () => {
    const { cookie, email } = await signUp();
    const second = sessionCookie(await logIn(email, PASSWORD)) as string;
    const sessions = await listOf(cookie);
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions[0]?.userAgent).toBe("TestBrowser/1.0");
    const fromSecond = await listOf(second);
    expect(fromSecond.find((s) => s.current)?.id).not.toBe(sessions.find((s) => s.current)?.id);
  });

  it("signs one device out and leaves the others signed in", async () => {
    const { cookie, email, userId } = await signUp();
    const other = sessionCookie(await logIn(email, PASSWORD)) as string;
    const target = (await listOf(cookie)).find((s) => !s.current) as Listed;
    const res = await call(`/api/v1/me/sessions/${target.id}`, browser("DELETE", { cookie }));
    expect(res.status).toBe(200);
    expect(res.headers.get("Set-Cookie")).toBeNull();
    expect((await call("/api/v1/me", browser("GET", { cookie: other }))).status).toBe(401);
    expect((await call("/api/v1/me", browser("GET", { cookie }))).status).toBe(200);
    expect((await listOf(cookie)).map((s) => s.id)).not.toContain(target.id);
    expect(await securityKinds(userId)).toContain("session_revoked");
    // Twice: it is gone.
    const again = await call(`/api/v1/me/sessions/${target.id}`, browser("DELETE", { cookie }));
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("signing out the caller's own device clears its cookie", async () => {
    const { cookie } = await signUp();
    const mine = (await listOf(cookie)).find((s) => s.current) as Listed;
    const res = await call(`/api/v1/me/sessions/${mine.id}`, browser("DELETE", { cookie }));
    expect(res.status).toBe(200);
    expect(res.headers.get("Set-Cookie")).toMatch(/__Host-smsprof_session=;/);
    expect((await call("/api/v1/me", browser("GET", { cookie }))).status).toBe(401);
  });

  it("cannot end another account's session, which looks like no session at all", async () => {
    const victim = await signUp();
    const target = (await listOf(victim.cookie))[0] as Listed;
    const attacker = await signUp();
    const res = await call(
      `/api/v1/me/sessions/${target.id}`,
      browser("DELETE", { cookie: attacker.cookie }),
    );
    expect(res.status).toBe(404);
    expect((await call("/api/v1/me", browser("GET", { cookie: victim.cookie }))).status).toBe(200);
  });

  it("is for a signed-in browser, not an API key, and needs the CSRF rule", async () => {
    const { auth } = await createUserWithKey();
    const res = await call("/api/v1/me/sessions", { headers: auth });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "SESSION_REQUIRED" } });
    const { cookie } = await signUp();
    const target = (await listOf(cookie))[0] as Listed;
    const forged = await call(`/api/v1/me/sessions/${target.id}`, {
      method: "DELETE",
      headers: { Cookie: cookie },
    });
    expect(forged.status).toBe(403);
  });
});
