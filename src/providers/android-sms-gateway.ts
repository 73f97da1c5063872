// kind "android-sms-gateway": Android phones running SMS Gateway for Android (capcom6/
// android-sms-gateway), in any of its modes (Local, Cloud, Private), as SIM hosts. We never call the
// phone: it pushes every event to /webhooks/providers/<name> (docs.sms-gate.app, "Webhooks"):
//   {deviceId, event, id, webhookId, payload}
//   sms:received → payload {messageId, message, phoneNumber, simNumber (1-based, may be null), receivedAt}
//   system:ping  → payload {health: {status: pass|warn|fail, checks, …}}  ("Ping", "Healthcheck")
// signed ("Payload Signing"): X-Signature = hex HMAC-SHA256(signing key, raw body + X-Timestamp),
// X-Timestamp in Unix seconds. The app retries a failed delivery with doubling delays for about two
// days, and its messageId is derived from the content and not unique, so a delivery is identified by
// what it says (device, SIM, sender, time, text), never by messageId.
// Android cannot tell a SIM's own number: the operator registers each SIM (`sims add`), and
// renting, releasing and the health rules are the inventory's (own-sims.ts).
import { z } from "zod";
import type { Db } from "../db/client";
import { createDb } from "../db/client";
import type { Env } from "../env";
import { hmacSha256Hex, sha256Hex, timingSafeEqual } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { newId } from "../lib/ids";
import type { ProviderEntry } from "./config";
import {
  alertSilentDevices,
  claimGatewaySim,
  gatewayOffers,
  recordUnrentedSms,
  releaseSim,
  rentalOf,
  type SimRules,
  silentDevicesAlert,
  simOfDevice,
  simRules,
  touchDevice,
} from "./own-sims";
import {
  type AcquiredNumber,
  type AcquireRequest,
  type CatalogOffer,
  type InboundSms,
  type Provider,
  ProviderError,
  WebhookAuthError,
} from "./types";

export const SIGNATURE_HEADER = "X-Signature";
export const TIMESTAMP_HEADER = "X-Timestamp";
// The app's docs recommend accepting timestamps within ±5 minutes.
const MAX_SKEW_SECONDS = 5 * 60;

const Envelope = z.object({
  deviceId: z.string().min(1).max(200),
  event: z.string(),
  id: z.string().optional(),
  webhookId: z.string().optional(),
  payload: z.unknown(),
});

const SmsReceived = z.object({
  messageId: z.string().optional(),
  message: z.string().max(10_000),
  phoneNumber: z.string().max(100),
  simNumber: z.number().int().min(1).max(16).nullable().optional(),
  receivedAt: z.string().refine((s) => Number.isFinite(Date.parse(s)), "an ISO 8601 time"),
});

const Ping = z.object({ health: z.object({ status: z.string().max(20) }).passthrough() });

/** Why a delivery is refused, or null when it is authentic and fresh (the app's signing scheme). */
export const gatewaySignatureProblem = async (
  key: string,
  timestamp: string | null,
  signature: string | null,
  body: string,
  nowSeconds: number,
): Promise<string | null> => {
  if (!key) return "no signing key is configured (PROVIDER_<NAME>_SIGNING_KEY)";
  if (!timestamp || !signature) return "X-Signature or X-Timestamp is missing";
  if (!/^\d{1,12}$/.test(timestamp)) return "X-Timestamp is not a number of seconds";
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SKEW_SECONDS)
    return "X-Timestamp is more than 5 minutes away";
  // The MAC covers the header's text exactly as sent, appended to the raw body.
  const expected = await hmacSha256Hex(key, body + timestamp);
  return timingSafeEqual(expected, signature.toLowerCase()) ? null : "X-Signature does not match";
};

export class AndroidSmsGatewayProvider implements Provider {
  readonly name: string;
  readonly pushes = true;
  readonly pollSeconds: number;
  private readonly db: Db;
  private readonly rules: SimRules;

  constructor(
    env: Env,
    private readonly entry: ProviderEntry,
    private readonly signingKey: string,
  ) {
    this.name = entry.name;
    this.pollSeconds = entry.pollSeconds;
    this.db = createDb(env.DB);
    this.rules = simRules(env);
  }

