// Who may see what: an activation exists only for its owner (anyone else gets the same 404 as for a
// missing one), and the owner's list filters and pages through their activations.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ActivationView } from "../../src/activations/service";
import { browser, ORIGIN, signUp } from "../accounts/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { act, customer, get, openLive, ordered, sms, watch } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

type Page = { items: ActivationView[]; nextCursor: string | null };

const list = async (auth: { Authorization: string }, query = ""): Promise<Page> => {
  const res = await call(`/api/v1/activations${query}`, { headers: auth });
  expect(res.status).toBe(200);
  return res.json();
};

describe("another customer's activation", () => {
  it("cannot be read, acted on, waited on or watched: 404 as if it did not exist", async () => {
    const owner = await customer();
    const stranger = await customer();
    const { id } = await ordered(owner.auth, "tg", 7);
    const attempts = [
      call(`/api/v1/activations/${id}`, { headers: stranger.auth }),
      act(stranger.auth, id, "cancel"),
      act(stranger.auth, id, "retry"),
      act(stranger.auth, id, "finish"),
      call(`/api/v1/activations/${id}/wait?timeout=0`, { headers: stranger.auth }),
      openLive(stranger.auth, id),
      call("/api/v1/activations/act_doesnotexist000000", { headers: stranger.auth }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
    expect((await list(stranger.auth)).items).toEqual([]);
    expect((await get(owner.auth, id)).status).toBe("waiting");
  });

  it("cannot be watched even after the owner's stream is open", async () => {
    const owner = await customer();
    const stranger = await customer();
    const { id } = await ordered(owner.auth, "wa", 7);
    const watcher = await watch(owner.auth, id);
    const refused = await openLive(stranger.auth, id);
    expect(refused.status).toBe(404);
    watcher.ws.close();
  });

  it("is not reachable without credentials", async () => {
    const owner = await customer();
    const { id } = await ordered(owner.auth, "go", 7);
    expect((await call(`/api/v1/activations/${id}`)).status).toBe(401);
    expect(
      (await call("/api/v1/activations", { headers: { Authorization: "Bearer sk_wrong" } })).status,
    ).toBe(401);
  });
});

describe("the dashboard's cookie session", () => {
  it("orders and watches with it, but another site's page cannot watch with it", async () => {
    const { cookie } = await signUp();
    const topUp = await call(
      "/api/v1/billing/demo-topup",
      browser("POST", { cookie, body: { amount: 1000 } }),
    );
    expect(topUp.status).toBe(200);
    const res = await call(
      "/api/v1/activations",
      browser("POST", { cookie, body: { service: "tg", country: 7 } }),
    );
    expect(res.status).toBe(201);
    const { id } = await res.json<ActivationView>();
    const live = (origin: string) =>
      call(`/api/v1/activations/${id}/live`, {
        headers: { Cookie: cookie, Origin: origin, Upgrade: "websocket" },
      });
    const own = await live(ORIGIN);
    expect(own.status).toBe(101);
    own.webSocket?.accept();
    own.webSocket?.close();
    const foreign = await live("https://evil.example");
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: "CSRF_REJECTED" } });
  });
});

describe("the list", () => {
  it("pages newest first with a cursor, and filters by scope, status, service and country", async () => {
    const { auth } = await customer();
    const made: ActivationView[] = [];
    for (const [service, country] of [
      ["tg", 7],
      ["wa", 7],
      ["tg", 10],
      ["go", 10],
      ["tg", 7],
    ] as const) {
      made.push(await ordered(auth, service, country));
    }
    const [first, second] = made;
    if (!first || !second) throw new Error("orders missing");
    await sms(first.id, "Telegram code 12345");
    await act(auth, first.id, "finish");
    await sms(second.id, "WhatsApp code 5555");

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(auth, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const all = (await list(auth, "?limit=100")).items;
    expect(pages.flat()).toEqual(all.map((a) => a.id));
    expect(new Set(pages.flat())).toEqual(new Set(made.map((a) => a.id)));
    const times = all.map((a) => Date.parse(a.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));

    expect((await list(auth, "?scope=history")).items.map((a) => a.id)).toEqual([first.id]);
    expect((await list(auth, "?scope=active")).items).toHaveLength(4);
    expect((await list(auth, "?status=received")).items.map((a) => a.id)).toEqual([second.id]);
    expect(new Set((await list(auth, "?service=tg&country=7")).items.map((a) => a.id))).toEqual(
      new Set([made[4]?.id, first.id]),
    );
    const withSms = (await list(auth, "?status=received")).items[0];
    expect(withSms?.sms.map((s) => s.code)).toEqual(["5555"]);
  });

  it("refuses a cursor it did not hand out", async () => {
    const { auth } = await customer();
    const res = await call("/api/v1/activations?cursor=bm9wZQ", { headers: auth });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: "BAD_CURSOR", message: expect.stringContaining("nextCursor") },
    });
  });

  it("takes an empty cursor for the first page, as the transaction list does", async () => {
    const { auth } = await customer();
    const { id } = await ordered(auth, "tg", 7);
    expect((await list(auth, "?cursor=")).items.map((a) => a.id)).toEqual([id]);
    expect((await call("/api/v1/billing/transactions?cursor=", { headers: auth })).status).toBe(200);
  });

  it("answers a forged cursor 400 with a message about the cursor, here and in the transaction list", async () => {
    const { auth } = await customer();
    for (const path of ["/api/v1/activations", "/api/v1/billing/transactions"]) {
      const res = await call(`${path}?cursor=bm9wZQ`, { headers: auth });
      expect(res.status, path).toBe(400);
      const { error } = await res.json<{ error: { message: string } }>();
      expect(error.message, path).toMatch(/cursor/i);
    }
  });
});
