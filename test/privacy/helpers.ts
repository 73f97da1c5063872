// Helpers for the privacy tests: a signed-up customer with money, a key and an activation, and a
// watcher on the live stream that also reports how its socket was closed.
import { expect } from "vitest";
import { browser, signUp } from "../accounts/helpers";
import type { LiveMessage } from "../activations/helpers";
import { call } from "../support";

/** A signed-up customer with money, an API key and one live activation (tg, country 0). */
export const customerWithHistory = async () => {
  const person = await signUp();
  const topUp = await call(
    "/api/v1/billing/demo-topup",
    browser("POST", { cookie: person.cookie, body: { amount: 2000 } }),
  );
  expect(topUp.status).toBe(200);
  const keyRes = await call(
    "/api/v1/keys",
    browser("POST", { cookie: person.cookie, body: { name: "bot" } }),
  );
  const { key, id: keyId } = (await keyRes.json()) as { key: string; id: string };
  const auth = { Authorization: `Bearer ${key}` };
  const orderRes = await call("/api/v1/activations", {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ service: "tg", country: 0 }),
  });
  expect(orderRes.status).toBe(201);
  const activation = (await orderRes.json()) as { id: string };
  return { ...person, auth, key, keyId, activationId: activation.id };
};

export type Watcher = Awaited<ReturnType<typeof watchWith>>;

/** Opens the live stream with the given headers (a key, or a cookie with the browser's Origin). */
export const watchWith = async (headers: Record<string, string>, activationId: string) => {
  const res = await call(`/api/v1/activations/${activationId}/live`, {
    headers: { ...headers, Upgrade: "websocket" },
  });
  const ws = res.webSocket;
  if (res.status !== 101 || !ws)
    throw new Error(`expected a WebSocket, got ${res.status}: ${await res.text()}`);
  const messages: LiveMessage[] = [];
  let notify: (() => void) | null = null;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason }));
  });
  ws.addEventListener("message", (e) => {
    if (e.data === "pong") return;
    messages.push(JSON.parse(e.data as string));
    notify?.();
  });
  ws.accept();
  const received = async (count: number) => {
    while (messages.length < count) {
      await new Promise<void>((resolve) => {
        notify = resolve;
      });
    }
    return messages.slice(0, count);
  };
  return { ws, messages, received, closed };
};

/** The headers the dashboard's WebSocket sends: the cookie and its own Origin. */
export const cookieHeaders = (cookie: string): Record<string, string> => {
  const init = browser("GET", { cookie });
  return init.headers as Record<string, string>;
};

/** A long-poll that is left pending; await the returned promise for its answer. */
export const pendingWait = (headers: Record<string, string>, activationId: string) =>
  call(`/api/v1/activations/${activationId}/wait?timeout=20`, { headers });
