// Policy 7, deletion: "erasure is a job that finishes" — D1 first, then every room, retried by the cron
// until each room confirms; it cannot commit while an order holds money; it deletes support tickets.
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { placeHold, voidHold } from "../../src/billing/ledger";
import { createDb } from "../../src/db/client";
import { runScheduledSweeps } from "../../src/ops/sweeps";
import { browser, count } from "../accounts/helpers";
import { act, makeCancelable, room, sms } from "../activations/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { customerWithHistory } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

type Customer = Awaited<ReturnType<typeof customerWithHistory>>;

const erase = (c: Customer) =>
  call(
    "/api/v1/me/delete",
    browser("POST", {
      cookie: c.cookie,
      body: { password: c.password, confirm: "DELETE", forfeitBalance: true },
    }),
  );

const endActivation = async (c: Customer) => {
  await makeCancelable(c.activationId);
  expect((await act(c.auth, c.activationId, "cancel")).status).toBe(200);
};

describe("erasure as a job that finishes", () => {
  it("erases D1, then the rooms, and records the job as finished", async () => {
    const c = await customerWithHistory();
    await call(
      "/api/v1/support/tickets",
      browser("POST", { cookie: c.cookie, body: { subject: "Hi", message: "x" } }),
    );
    await endActivation(c);
    expect((await erase(c)).status).toBe(200);
    const job = await env.DB.prepare("SELECT rooms_pending, finished_at FROM erasure_jobs WHERE user_id = ?")
      .bind(c.userId)
      .first<{ rooms_pending: string; finished_at: number | null }>();
    expect(job?.finished_at).not.toBeNull();
    expect(JSON.parse(job?.rooms_pending ?? "null")).toEqual([]);
    expect(await count("support_tickets", "user_id = ?", c.userId)).toBe(0);
    expect(await count("policy_acceptances", "user_id = ?", c.userId)).toBe(0);
  });

  it("a room that did not confirm is erased by the cron, which then finishes the job", async () => {
    const c = await customerWithHistory();
    await sms(c.activationId, "Your Telegram code is 60606");
    await act(c.auth, c.activationId, "finish");
    // As if the room had been unreachable: its copy is still there and the job still waits for it.
    const roomCopy = await runInDurableObject(room(c.activationId), (_i, state) =>
      state.storage.sql.exec<{ text: string }>("SELECT text FROM sms").toArray(),
    );
    expect((await erase(c)).status).toBe(200);
    await runInDurableObject(room(c.activationId), (_i, state) => {
      state.storage.sql.exec("UPDATE sms SET text = ?", roomCopy[0]?.text);
      state.storage.sql.exec("UPDATE record SET data = json_set(data, '$.contentPurged', json('false'))");
    });
    await env.DB.prepare("UPDATE erasure_jobs SET finished_at = NULL, rooms_pending = ? WHERE user_id = ?")
      .bind(JSON.stringify([c.activationId]), c.userId)
      .run();

    await runScheduledSweeps(env, Date.now());

    const texts = await runInDurableObject(room(c.activationId), (_i, state) =>
      state.storage.sql.exec("SELECT count(*) AS n FROM sms WHERE text IS NOT NULL").one(),
    );
    expect(texts.n).toBe(0);
    const job = await env.DB.prepare("SELECT finished_at, attempts FROM erasure_jobs WHERE user_id = ?")
      .bind(c.userId)
      .first<{ finished_at: number | null; attempts: number }>();
    expect(job?.finished_at).not.toBeNull();
    expect(job?.attempts).toBe(2);
  });

  it("cannot commit while an order holds money: nothing is erased and the account still works", async () => {
    const c = await customerWithHistory();
    await endActivation(c);
    // An order in flight: its hold is placed, its activation row not written yet.
    const db = createDb(env.DB);
    await placeHold(db, {
      userId: c.userId,
      amount: 10,
      currency: "USD",
      reference: "act_inflightorder000000",
      expiresAt: Date.now() + 60_000,
    });
    const res = await erase(c);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "ACTIVE_ACTIVATIONS" } });
    expect(await count("users", "id = ? AND deleted_at IS NULL", c.userId)).toBe(1);
    expect(await count("erasure_jobs", "user_id = ?", c.userId)).toBe(0);
    await voidHold(db, "act_inflightorder000000");
    expect((await erase(c)).status).toBe(200);
  });
});
