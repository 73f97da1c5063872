// kind "android-sms-gateway": SIMs in Android phones running SMS Gateway for Android, as an upstream.
// The fake phone (test/fakes/android-gateway.ts) signs its webhooks exactly as the app does.
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runScheduledSweeps } from "../../src/ops/sweeps";
import { sweepProviders } from "../../src/providers/sweep";
import { customer, get, ordered } from "../activations/helpers";
import { admin } from "../admin/helpers";
import {
  addSim,
  deliver,
  GATEWAY,
  GATEWAY_KEY,
  onlinePhone,
  phone,
  resetOwnSims,
  simRow,
  sync,
  ukNumber,
} from "./own-sims-helpers";

const smsOf = async (activationId: string) =>
  (
    await env.DB.prepare(
      "SELECT provider_message_id AS message_id, text, code FROM sms_messages WHERE activation_id = ?",
    )
      .bind(activationId)
      .all<{ message_id: string; text: string | null; code: string | null }>()
  ).results;

const unrented = async (number: string) =>
  (
    await env.DB.prepare("SELECT * FROM own_sim_unrented_sms WHERE phone = ?")
      .bind(number)
      .all<Record<string, unknown>>()
  ).results;

const offerOf = (service: string, country: number) =>
  env.DB.prepare("SELECT cost, stock FROM provider_offers WHERE provider = ? AND service = ? AND country = ?")
    .bind(GATEWAY, service, country)
    .first<{ cost: number; stock: number }>();

beforeEach(resetOwnSims);
afterEach(() => {
  vi.restoreAllMocks();
});

describe("a registered SIM of a phone that pings", () => {
  it("is offered in the catalog at the entry's cost, per service it may serve", async () => {
    await onlinePhone(1, ["tg", "wa"]);
    await sync();
    expect(await offerOf("tg", 16)).toMatchObject({ stock: 1 });
    expect(await offerOf("wa", 16)).toMatchObject({ stock: 1 });
    expect(await offerOf("go", 16)).toBeNull();
  });

  it("is rented to an order, and the SMS the phone receives is the customer's code", async () => {
    const { device, numbers } = await onlinePhone(1, ["tg"]);
    await sync();
    const { auth } = await customer();
    const activation = await ordered(auth, "tg", 16);
    expect(activation.phone).toBe(numbers[0]);
    const res = await deliver(
      await device.smsReceived({ simNumber: 1, from: "Telegram", text: "Telegram code: 48213" }),
    );
    expect(res).toMatchObject({ status: 200, body: { delivered: 1 } });
    expect(await get(auth, activation.id)).toMatchObject({ status: "received", code: "48213" });
    expect((await simRow(numbers[0] ?? ""))?.rental_service).toBe("tg");
  });

  it("routes an SMS by the SIM slot it arrived on", async () => {
    const { device, numbers } = await onlinePhone(2, ["wa"]);
    await sync();
    const first = await ordered((await customer()).auth, "wa", 16);
    const second = await ordered((await customer()).auth, "wa", 16);
    expect(new Set([first.phone, second.phone])).toEqual(new Set(numbers));
    const onSlot2 = first.phone === numbers[1] ? first : second;
    await deliver(
      await device.smsReceived({ simNumber: 2, from: "WhatsApp", text: "WhatsApp code 731-904" }),
    );
    expect((await smsOf(onSlot2.id)).map((s) => s.code)).toEqual(["731904"]);
    const other = onSlot2 === first ? second : first;
    expect(await smsOf(other.id)).toEqual([]);
  });
});

