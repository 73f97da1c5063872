// Helpers for the activation tests: order as a client would, deliver SMS as a provider webhook would,
// watch over a real WebSocket, and read balances and the ledger straight from D1.
import { env, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { deliverSms } from "../../src/activations/deliver";
import type { ActivationEvent, ActivationView } from "../../src/activations/service";
import { randomString } from "../../src/lib/ids";
import { call, createUserWithKey, json } from "../support";

export type Auth = { Authorization: string };

export const STARTING_BALANCE = 10_000;

export const customer = (available = STARTING_BALANCE) => createUserWithKey({ available });

export const order = (auth: Auth, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call("/api/v1/activations", json(body, { ...auth, ...headers }));

/** Orders and expects success; returns the activation as the client saw it. */
export const ordered = async (auth: Auth, service = "tg", country = 0): Promise<ActivationView> => {
  const res = await order(auth, { service, country });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
};

export const act = (auth: Auth, id: string, action: "cancel" | "retry" | "finish") =>
  call(`/api/v1/activations/${id}/${action}`, { method: "POST", headers: auth });

export const get = async (auth: Auth, id: string): Promise<ActivationView> => {
  const res = await call(`/api/v1/activations/${id}`, { headers: auth });
  expect(res.status).toBe(200);
  return res.json();
};

export const room = (id: string) => env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(id));

/** An SMS as the provider webhook route hands it over. */
export const sms = (id: string, text: string, messageId = `msg_${randomString(12)}`) =>
  deliverSms(env, id, { providerRef: "unused-here", messageId, text, code: null, receivedAt: Date.now() });

/**
 * Moves an activation's start back past the early-cancel window, in its room and in D1, so a test
 * can cancel without waiting two minutes.
 */
export const makeCancelable = async (id: string) => {
  const earlier = Date.now() - Number(env.EARLY_CANCEL_SECONDS) * 1000 - 1000;
  await runInDurableObject(room(id), (_instance, state) => {
    state.storage.sql.exec("UPDATE record SET data = json_set(data, '$.createdAt', ?)", earlier);
  });
  await env.DB.prepare("UPDATE activations SET created_at = ? WHERE id = ?").bind(earlier, id).run();
};

export const balance = async (userId: string) =>
  env.DB.prepare("SELECT available, held FROM users WHERE id = ?")
    .bind(userId)
    .first<{ available: number; held: number }>();

export const holdsOf = async (userId: string) =>
  (
    await env.DB.prepare("SELECT reference, amount, status FROM holds WHERE user_id = ? ORDER BY created_at")
      .bind(userId)
      .all<{ reference: string; amount: number; status: string }>()
  ).results;

export type LiveMessage =
  | { type: "snapshot"; activation: ActivationView }
  | { type: "event"; event: ActivationEvent };

export const openLive = (auth: Auth, id: string, after?: number) =>
  call(`/api/v1/activations/${id}/live${after === undefined ? "" : `?after=${after}`}`, {
    headers: { ...auth, Upgrade: "websocket" },
  });

/** A watcher on the live stream: every message it receives, in order, and a way to await the next ones. */
export const watch = async (auth: Auth, id: string, after?: number) => {
  const res = await openLive(auth, id, after);
  const ws = res.webSocket;
  if (res.status !== 101 || !ws)
    throw new Error(`expected a WebSocket, got ${res.status}: ${await res.text()}`);
  const messages: LiveMessage[] = [];
  let notify: (() => void) | null = null;
  ws.addEventListener("message", (e) => {
    // Heartbeat answers are not part of the stream.
    if (e.data === "pong") return;
    messages.push(JSON.parse(e.data as string));
    notify?.();
  });
  ws.accept();
  /** Resolves once `count` messages have arrived in total. */
  const received = async (count: number): Promise<LiveMessage[]> => {
    while (messages.length < count) {
      await new Promise<void>((resolve) => {
        notify = resolve;
      });
    }
    return messages.slice(0, count);
  };
  return { ws, messages, received };
};
