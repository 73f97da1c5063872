// A fake Android phone running SMS Gateway for Android (capcom6/android-sms-gateway), producing the
// webhooks the app sends, byte for byte in the shape its docs give (docs.sms-gate.app: "Webhooks",
// "Payload Signing", "Ping", "Healthcheck", "Multi-SIM"):
//   body    {"deviceId","event","id","payload":{…},"webhookId"}
//   sms:received payload {messageId (derived from the content, not unique), message, phoneNumber,
//           simNumber (1-based; null on some phones), receivedAt (the phone's local time with offset)}
//   system:ping payload {health: {checks, releaseId, status, version}}
//   X-Timestamp  Unix seconds;  X-Signature  hex HMAC-SHA256(signing key, raw body + X-Timestamp)
// The phone is the caller here (we never call it), so this fake makes requests instead of answering
// them. Runs in the Workers runtime (tests) and in Node (scripts/fake-android-gateway.mjs).
const encoder = new TextEncoder();

const hex = (buf: ArrayBuffer) =>
  [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

const hmacHex = async (key: string, message: string) => {
  const k = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return hex(await crypto.subtle.sign("HMAC", k, encoder.encode(message)));
};

// The app's ids: 21 characters of nanoid's URL-safe alphabet.
const ALPHABET = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict";
const nanoid = () => Array.from(crypto.getRandomValues(new Uint8Array(21)), (b) => ALPHABET[b & 63]).join("");

/** The phone's local time as the app writes it: 2024-06-22T15:46:11.000+07:00. */
export const localTime = (ms: number, offsetMinutes: number) => {
  const shifted = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
};

export type SignedDelivery = { body: string; headers: Record<string, string> };

export type GatewayOptions = {
  signingKey: string;
  deviceId?: string;
  webhookId?: string;
  utcOffsetMinutes?: number; // the phone's time zone
};

export class FakeAndroidGateway {
  readonly deviceId: string;
  private readonly webhookId: string;
  private readonly offset: number;

  private readonly opts: GatewayOptions;

  // No parameter properties: Node runs this file with type stripping only (the local demo).
  constructor(opts: GatewayOptions) {
    this.opts = opts;
    // Device ids look like ffffffffceb0b1db0000018e937c815b: 32 hex digits.
    this.deviceId =
      opts.deviceId ?? `ffffffff${hex(crypto.getRandomValues(new Uint8Array(12)).buffer as ArrayBuffer)}`;
    this.webhookId = opts.webhookId ?? nanoid();
    this.offset = opts.utcOffsetMinutes ?? 420;
  }

  /** Signs a body as the app does; `timestamp` and `key` override to forge or replay. */
  async sign(body: string, over: { timestamp?: number; key?: string } = {}): Promise<SignedDelivery> {
    const timestamp = String(over.timestamp ?? Math.floor(Date.now() / 1000));
    return {
      body,
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "SMSGateway/1.0",
        "X-Timestamp": timestamp,
        "X-Signature": await hmacHex(over.key ?? this.opts.signingKey, body + timestamp),
      },
    };
  }

  private event(event: string, payload: unknown) {
    return JSON.stringify({
      deviceId: this.deviceId,
      event,
      id: nanoid(),
      payload,
      webhookId: this.webhookId,
    });
  }

  /** An SMS the phone received on SIM `simNumber` (null: a phone that does not say). */
  async smsReceived(
    sms: { simNumber: number | null; from: string; text: string; receivedAt?: number },
    over: { timestamp?: number; key?: string } = {},
  ): Promise<SignedDelivery> {
    const receivedAt = localTime(sms.receivedAt ?? Date.now(), this.offset);
    // The app derives messageId from the content: the same text gets the same id, as the docs warn.
    const messageId = (await hmacHex("id", sms.text)).slice(0, 8);
    const payload = {
      message: sms.text,
      receivedAt,
      messageId,
      phoneNumber: sms.from,
      simNumber: sms.simNumber,
    };
    return this.sign(this.event("sms:received", payload), over);
  }

  async ping(status: "pass" | "warn" | "fail" = "pass", over: { timestamp?: number; key?: string } = {}) {
    const check = (description: string, unit: string, value: number) => ({
      description,
      observedUnit: unit,
      observedValue: value,
      status: "pass",
    });
    const health = {
      checks: {
        "messages:failed": check("Failed messages for last hour", "messages", 0),
        "connection:status": check("Internet connection status", "Yes/No", 1),
        "battery:level": check("Battery level in percent", "percent", 94),
      },
      releaseId: 1,
      status,
      version: "1.0.0",
    };
    return this.sign(this.event("system:ping", { health }), over);
  }
}