describe("webhook authentication", () => {
  const forgeries: Array<
    [string, (d: ReturnType<typeof phone>) => Promise<{ body: string; headers: Record<string, string> }>]
  > = [
    [
      "a wrong signing key",
      (d) => d.smsReceived({ simNumber: 1, from: "X", text: "code 111111" }, { key: "not-the-key" }),
    ],
    [
      "a timestamp 6 minutes old",
      (d) =>
        d.smsReceived(
          { simNumber: 1, from: "X", text: "code 222222" },
          { timestamp: Math.floor(Date.now() / 1000) - 360 },
        ),
    ],
    [
      "a timestamp 6 minutes ahead",
      (d) =>
        d.smsReceived(
          { simNumber: 1, from: "X", text: "code 333333" },
          { timestamp: Math.floor(Date.now() / 1000) + 360 },
        ),
    ],
    [
      "a body changed after signing",
      async (d) => {
        const signed = await d.smsReceived({ simNumber: 1, from: "X", text: "code 444444" });
        return { ...signed, body: signed.body.replace("444444", "555555") };
      },
    ],
    [
      "no signature headers",
      async (d) => {
        const signed = await d.smsReceived({ simNumber: 1, from: "X", text: "code 666666" });
        return { body: signed.body, headers: { "Content-Type": "application/json" } };
      },
    ],
  ];

  for (const [what, forge] of forgeries) {
    it(`refuses ${what} with 401 and stores nothing`, async () => {
      const { device, numbers } = await onlinePhone(1);
      await sync();
      const { auth } = await customer();
      const activation = await ordered(auth, "tg", 16);
      expect(activation.phone).toBe(numbers[0]);
      const res = await deliver(await forge(device));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: "BAD_SIGNATURE" } });
      expect(await smsOf(activation.id)).toEqual([]);
      expect(await unrented(numbers[0] ?? "")).toEqual([]);
      expect((await get(auth, activation.id)).status).toBe("waiting");
    });
  }

  it("a forged ping does not make a silent phone healthy", async () => {
    const device = phone();
    await addSim({ phone: ukNumber(), deviceId: device.deviceId, slot: 1 });
    expect((await deliver(await device.ping("pass", { key: "wrong" }))).status).toBe(401);
    const seen = await env.DB.prepare("SELECT * FROM own_sim_devices WHERE device_id = ?")
      .bind(device.deviceId)
      .first();
    expect(seen).toBeNull();
  });

  it("checks the signature with the entry's own key", () => {
    expect(GATEWAY_KEY.length).toBeGreaterThan(10);
  });
});

/** The phones entry as operators see it in GET /admin/api/v1/providers. */
const gatewayStatus = async () => {
  const body = (await (await admin("/providers")).json()) as {
    items: Array<{ name: string; alert: string | null }>;
  };
  return body.items.find((p) => p.name === GATEWAY);
};

describe("redeliveries", () => {
  it("the app's retries of one SMS (new X-Timestamp, new event id) are one SMS", async () => {
    const { device } = await onlinePhone(1);
    await sync();
    const { auth } = await customer();
    const activation = await ordered(auth, "tg", 16);
    const receivedAt = Date.now();
    const sms = { simNumber: 1, from: "Telegram", text: "Your code: 90210", receivedAt };
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await deliver(await device.smsReceived(sms))).body);
    expect(outcomes.map((o) => [o.delivered, o.duplicates])).toEqual([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(await smsOf(activation.id)).toHaveLength(1);
  });

  it("two different SMS are two even when the app gives them the same messageId", async () => {
    const { device } = await onlinePhone(1);
    await sync();
    const { auth } = await customer();
    const activation = await ordered(auth, "tg", 16);
    const first = await device.smsReceived({
      simNumber: 1,
      from: "Telegram",
      text: "code 12345",
      receivedAt: Date.now(),
    });
    const second = await device.smsReceived({
      simNumber: 1,
      from: "Telegram",
      text: "code 12345",
      receivedAt: Date.now() + 5000,
    });
    // Same text, so the app's content-derived messageId is the same; the time differs.
    expect(JSON.parse(first.body).payload.messageId).toBe(JSON.parse(second.body).payload.messageId);
    await deliver(first);
    await deliver(second);
    expect(await smsOf(activation.id)).toHaveLength(2);
  });
});

