// The cap on long-polls and live streams one account keeps open at once (MAX_WATCHERS_PER_ACCOUNT, 4
// in tests): past it 429 TOO_MANY_WATCHERS; a closed socket or an answered long-poll frees its slot.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { customer, openLive, ordered, watch } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const leases = async (userId: string) =>
  (
    await env.DB.prepare("SELECT count(*) AS n FROM watch_leases WHERE user_id = ? AND expires_at > ?")
      .bind(userId, Date.now())
      .first<{ n: number }>()
  )?.n ?? 0;

describe("watchers per account", () => {
  it("refuses the stream and the long-poll past the cap, for every activation of the account", async () => {
    const { auth, userId } = await customer();
    const other = await customer();
    const a = await ordered(auth, "tg", 0);
    const b = await ordered(auth, "wa", 0);
    const sockets = [
      await watch(auth, a.id),
      await watch(auth, a.id),
      await watch(auth, b.id),
      await watch(auth, b.id),
    ];
    expect(await leases(userId)).toBe(4);

    const refused = await openLive(auth, a.id);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: { code: "TOO_MANY_WATCHERS", details: { max: 4 } } });
    const poll = await call(`/api/v1/activations/${b.id}/wait?timeout=0`, { headers: auth });
    expect(poll.status).toBe(429);
    // Another account is not affected.
    const theirs = await ordered(other.auth, "tg", 0);
    expect(
      (await call(`/api/v1/activations/${theirs.id}/wait?timeout=0`, { headers: other.auth })).status,
    ).toBe(200);
    expect(await leases(other.userId)).toBe(0);

    for (const socket of sockets) socket.ws.close(1000, "done");
    // The room gives each lease back when it hears of the close, which reaches it asynchronously: wait
    // for that state (not for a length of time).
    for (let tries = 0; (await leases(userId)) > 0 && tries < 500; tries++) await scheduler.wait(10);
    expect((await call(`/api/v1/activations/${b.id}/wait?timeout=0`, { headers: auth })).status).toBe(200);
    expect(await leases(userId)).toBe(0);
  });
});
