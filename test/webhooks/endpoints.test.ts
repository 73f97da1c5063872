// Managing endpoints: validation, SSRF refusals, ownership, the secret shown once, rotation with a
// grace period (two signatures), "send a test event" and "redeliver".
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { customer } from "../activations/helpers";
import { call, json } from "../support";
import {
  deliveriesOf,
  fireOutbox,
  receivedAt,
  receiverPath,
  receiverUrl,
  register,
  verifyStandardWebhook,
} from "./helpers";

const post = (auth: { Authorization: string }, path: string, body: unknown = {}) =>
  call(`/api/v1/webhooks${path}`, json(body, auth));

describe("endpoints", () => {
  it("are listed without their secret, readable only by their owner, and deleted", async () => {
    const { auth } = await customer();
    const other = await customer();
    const endpoint = await register(auth, receiverPath(), ["activation.sms_received"]);
    const list = await (await call("/api/v1/webhooks", { headers: auth })).json();
    expect(list).toEqual({
      endpoints: [
        {
          id: endpoint.id,
          url: endpoint.url,
          events: ["activation.sms_received"],
          enabled: true,
          disabledReason: null,
          failingSince: null,
          previousSecretValidUntil: null,
          createdAt: expect.any(String),
        },
      ],
    });
    expect(JSON.stringify(list)).not.toContain("whsec_");
    for (const [method, path] of [
      ["GET", ""],
      ["DELETE", ""],
      ["GET", "/deliveries"],
    ] as const) {
      const res = await call(`/api/v1/webhooks/${endpoint.id}${path}`, { method, headers: other.auth });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
    expect((await post(other.auth, `/${endpoint.id}/test`)).status).toBe(404);
    expect((await call(`/api/v1/webhooks/${endpoint.id}`, { method: "DELETE", headers: auth })).status).toBe(
      204,
    );
    expect((await call(`/api/v1/webhooks/${endpoint.id}`, { headers: auth })).status).toBe(404);
  });

  it("refuse unknown events and missing fields with VALIDATION_FAILED and field paths", async () => {
    const { auth } = await customer();
    const res = await post(auth, "", { url: receiverUrl("/x"), events: ["activation.nope"] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.details.map((d) => d.path)).toEqual(["events.0"]);
    const empty = await post(auth, "", {});
    expect(((await empty.json()) as typeof body).error.details.map((d) => d.path).sort()).toEqual([
      "events",
      "url",
    ]);
  });

  it("refuse targets that are not public HTTPS: WEBHOOK_TARGET_REFUSED, nothing stored", async () => {
    const { auth, userId } = await customer();
    const refused = [
      "http://hooks.receiver.fake/plain-http",
      "https://localhost/x",
      "https://printer.local/x",
      "https://intranet/x",
      "https://127.0.0.1/x",
      "https://10.0.0.8/x",
      "https://172.20.1.1/x",
      "https://192.168.1.10/x",
      "https://169.254.169.254/latest/meta-data",
      "https://100.64.0.1/x",
      "https://[::1]/x",
      "https://[fd00::1]/x",
      "https://[::ffff:10.0.0.1]/x",
      "https://[::ffff:a9fe:a9fe]/x",
      "https://intranet-alias.example/x",
      "https://metadata-alias.example/x",
      "https://does-not-exist.example/x",
      "https://user:pass@hooks.receiver.fake/x",
      "ftp://hooks.receiver.fake/x",
      "not a url",
    ];
    for (const url of refused) {
      const res = await post(auth, "", { url, events: ["activation.created"] });
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, url).toBe(
        "WEBHOOK_TARGET_REFUSED",
      );
    }
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM webhook_endpoints WHERE user_id = ?")
      .bind(userId)
      .first<{ n: number }>();
    expect(stored?.n).toBe(0);
  });

  it("send a test event on demand, and redeliver a delivery with the same webhook-id", async () => {
    const { auth } = await customer();
    const path = receiverPath();
    const endpoint = await register(auth, path, ["activation.created"]);
    const res = await post(auth, `/${endpoint.id}/test`);
    expect(res.status).toBe(202);
    const queued = (await res.json()) as { id: string; eventType: string; status: string };
    expect(queued).toMatchObject({ eventType: "webhook.test", status: "pending" });
    await fireOutbox(endpoint.id);
    const [got] = await receivedAt(path);
    expect(got && JSON.parse(got.body)).toMatchObject({
      type: "webhook.test",
      data: { endpointId: endpoint.id },
    });
    expect(got && (await verifyStandardWebhook(endpoint.secret, got))).toBe(true);

    const again = await post(auth, `/${endpoint.id}/deliveries/${queued.id}/redeliver`);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ id: queued.id, status: "pending" });
    await fireOutbox(endpoint.id);
    const both = await receivedAt(path);
    expect(both.map((r) => r.headers["webhook-id"])).toEqual([queued.id, queued.id]);
    expect(both[1]?.body).toBe(both[0]?.body);
    const [delivery] = await deliveriesOf(auth, endpoint.id);
    expect(delivery?.attempts.map((a) => a.responseStatus)).toEqual([204, 204]);
    expect((await post(auth, `/${endpoint.id}/deliveries/msg_unknown/redeliver`)).status).toBe(404);
  });

  it("rotate the secret: for the grace period both the new and the old secret verify", async () => {
    const { auth } = await customer();
    const path = receiverPath();
    const endpoint = await register(auth, path, ["activation.created"]);
    const res = await post(auth, `/${endpoint.id}/rotate-secret`);
    expect(res.status).toBe(200);
    const rotated = (await res.json()) as { secret: string; previousSecretValidUntil: string };
    expect(rotated.secret).not.toBe(endpoint.secret);
    const until = Date.parse(rotated.previousSecretValidUntil) - Date.now();
    expect(until).toBeGreaterThan(23 * 3_600_000);
    await post(auth, `/${endpoint.id}/test`);
    await fireOutbox(endpoint.id);
    const [got] = await receivedAt(path);
    if (!got) throw new Error("nothing received");
    expect(got.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(await verifyStandardWebhook(rotated.secret, got)).toBe(true);
    expect(await verifyStandardWebhook(endpoint.secret, got)).toBe(true);

    // After the grace period only the new secret signs.
    await env.DB.prepare("UPDATE webhook_endpoints SET previous_secret_until = ? WHERE id = ?")
      .bind(Date.now() - 1, endpoint.id)
      .run();
    await post(auth, `/${endpoint.id}/test`);
    await fireOutbox(endpoint.id);
    const later = (await receivedAt(path))[1];
    if (!later) throw new Error("nothing received");
    expect(later.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect(await verifyStandardWebhook(rotated.secret, later)).toBe(true);
    expect(await verifyStandardWebhook(endpoint.secret, later)).toBe(false);
  });
});
