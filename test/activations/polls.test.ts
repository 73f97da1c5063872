// Polls are what scripts send most: REST get and handler_api getStatus read the activation in the same
// D1 round trip as the key, and stay exactly as strict: a revoked key reads nothing, another
// customer's activation is not found, and the dashboard's cookie still works.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { readCounts } from "../../src/bench/counting";
import worker from "../../src/index";
import { browser, signUp } from "../accounts/helpers";
import { BASE, call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { customer, ordered, sms } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

// The Worker's entry counts every D1 round trip where BENCH_SEED is set (the bench's counter).
const benchEnv = { ...env, BENCH_SEED: "polls-test" };

/** A request through the Worker's entry, with the D1 round trips it made. */
const counted = async (path: string, headers: Record<string, string> = {}) => {
  const before = readCounts().service.d1RoundTrips;
  const ctx = createExecutionContext();
  const request = new Request(new URL(path, BASE), { headers }) as Request<
    unknown,
    IncomingRequestCfProperties
  >;
  const res = await worker.fetch(request, benchEnv, ctx);
  const body = await res.text();
  const roundTrips = readCounts().service.d1RoundTrips - before;
  await waitOnExecutionContext(ctx);
  return { status: res.status, body, roundTrips };
};

const getStatusPath = (key: string, id: number | string) =>
  `/stubs/handler_api.php?api_key=${key}&action=getStatus&id=${id}`;

describe("a poll", () => {
  it("costs one D1 round trip by REST and by handler_api, with the code in the answer", async () => {
    const owner = await customer();
    const activation = await ordered(owner.auth, "tg", 0);
    await sms(activation.id, "Your code is 482913");
    const rest = await counted(`/api/v1/activations/${activation.id}`, owner.auth);
    expect(rest.status).toBe(200);
    expect(JSON.parse(rest.body)).toMatchObject({ id: activation.id, status: "received", code: "482913" });
    expect(rest.roundTrips).toBe(1);
    const compat = await counted(getStatusPath(owner.key, activation.numericId));
    expect(compat.body).toBe("STATUS_OK:482913");
    expect(compat.roundTrips).toBe(1);
  });

  it("with a revoked key reads nothing: 401 BAD_KEY by REST, BAD_KEY by handler_api", async () => {
    const owner = await customer();
    const activation = await ordered(owner.auth, "tg", 0);
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE user_id = ?")
      .bind(Date.now(), owner.userId)
      .run();
    const rest = await counted(`/api/v1/activations/${activation.id}`, owner.auth);
    expect(rest.status).toBe(401);
    expect(JSON.parse(rest.body)).toMatchObject({ error: { code: "BAD_KEY" } });
    expect((await counted(getStatusPath(owner.key, activation.numericId))).body).toBe("BAD_KEY");
  });

  it("of another customer's activation is not found, with a good key or none", async () => {
    const owner = await customer();
    const stranger = await customer();
    const activation = await ordered(owner.auth, "tg", 0);
    const rest = await counted(`/api/v1/activations/${activation.id}`, stranger.auth);
    expect(rest.status).toBe(404);
    expect(JSON.parse(rest.body)).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect((await counted(getStatusPath(stranger.key, activation.numericId))).body).toBe("NO_ACTIVATION");
    // The key is answered before the id, as before.
    expect((await counted(getStatusPath("sk_nope", "not-a-number"))).body).toBe("BAD_KEY");
    expect((await counted(getStatusPath(stranger.key, "not-a-number"))).body).toBe("NO_ACTIVATION");
  });

  it("by the dashboard's session cookie still reads the activation", async () => {
    const { cookie } = await signUp();
    const topUp = await call(
      "/api/v1/billing/demo-topup",
      browser("POST", { cookie, body: { amount: 1000 } }),
    );
    expect(topUp.status).toBe(200);
    const created = await call(
      "/api/v1/activations",
      browser("POST", { cookie, body: { service: "tg", country: 0 } }),
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const res = await call(`/api/v1/activations/${id}`, browser("GET", { cookie }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, status: "waiting" });
  });
});
