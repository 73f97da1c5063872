// kind "smshub-agent": a SIM bank speaking the SMSHUB agent protocol, with SMSPROF as the hub. The
// fake agent (test/fakes/smshub-agent.ts) checks every request. Its state is shared by every test
// file, each stocking a country of its own: the SIMs of this file sell Steam (mt) in Spain (56).
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { act, customer, get, makeCancelable, ordered, room } from "../activations/helpers";
import { adminJson } from "../admin/helpers";
import { FAKE_AGENT_KEY } from "../fakes/smshub-agent";
import { call } from "../support";
import { sim } from "./helpers";
import { AGENT, AGENT_KEY, agent, agentState, resetOwnSims, simRow, sync } from "./own-sims-helpers";

const SIMS = [34612000101, 34612000102];

const push = async (body: unknown, init: { gzip?: boolean } = {}) => {
  const text = JSON.stringify(body);
  const payload = init.gzip
    ? await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer()
    : text;
  const res = await call(`/webhooks/providers/${AGENT}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "agent/1.0",
      ...(init.gzip ? { "Content-Encoding": "gzip" } : {}),
    },
    body: payload,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** The PUSH_SMS the agent sends for an SMS that reached one of its SIMs. */
const smsTo = (phone: number, text: string, phoneFrom = "Steam") =>
  agent("/__sms", { phone, phoneFrom, text });

const smsOf = async (activationId: string) =>
  (
    await env.DB.prepare(
      "SELECT provider_message_id AS message_id, code FROM sms_messages WHERE activation_id = ?",
    )
      .bind(activationId)
      .all<{ message_id: string; code: string | null }>()
  ).results;

const offer = () =>
  env.DB.prepare(
    "SELECT cost, stock FROM provider_offers WHERE provider = ? AND service = 'mt' AND country = 56",
  )
    .bind(AGENT)
    .first<{ cost: number; stock: number }>();

beforeAll(async () => {
  // The simulator steps aside in this pair, so the agent is its only route.
  expect((await sim("/api/stock", { service: "mt", country: 56, stock: 0 })).status).toBe(200);
});

beforeEach(async () => {
  await resetOwnSims();
  await agent("/__sims", {
    country: "spain",
    sims: SIMS.map((phone, i) => ({ phone, operator: i === 0 ? "movistar" : "vodafone", services: ["mt"] })),
  });
});

/** The agent's activations on this file's SIMs, oldest first. */
const ourActivations = async () => (await agentState()).activations.filter((a) => SIMS.includes(a.phone));

/** What the agent received from us about this file's SIMs. */
const ourRequests = async (action: string) => {
  const state = await agentState();
  const ids = new Set(state.activations.filter((a) => SIMS.includes(a.phone)).map((a) => a.id));
  return state.received
    .filter((r) => r.action === action)
    .filter((r) => action !== "GET_NUMBER" || r.body.country === "spain")
    .filter((r) => action !== "FINISH_ACTIVATION" || ids.has(r.body.activationId as number))
    .map((r) => r.body);
};

describe("the hub's requests", () => {
  it("GET_SERVICES fills the catalog with the agent's stock at the entry's cost", async () => {
    expect(AGENT_KEY).toBe(FAKE_AGENT_KEY);
    await sync();
    expect(await offer()).toMatchObject({ stock: 2, cost: 40 });
    expect((await ourRequests("GET_SERVICES")).at(-1)).toEqual({ action: "GET_SERVICES", key: AGENT_KEY });
  });

  it("an order is a GET_NUMBER with the protocol's field types, and rents the agent's number", async () => {
    await sync();
    const { auth } = await customer();
    const view = await ordered(auth, "mt", 56);
    expect(SIMS.map((p) => `+${p}`)).toContain(view.phone);
    const request = (await ourRequests("GET_NUMBER")).at(-1) ?? {};
    // sum: the entry's cost (40 cents) as a number of dollars, currency 840 (USD, the CURRENCY).
    expect(request).toMatchObject({
      country: "spain",
      service: "mt",
      sum: 0.4,
      currency: 840,
      exceptionPhoneSet: [],
    });
    expect(["movistar", "vodafone"]).toContain(request.operator);
    const activations = await ourActivations();
    expect(activations).toHaveLength(1);
    const row = await env.DB.prepare("SELECT provider, provider_ref FROM activations WHERE id = ?")
      .bind(view.id)
      .first<{ provider: string; provider_ref: string }>();
    expect(row).toEqual({ provider: AGENT, provider_ref: String(activations[0]?.id) });
    expect((await simRow(view.phone))?.rental_ref).toBe(String(activations[0]?.id));
  });

  it("finishing tells the agent FINISH_ACTIVATION 3; the sold number is excluded from the next GET_NUMBER for the service", async () => {
    await sync();
    const { auth } = await customer();
    const view = await ordered(auth, "mt", 56);
    const pushed = await push(await smsTo(Number(view.phone.slice(1)), "Steam code: 73915"));
    expect(pushed).toEqual({ status: 200, body: { status: "SUCCESS" } });
    expect((await get(auth, view.id)).code).toBe("73915");
    expect((await act(auth, view.id, "finish")).status).toBe(200);
    expect((await ourActivations())[0]?.finishes).toEqual([3]);
    const next = await ordered((await customer()).auth, "mt", 56);
    expect(next.phone).not.toBe(view.phone);
    expect((await ourRequests("GET_NUMBER")).at(-1)?.exceptionPhoneSet).toEqual([view.phone.slice(1)]);
  });

  it("an operator's refund of the sale tells the agent FINISH_ACTIVATION 5", async () => {
    await sync();
    const { auth } = await customer();
    const view = await ordered(auth, "mt", 56);
    await push(await smsTo(Number(view.phone.slice(1)), "Steam code: 51842"));
    expect((await act(auth, view.id, "finish")).status).toBe(200);
    const refund = await adminJson("POST", `/activations/${view.id}/refund`, {
      reason: "the code did not work",
    });
    expect(refund.status, await refund.clone().text()).toBe(200);
    expect((await ourActivations())[0]?.finishes).toEqual([3, 5]);
    // Refunding again moves no money and is harmless at the agent (its finish is idempotent).
    const again = await adminJson("POST", `/activations/${view.id}/refund`, { reason: "asked twice" });
    expect(((await again.json()) as { applied: boolean }).applied).toBe(false);
  });

  it("a cancel tells the agent 4 and is repeated from the alarm until the agent answers SUCCESS", async () => {
    await sync();
    const { auth } = await customer();
    const view = await ordered(auth, "mt", 56);
    const [activation] = await ourActivations();
    // The agent fails to finish it once (as after a network failure): the call stays owed.
    expect(await agent("/__fail", { activationId: activation?.id, times: 1 })).toEqual({ ok: true });
    await makeCancelable(view.id);
    expect((await act(auth, view.id, "cancel")).status).toBe(200);
    expect((await get(auth, view.id)).status).toBe("cancelled");
    // Our SIM is free at once, whatever the agent said.
    expect((await simRow(view.phone))?.rental_ref).toBeNull();
    expect(await ourRequests("FINISH_ACTIVATION")).toEqual([
      { action: "FINISH_ACTIVATION", key: AGENT_KEY, activationId: activation?.id, status: 4 },
    ]);
    expect((await ourActivations())[0]?.finishes).toEqual([]);
    // The room's alarm repeats the call, and the agent records it.
    expect(await runDurableObjectAlarm(room(view.id))).toBe(true);
    expect((await ourActivations())[0]?.finishes).toEqual([4]);
    expect(await ourRequests("FINISH_ACTIVATION")).toHaveLength(2);
  });
});

describe("PUSH_SMS", () => {
  it("is answered SUCCESS once stored, and a re-sent smsId is one SMS", async () => {
    await sync();
    const { auth } = await customer();
    const view = await ordered(auth, "mt", 56);
    const body = await smsTo(Number(view.phone.slice(1)), "Your Steam code is 84021");
    for (let i = 0; i < 3; i++)
      expect(await push(body)).toEqual({ status: 200, body: { status: "SUCCESS" } });
    expect(await smsOf(view.id)).toEqual([{ message_id: `smshub_${body.smsId}`, code: "84021" }]);
  });

  it("accepts a gzip-compressed push", async () => {
    await sync();
    const { auth } = await customer();
    const view = await ordered(auth, "mt", 56);
    const res = await push(await smsTo(Number(view.phone.slice(1)), "Steam: 55012 is your code"), {
      gzip: true,
    });
    expect(res).toEqual({ status: 200, body: { status: "SUCCESS" } });
    expect((await get(auth, view.id)).code).toBe("55012");
  });

  it("a wrong or missing key is 401 and stores nothing", async () => {
    await sync();
    const { auth } = await customer();
    const view = await ordered(auth, "mt", 56);
    const body = await smsTo(Number(view.phone.slice(1)), "Steam code 99887");
    expect((await push({ ...body, key: "guess" })).status).toBe(401);
    const { key: _key, ...keyless } = body;
    expect((await push(keyless)).status).toBe(401);
    expect(await smsOf(view.id)).toEqual([]);
  });

  it("fields of the wrong type are 400 (numbers are numbers), and nothing is stored", async () => {
    await sync();
    const { auth } = await customer();
    const view = await ordered(auth, "mt", 56);
    const body = await smsTo(Number(view.phone.slice(1)), "Steam code 44556");
    const asString = await push({ ...body, smsId: String(body.smsId) });
    expect(asString.status).toBe(400);
    expect(asString.body).toMatchObject({ error: { code: "BAD_WEBHOOK" } });
    expect((await push({ ...body, phone: String(body.phone) })).status).toBe(400);
    expect(await smsOf(view.id)).toEqual([]);
  });

  it("an SMS to an agent SIM nobody rents is metadata only", async () => {
    await sync();
    const view = await ordered((await customer()).auth, "mt", 56);
    const free = SIMS.find((p) => `+${p}` !== view.phone) ?? 0;
    // The agent's second SIM has no row yet: it was never handed out.
    expect(await push(await smsTo(free, "code 12121 for nobody"))).toEqual({
      status: 200,
      body: { status: "SUCCESS" },
    });
    const rows = (
      await env.DB.prepare("SELECT * FROM own_sim_unrented_sms WHERE provider = ?")
        .bind(AGENT)
        .all<Record<string, unknown>>()
    ).results;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      phone: `+${free}`,
      sender: "Steam",
      length: "code 12121 for nobody".length,
    });
  });
});
