// An order interrupted at every step: with its own cleanup (the error path), and as a crash (the
// cleanup dies too), where only the order journal and the cron are left to put things right.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ActivationView } from "../../src/activations/service";
import { armFault, type FaultPoint } from "../../src/lib/faults";
import { balance, customer, get, holdsOf, order, STARTING_BALANCE } from "../activations/helpers";
import { seedCatalogForTests } from "../support-catalog";
import { activationsOf, cronInMinutes, journalOf, rentalsFor } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const STEPS: FaultPoint[] = ["order.afterHold", "order.afterAcquire", "order.afterInsert"];

const orderedId = async (userId: string) => (await holdsOf(userId))[0]?.reference ?? "";

describe.each(STEPS)("an order interrupted at %s", (step) => {
  it("with its cleanup: nothing held, no number kept, nothing left in the journal", async () => {
    const { userId, auth } = await customer();
    armFault(step);
    const res = await order(auth, { service: "tg", country: 0 });
    expect(res.status).toBe(500);
    const id = await orderedId(userId);
    expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
    expect((await holdsOf(userId)).map((h) => h.status)).toEqual(["voided"]);
    expect(await journalOf(userId)).toEqual([]);
    expect((await activationsOf(userId)).filter((a) => a.status === "waiting")).toEqual([]);
    for (const rental of await rentalsFor(id)) expect(rental.status).not.toBe("active");
  });

  it("as a crash: the cron resolves it within minutes", async () => {
    const { userId, auth } = await customer();
    armFault(step);
    armFault("order.beforeCleanup");
    expect((await order(auth, { service: "tg", country: 0 })).status).toBe(500);
    const id = await orderedId(userId);
    // The crash left money held and the order in the journal.
    expect((await balance(userId))?.held).toBeGreaterThan(0);
    expect(await journalOf(userId)).toEqual([{ activation_id: id, step: expect.any(String) }]);

    // A cron run right now leaves a possibly live order alone.
    await cronInMinutes(0);
    expect(await journalOf(userId)).toHaveLength(1);

    await cronInMinutes(3);
    expect(await journalOf(userId)).toEqual([]);
    const rows = await activationsOf(userId);
    if (step === "order.afterInsert") {
      // The row was written: the activation is finished, live and paid for by its hold.
      const view: ActivationView = await get(auth, id);
      expect(view).toMatchObject({ status: "waiting", charged: false });
      expect((await holdsOf(userId)).map((h) => h.status)).toEqual(["pending"]);
      expect((await rentalsFor(id)).map((r) => r.status)).toEqual(["active"]);
    } else {
      expect(rows).toEqual([]);
      expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
      expect((await holdsOf(userId)).map((h) => h.status)).toEqual(["voided"]);
      // A number acquired before the crash is released at the provider.
      const rentals = await rentalsFor(id);
      expect(rentals).toHaveLength(step === "order.afterHold" ? 0 : 1);
      for (const rental of rentals) expect(rental.status).toBe("cancelled");
    }
  });
});

describe("an order whose room fails to start", () => {
  it("asks the room again, and the customer gets the activation", async () => {
    const { userId, auth } = await customer();
    armFault("settle.afterAlarm");
    const res = await order(auth, { service: "tg", country: 0 });
    expect(res.status).toBe(201);
    const view = await res.json<ActivationView>();
    expect(view.status).toBe("waiting");
    expect(await journalOf(userId)).toEqual([]);
    expect((await holdsOf(userId)).map((h) => h.status)).toEqual(["pending"]);
  });

  it("after the room started, a failure to clear the journal is only the cron's to tidy", async () => {
    const { userId, auth } = await customer();
    armFault("order.afterStart");
    const res = await order(auth, { service: "tg", country: 0 });
    expect(res.status).toBe(201);
    const { id } = await res.json<ActivationView>();
    expect(await journalOf(userId)).toHaveLength(1);
    await cronInMinutes(3);
    expect(await journalOf(userId)).toEqual([]);
    expect(await get(auth, id)).toMatchObject({ status: "waiting" });
    expect((await holdsOf(userId)).map((h) => h.status)).toEqual(["pending"]);
  });
});
