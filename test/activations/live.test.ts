// Watching an activation: the WebSocket live stream (snapshot, every event, replay with ?after=, several
// watchers, an evicted object) and the long-poll. Assertions are on what arrives and in which order.
import { env, evictDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ActivationView } from "../../src/activations/service";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { act, customer, type LiveMessage, ordered, room, sms, watch } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

describe("the live stream", () => {
  it("sends a snapshot on connect, then every event as it happens", async () => {
    const { auth } = await customer();
    const created = await ordered(auth, "tg", 6);
    const watcher = await watch(auth, created.id);
    const [snapshot] = await watcher.received(1);
    expect(snapshot).toEqual({ type: "snapshot", activation: created });

    await sms(created.id, "Your Telegram code is 31337.");
    await act(auth, created.id, "retry");
    const messages = await watcher.received(3);
    expect(messages.slice(1)).toEqual([
      {
        type: "event",
        event: {
          seq: 2,
          type: "sms",
          at: expect.any(String),
          status: "received",
          code: "31337",
          charged: true,
          sms: { code: "31337", text: "Your Telegram code is 31337.", receivedAt: expect.any(String) },
        },
      },
      {
        type: "event",
        event: {
          seq: 3,
          type: "status",
          at: expect.any(String),
          status: "waiting_retry",
          code: "31337",
          charged: true,
          sms: null,
        },
      },
    ]);
    watcher.ws.close();
  });

  it("replays exactly the missed events when reconnecting with ?after=", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "wa", 6);
    await sms(id, "WhatsApp code 100-200");
    await act(auth, id, "retry");
    await sms(id, "WhatsApp code 300-400");
    const watcher = await watch(auth, id, 2);
    const replayed = await watcher.received(2);
    expect(
      replayed.map((m) => (m.type === "event" ? [m.event.seq, m.event.type, m.event.status] : m.type)),
    ).toEqual([
      [3, "status", "waiting_retry"],
      [4, "sms", "received"],
    ]);
    // Then it carries on live.
    await act(auth, id, "finish");
    const [, , next] = await watcher.received(3);
    expect(next).toMatchObject({ type: "event", event: { seq: 5, status: "finished" } });
    expect(watcher.messages).toHaveLength(3);
    watcher.ws.close();
  });

  it("refuses an after that is not a sequence number with 400, before any upgrade", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "wa", 6);
    for (const after of ["abc", "-1", "1.5"]) {
      const res = await call(`/api/v1/activations/${id}/live?after=${after}`, {
        headers: { ...auth, Upgrade: "websocket" },
      });
      expect(res.status, after).toBe(400);
      expect(res.webSocket).toBeNull();
      expect(await res.json()).toMatchObject({
        error: { code: "VALIDATION_FAILED", details: [expect.objectContaining({ path: "after" })] },
      });
    }
  });

  it("gives every watcher every event", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "go", 6);
    const first = await watch(auth, id);
    const second = await watch(auth, id);
    await sms(id, "G-654321 is your code");
    await sms(id, "Reminder: G-654321 is your code");
    const seqs = (messages: LiveMessage[]) =>
      messages.map((m) => (m.type === "snapshot" ? "snapshot" : m.event.seq));
    expect(seqs(await first.received(3))).toEqual(["snapshot", 2, 3]);
    expect(seqs(await second.received(3))).toEqual(["snapshot", 2, 3]);
    first.ws.close();
    second.ws.close();
  });

  it("answers ping with pong without disturbing the stream", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "fb", 6);
    const watcher = await watch(auth, id);
    await watcher.received(1);
    const pong = new Promise<string>((resolve) => {
      watcher.ws.addEventListener("message", (e) => {
        if (e.data === "pong") resolve(e.data);
      });
    });
    watcher.ws.send("ping");
    expect(await pong).toBe("pong");
    watcher.ws.close();
  });

  it("keeps the full state when the object is evicted mid-activation", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "ig", 6);
    await sms(id, "Instagram code 424242");
    await evictDurableObject(room(id));
    await act(auth, id, "retry");
    await evictDurableObject(room(id));
    const watcher = await watch(auth, id);
    const [snapshot] = await watcher.received(1);
    expect(snapshot).toMatchObject({
      type: "snapshot",
      activation: { id, status: "waiting_retry", code: "424242", charged: true, lastSeq: 3 },
    });
    const replay = await watch(auth, id, 0);
    expect((await replay.received(3)).map((m) => (m.type === "event" ? m.event.type : m.type))).toEqual([
      "created",
      "sms",
      "status",
    ]);
    watcher.ws.close();
    replay.ws.close();
  });

  it("answers a watcher's close, even one sent without a code", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "ub", 6);
    const watcher = await watch(auth, id);
    await watcher.received(1);
    const closed = new Promise<number>((resolve) => {
      watcher.ws.addEventListener("close", (e) => resolve(e.code));
    });
    watcher.ws.close();
    expect(await closed).toBe(1000);
  });

  it("refuses a plain HTTP request with 426", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "tw", 6);
    const res = await call(`/api/v1/activations/${id}/live`, { headers: auth });
    expect(res.status).toBe(426);
  });
});

describe("the long-poll", () => {
  const waitFor = (auth: { Authorization: string }, id: string, query: string) =>
    call(`/api/v1/activations/${id}/wait?${query}`, { headers: auth });

  it("answers with the code once it arrives", async () => {
    const { auth } = await customer();
    const created = await ordered(auth, "ds", 6);
    const pending = waitFor(auth, created.id, `timeout=30&since=${created.lastSeq}`);
    await sms(created.id, "Your Discord code: 808080");
    const res = await pending;
    expect(res.status).toBe(200);
    const body = await res.json<{
      activation: ActivationView;
      events: Array<{ seq: number; type: string }>;
      timedOut: boolean;
    }>();
    expect(body.timedOut).toBe(false);
    expect(body.events).toMatchObject([{ seq: 2, type: "sms", code: "808080", sms: { code: "808080" } }]);
    expect(body.activation).toMatchObject({ status: "received", code: "808080", lastSeq: 2 });
  });

  it("returns everything after since at once, oldest first, so nothing is missed between calls", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "vi", 6);
    await sms(id, "Viber code 1111");
    await act(auth, id, "retry");
    const body = await (await waitFor(auth, id, "timeout=30&since=1")).json<{
      events: Array<{ seq: number }>;
    }>();
    expect(body.events.map((e) => e.seq)).toEqual([2, 3]);
  });

  it("times out with the unchanged state when nothing happens", async () => {
    const { auth } = await customer();
    const created = await ordered(auth, "am", 6);
    const body = await (await waitFor(auth, created.id, "timeout=1")).json<{
      activation: ActivationView;
      events: unknown[];
      timedOut: boolean;
    }>();
    expect(body).toEqual({ activation: created, events: [], timedOut: true });
  });

  it("refuses a timeout above 60 seconds", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "mm", 6);
    const res = await waitFor(auth, id, "timeout=61");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });
});
