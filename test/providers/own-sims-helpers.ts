// Helpers for the own-SIM tests: a fake Android phone that signs like the app, the fake SMSHUB agent's
// controls, registering SIMs through the operators' API, and the catalog refreshed from them.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { syncCatalog } from "../../src/activations/catalog";
import { createDb } from "../../src/db/client";
import { adminJson } from "../admin/helpers";
import { FakeAndroidGateway, type SignedDelivery } from "../fakes/android-gateway";
import { call } from "../support";

// The entries of test/fakes/hosts.ts that are own SIMs.
export const GATEWAY = "phones";
export const AGENT = "simbank";
export const AGENT_URL = "http://smshub-agent.fake";

const secrets = env as unknown as Record<string, string>;
export const GATEWAY_KEY = secrets.PROVIDER_PHONES_SIGNING_KEY ?? "";
export const AGENT_KEY = secrets.PROVIDER_SIMBANK_KEY ?? "";

export const phone = (opts: { deviceId?: string } = {}) =>
  new FakeAndroidGateway({ signingKey: GATEWAY_KEY, deviceId: opts.deviceId });

/** POSTs a delivery to our webhook as the phone (or the agent) would. */
export const deliver = async (delivery: SignedDelivery, provider = GATEWAY) => {
  const res = await call(`/webhooks/providers/${provider}`, {
    method: "POST",
    headers: delivery.headers,
    body: delivery.body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

let nextNumber = 7400100000 + Math.floor(Math.random() * 800) * 1000;
/** A fresh valid UK mobile number (country 16), unique within the test file. */
export const ukNumber = () => `+44${nextNumber++}`;

export const addSim = async (sim: { phone: string; deviceId: string; slot: number; services?: string[] }) => {
  const res = await adminJson("POST", "/sims", { provider: GATEWAY, ...sim });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { sim: Record<string, unknown> }).sim;
};

/** A phone that pinged just now with `slots` registered SIMs (UK numbers), ready to sell. */
export const onlinePhone = async (slots = 1, services?: string[]) => {
  const device = phone();
  const numbers: string[] = [];
  for (let slot = 1; slot <= slots; slot++) {
    const number = ukNumber();
    await addSim({ phone: number, deviceId: device.deviceId, slot, services });
    numbers.push(number);
  }
  expect((await deliver(await device.ping())).status).toBe(200);
  return { device, numbers };
};

/** Refreshes the catalog from every entry; an own-SIM entry that fails to sync fails the test. */
export const sync = async () => {
  const result = await syncCatalog(env, createDb(env.DB));
  for (const o of result.outcomes) {
    if ((o.provider === GATEWAY || o.provider === AGENT) && "error" in o) throw o.error;
  }
  return result;
};

export const agent = async (path: string, body?: unknown) => {
  const res = await fetch(`${AGENT_URL}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json() as Promise<Record<string, unknown>>;
};

export type AgentState = {
  sims: Array<{ phone: number; soldFor: string[] }>;
  activations: Array<{
    id: number;
    phone: number;
    service: string;
    sum: number;
    currency: number;
    open: boolean;
    finishes: number[];
  }>;
  received: Array<{ action: string; body: Record<string, unknown>; gzip: boolean }>;
};

export const agentState = () => agent("/__state") as Promise<AgentState>;

export const simRow = (number: string) =>
  env.DB.prepare("SELECT * FROM own_sims WHERE phone = ?").bind(number).first<Record<string, unknown>>();

/** Storage is shared inside a test file: each test starts with no own SIMs, devices or strays. */
export const resetOwnSims = async () => {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM own_sim_spent"),
    env.DB.prepare("DELETE FROM own_sims"),
    env.DB.prepare("DELETE FROM own_sim_devices"),
    env.DB.prepare("DELETE FROM own_sim_unrented_sms"),
  ]);
};
