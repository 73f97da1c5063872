// An account erased while one of its orders is in flight: the erasure and the order's hold are
// ordered by one conditional statement each, so the account never ends erased with a live number or
// held money — whichever of the two comes second is refused.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { placeHold } from "../../src/billing/ledger";
import { createDb } from "../../src/db/client";
import { armFault } from "../../src/lib/faults";
import { browser, signUp } from "../accounts/helpers";
import { adminJson } from "../admin/helpers";
import { call, createUserWithKey } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { activationsOf, journalOf } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const funded = async () => {
  const person = await signUp();
  const topUp = await call(
    "/api/v1/billing/demo-topup",
    browser("POST", { cookie: person.cookie, body: { amount: 2000 } }),
  );
  expect(topUp.status).toBe(200);
  return person;
};

const orderAs = (cookie: string) =>
  call("/api/v1/activations", browser("POST", { cookie, body: { service: "tg", country: 0 } }));

const erase = (person: { cookie: string; password: string }) =>
  call(
    "/api/v1/me/delete",
    browser("POST", {
      cookie: person.cookie,
      body: { password: person.password, confirm: "DELETE", forfeitBalance: true },
    }),
  );

const stateOf = (userId: string) =>
  env.DB.prepare("SELECT held, deleted_at FROM users WHERE id = ?")
    .bind(userId)
    .first<{ held: number; deleted_at: number | null }>();

describe("an operator's erasure interrupted right after it committed", () => {
  it("still has its audit row: the row is written in the erasure's own batch", async () => {
    const { userId } = await createUserWithKey({ available: 0 });
    armFault("erase.afterBatch");
    const res = await adminJson("POST", `/users/${userId}/erase`, { reason: "GDPR request" });
    expect(res.status).toBe(500);
    expect((await stateOf(userId))?.deleted_at).toBeGreaterThan(0);
    const audit = await env.DB.prepare(
      "SELECT action FROM operator_audit WHERE target = ? AND action = 'user.erase'",
    )
      .bind(userId)
      .all();
    expect(audit.results).toHaveLength(1);
  });
});

describe("erasing an account while it orders", () => {
  it("an order completed after the erasure's checks makes the erasure fail, not leave a live number", async () => {
    const person = await funded();
    let ordered = 0;
    armFault("erase.afterChecks", async () => {
      ordered = (await orderAs(person.cookie)).status;
    });
    const res = await erase(person);
    expect(ordered).toBe(201);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "ACTIVE_ACTIVATIONS" } });
    const user = await stateOf(person.userId);
    expect(user?.deleted_at).toBeNull();
    expect(user?.held).toBeGreaterThan(0);
  });

  it("an order journalled (in flight) when the erasure commits makes it fail too", async () => {
    const person = await funded();
    armFault("erase.afterChecks", async () => {
      await env.DB.prepare(
        "INSERT INTO order_journal (activation_id, user_id, step, provider, created_at, updated_at) VALUES (?, ?, 'started', 'simulator', ?, ?)",
      )
        .bind("act_inflight_erase", person.userId, Date.now(), Date.now())
        .run();
    });
    expect((await erase(person)).status).toBe(409);
    await env.DB.prepare("DELETE FROM order_journal WHERE activation_id = 'act_inflight_erase'").run();
  });

  it("an order placed after the erasure is refused and holds nothing", async () => {
    const person = await funded();
    // The session is gone with the account; an order that got past authentication before is the race.
    expect((await erase(person)).status).toBe(200);
    await expect(
      placeHold(createDb(env.DB), {
        userId: person.userId,
        amount: 1,
        currency: "USD",
        reference: "act_after_erase",
        expiresAt: Date.now() + 60_000,
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await stateOf(person.userId)).toMatchObject({ held: 0 });
    expect(await activationsOf(person.userId)).toEqual([]);
    expect(await journalOf(person.userId)).toEqual([]);
  });
});