  private get cost(): number {
    return this.entry.cost ?? 0;
  }

  async acquire(request: AcquireRequest): Promise<AcquiredNumber> {
    if (request.maxCost !== undefined && this.cost > request.maxCost) {
      throw new ProviderError("NO_NUMBERS", `${this.name} sells at ${this.cost}, above ${request.maxCost}.`);
    }
    const sim = await claimGatewaySim(this.db, this.rules, {
      provider: this.name,
      service: request.service,
      country: request.country,
      rentalRef: newId("osr"),
      at: Date.now(),
    });
    if (!sim?.rentalRef)
      throw new ProviderError("NO_NUMBERS", `${this.name} has no free SIM for this order.`);
    return { providerRef: sim.rentalRef, phone: sim.phone, cost: this.cost };
  }

  async cancel(providerRef: string): Promise<void> {
    await releaseSim(this.db, this.name, providerRef, false, Date.now());
  }

  /** The activation got its code: the SIM is free again and spent for that service. */
  async finish(providerRef: string): Promise<void> {
    await releaseSim(this.db, this.name, providerRef, true, Date.now());
  }

  /** The SIM stays with its activation until it ends; every SMS to it is pushed anyway. */
  async requestAnotherSms(): Promise<void> {}

  async parseWebhook(request: Request): Promise<InboundSms[]> {
    const body = await request.text();
    const problem = await gatewaySignatureProblem(
      this.signingKey,
      request.headers.get(TIMESTAMP_HEADER),
      request.headers.get(SIGNATURE_HEADER),
      body,
      Math.floor(Date.now() / 1000),
    );
    if (problem) throw new WebhookAuthError(problem);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new AppError(400, "BAD_WEBHOOK", "The webhook body is not JSON.");
    }
    const envelope = Envelope.safeParse(json);
    if (!envelope.success) throw new AppError(400, "BAD_WEBHOOK", "The body is not an SMS Gateway event.");
    const { deviceId, event, payload } = envelope.data;
    const at = Date.now();
    if (event === "system:ping") {
      const ping = Ping.safeParse(payload);
      await touchDevice(this.db, this.name, deviceId, at, ping.success ? ping.data.health.status : undefined);
      return [];
    }
    // Any signed event proves the device is alive; only received SMS carry anything for us.
    await touchDevice(this.db, this.name, deviceId, at);
    if (event !== "sms:received") return [];
    const parsed = SmsReceived.safeParse(payload);
    if (!parsed.success) throw new AppError(400, "BAD_WEBHOOK", "The sms:received payload is malformed.");
    const sms = parsed.data;
    const receivedAt = Date.parse(sms.receivedAt);
    const slot = sms.simNumber ?? null;
    // Content + time + SIM: the same SMS redelivered gives the same id, another SMS another one.
    const key = await sha256Hex(JSON.stringify([deviceId, slot, sms.phoneNumber, receivedAt, sms.message]));
    const sim = await simOfDevice(this.db, this.name, deviceId, slot);
    const rentalRef = rentalOf(sim, receivedAt);
    if (!rentalRef) {
      await recordUnrentedSms(this.db, request.headers.get("X-Request-Id") ?? undefined, {
        id: `asg_${key.slice(0, 40)}`,
        provider: this.name,
        phone: sim?.phone ?? null,
        deviceId,
        slot,
        sender: sms.phoneNumber,
        text: sms.message,
        receivedAt,
      });
      return [];
    }
    return [
      {
        providerRef: rentalRef,
        messageId: `asg_${key.slice(0, 40)}`,
        text: sms.message,
        code: null,
        receivedAt,
      },
    ];
  }

  /** Free SIMs of devices that reported lately; a device that went silent is logged as an alert. */
  async offers(): Promise<CatalogOffer[]> {
    const at = Date.now();
    await alertSilentDevices(this.db, this.rules, this.name, at);
    return gatewayOffers(this.db, this.rules, this.name, this.cost, at);
  }

  /** Phones that went silent: the operator must look at them (charger, network, the app). */
  async alert(): Promise<string | null> {
    return silentDevicesAlert(this.db, this.rules, this.name, Date.now());
  }

  /** Own SIMs cost us no upstream wallet. */
  async balance(): Promise<number | null> {
    return null;
  }
}
