// Property tests of the room's state machine: random sequences of SMS (readable or not, repeated
// message ids), cancels, retries, finishes and expiry, some pairs sent at the same moment. Whatever
// happens, D1 ends showing what the room shows, the money matches the state (charged once at most,
// refunded when it ended uncharged), and no SMS is lost or counted twice.
import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalogForTests } from "../support-catalog";
import {
  act,
  balance,
  customer,
  get,
  holdsOf,
  makeCancelable,
  ordered,
  room,
  STARTING_BALANCE,
  sms,
} from "./helpers";

beforeAll(() => seedCatalogForTests(env));

type Step = { kind: "sms"; text: string; id: number } | { kind: "cancel" | "retry" | "finish" | "expire" };

const TEXTS = ["Your code is 48213", "Welcome! Reply STOP", "Steam Guard code: 4KX7P", "Код: 5821", ""];
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("sms" as const), text: fc.constantFrom(...TEXTS), id: fc.nat(3) }),
  fc.constantFrom<Step>({ kind: "cancel" }, { kind: "retry" }, { kind: "finish" }, { kind: "expire" }),
);

const expireNow = async (id: string) => {
  const past = Date.now() - 1000;
  await runInDurableObject(room(id), (_i, state) => {
    state.storage.sql.exec("UPDATE record SET data = json_set(data, '$.expiresAt', ?)", past);
  });
  await env.DB.prepare("UPDATE activations SET expires_at = ? WHERE id = ?").bind(past, id).run();
  await room(id).sweep();
};

describe("the room under random event sequences", () => {
  it("keeps D1, the money and the SMS in step with its state", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(step, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 5 }),
        async (rounds) => {
          const { userId, auth } = await customer();
          const { id, price } = await ordered(auth, "tg", 0);
          await makeCancelable(id);
          const messageIds = new Set<string>();
          for (const round of rounds) {
            await Promise.all(
              round.map(async (s) => {
                if (s.kind === "sms") {
                  const messageId = `msg_${id}_${s.id}`;
                  messageIds.add(messageId);
                  return sms(id, s.text || "(empty)", messageId);
                }
                if (s.kind === "expire") return expireNow(id);
                const res = await act(auth, id, s.kind);
                // Refusals are 409s with a reason, never anything else.
                expect([200, 409]).toContain(res.status);
              }),
            );
          }
          const waited = await room(id).wait(0, 0);
          const fromRoom = waited === "credential_ended" ? null : waited;
          const view = await get(auth, id);
          expect(view).toMatchObject({
            status: fromRoom?.activation.status,
            code: fromRoom?.activation.code,
            charged: fromRoom?.activation.charged,
          });
          expect(view.sms).toHaveLength(messageIds.size);
          const holds = (await holdsOf(userId)).map((h) => h.status);
          const ended = ["cancelled", "expired", "finished"].includes(view.status);
          if (view.charged) {
            expect(holds).toEqual(["posted"]);
            expect(await balance(userId)).toEqual({ available: STARTING_BALANCE - price, held: 0 });
          } else if (ended) {
            expect(holds).toEqual(["voided"]);
            expect(await balance(userId)).toEqual({ available: STARTING_BALANCE, held: 0 });
          } else {
            expect(holds).toEqual(["pending"]);
            expect(view.status).toBe("waiting");
          }
          // The first SMS delivered while waiting charges: no SMS while waiting, no charge.
          if (view.sms.length === 0) expect(view.charged).toBe(false);
        },
      ),
      { seed: 1515, numRuns: 15 },
    );
  }, 180_000);
});
