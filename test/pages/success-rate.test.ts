// The public price list shows how well each route serves: codes received / rentals ended, from the
// same window the routing uses, once a route has five ended rentals.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { act, customer, makeCancelable, ordered, sms } from "../activations/helpers";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";

beforeAll(() => seedCatalogForTests(env));

describe("the price list's success rate", () => {
  it("appears on /prices once a route has ended five rentals, three with a code", async () => {
    const before = await (await call("/prices")).text();
    expect(before).not.toContain('data-success="0.6"');
    const { auth } = await customer();
    for (let i = 0; i < 5; i++) {
      const a = await ordered(auth, "tg", 0);
      if (i < 3) {
        await sms(a.id, `Telegram code ${52340 + i}`);
        expect((await act(auth, a.id, "finish")).status).toBe(200);
      } else {
        await makeCancelable(a.id);
        expect((await act(auth, a.id, "cancel")).status).toBe(200);
      }
    }
    // The rate is the routing's, kept on the price row by the cron's price rebuild.
    await seedCatalogForTests(env);
    const after = await (await call("/prices")).text();
    expect(after).toContain("Success rate");
    const row = after.match(
      /<tr[^>]*data-service="tg" data-country="0" [^>]*data-success="0.6"[^>]*>([\s\S]*?)<\/tr>/,
    );
    expect(row?.[1]).toContain(">60 %<");
  });
});
