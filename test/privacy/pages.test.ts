// Policy, "the policy as a real page": /privacy and /terms are server-rendered HTML that tells the truth
// about this deployment — date and version from the document, only configured processors, the
// retention schedule from configuration and the 48–72 hour contact promise — with no script needed.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { privacyPolicy } from "../../src/privacy/documents/privacy";
import { processorsOf } from "../../src/privacy/facts";
import { call } from "../support";

const page = async (path: string) => {
  const res = await call(path);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/text\/html/);
  return res.text();
};

describe("the policy pages", () => {
  it("/privacy shows its date and version, the processors, the retention schedule and the contact promise, without script", async () => {
    const text = await page("/privacy");
    expect(privacyPolicy.lastUpdated).toBe("2026-03-20");
    expect(text).toContain("20 March 2026");
    expect(text).toContain(`version ${privacyPolicy.version}`);
    expect(text).toContain("Cloudflare");
    expect(text).toContain("Stripe"); // the tests configure a Stripe key
    expect(text).toContain("Analytics: none");
    expect(text).toContain(`erased ${env.SMS_RETENTION_DAYS} days after each message arrived`);
    expect(text).toContain(`${env.SECURITY_LOG_RETENTION_DAYS} days`);
    expect(text).toContain(`${env.ACCOUNTING_RETENTION_YEARS} years`);
    expect(text).toContain("48–72 hours on business days");
    expect(text).toContain(env.SUPPORT_EMAIL);
    expect(text).toContain("do not sell your personal data");
    expect(text).not.toContain("<script");
    expect(text).not.toContain("30 days of");
  });

  it("lists a processor only when it is configured", () => {
    const bare = processorsOf({ ...env, STRIPE_SECRET_KEY: "", EMAIL_API_URL: "" });
    expect(bare.map((p) => p.name).join()).not.toMatch(/Stripe|email provider/);
    const full = processorsOf({
      ...env,
      STRIPE_SECRET_KEY: "sk_live_x",
      EMAIL_API_URL: "https://mail.example/send",
    });
    expect(full.map((p) => p.name).join()).toMatch(/Stripe.*email provider at mail\.example/);
  });

  it("/terms is a page of its own with its date and the adults-only rule", async () => {
    const text = await page("/terms");
    expect(text).toContain("Terms of Service");
    expect(text).toContain("20 March 2026");
    expect(text).toContain("at least 18 years old");
  });

  it("the dashboard's config reports the documents' own version and date", async () => {
    const config = (await (await call("/api/v1/config")).json()) as { policyLastUpdated: string };
    expect(config.policyLastUpdated).toBe("2026-03-20");
  });
});
