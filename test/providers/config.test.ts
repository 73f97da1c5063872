// PROVIDERS: what an operator writes, and how a bad value is refused — by the parser (which
// `npm start` runs before wrangler) and by the Worker, which answers every request 500 with the
// entry and field named rather than sell from a configuration it does not understand.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { getProvider } from "../../src/providers";
import { ProvidersConfigError, parseProviders } from "../../src/providers/config";

const parse = (raw: string | undefined) => parseProviders(raw, { currency: "USD", markupPercent: 30 });
const refusal = (raw: string) => {
  try {
    parse(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ProvidersConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${raw}`);
};

describe("parseProviders", () => {
  it("is the simulator alone when unset or blank, as before upstreams existed", () => {
    for (const raw of [undefined, "", "  "]) {
      expect(parse(raw)).toEqual([
        expect.objectContaining({ name: "simulator", kind: "simulator", enabled: true }),
      ]);
    }
  });

  it("fills in each entry's defaults and keeps what the operator set", () => {
    const [hero, five] = parse(
      JSON.stringify([
        {
          name: "hero",
          kind: "sms-activate",
          baseUrl: "https://hero-sms.com/stubs/handler_api.php",
          profile: "herosms",
        },
        {
          name: "five",
          kind: "5sim",
          baseUrl: "https://5sim.net/v1/",
          currency: "RUB",
          rate: 0.011,
          markupPercent: 50,
          priority: 2,
          pollSeconds: 15,
          enabled: false,
        },
      ]),
    );
    expect(hero).toEqual({
      name: "hero",
      kind: "sms-activate",
      baseUrl: "https://hero-sms.com/stubs/handler_api.php",
      enabled: true,
      priority: 0,
      currency: null,
      rate: 1,
      markupPercent: 30,
      profile: "herosms",
      pollSeconds: 30,
      cost: null,
    });
    expect(five).toMatchObject({
      baseUrl: "https://5sim.net/v1",
      currency: "RUB",
      rate: 0.011,
      markupPercent: 50,
      priority: 2,
      pollSeconds: 15,
      enabled: false,
    });
  });

  it("names the entry (index and name) and the field of every mistake", () => {
    expect(refusal("[{")).toMatch(/^PROVIDERS is not valid JSON/);
    expect(refusal('{"name":"hero"}')).toBe("PROVIDERS must be a JSON array of entries.");
    expect(refusal('[{"name":"Hero","kind":"5sim","baseUrl":"https://5sim.net/v1"}]')).toBe(
      'PROVIDERS[0] ("Hero"): name: lowercase letters and digits only',
    );
    expect(refusal('[{"name":"sim","kind":"simulator"},{"name":"x","kind":"smsactivate"}]')).toMatch(
      /^PROVIDERS\[1\] \("x"\): kind: /,
    );
    expect(refusal('[{"name":"hero","kind":"sms-activate"}]')).toBe(
      'PROVIDERS[0] ("hero"): baseUrl: required for this kind',
    );
    expect(refusal('[{"name":"hero","kind":"sms-activate","baseUrl":"ftp://x"}]')).toMatch(
      /^PROVIDERS\[0\] \("hero"\): baseUrl: /,
    );
    expect(refusal('[{"kind":"5sim","baseUrl":"https://5sim.net/v1"}]')).toMatch(/^PROVIDERS\[0\]: name: /);
    expect(
      refusal(
        '[{"name":"a","kind":"5sim","baseUrl":"https://a"},{"name":"a","kind":"5sim","baseUrl":"https://b"}]',
      ),
    ).toBe('PROVIDERS[1] ("a"): name: "a" is used by an earlier entry');
    expect(refusal('[{"name":"a","kind":"sms-activate","baseUrl":"https://a","profile":"acme"}]')).toMatch(
      /^PROVIDERS\[0\] \("a"\): profile: "acme" is not a profile of sms-activate/,
    );
    expect(refusal('[{"name":"a","kind":"5sim","baseUrl":"https://a","currency":"RUB"}]')).toBe(
      'PROVIDERS[0] ("a"): rate: required when currency differs from CURRENCY',
    );
    expect(refusal('[{"name":"a","kind":"5sim","baseUrl":"https://a","markupPercent":-5}]')).toMatch(
      /^PROVIDERS\[0\] \("a"\): markupPercent: /,
    );
    expect(refusal('[{"name":"a","kind":"5sim","baseUrl":"https://a","apiKey":"k"}]')).toMatch(
      /^PROVIDERS\[0\] \("a"\): /,
    );
  });
});

describe("a Worker with a bad PROVIDERS", () => {
  it("answers every request 500 MISCONFIGURED naming the entry and field, and stores nothing", async () => {
    const ctx = createExecutionContext();
    const res = await createApp().fetch(
      new Request("http://localhost:8787/api/v1/catalog"),
      { ...env, PROVIDERS: '[{"name":"hero","kind":"sms-activate"}]' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: {
        code: "MISCONFIGURED",
        message: 'The service is misconfigured: PROVIDERS[0] ("hero"): baseUrl: required for this kind',
      },
    });
  });

  it("knows each configured entry by name, and no other", () => {
    expect(getProvider(env, "hero").name).toBe("hero");
    expect(getProvider(env, "five").pushes).toBe(false);
    expect(() => getProvider(env, "acme")).toThrow(/No provider is configured as "acme"/);
  });
});
