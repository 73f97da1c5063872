// The cron's part: an outbox whose alarm was lost is woken again, finished deliveries (which carry SMS)
// are deleted after SMS_RETENTION_DAYS, and erasing an account deletes its endpoints and deliveries.
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { runScheduledSweeps } from "../../src/ops/sweeps";
import { browser, PASSWORD, signUp } from "../accounts/helpers";
import { customer, ordered } from "../activations/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { fireOutbox, outboxOf, receivedAt, receiverPath, register } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const DAY = 24 * 3_600_000;
const count = async (sql: string, ...binds: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...binds)
      .first<{ n: number }>()
  )?.n ?? 0;

describe("the webhooks' sweep", () => {
  it("wakes an outbox whose alarm was lost, so its overdue deliveries still go", async () => {
    const { auth } = await customer();
    const path = receiverPath();
    const endpoint = await register(auth, path, ["activation.created"]);
    await ordered(auth, "tg", 0);
    await runInDurableObject(outboxOf(endpoint.id), async (_instance, state) => {
      await state.storage.deleteAlarm();
      await state.storage.delete("alarmAt");
    });
    expect(await fireOutbox(endpoint.id)).toBe(false);
    await env.DB.prepare("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE endpoint_id = ?")
      .bind(Date.now() - 3_600_000, endpoint.id)
      .run();
    await runScheduledSweeps(env, Date.now());
    expect(await fireOutbox(endpoint.id)).toBe(true);
    expect(await receivedAt(path)).toHaveLength(1);
  });

  it("deletes finished deliveries and their attempts after the SMS retention period, keeping pending ones", async () => {
    const { auth } = await customer();
    const endpoint = await register(auth, receiverPath(), ["activation.created"]);
    await ordered(auth, "tg", 0);
    await fireOutbox(endpoint.id);
    await ordered(auth, "wa", 0); // pending: never purged
    const old = Date.now() - (Number(env.SMS_RETENTION_DAYS) + 1) * DAY;
    await env.DB.prepare("UPDATE webhook_deliveries SET created_at = ? WHERE endpoint_id = ?")
      .bind(old, endpoint.id)
      .run();
    await runScheduledSweeps(env, Date.now());
    const q = "SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?";
    expect(await count(`${q} AND status = 'succeeded'`, endpoint.id)).toBe(0);
    expect(await count(`${q} AND status = 'pending'`, endpoint.id)).toBe(1);
    expect(
      await count(
        "SELECT count(*) AS n FROM webhook_attempts WHERE delivery_id NOT IN (SELECT id FROM webhook_deliveries)",
      ),
    ).toBe(0);
  });

  it("exports the endpoints without their secret; erasing the account deletes them with their deliveries", async () => {
    const { cookie, userId } = await signUp();
    const res = await call(
      "/api/v1/webhooks",
      browser("POST", {
        cookie,
        body: {
          url: `https://hooks.receiver.fake${receiverPath()}`,
          events: ["activation.created"],
        },
      }),
    );
    const { id } = (await res.json()) as { id: string };
    await call(`/api/v1/webhooks/${id}/test`, browser("POST", { cookie, body: {} }));
    await fireOutbox(id);
    expect(await count("SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?", id)).toBe(1);
    // Before: the export shows the endpoint, never its signing secret.
    const exported = await call("/api/v1/me/export", browser("GET", { cookie }));
    const text = await exported.text();
    // The export is read from the data map: every linked table by its name.
    expect(JSON.parse(text).tables.webhook_endpoints).toEqual([
      expect.objectContaining({ id, events: JSON.stringify(["activation.created"]), enabled: 1 }),
    ]);
    expect(text).not.toContain("whsec_");
    const erased = await call(
      "/api/v1/me/delete",
      browser("POST", { cookie, body: { password: PASSWORD, confirm: "DELETE" } }),
    );
    expect(erased.status, await erased.clone().text()).toBe(200);
    expect(await count("SELECT count(*) AS n FROM webhook_endpoints WHERE user_id = ?", userId)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?", id)).toBe(0);
  });
});
