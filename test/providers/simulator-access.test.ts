// The simulator on a public demo: where SIMULATOR_ENABLED is true on a deployment anyone can reach,
// its controls (modes, costs, free rentals, reading rentals' SMS, SMS to any number) need an operator
// credential, and a customer may only simulate an SMS to their own live number.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  act,
  balance,
  customer,
  get,
  makeCancelable,
  ordered,
  STARTING_BALANCE,
} from "../activations/helpers";
import { call, json, OPERATOR } from "../support";
import { seedCatalogForTests } from "../support-catalog";

beforeAll(() => seedCatalogForTests(env));

const rentalRef = async (activationId: string) =>
  (
    await env.DB.prepare("SELECT provider_ref FROM activations WHERE id = ?")
      .bind(activationId)
      .first<{ provider_ref: string }>()
  )?.provider_ref ?? "";

describe("the simulator's controls", () => {
  it("refuse anyone without the operator credential, a customer's API key included", async () => {
    const { auth } = await customer();
    const { id, phone } = await ordered(auth, "tg", 0);
    const ref = await rentalRef(id);
    const controls: Array<[string, RequestInit]> = [
      ["/simulator/api/offers", {}],
      ["/simulator/api/stock", json({ service: "tg", country: 0, cost: 1 })],
      ["/simulator/api/mode", json({ mode: "acquire_error" })],
      ["/simulator/api/acquire", json({ service: "tg", country: 0 })],
      ["/simulator/api/cancel", json({ ref })],
      ["/simulator/api/finish", json({ ref })],
      ["/simulator/api/retry", json({ ref })],
      [`/simulator/api/activations/${ref}`, {}],
      ["/simulator/api/flush", { method: "POST" }],
      ["/simulator/sms", json({ phone, text: "Your code is 1234" })],
    ];
    for (const [path, init] of controls) {
      for (const headers of [{}, auth, { Authorization: "Bearer wrong-token-wrong-token-wrong" }]) {
        const res = await call(path, { ...init, headers: { ...(init.headers ?? {}), ...headers } });
        expect(res.status, path).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
      }
    }
    // Nothing happened: no SMS, no charge, the mode and the number unchanged.
    expect(await get(auth, id)).toMatchObject({ status: "waiting", charged: false, sms: [] });
    const status = await call("/simulator/api/status");
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ mode: "normal" });
  });

  it("answer an operator", async () => {
    const res = await call("/simulator/api/offers", { headers: OPERATOR });
    expect(res.status).toBe(200);
  });

  it("refuse a stock change that changes nothing with 400, not 500", async () => {
    const res = await call("/simulator/api/stock", json({ service: "tg", country: 0 }, OPERATOR));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });
});

describe("a customer's simulated SMS", () => {
  const simulate = (auth: Record<string, string>, id: string, text: string) =>
    call(`/simulator/activations/${id}/sms`, json({ text }, auth));

  it("reaches their own live number and charges them as a real one would", async () => {
    const { userId, auth } = await customer();
    const { id, price } = await ordered(auth, "tg", 0);
    const res = await simulate(auth, id, "Your Telegram code is 48213");
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "delivered" });
    expect(await get(auth, id)).toMatchObject({ status: "received", code: "48213", charged: true });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: 0 });
  });

  it("cannot reach another customer's number, nor an ended one", async () => {
    const victim = await customer();
    const attacker = await customer();
    const { id } = await ordered(victim.auth, "tg", 0);
    const res = await simulate(attacker.auth, id, "Your Telegram code is 48213");
    expect(res.status).toBe(404);
    expect(await get(victim.auth, id)).toMatchObject({ status: "waiting", charged: false });
    expect(await balance(victim.userId)).toMatchObject({ held: expect.any(Number) });

    await makeCancelable(id);
    expect((await act(victim.auth, id, "cancel")).status).toBe(200);
    const late = await simulate(victim.auth, id, "Your Telegram code is 48213");
    expect(late.status).toBe(409);
    expect(await balance(victim.userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
  });

  it("needs a signed-in customer", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "tg", 0);
    expect((await call(`/simulator/activations/${id}/sms`, json({ text: "x" }))).status).toBe(401);
  });
});
