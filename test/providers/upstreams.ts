// Drivers for the contract suite: one per configured upstream of the test pool, each doing what its
// upstream would do (stock an offer, receive an SMS, end an activation on its own) through that
// fake's test-only endpoints, and reading back what the upstream was asked to do.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { syncCatalog } from "../../src/activations/catalog";
import { createDb } from "../../src/db/client";
import { FAKE_UPSTREAMS } from "../fakes/hosts";
import { call, json } from "../support";
import { sim } from "./helpers";
import { phonesDriver, simbankDriver } from "./own-sim-drivers";

export type UpstreamAction = "cancel" | "finish" | "retry";

export type Driver = {
  name: string;
  /** Pushes SMS by webhook (the simulator, sms-activate); 5sim is only polled. */
  pushes: boolean;
  /** What the upstream can do that the simulator does not: refuse a cancel, end on its own, be polled. */
  polled: boolean;
  /** Offers `count` numbers at `cost` (our minor units; the fakes bill in USD). Then syncCatalogNow. */
  stock(service: string, country: number, cost: number, count: number): Promise<void>;
  /** An SMS reaches the number at the upstream; `push: false` loses its webhook on the way. */
  sms(ref: string, phone: string, text: string, opts?: { push?: boolean }): Promise<void>;
  /** The upstream ends the activation on its own. */
  end(ref: string): Promise<void>;
  /** What the upstream was asked to do with this activation, in order. */
  actions(ref: string): Promise<UpstreamAction[]>;
  /** Delivers its webhook once more, exactly as before (sms-activate retries until it gets a 200). */
  redeliver?(): Promise<Response>;
  /** The next `times` cancels answer "too early" (sms-activate's EARLY_CANCEL_DENIED). */
  denyCancel?(ref: string, times: number): Promise<void>;
  /** A webhook as a forger would send it: right body, wrong or no token. */
  forge?(ref: string, text: string): Promise<Response[]>;
};

const fake = async (host: string, path: string, body?: unknown) => {
  const res = await fetch(
    `http://${host}${path}`,
    body === undefined
      ? {}
      : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
  );
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
};

export const syncCatalogNow = async () => {
  const { outcomes } = await syncCatalog(env, createDb(env.DB));
  for (const o of outcomes) expect("error" in o ? String(o.error) : "", o.provider).toBe("");
};

