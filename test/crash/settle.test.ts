// A room's settle pass interrupted at every step: the retry alarm is armed before any side effect,
// so the pass resumes within seconds (not at expiry, up to 20 minutes later) and D1, the hold and the
// provider end up where the room's state says.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { armFault, type FaultPoint } from "../../src/lib/faults";
import {
  act,
  balance,
  customer,
  get,
  holdsOf,
  makeCancelable,
  ordered,
  room,
  STARTING_BALANCE,
  sms,
} from "../activations/helpers";
import { seedCatalogForTests } from "../support-catalog";
import { activationsOf, rentalStatus } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const STEPS: FaultPoint[] = [
  "settle.afterAlarm",
  "settle.afterWrite",
  "settle.afterHold",
  "settle.afterProvider",
];

/** The room's next alarm, asserted to be a retry (seconds away), not the expiry. */
const expectRetryAlarm = async (id: string, expiresAt: string) => {
  const alarm = await runInDurableObject(room(id), (_i, state) => state.storage.getAlarm());
  expect(alarm).not.toBeNull();
  expect(alarm ?? Number.POSITIVE_INFINITY).toBeLessThan(Date.now() + 5 * 60_000);
  expect(alarm ?? Number.POSITIVE_INFINITY).toBeLessThan(Date.parse(expiresAt));
};

describe.each(STEPS)("a settle pass interrupted at %s", (step) => {
  it("after an SMS: resumes from its alarm, charges once and writes the SMS to D1", async () => {
    const { userId, auth } = await customer();
    const { id, price, expiresAt } = await ordered(auth, "tg", 0);
    armFault(step);
    await expect(sms(id, "Your Telegram code is 48213")).rejects.toThrow();
    await expectRetryAlarm(id, expiresAt);
    expect(await runDurableObjectAlarm(room(id))).toBe(true);
    expect(await get(auth, id)).toMatchObject({ status: "received", code: "48213", charged: true });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: 0 });
    expect((await holdsOf(userId)).map((h) => h.status)).toEqual(["posted"]);
  });

  it("after a cancel: resumes from its alarm, refunds and releases the number", async () => {
    const { userId, auth } = await customer();
    const { id, expiresAt } = await ordered(auth, "tg", 0);
    await makeCancelable(id);
    armFault(step);
    expect((await act(auth, id, "cancel")).status).toBe(500);
    await expectRetryAlarm(id, expiresAt);
    expect(await runDurableObjectAlarm(room(id))).toBe(true);
    expect(await get(auth, id)).toMatchObject({ status: "cancelled", charged: false });
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    const [row] = await activationsOf(userId);
    expect(await rentalStatus(row?.provider_ref ?? "")).toBe("cancelled");
  });
});
