// Contract-suite drivers (./upstreams.ts) for the own-SIM kinds: "phones" (Android phones running SMS
// Gateway for Android, registered with the operators' API and pinging) and "simbank" (the fake SMSHUB
// agent). An own-SIM entry sells at its fixed `cost`, so stocking checks that cost instead of setting it.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { adminJson } from "../admin/helpers";
import { FakeAndroidGateway, type SignedDelivery } from "../fakes/android-gateway";
import { FAKE_UPSTREAMS } from "../fakes/hosts";
import { call } from "../support";
import type { Driver, UpstreamAction } from "./upstreams";

const ENTRY_COST = 40; // test/fakes/hosts.ts

const post = (provider: string, delivery: SignedDelivery) =>
  call(`/webhooks/providers/${provider}`, { method: "POST", headers: delivery.headers, body: delivery.body });

const rentalOf = (ref: string, provider: string) =>
  env.DB.prepare("SELECT phone, service FROM activations WHERE provider = ? AND provider_ref = ?")
    .bind(provider, ref)
    .first<{ phone: string; service: string }>();

export const phonesDriver = (): Driver => {
  const { signingKey } = FAKE_UPSTREAMS.phones;
  const sims = new Map<string, { device: FakeAndroidGateway; slot: number }>();
  let next = 200_100 + Math.floor(Math.random() * 500) * 100;
  let last: { device: FakeAndroidGateway; sms: Parameters<FakeAndroidGateway["smsReceived"]>[0] } | null =
    null;
  return {
    name: "phones",
    pushes: true,
    polled: false,
    async stock(service, country, cost, count) {
      expect(cost).toBe(ENTRY_COST);
      expect(country, "the phones' SIMs here are UK numbers").toBe(16);
      // A phone of its own per service, with up to two SIMs for it.
      const device = new FakeAndroidGateway({ signingKey });
      for (let slot = 1; slot <= Math.min(count, 2); slot++) {
        const phone = `+447400${next++}`;
        const res = await adminJson("POST", "/sims", {
          provider: "phones",
          phone,
          deviceId: device.deviceId,
          slot,
          services: [service],
        });
        expect(res.status, await res.clone().text()).toBe(201);
        sims.set(phone, { device, slot });
      }
      expect((await post("phones", await device.ping())).status).toBe(200);
    },
    async sms(_ref, phone, text) {
      const sim = sims.get(phone);
      if (!sim) throw new Error(`no registered SIM ${phone}`);
      last = {
        device: sim.device,
        sms: { simNumber: sim.slot, from: "Service", text, receivedAt: Date.now() },
      };
      const res = await post("phones", await sim.device.smsReceived(last.sms));
      expect(res.status, await res.clone().text()).toBe(200);
    },
    async end() {
      throw new Error("own SIMs never end an activation on their own");
    },
    /** Our SIM says it: still lent (nothing yet), free and spent for the service (sold), or free (given back). */
    async actions(ref) {
      const rental = await rentalOf(ref, "phones");
      const sim = await env.DB.prepare(
        `SELECT s.rental_ref, EXISTS (SELECT 1 FROM own_sim_spent p WHERE p.sim_id = s.id AND p.service = ?) AS spent
         FROM own_sims s WHERE s.phone = ?`,
      )
        .bind(rental?.service ?? "", rental?.phone ?? "")
        .first<{ rental_ref: string | null; spent: number }>();
      if (!sim || sim.rental_ref === ref) return [];
      return [sim.spent ? "finish" : "cancel"] as UpstreamAction[];
    },
    // The app's retry: the same SMS, signed again with a new timestamp and a new event id.
    redeliver: async () => {
      if (!last) throw new Error("nothing delivered yet");
      return post("phones", await last.device.smsReceived(last.sms));
    },
    forge: async (ref, text) => {
      const rental = await rentalOf(ref, "phones");
      const sim = sims.get(rental?.phone ?? "");
      if (!sim) throw new Error("no SIM for this rental");
      const sms = { simNumber: sim.slot, from: "Service", text };
      const signed = await sim.device.smsReceived(sms);
      return [
        await post("phones", await sim.device.smsReceived(sms, { key: "not-the-key" })),
        await post(
          "phones",
          await sim.device.smsReceived(sms, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
        ),
        await post("phones", { body: signed.body, headers: { "Content-Type": "application/json" } }),
      ];
    },
  };
};

export const simbankDriver = (): Driver => {
  const { host, key } = FAKE_UPSTREAMS.simbank;
  const sims: Array<{ phone: number; operator: string; services: string[] }> = [];
  let next = 100_100 + Math.floor(Math.random() * 400) * 100;
  const control = async (path: string, body?: unknown) => {
    const res = await fetch(`http://${host}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const push = (body: Record<string, unknown>) =>
    call("/webhooks/providers/simbank", {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "agent/1.0" },
      body: JSON.stringify(body),
    });
  return {
    name: "simbank",
    pushes: true,
    polled: false,
    async stock(service, country, cost, count) {
      expect(cost).toBe(ENTRY_COST);
      expect(country, "the agent's SIMs here are Dutch numbers").toBe(48);
      for (let i = 0; i < Math.min(count, 2); i++) {
        sims.push({
          phone: Number(`31612${next++}`),
          operator: i === 0 ? "kpn" : "vodafone",
          services: [service],
        });
      }
      await control("/__sims", { country: "netherlands", sims });
    },
    async sms(_ref, phone, text) {
      const body = await control("/__sms", { phone: Number(phone.slice(1)), phoneFrom: "Service", text });
      const res = await push(body);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toEqual({ status: "SUCCESS" });
    },
    async end() {
      throw new Error("the hub alone ends an agent's activations (the protocol's rule)");
    },
    async actions(ref) {
      const { activations } = (await control("/__state")) as {
        activations: Array<{ id: number; finishes: number[] }>;
      };
      const meaning: Record<number, UpstreamAction> = { 3: "finish", 4: "cancel" };
      const finishes = activations.find((a) => a.id === Number(ref))?.finishes ?? [];
      return finishes.flatMap((status) => (meaning[status] ? [meaning[status]] : []));
    },
    forge: async (ref, text) => {
      const rental = await rentalOf(ref, "simbank");
      const body = await control("/__sms", {
        phone: Number(rental?.phone.slice(1)),
        phoneFrom: "Service",
        text,
      });
      const { key: _key, ...keyless } = body;
      return [await push({ ...body, key: `${key}x` }), await push(keyless)];
    },
  };
};