describe("an SMS to a SIM nobody rents", () => {
  it("is kept as metadata only (no text anywhere) and logged", async () => {
    const log = vi.spyOn(console, "log");
    const { device, numbers } = await onlinePhone(1);
    const text = "Your bank code is 424242, do not share";
    const res = await deliver(await device.smsReceived({ simNumber: 1, from: "MyBank", text }));
    expect(res).toMatchObject({ status: 200, body: { received: 0, delivered: 0 } });
    const rows = await unrented(numbers[0] ?? "");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: GATEWAY, sender: "MyBank", length: text.length, slot: 1 });
    expect(JSON.stringify(rows)).not.toContain("424242");
    const smsWithText = await env.DB.prepare(
      "SELECT count(*) AS n FROM sms_messages WHERE text LIKE '%424242%'",
    ).first<{
      n: number;
    }>();
    expect(smsWithText?.n).toBe(0);
    const lines = log.mock.calls.map((c) => String(c[0]));
    const line = lines.find((l) => l.includes('"own_sim_unrented_sms"'));
    expect(line).toBeDefined();
    expect(line).not.toContain("424242");
    // A redelivery is the same record.
    await deliver(
      await device.smsReceived({
        simNumber: 1,
        from: "MyBank",
        text,
        receivedAt: Number(rows[0]?.received_at),
      }),
    );
    expect(await unrented(numbers[0] ?? "")).toHaveLength(1);
  });

  it("that metadata is deleted by the cron SMS_RETENTION_DAYS after it was recorded", async () => {
    const { device, numbers } = await onlinePhone(1);
    await deliver(await device.smsReceived({ simNumber: 1, from: "MyBank", text: "code 777777" }));
    expect(await unrented(numbers[0] ?? "")).toHaveLength(1);
    const days = Number(env.SMS_RETENTION_DAYS);
    await runScheduledSweeps(env, Date.now() + (days - 1) * 86_400_000);
    expect(await unrented(numbers[0] ?? "")).toHaveLength(1);
    await runScheduledSweeps(env, Date.now() + (days + 1) * 86_400_000);
    expect(await unrented(numbers[0] ?? "")).toEqual([]);
  });

  it("an SMS stamped before the current rental began is the previous renter's, not the new one's", async () => {
    const { device, numbers } = await onlinePhone(1);
    await sync();
    const { auth } = await customer();
    const activation = await ordered(auth, "tg", 16);
    const late = await device.smsReceived({
      simNumber: 1,
      from: "Telegram",
      text: "code 55555",
      receivedAt: Date.now() - 10 * 60_000,
    });
    expect((await deliver(late)).body).toMatchObject({ delivered: 0 });
    expect(await smsOf(activation.id)).toEqual([]);
    expect(await unrented(numbers[0] ?? "")).toHaveLength(1);
  });
});

describe("device health", () => {
  it("a phone silent past SIM_DEVICE_SILENT_MINUTES drops out of the catalog and is reported once", async () => {
    const { device, numbers } = await onlinePhone(1, ["ig"]);
    await sync();
    expect(await offerOf("ig", 16)).toMatchObject({ stock: 1 });
    const silentFor = (Number(env.SIM_DEVICE_SILENT_MINUTES) + 1) * 60_000;
    await env.DB.prepare("UPDATE own_sim_devices SET last_seen_at = ? WHERE device_id = ?")
      .bind(Date.now() - silentFor, device.deviceId)
      .run();
    const log = vi.spyOn(console, "log");
    await sync();
    expect((await offerOf("ig", 16))?.stock ?? 0).toBe(0);
    await sync();
    const alerts = log.mock.calls
      .map((c) => String(c[0]))
      .filter((l) => l.includes('"own_sim_device_silent"'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain(device.deviceId);
    const list = (await (await admin(`/sims?provider=${GATEWAY}`)).json()) as {
      items: Array<Record<string, unknown>>;
    };
    expect(list.items.find((s) => s.phone === numbers[0])?.device).toMatchObject({ healthy: false });
    // The operator sees it where every upstream's trouble shows: the entry's status (ops providers list).
    await sweepProviders(env, Date.now());
    expect((await gatewayStatus())?.alert).toContain(`${device.deviceId} (1 SIM)`);
    // The next ping brings it back, and the alert goes with the next sync.
    await deliver(await device.ping());
    await sync();
    expect(await offerOf("ig", 16)).toMatchObject({ stock: 1 });
    await sweepProviders(env, Date.now());
    expect((await gatewayStatus())?.alert).toBeNull();
  });

  it("a SIM whose phone never pinged is not offered", async () => {
    const device = phone();
    await addSim({ phone: ukNumber(), deviceId: device.deviceId, slot: 1, services: ["nf"] });
    await sync();
    expect((await offerOf("nf", 16))?.stock ?? 0).toBe(0);
  });

  it("the ping's health word is shown in the list", async () => {
    const { device, numbers } = await onlinePhone(1);
    await deliver(await device.ping("warn"));
    const list = (await (await admin(`/sims?provider=${GATEWAY}`)).json()) as {
      items: Array<Record<string, unknown>>;
    };
    expect(list.items.find((s) => s.phone === numbers[0])?.device).toMatchObject({
      healthy: true,
      health: "warn",
    });
  });
});