const smsActivateDriver = (name: "hero" | "hub" | "daisy"): Driver => {
  const { host, webhookToken } = FAKE_UPSTREAMS[name];
  let last: string | null = null;
  const post = (body: string, token: string | null) =>
    call(token === null ? `/webhooks/providers/${name}` : `/webhooks/providers/${name}/${token}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });
  return {
    name,
    pushes: true,
    polled: true,
    async stock(service, country, cost, count) {
      await fake(host, "/__offer", { service, country, cost: cost / 100, count });
    },
    async sms(ref, _phone, text, opts = {}) {
      const { webhook } = await fake(host, "/__sms", { id: ref, text });
      last = JSON.stringify(webhook);
      if (opts.push === false) return;
      const res = await post(last, webhookToken);
      expect(res.status, await res.clone().text()).toBe(200);
    },
    async end(ref) {
      await fake(host, "/__end", { id: ref });
    },
    async actions(ref) {
      const { actions } = await fake(host, `/__activation/${ref}`);
      const meaning: Record<string, UpstreamAction> = {
        "setStatus:8": "cancel",
        "setStatus:6": "finish",
        "setStatus:3": "retry",
      };
      return (actions as string[]).flatMap((a) => (meaning[a] ? [meaning[a]] : []));
    },
    redeliver: () => post(last ?? "{}", webhookToken),
    async denyCancel(ref, times) {
      await fake(host, "/__deny-cancel", { id: ref, times });
    },
    forge: async (ref, text) => {
      const body = JSON.stringify({
        activationId: Number(ref),
        service: "tg",
        text,
        code: "111111",
        country: 0,
        receivedAt: "2026-01-01 00:00:00",
      });
      return [
        await post(body, "not-the-token"),
        await post(body, null),
        await post(body, webhookToken.slice(0, -1)),
      ];
    },
  };
};

const fiveSimDriver = (): Driver => {
  const { host } = FAKE_UPSTREAMS.five;
  const words: Record<number, string> = {
    15: "poland",
    36: "canada",
    56: "spain",
    78: "france",
    48: "netherlands",
  };
  const products: Record<string, string> = {
    tg: "telegram",
    wa: "whatsapp",
    go: "google",
    fb: "facebook",
    ig: "instagram",
    tw: "twitter",
    ds: "discord",
    vi: "viber",
    wb: "wechat",
    mm: "microsoft",
  };
  return {
    name: "five",
    pushes: false,
    polled: true,
    async stock(service, country, cost, count) {
      await fake(host, "/__offer", {
        country: words[country],
        product: products[service],
        cost: cost / 100,
        count,
      });
    },
    async sms(ref, _phone, text) {
      await fake(host, "/__sms", { id: ref, text });
    },
    async end(ref) {
      await fake(host, "/__end", { id: ref, status: "TIMEOUT" });
    },
    async actions(ref) {
      const { calls } = await fake(host, `/__order/${ref}`);
      // 5sim has no "another SMS" call: an order keeps receiving until it ends.
      const meaning: Record<string, UpstreamAction> = { cancel: "cancel", finish: "finish" };
      return (calls as string[]).flatMap((c) => (meaning[c] ? [meaning[c]] : []));
    },
    forge: async (ref, text) => [
      await call(`/webhooks/providers/five/anything`, json({ id: ref, text })),
      await call(`/webhooks/providers/five`, json({ id: ref, text })),
    ],
  };
};

const simulatorDriver = (): Driver => ({
  name: "simulator",
  pushes: true,
  polled: false,
  async stock(service, country, cost, count) {
    expect((await sim("/api/stock", { service, country, stock: count, cost })).status).toBe(200);
  },
  async sms(_ref, phone, text) {
    expect((await sim("/sms", { phone, text })).status).toBe(202);
  },
  async end() {
    throw new Error("the simulator never ends an activation on its own");
  },
  async actions(ref) {
    const { body } = await sim(`/api/activations/${ref}`);
    const status = (body.rental as { status: string }).status;
    return status === "cancelled" ? ["cancel"] : status === "finished" ? ["finish"] : [];
  },
});

export const DRIVERS: Driver[] = [
  simulatorDriver(),
  smsActivateDriver("hero"),
  smsActivateDriver("hub"),
  smsActivateDriver("daisy"),
  fiveSimDriver(),
  phonesDriver(),
  simbankDriver(),
];

export const room = (id: string) => env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(id));

/** Fires the room's poll now, as its alarm would at the next poll time. */
export const pollNow = async (id: string) => {
  await runInDurableObject(room(id), (_instance, state) => {
    state.storage.sql.exec("UPDATE record SET data = json_set(data, '$.nextPollAt', ?)", Date.now() - 1);
  });
  expect(await runDurableObjectAlarm(room(id))).toBe(true);
};

/** Moves the window's end into the past and fires the alarm, as it would fire at expiry. */
export const expireNow = async (id: string) => {
  const past = Date.now() - 1;
  await runInDurableObject(room(id), (_instance, state) => {
    state.storage.sql.exec("UPDATE record SET data = json_set(data, '$.expiresAt', ?)", past);
  });
  await env.DB.prepare("UPDATE activations SET expires_at = ? WHERE id = ?").bind(past, id).run();
  expect(await runDurableObjectAlarm(room(id))).toBe(true);
};

export const rowOf = (id: string) =>
  env.DB.prepare("SELECT provider, provider_ref, price, upstream_cost, margin FROM activations WHERE id = ?")
    .bind(id)
    .first<{
      provider: string;
      provider_ref: string;
      price: number;
      upstream_cost: number;
      margin: number;
    }>();
