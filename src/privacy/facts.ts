// What the policy pages say that depends on the deployment: processors that are really configured,
// the retention schedule from the data map and configuration, the contact promise.
import { type Env, int } from "../env";
import { providerEntries } from "../providers";
import { DATA_MAP, smsRetentionDays } from "./data-map";

export type Processor = { name: string; role: string; receives: string };

/** The sub-processors of this deployment: a processor is listed only when it is configured. */
export const processorsOf = (env: Env): Processor[] => {
  const list: Processor[] = [
    {
      name: "Cloudflare",
      role: "hosting, network and security (the service runs on Cloudflare Workers, D1 and Durable Objects)",
      receives: "your IP address and requests, and the data stored by the service",
    },
  ];
  if (env.STRIPE_SECRET_KEY) {
    list.push({
      name: "Stripe",
      role: "payment processor for top-ups",
      receives:
        "your card details (on Stripe's own pages, never ours) and the amount; we receive the outcome",
    });
  }
  if (env.EMAIL_API_URL) {
    list.push({
      name: `the email provider at ${new URL(env.EMAIL_API_URL).host}`,
      role: "delivers the account emails we send you",
      receives: "your email address and the text of each email",
    });
  }
  const upstreams = providerEntries(env)
    .filter((e) => e.enabled)
    .map((e) => (e.kind === "simulator" ? "the built-in simulator" : `"${e.name}" (${e.kind})`));
  list.push({
    name: `the number providers: ${upstreams.join(", ") || "none configured"}`,
    role: "supplies the phone numbers",
    receives:
      "the service and country of each number, and the SMS it receives; never your email or payment details",
  });
  return list;
};

export type RetentionLine = { table: string; holds: string; kept: string };

export const retentionSchedule = (env: Env): RetentionLine[] =>
  DATA_MAP.filter((entry) => entry.link.via !== "none" || entry.table.startsWith("sim_")).map((entry) => ({
    table: entry.table,
    holds: entry.holds,
    kept: entry.retention(env),
  }));

export const supportDueHours = (env: Env) => int(env.SUPPORT_DUE_BUSINESS_HOURS, 48);

export const pageFacts = (env: Env) => ({
  brand: env.BRAND_NAME,
  supportEmail: env.SUPPORT_EMAIL,
  smsRetentionDays: smsRetentionDays(env),
  processors: processorsOf(env),
  retention: retentionSchedule(env),
  activationMinutes: int(env.ACTIVATION_MINUTES, 20),
  earlyCancelSeconds: int(env.EARLY_CANCEL_SECONDS, 120),
});

export type PageFacts = ReturnType<typeof pageFacts>;
