// Helpers for the API-key holders' tests: speak handler_api.php as a client would, send an SMS to a
// number through the simulator's HTTP API, and read balances straight from D1.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { call, createUserWithKey, json, OPERATOR } from "../support";

export const HANDLER = "/stubs/handler_api.php";
export const STARTING_BALANCE = 10_000;

export const customer = (available = STARTING_BALANCE) => createUserWithKey({ available });

/** A GET with every parameter in the query string: the answer's body as text, and the response. */
export const handler = async (params: Record<string, string | number>) => {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const res = await call(`${HANDLER}?${query}`);
  return { status: res.status, type: res.headers.get("Content-Type") ?? "", text: await res.text(), res };
};

/** The same, for actions that answer JSON: fails the test when the answer is not JSON. */
export const handlerJson = async <T = Record<string, unknown>>(params: Record<string, string | number>) => {
  const answer = await handler(params);
  expect(answer.type, answer.text).toMatch(/^application\/json/);
  return JSON.parse(answer.text) as T;
};

/** An SMS arrives at the rented number, delivered by the simulated upstream to our webhook. */
export const smsTo = async (phone: string, text: string) => {
  const res = await call("/simulator/sms", json({ phone, text }, OPERATOR));
  expect(res.status, await res.clone().text()).toBeLessThan(300);
};

export const simulator = async (path: string, body: unknown) => {
  const res = await call(`/simulator${path}`, json(body, OPERATOR));
  expect(res.status, await res.clone().text()).toBe(200);
};

export const balanceOf = async (userId: string) =>
  env.DB.prepare("SELECT available, held FROM users WHERE id = ?")
    .bind(userId)
    .first<{ available: number; held: number }>();

/** Orders with getNumber and returns the protocol's id and phone digits. */
export const getNumber = async (key: string, service = "tg", country = 0) => {
  const { text } = await handler({ api_key: key, action: "getNumber", service, country });
  const m = /^ACCESS_NUMBER:(\d+):(\d+)$/.exec(text);
  if (!m) throw new Error(`getNumber answered ${text}`);
  return { id: Number(m[1]), phone: `+${m[2]}`, digits: m[2] as string };
};

/** The REST view of an activation ordered through the compat protocol. */
export const restView = async (auth: { Authorization: string }, numericId: number) => {
  const res = await call("/api/v1/activations?scope=all&limit=100", { headers: auth });
  expect(res.status).toBe(200);
  const { items } = (await res.json()) as {
    items: {
      id: string;
      numericId: number;
      price: number;
      phone: string;
      createdAt: string;
      expiresAt: string;
    }[];
  };
  const view = items.find((item) => item.numericId === numericId);
  if (!view) throw new Error(`no activation ${numericId}`);
  return view;
};

/** An action that answers a plain-text word: HTTP 200, text/plain, the word. */
export const word = async (params: Record<string, string | number>) => {
  const answer = await handler(params);
  expect(answer.status).toBe(200);
  expect(answer.type).toMatch(/^text\/plain/);
  return answer.text;
};

/** The exact body of a JSON answer, byte for byte, as clients that compare strings see it. */
export const rawJson = async (params: Record<string, string | number>) => {
  const answer = await handler(params);
  expect(answer.status).toBe(200);
  expect(answer.type).toMatch(/^application\/json/);
  return answer.text;
};

export const catalogPrice = async (service: string, country: number) => {
  const res = await call(`/api/v1/catalog?service=${service}&country=${country}`);
  const { prices } = (await res.json()) as { prices: { price: number; stock: number }[] };
  const [offer] = prices;
  if (!offer) throw new Error(`no price for ${service}/${country}`);
  return offer;
};

/** An ISO time as the protocol writes it: "YYYY-MM-DD HH:MM:SS", UTC. */
export const protocolTimeOf = (iso: string) => iso.slice(0, 19).replace("T", " ");
