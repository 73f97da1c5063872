// A small sms-activate client written from the protocol's description alone (issue text: actions,
// parameters, answer words), pointed at this service by changing only its base URL. It completes
// getNumber → SMS → getStatus STATUS_OK:<code> → setStatus 6 → ACCESS_ACTIVATION, charged once.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../../src/billing/ledger";
import { createDb } from "../../src/db/client";
import { call } from "../support";
import { seedCatalogForTests } from "../support-catalog";
import { customer, smsTo } from "./helpers";

beforeAll(() => seedCatalogForTests(env));

class ProtocolError extends Error {}

/** What any handler_api.php client does: one endpoint, api_key + action, answers split on ":". */
class SmsActivateClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly method: "GET" | "POST" = "GET",
  ) {}

  private async request(action: string, params: Record<string, string | number> = {}): Promise<string> {
    const form = new URLSearchParams({ api_key: this.apiKey, action });
    for (const [name, value] of Object.entries(params)) form.set(name, String(value));
    const url = `${this.baseUrl}/stubs/handler_api.php`;
    const res =
      this.method === "GET"
        ? await call(`${url}?${form}`)
        : await call(url, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: form.toString(),
          });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return res.text();
  }

  async getBalance(): Promise<number> {
    const answer = await this.request("getBalance");
    const [word, amount] = answer.split(":");
    if (word !== "ACCESS_BALANCE") throw new ProtocolError(answer);
    return Number(amount);
  }

  async getPrice(service: string, country: number): Promise<number> {
    const prices = JSON.parse(await this.request("getPrices", { service, country }));
    return prices[String(country)][service].cost;
  }

  async getNumber(service: string, country: number): Promise<{ id: string; phone: string }> {
    const answer = await this.request("getNumber", { service, country });
    const [word, id, phone] = answer.split(":");
    if (word !== "ACCESS_NUMBER" || !id || !phone) throw new ProtocolError(answer);
    return { id, phone };
  }

  async getStatus(id: string): Promise<{ status: string; code?: string }> {
    const answer = await this.request("getStatus", { id });
    const [status, code] = answer.split(":");
    if (!status?.startsWith("STATUS_")) throw new ProtocolError(answer);
    return { status, code };
  }

  async setStatus(id: string, status: 1 | 3 | 6 | 8): Promise<string> {
    const answer = await this.request("setStatus", { id, status });
    if (!answer.startsWith("ACCESS_")) throw new ProtocolError(answer);
    return answer;
  }
}

describe("an existing sms-activate client, pointed at this service", () => {
  for (const method of ["GET", "POST"] as const) {
    it(`receives a code and pays for it once (${method})`, async () => {
      const { key } = await customer(5_000);
      const client = new SmsActivateClient("http://localhost:8787", key, method);

      const before = await client.getBalance();
      const price = await client.getPrice("tg", 0);
      const { id, phone } = await client.getNumber("tg", 0);
      expect(phone).toMatch(/^\d{10,15}$/);
      expect(await client.setStatus(id, 1)).toBe("ACCESS_READY");
      expect(await client.getStatus(id)).toEqual({ status: "STATUS_WAIT_CODE", code: undefined });

      await smsTo(`+${phone}`, "Your Telegram code is 48213. Don't share it.");

      expect(await client.getStatus(id)).toEqual({ status: "STATUS_OK", code: "48213" });
      expect(await client.setStatus(id, 6)).toBe("ACCESS_ACTIVATION");
      expect(await client.getStatus(id)).toEqual({ status: "STATUS_OK", code: "48213" });

      expect(await client.getBalance()).toBeCloseTo(before - price, 2);
      const holds = await env.DB.prepare(
        "SELECT status, amount FROM holds WHERE reference = (SELECT id FROM activations WHERE numeric_id = ?)",
      )
        .bind(Number(id))
        .all();
      expect(holds.results).toEqual([{ status: "posted", amount: Math.round(price * 100) }]);
      expect((await verifyLedger(createDb(env.DB))).ok).toBe(true);
    });
  }

  it("sees an error word it can act on rather than an HTTP error", async () => {
    const client = new SmsActivateClient("http://localhost:8787", "sk_not_a_key");
    await expect(client.getBalance()).rejects.toThrow(new ProtocolError("BAD_KEY"));
  });
});
