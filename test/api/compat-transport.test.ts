// How a request reaches handler_api.php: GET or POST, query string or form body, no Origin, no
// cookies; and the answers every action shares (BAD_KEY, BAD_ACTION).
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { signUp } from "../accounts/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { balanceOf, customer, HANDLER, handler } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

const answerOf = async (res: Response) => {
  expect(res.status).toBe(200);
  return res.text();
};

describe("parameters", () => {
  it("are read from the query string of a GET", async () => {
    const { key } = await customer(2_500);
    const answer = await handler({ api_key: key, action: "getBalance" });
    expect(answer).toMatchObject({ status: 200, text: "ACCESS_BALANCE:25.00" });
    expect(answer.type).toMatch(/^text\/plain/);
  });

  it("are read from the query string of a script's POST with no Origin, no Content-Type and no body", async () => {
    const { key } = await customer(2_500);
    const res = await call(`${HANDLER}?api_key=${key}&action=getBalance`, { method: "POST" });
    expect(await answerOf(res)).toBe("ACCESS_BALANCE:25.00");
  });

  it("are read from a urlencoded form body", async () => {
    const { key } = await customer(2_500);
    const res = await call(HANDLER, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ api_key: key, action: "getBalance" }).toString(),
    });
    expect(await answerOf(res)).toBe("ACCESS_BALANCE:25.00");
  });

  it("are read from a multipart form body", async () => {
    const { key } = await customer(2_500);
    const form = new FormData();
    form.set("api_key", key);
    form.set("action", "getBalance");
    const res = await call(HANDLER, { method: "POST", body: form });
    expect(await answerOf(res)).toBe("ACCESS_BALANCE:25.00");
  });

  it("are merged from query and body, the body winning where both carry one", async () => {
    const { key } = await customer(2_500);
    const res = await call(`${HANDLER}?api_key=${key}&action=getBalance`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "action=getServicesList",
    });
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ status: "success" });
  });

  it("ignore unknown extra parameters", async () => {
    const { key } = await customer(2_500);
    const answer = await handler({ api_key: key, action: "getBalance", lang: "en", ref: "1234", foo: "bar" });
    expect(answer.text).toBe("ACCESS_BALANCE:25.00");
  });
});

describe("HEAD", () => {
  it("is refused with 405 and Allow: GET, POST, without running the action", async () => {
    const { key, userId } = await customer(2_500);
    const res = await call(`${HANDLER}?api_key=${key}&action=getNumber&service=tg&country=0`, {
      method: "HEAD",
    });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, POST");
    expect(await balanceOf(userId)).toEqual({ available: 2_500, held: 0 });
    const active = await handler({ api_key: key, action: "getActiveActivations" });
    expect(active.text).toBe('{"status":"error","error":"NO_ACTIVATIONS"}');
  });
});

describe("authentication", () => {
  it("answers BAD_KEY for a missing, unknown or revoked key, with HTTP 200", async () => {
    const { key, userId } = await customer();
    expect(await handler({ action: "getBalance" })).toMatchObject({ status: 200, text: "BAD_KEY" });
    expect(await handler({ api_key: "", action: "getBalance" })).toMatchObject({
      status: 200,
      text: "BAD_KEY",
    });
    expect(await handler({ api_key: `${key}x`, action: "getBalance" })).toMatchObject({ text: "BAD_KEY" });
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE user_id = ?")
      .bind(Date.now(), userId)
      .run();
    expect(await handler({ api_key: key, action: "getBalance" })).toMatchObject({
      status: 200,
      text: "BAD_KEY",
    });
  });

  it("never reads cookies: a signed-in browser without api_key gets BAD_KEY", async () => {
    const { cookie } = await signUp();
    const res = await call(`${HANDLER}?action=getBalance`, { headers: { Cookie: cookie } });
    expect(await answerOf(res)).toBe("BAD_KEY");
  });

  it("checks the key before the action", async () => {
    expect((await handler({ api_key: "sk_nope", action: "noSuchAction" })).text).toBe("BAD_KEY");
  });
});

describe("actions", () => {
  it("answers BAD_ACTION for an unknown or missing action", async () => {
    const { key } = await customer();
    expect(await handler({ api_key: key, action: "getEverything" })).toMatchObject({
      status: 200,
      text: "BAD_ACTION",
    });
    expect(await handler({ api_key: key, action: "toString" })).toMatchObject({ text: "BAD_ACTION" });
    expect(await handler({ api_key: key })).toMatchObject({ status: 200, text: "BAD_ACTION" });
  });
});
