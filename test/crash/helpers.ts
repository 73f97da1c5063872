// Crash consistency: a fault injected between two steps (src/lib/faults.ts) stands in for the Worker or
// the room dying there. What must hold afterwards is the same at every step: after the room's retry
// alarm or the cron, D1 shows the room's state, every hold is resolved the way the state says, and no
// number stays rented for nothing.
import { env } from "cloudflare:test";
import { afterEach, expect } from "vitest";
import { sweepActivations } from "../../src/activations/sweep";
import { disarmFaults } from "../../src/lib/faults";
import { call, OPERATOR } from "../support";

afterEach(() => disarmFaults());

/** The cron, run a few minutes from now (every journalled order is stale by then). */
export const cronInMinutes = (minutes = 3) => sweepActivations(env, Date.now() + minutes * 60_000);

export const journalOf = async (userId: string) =>
  (
    await env.DB.prepare("SELECT activation_id, step FROM order_journal WHERE user_id = ?")
      .bind(userId)
      .all<{ activation_id: string; step: string }>()
  ).results;

export const activationsOf = async (userId: string) =>
  (
    await env.DB.prepare("SELECT id, status, provider_ref FROM activations WHERE user_id = ?")
      .bind(userId)
      .all<{ id: string; status: string; provider_ref: string }>()
  ).results;

/** The simulated upstream's own view of its rentals for our order ids (customerRef = activation id). */
export const rentalsFor = async (activationId: string) =>
  (
    await env.DB.prepare("SELECT ref, status FROM sim_rentals WHERE customer_ref = ?")
      .bind(activationId)
      .all<{ ref: string; status: string }>()
  ).results;

export const rentalStatus = async (ref: string) => {
  const res = await call(`/simulator/api/activations/${ref}`, { headers: OPERATOR });
  expect(res.status).toBe(200);
  return ((await res.json()) as { rental: { status: string } }).rental.status;
};
