// Our side of the simulator: a Provider that talks to the simulated upstream over HTTP exactly as a
// remote adapter would, through the Worker's loopback (the request runs the Worker's full routing in
// `wrangler dev`, in tests and in production, where /simulator is 404 unless enabled).
import { exports } from "cloudflare:workers";
import { z } from "zod";
import { type Env, flag } from "../../env";
import { AppError } from "../../lib/errors";
import { now } from "../../lib/time";
import type { ProviderEntry } from "../config";
import {
  type AcquiredNumber,
  type AcquireRequest,
  type CatalogOffer,
  type InboundSms,
  type Provider,
  ProviderError,
  type ProviderErrorCode,
  WebhookAuthError,
} from "../types";
import { SIGNATURE_HEADER, signatureProblem, TIMESTAMP_HEADER } from "./signature";

// The upstream's error codes and what they mean to us; anything else (404 of a disabled simulator,
// a 5xx) means the provider is not there.
const ERROR_CODES: Record<string, ProviderErrorCode> = {
  NO_NUMBERS: "NO_NUMBERS",
  BAD_SERVICE: "BAD_SERVICE",
  UNAVAILABLE: "UNAVAILABLE",
  NO_ACTIVATION: "REJECTED",
  WRONG_STATUS: "REJECTED",
};

const AcquiredSchema = z.object({ ref: z.string(), phone: z.string(), cost: z.number().int() });
const OffersSchema = z.object({
  offers: z.array(
    z.object({
      service: z.string(),
      country: z.number().int(),
      cost: z.number().int(),
      stock: z.number().int(),
    }),
  ),
});
const WebhookSchema = z.object({
  messageId: z.string().min(1),
  providerRef: z.string().min(1),
  phone: z.string(),
  text: z.string(),
  receivedAt: z.iso.datetime(),
});

const upstreamError = async (res: Response): Promise<ProviderError> => {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const code = ERROR_CODES[body?.error?.code ?? ""] ?? "UNAVAILABLE";
  return new ProviderError(code, body?.error?.message ?? `The simulator answered HTTP ${res.status}.`);
};

export class SimulatorProvider implements Provider {
  readonly name: string;
  // It pushes every SMS by signed webhook; it has no poll (its failure modes are about webhooks).
  readonly pushes = true;
  readonly pollSeconds: number;
  private readonly upstream: string;

  constructor(
    private readonly env: Env,
    entry: ProviderEntry,
  ) {
    this.name = entry.name;
    this.pollSeconds = entry.pollSeconds;
    this.upstream = entry.baseUrl;
  }

  private async call<T>(path: string, body: unknown, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await exports.default.fetch(
        new Request(`${this.upstream}/${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: body === undefined ? {} : { "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
        }),
      );
    } catch (err) {
      throw new ProviderError("UNAVAILABLE", `The simulator could not be reached: ${String(err)}`);
    }
    if (!res.ok) throw await upstreamError(res);
    const parsed = schema.safeParse(await res.json().catch(() => null));
    if (!parsed.success)
      throw new ProviderError("UNAVAILABLE", "The simulator sent an answer we cannot read.");
    return parsed.data;
  }

  async acquire(request: AcquireRequest, signal?: AbortSignal): Promise<AcquiredNumber> {
    const { ref, phone, cost } = await this.call(
      "acquire",
      {
        service: request.service,
        country: request.country,
        maxCost: request.maxCost,
        customerRef: request.activationId,
      },
      AcquiredSchema,
      signal,
    );
    return { providerRef: ref, phone, cost };
  }

  async cancel(providerRef: string): Promise<void> {
    await this.call("cancel", { ref: providerRef }, z.unknown());
  }

  async finish(providerRef: string): Promise<void> {
    await this.call("finish", { ref: providerRef }, z.unknown());
  }

  async requestAnotherSms(providerRef: string): Promise<void> {
    await this.call("retry", { ref: providerRef }, z.unknown());
  }

  async offers(): Promise<CatalogOffer[]> {
    return (await this.call("offers", undefined, OffersSchema)).offers;
  }

  /** The simulated upstream keeps no wallet of ours. */
  async balance(): Promise<number | null> {
    return null;
  }

  async parseWebhook(request: Request): Promise<InboundSms[]> {
    // A deployment without the simulator must not accept its deliveries, whatever they carry.
    if (!flag(this.env.SIMULATOR_ENABLED)) throw new WebhookAuthError("the simulator is not enabled");
    const body = await request.text();
    const problem = await signatureProblem(
      this.env.SIMULATOR_WEBHOOK_SECRET ?? "",
      request.headers.get(TIMESTAMP_HEADER),
      request.headers.get(SIGNATURE_HEADER),
      body,
      Math.floor(now() / 1000),
    );
    if (problem) throw new WebhookAuthError(problem);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new AppError(400, "BAD_WEBHOOK", "The webhook body is not JSON.");
    }
    const parsed = WebhookSchema.safeParse(json);
    if (!parsed.success) throw new AppError(400, "BAD_WEBHOOK", "The webhook body is not a simulator SMS.");
    const sms = parsed.data;
    return [
      {
        providerRef: sms.providerRef,
        messageId: sms.messageId,
        text: sms.text,
        code: null,
        receivedAt: Date.parse(sms.receivedAt),
      },
    ];
  }
}
