// ActivationRoom: one Durable Object per activation, the single writer of that activation while it is
// live. Every decision (charge or not, which transition wins a race) is made synchronously against
// the object's own SQLite storage, so an SMS arriving during a cancel needs no locks. The slow,
// fallible consequences — writing through to D1, posting or voiding the hold, telling the provider —
// run afterwards from the stored record and are retried from the alarm until they succeed.
import { DurableObject } from "cloudflare:workers";
import { countingEnv } from "../bench/counting";
import { type HoldOutcome, holdOutcomeOf, postHold, postHoldStatements, voidHold } from "../billing/ledger";
import { createDb } from "../db/client";
import { type Env, int } from "../env";
import { faultPoint } from "../lib/faults";
import { log } from "../lib/log";
import { iso } from "../lib/time";
import { getProvider } from "../providers";
import { type InboundSms, ProviderError, type UpstreamState } from "../providers/types";
import { publishActivationEvents, webhookTargets } from "../webhooks/events/activation";
import { extractCode } from "./code";
import {
  type ActivationEvent,
  type ActivationFacts,
  type ActivationStatus,
  type ActivationView,
  buildView,
  type EventType,
  earlyCancelMs,
  isLive,
  type StoredSms,
  smsView,
} from "./view";
import { LEASE_HEADER, releaseWatch } from "./watchers";

/** What the order step hands the room when it starts it. */
export type NewActivation = Omit<ActivationFacts, "status" | "code" | "lastSeq" | "charged"> & {
  userId: string;
  provider: string;
  providerRef: string;
};

type ProviderOp = "cancel" | "finish" | "requestAnotherSms" | "refunded";

type RoomRecord = NewActivation & {
  status: ActivationStatus;
  code: string | null;
  charged: boolean;
  endedAt: number | null;
  lastSeq: number;
  syncedSeq: number; // events up to here are in D1
  hold: "pending" | "post" | "void" | "settled"; // the one decision about the money, then done
  providerOps: Array<{ op: ProviderOp; attempts: number }>;
  retryAttempts: number;
  alarmAt: number | null;
  contentPurged?: boolean; // SMS text and codes erased after the retention period
  nextPollAt?: number | null; // when to ask the upstream again (polled kinds, and the safety net)
};

/** text and code are null when only the message's metadata may be kept (see keepsOnlyMetadata). */
export type InboundRoomSms = {
  messageId: string;
  text: string | null;
  code: string | null;
  receivedAt: number;
};

/** Errors cross the RPC boundary as values: thrown errors lose their status and code on the way. */
export type RoomError = {
  status: 404 | 409;
  code: string;
  message: string;
  details?: Record<string, string>;
};
export type RoomResult<T> = { ok: true; value: T } | { ok: false; error: RoomError };

export type WaitResult = { activation: ActivationView; events: ActivationEvent[]; timedOut: boolean };

/** Which credential opened a stream or a long-poll, so that revoking it can end them. */
export type StreamCredential = { userId: string; kind: "session" | "key"; id: string };
/** Streams to end: every one of the user's, or those of one kind, or of some credential ids. */
export type CredentialMatch = { userId: string; kind?: "session" | "key"; ids?: string[] };
/** The Worker names the stream's credential in this header when it forwards the upgrade. */
export const STREAM_CREDENTIAL_HEADER = "X-Smsprof-Stream-Credential";
/**
 * Live frames go out uncompressed: a few hundred bytes of JSON gain little from permessage-deflate,
 * which would cost a compression per watcher's connection, an inflate in every client and per-socket
 * state. Without this header the runtime agrees to whatever the client offers (every browser offers
 * deflate); with an extension list naming no permessage-deflate it agrees to none and sends no
 * extension header. The Worker's 101 copies the room's headers, so this one place sets both.
 */
const NO_WEBSOCKET_COMPRESSION = { "Sec-WebSocket-Extensions": "no-compression" } as const;
/** The close code a watcher sees when its credential was revoked (4000–4999: the application's own). */
export const CREDENTIAL_ENDED_CLOSE = 4001;

/** The WebSocket protocol: a snapshot on connect (or the missed events with ?after=), then events. */
export type LiveMessage =
  | { type: "snapshot"; activation: ActivationView }
  | { type: "event"; event: ActivationEvent };

const PROVIDER_OP_ATTEMPTS = 8;
const DAY_MS = 24 * 60 * 60 * 1000;
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS record (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, at INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS sms (
    message_id TEXT PRIMARY KEY, id TEXT NOT NULL, seq INTEGER NOT NULL, code TEXT, text TEXT,
    received_at INTEGER NOT NULL, charged INTEGER NOT NULL
  );
`;

type EventRow = { seq: number; type: string; at: number; data: string };
type SmsRow = {
  message_id: string;
  id: string;
  seq: number;
  code: string | null;
  text: string | null;
  received_at: number;
  charged: number;
};

const fail = (status: RoomError["status"], code: string, message: string, details?: Record<string, string>) =>
  ({
    ok: false,
    error: details === undefined ? { status, code, message } : { status, code, message, details },
  }) as const;

const badTransition = (action: string, status: ActivationStatus) =>
  fail(409, "BAD_TRANSITION", `Cannot ${action} an activation that is ${status.replace("_", " ")}.`, {
    status,
  });

const notInitialised = () => fail(404, "NOT_FOUND", "Activation not found.");

export class ActivationRoom extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly waiters = new Set<() => void>();
  // The credential each parked long-poll was opened with; the ones ended by endStreams are marked.
  private readonly waiterCredentials = new Map<() => void, StreamCredential>();
  private readonly endedWaiters = new WeakSet<() => void>();
  private settling: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    // On a bench server the room's D1 and DO calls are counted too (src/bench/counting.ts).
    super(ctx, countingEnv(env));
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
    // Watchers keep their connection alive without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  // ── RPC ─────────────────────────────────────────────────────────────────────────────────────────

  /** Starts the room; calling it again returns the same activation. */
  async init(activation: NewActivation): Promise<ActivationView> {
    if (!this.load()) {
      this.save({
        ...activation,
        status: "waiting",
        code: null,
        charged: false,
        endedAt: null,
        lastSeq: 0,
        syncedSeq: 0,
        hold: "pending",
        providerOps: [],
        retryAttempts: 0,
        alarmAt: null,
        nextPollAt: this.pollAfter(activation.provider),
      });
      this.record("created", {});
    }
    await this.settle();
    return this.view(this.mustLoad());
  }

  /**
   * Records an SMS once per provider message id. The first SMS delivered to a waiting activation
   * charges — upstreams charge us for a delivered SMS, not for what our extractor could read — and
   * later ones never do; the extracted code only decides what is shown.
   */
  async receiveSms(inbound: InboundRoomSms): Promise<RoomResult<{ duplicate: boolean }>> {
    let rec = this.load();
    if (!rec) return notInitialised();
    const sms = this.keepsOnlyMetadata(rec) ? { ...inbound, text: null, code: null } : inbound;
    if (this.sql.exec("SELECT 1 FROM sms WHERE message_id = ?", sms.messageId).toArray().length > 0) {
      return { ok: true, value: { duplicate: true } };
    }
    // Past the window the number is no longer paid for, even if the alarm has not fired yet.
    if (isLive(rec.status) && Date.now() >= rec.expiresAt) rec = this.expire(rec);
    const waiting = rec.status === "waiting" || rec.status === "waiting_retry";
    const charges = waiting && !rec.charged;
    const seq = rec.lastSeq + 1;
    this.sql.exec(
      "INSERT INTO sms (message_id, id, seq, code, text, received_at, charged) VALUES (?, ?, ?, ?, ?, ?, ?)",
      sms.messageId,
      `sms_${crypto.randomUUID().replaceAll("-", "")}`,
      seq,
      sms.code,
      sms.text,
      sms.receivedAt,
      charges ? 1 : 0,
    );
    this.record(
      "sms",
      {
        status: waiting ? "received" : rec.status,
        code: sms.code ?? rec.code,
        charged: rec.charged || charges,
        hold: charges ? "post" : rec.hold,
      },
      { code: sms.code, text: sms.text, receivedAt: sms.receivedAt },
    );
    await this.settle();
    return { ok: true, value: { duplicate: false } };
  }

  /**
   * Cancels a number that received no code; the hold is voided. An operator (`byOperator`) may cancel
   * inside the early window, which only protects the provider from customers' instant cancels.
   */
  async cancel(opts: { byOperator?: boolean } = {}): Promise<RoomResult<ActivationView>> {
    const rec = this.load();
    if (!rec) return notInitialised();
    if (rec.status === "cancelled") return this.ok(rec);
    if (rec.status !== "waiting") return badTransition("cancel", rec.status);
    const cancelableAt = rec.createdAt + earlyCancelMs(this.env);
    if (!opts.byOperator && Date.now() < cancelableAt) {
      return fail(
        409,
        "EARLY_CANCEL_DENIED",
        "A number can be cancelled only after the first minutes; try again later.",
        { cancelableAt: iso(cancelableAt) },
      );
    }
    this.record("status", {
      status: "cancelled",
      endedAt: Date.now(),
      hold: "void",
      providerOps: [...rec.providerOps, { op: "cancel", attempts: 0 }],
    });
    await this.settle();
    return this.ok(this.mustLoad());
  }

  /** Asks for another SMS on the same number; retries are free. */
  async retry(): Promise<RoomResult<ActivationView>> {
    const rec = this.load();
    if (!rec) return notInitialised();
    if (rec.status === "waiting_retry") return this.ok(rec);
    if (rec.status !== "received") return badTransition("ask for another SMS on", rec.status);
    this.record("status", {
      status: "waiting_retry",
      providerOps: [...rec.providerOps, { op: "requestAnotherSms", attempts: 0 }],
    });
    await this.settle();
    return this.ok(this.mustLoad());
  }

  async finish(): Promise<RoomResult<ActivationView>> {
    const rec = this.load();
    if (!rec) return notInitialised();
    if (rec.status === "finished") return this.ok(rec);
    if (rec.status !== "received" && rec.status !== "waiting_retry")
      return badTransition("finish", rec.status);
    this.record("status", this.finishing(rec));
    await this.settle();
    return this.ok(this.mustLoad());
  }

  /**
   * Long-poll: answers as soon as an event after `since` exists (now, if one already does), else after
   * `timeoutMs` with the unchanged state. Without `since`, waits for the next event.
   */
  async wait(
    since: number | null,
    timeoutMs: number,
    credential?: StreamCredential,
  ): Promise<WaitResult | "credential_ended" | null> {
    const rec = this.load();
    if (!rec) return null;
    const after = since ?? rec.lastSeq;
    let events = this.eventsAfter(after);
    if (events.length === 0 && timeoutMs > 0) {
      let ended = false;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          this.waiterCredentials.delete(done);
          ended = this.endedWaiters.has(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.waiters.add(done);
        if (credential) this.waiterCredentials.set(done, credential);
      });
      if (ended) return "credential_ended";
      events = this.eventsAfter(after);
    }
    return { activation: this.view(this.mustLoad()), events, timedOut: events.length === 0 };
  }

  /**
   * An operator gave the charge back: an upstream that settles per sale is told (the SMSHUB agent's
   * FINISH_ACTIVATION 5), repeated from the alarm until it answers. Safe to call again.
   */
  async refunded(): Promise<void> {
    const rec = this.load();
    if (!rec || rec.providerOps.some((o) => o.op === "refunded")) return;
    this.update({ providerOps: [...rec.providerOps, { op: "refunded", attempts: 0 }] });
    await this.settle();
  }

  /** The customer deleted their account: erase this room's copy of SMS texts and codes now. */
  async eraseSmsContent(): Promise<void> {
    if (this.load()) this.purgeSmsContent();
  }

  /** For operators (`ops activations stuck`): what this room still owes D1, the ledger and the provider. */
  async inspect(): Promise<{
    status: ActivationStatus;
    lastSeq: number;
    syncedSeq: number;
    hold: RoomRecord["hold"];
    providerOps: string[];
    alarmAt: number | null;
  } | null> {
    const rec = this.load();
    if (!rec) return null;
    const { status, lastSeq, syncedSeq, hold, alarmAt } = rec;
    return { status, lastSeq, syncedSeq, hold, providerOps: rec.providerOps.map((p) => p.op), alarmAt };
  }

  /**
   * A credential was revoked (key revoked, logout, password change or reset, erasure): closes the
   * sockets and releases the long-polls it opened. Returns how many were ended.
   */
  async endStreams(match: CredentialMatch): Promise<number> {
    const matches = (cred: StreamCredential | null | undefined) =>
      !!cred &&
      cred.userId === match.userId &&
      (match.kind === undefined || cred.kind === match.kind) &&
      (match.ids === undefined || match.ids.includes(cred.id));
    let ended = 0;
    for (const ws of this.ctx.getWebSockets()) {
      if (!matches(ws.deserializeAttachment() as StreamCredential | null)) continue;
      try {
        ws.close(CREDENTIAL_ENDED_CLOSE, "credential revoked");
      } catch {
        // Already closing.
      }
      ended++;
    }
    for (const [wake, cred] of [...this.waiterCredentials]) {
      if (!matches(cred)) continue;
      this.endedWaiters.add(wake);
      wake();
      ended++;
    }
    return ended;
  }

  /** The customer's data export: this room's own copy of the activation, its events and messages. */
  async exportCopy(): Promise<{
    record: { status: ActivationStatus; phone: string; contentPurged: boolean } | null;
    events: ActivationEvent[];
    sms: Array<{ code: string | null; text: string | null; receivedAt: string }>;
  }> {
    const rec = this.load();
    if (!rec) return { record: null, events: [], sms: [] };
    return {
      record: { status: rec.status, phone: rec.phone, contentPurged: rec.contentPurged === true },
      events: this.eventsAfter(0),
      sms: this.smsRows().map((row) => ({
        code: row.code,
        text: row.text,
        receivedAt: iso(row.received_at),
      })),
    };
  }

  /** For the cron sweep: ends an activation whose alarm was missed and retries what is owed. */
  async sweep(): Promise<"missing" | ActivationStatus> {
    const rec = this.load();
    if (!rec) return "missing";
    if (isLive(rec.status) && Date.now() >= rec.expiresAt) this.expire(rec);
    await this.settle();
    return this.mustLoad().status;
  }

  // ── platform handlers ───────────────────────────────────────────────────────────────────────────

  override async alarm(): Promise<void> {
    const rec = this.load();
    if (!rec) return;
    // Alarms never fire before their time, so one set for the expiry means the window is over.
    const expiryDue = Date.now() >= rec.expiresAt || (rec.alarmAt ?? 0) >= rec.expiresAt;
    this.update({ alarmAt: null });
    if (expiryDue && isLive(rec.status)) this.expire(this.mustLoad());
    else if (isLive(rec.status) && Date.now() >= (rec.nextPollAt ?? Number.POSITIVE_INFINITY)) {
      await this.pollUpstream();
    }
    const purgeAt = this.purgeAt();
    if (purgeAt !== null && Date.now() >= purgeAt) this.purgeSmsContent(Date.now() - this.retentionMs());
    await this.settle();
  }

  /** Only the WebSocket upgrade comes through fetch; the Worker has already checked who may watch. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade.", { status: 426 });
    }
    const rec = this.load();
    if (!rec) return new Response("Activation not found.", { status: 404 });
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    // One attachment: who opened the socket (to end it with its credential) and its watch lease.
    server.serializeAttachment({ ...this.credentialOf(request), lease: request.headers.get(LEASE_HEADER) });
    const after = new URL(request.url).searchParams.get("after");
    const afterSeq = after !== null && /^\d{1,9}$/.test(after) ? Number(after) : null;
    if (afterSeq === null) {
      server.send(JSON.stringify({ type: "snapshot", activation: this.view(rec) } satisfies LiveMessage));
    } else {
      for (const event of this.eventsAfter(afterSeq)) {
        server.send(JSON.stringify({ type: "event", event } satisfies LiveMessage));
      }
    }
    return new Response(null, { status: 101, webSocket: client, headers: NO_WEBSOCKET_COMPRESSION });
  }

  /** Survives hibernation: the attachment is stored with the socket. */
  private credentialOf(request: Request): StreamCredential | Record<string, never> {
    const header = request.headers.get(STREAM_CREDENTIAL_HEADER);
    return header ? (JSON.parse(header) as StreamCredential) : {};
  }

  // Watchers only listen; anything but the auto-answered "ping" is ignored.
  override async webSocketMessage(): Promise<void> {}

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    await releaseWatch(this.env, (ws.deserializeAttachment() as { lease?: string } | null)?.lease);
    try {
      // 1005 ("no code given") and 1006 are reported to us but may not be sent back.
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed by the runtime's automatic close reply.
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await releaseWatch(this.env, (ws.deserializeAttachment() as { lease?: string } | null)?.lease);
    try {
      ws.close(1011, "error");
    } catch {
      // Nothing left to close.
    }
  }

  // ── state ───────────────────────────────────────────────────────────────────────────────────────

  private load(): RoomRecord | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM record WHERE id = 1").toArray()[0];
    return row ? (JSON.parse(row.data) as RoomRecord) : null;
  }

  private mustLoad(): RoomRecord {
    const rec = this.load();
    if (!rec) throw new Error("activation room used before init");
    return rec;
  }

  private save(rec: RoomRecord): void {
    this.sql.exec("INSERT OR REPLACE INTO record (id, data) VALUES (1, ?)", JSON.stringify(rec));
  }

  /** Read-modify-write in one synchronous step, so no other call can interleave. */
  private update(patch: Partial<RoomRecord>): RoomRecord {
    const rec = { ...this.mustLoad(), ...patch };
    this.save(rec);
    return rec;
  }

  /** Applies a change as the next event: stored, then pushed to watchers and waiting long-polls. */
  private record(type: EventType, patch: Partial<RoomRecord>, sms?: StoredSms): RoomRecord {
    const before = this.mustLoad();
    const rec = this.update({ ...patch, lastSeq: before.lastSeq + 1 });
    const at = Date.now();
    const data = { status: rec.status, code: rec.code, charged: rec.charged, sms: sms ? smsView(sms) : null };
    this.sql.exec(
      "INSERT INTO events (seq, type, at, data) VALUES (?, ?, ?, ?)",
      rec.lastSeq,
      type,
      at,
      JSON.stringify(data),
    );
    const event: ActivationEvent = { seq: rec.lastSeq, type, at: iso(at), ...data };
    const message = JSON.stringify({ type: "event", event } satisfies LiveMessage);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(message);
      } catch {
        // A socket that is closing misses nothing it cannot replay with ?after=.
      }
    }
    for (const wake of [...this.waiters]) wake();
    return rec;
  }

  private finishing(rec: RoomRecord): Partial<RoomRecord> {
    return {
      status: "finished",
      endedAt: Date.now(),
      providerOps: [...rec.providerOps, { op: "finish", attempts: 0 }],
    };
  }

  /** The window is over: no code means nothing is owed; a received code means the job is done. */
  private expire(rec: RoomRecord): RoomRecord {
    if (rec.status === "waiting") {
      return this.record("status", {
        status: "expired",
        endedAt: Date.now(),
        hold: "void",
        providerOps: [...rec.providerOps, { op: "cancel", attempts: 0 }],
      });
    }
    return this.record("status", this.finishing(rec));
  }

  private eventsAfter(seq: number): ActivationEvent[] {
    return this.sql
      .exec<EventRow>("SELECT seq, type, at, data FROM events WHERE seq > ? ORDER BY seq", seq)
      .toArray()
      .map((row) => ({
        seq: row.seq,
        type: row.type as EventType,
        at: iso(row.at),
        ...JSON.parse(row.data),
      }));
  }

  private smsRows(afterSeq = 0): SmsRow[] {
    return this.sql.exec<SmsRow>("SELECT * FROM sms WHERE seq > ? ORDER BY seq", afterSeq).toArray();
  }

  private view(rec: RoomRecord): ActivationView {
    const sms = this.smsRows().map((row) => ({
      code: row.code,
      text: row.text,
      receivedAt: row.received_at,
    }));
    return buildView(this.env, rec, sms);
  }

  private ok(rec: RoomRecord): RoomResult<ActivationView> {
    return { ok: true, value: this.view(rec) };
  }

  // ── consequences ────────────────────────────────────────────────────────────────────────────────

  /** Runs the owed side effects one pass at a time, in order; every step is safe to repeat. */
  private settle(): Promise<void> {
    const pass = this.settling.then(() => this.settleOnce());
    this.settling = pass.catch(() => {});
    return pass;
  }

  private async settleOnce(): Promise<void> {
    // The retry alarm is armed before any side effect: if this pass dies half-way (the object is
    // evicted, the isolate crashes), the alarm resumes it within seconds, not at expiry.
    await this.scheduleAlarm();
    await faultPoint("settle.afterAlarm");
    let failed = false;
    const attempt = async (what: string, step: () => Promise<void>) => {
      try {
        await step();
      } catch (error) {
        failed = true;
        log(undefined, "activation_effect_failed", {
          activationId: this.load()?.id,
          what,
          error: String(error),
        });
      }
    };
    await attempt("d1", () => this.writeThrough());
    await faultPoint("settle.afterWrite");
    // The upstream confirms a cancel before the hold is voided: if it already has the SMS, its word
    // wins and the hold is posted instead.
    if (this.mustLoad().providerOps.some((o) => o.op === "cancel")) {
      await attempt("provider.cancel", () => this.cancelUpstream());
      await attempt("d1", () => this.writeThrough());
    }
    await attempt("hold", () => this.settleHold());
    await faultPoint("settle.afterHold");
    for (const op of this.mustLoad().providerOps.filter((o) => o.op !== "cancel")) {
      await attempt(`provider.${op.op}`, () => this.runProviderOp(op.op));
    }
    await faultPoint("settle.afterProvider");
    const rec = this.mustLoad();
    this.update({ retryAttempts: failed ? rec.retryAttempts + 1 : 0 });
    await this.scheduleAlarm();
  }

  /**
   * One D1 batch per transition: the new SMS and events, the activation's row, the charge when this
   * transition posts the hold (the SMS and its money commit together), and the webhook targets read.
   */
  private async writeThrough(): Promise<void> {
    const rec = this.mustLoad();
    if (rec.syncedSeq >= rec.lastSeq) return;
    const events = this.sql
      .exec<EventRow>("SELECT seq, type, at, data FROM events WHERE seq > ? ORDER BY seq", rec.syncedSeq)
      .toArray();
    const sms = this.smsRows(rec.syncedSeq);
    const d1 = this.env.DB;
    // A void waits for the upstream's cancel (settleHold); a post needs nothing but this batch.
    const posting = rec.hold === "post";
    const written = await d1.batch([
      ...sms.map((s) =>
        d1
          .prepare(
            `INSERT INTO sms_messages (id, activation_id, provider_message_id, text, code, charged, received_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          )
          .bind(s.id, rec.id, s.message_id, s.text, s.code, s.charged, s.received_at),
      ),
      ...events.map((e) =>
        d1
          .prepare(
            "INSERT INTO activation_events (activation_id, seq, type, data, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
          )
          .bind(rec.id, e.seq, e.type, e.data, e.at),
      ),
      d1
        .prepare(
          `UPDATE activations SET status = ?, code = ?, last_seq = ?, updated_at = ?, ended_at = ?
           WHERE id = ? AND last_seq < ?`,
        )
        .bind(rec.status, rec.code, rec.lastSeq, Date.now(), rec.endedAt, rec.id, rec.lastSeq),
      ...(posting ? postHoldStatements(rec.id).map((f) => d1.prepare(f.text).bind(...f.params)) : []),
      // Read in the same round trip: which webhook endpoints want these events (usually none).
      webhookTargets(this.env, rec.userId, rec.id),
    ]);
    if (posting) this.holdSettled("post", holdOutcomeOf(written.at(-2), rec.id));
    // Before syncedSeq moves: if publishing fails, the whole write-through (idempotent) runs again.
    await publishActivationEvents(this.env, rec, events, written.at(-1));
    this.update({ syncedSeq: Math.max(this.mustLoad().syncedSeq, rec.lastSeq) });
  }

  private holdSettled(hold: "post" | "void", outcome: HoldOutcome): void {
    if (hold === "post" && outcome !== "posted") {
      // Only possible if the hold outlived its margin unresolved; the customer is then not charged.
      log(undefined, "activation_hold_not_posted", { activationId: this.mustLoad().id, outcome });
    }
    this.update({ hold: "settled" });
  }

  private async settleHold(): Promise<void> {
    const { hold, id, providerOps } = this.mustLoad();
    if (hold !== "post" && hold !== "void") return;
    // A void waits for the upstream's cancel (or for us to give up asking): see cancelUpstream.
    if (hold === "void" && providerOps.some((o) => o.op === "cancel")) return;
    const db = createDb(this.env.DB);
    this.holdSettled(hold, hold === "post" ? await postHold(db, id) : await voidHold(db, id));
  }

  private async runProviderOp(op: ProviderOp): Promise<void> {
    const { provider, providerRef } = this.mustLoad();
    try {
      // `refunded` is optional: most upstreams bill per activation and have nothing to be told.
      await getProvider(this.env, provider)[op]?.(providerRef);
    } catch (error) {
      // A refusal (the number already ended upstream) will not change by asking again.
      const refused = error instanceof ProviderError && error.code === "REJECTED";
      const ops = this.mustLoad().providerOps.map((o) =>
        o.op === op ? { ...o, attempts: refused ? PROVIDER_OP_ATTEMPTS : o.attempts + 1 } : o,
      );
      // The provider's own timeout ends a number we could not release; stop asking after a while.
      this.update({ providerOps: ops.filter((o) => o.attempts < PROVIDER_OP_ATTEMPTS) });
      throw error;
    }
    this.update({ providerOps: this.mustLoad().providerOps.filter((o) => o.op !== op) });
  }

  // ── the upstream's word ─────────────────────────────────────────────────────────────────────────
  // Upstreams without webhooks (5sim) are polled from this alarm; webhook upstreams are polled too,
  // more slowly, as a safety net for a lost delivery. What the upstream says decides the races it
  // owns: an SMS it has is received and charged even if we were cancelling; an activation it ended
  // on its own ends here too, and nothing is charged unless a code had arrived.

  /** When to poll next, or null for an upstream that has no poll. */
  private pollAfter(providerName: string): number | null {
    try {
      const provider = getProvider(this.env, providerName);
      return provider.poll ? Date.now() + provider.pollSeconds * 1000 : null;
    } catch {
      return null; // an upstream no longer configured: nothing to poll
    }
  }

  private async pollUpstream(): Promise<void> {
    const rec = this.mustLoad();
    this.update({ nextPollAt: this.pollAfter(rec.provider) });
    const provider = getProvider(this.env, rec.provider);
    let state: UpstreamState;
    try {
      if (!provider.poll) return;
      state = await provider.poll(rec.providerRef);
    } catch (error) {
      log(undefined, "activation_poll_failed", { activationId: rec.id, error: String(error) });
      return;
    }
    for (const sms of state.sms) await this.receiveSms(this.roomSms(sms));
    if (state.ended && isLive(this.mustLoad().status)) this.endedUpstream(state.ended);
  }

  /** Our own code extraction first; a bare code from a status call extracts to itself. */
  private roomSms(sms: InboundSms): InboundRoomSms {
    return {
      messageId: sms.messageId,
      text: sms.text,
      code: extractCode(sms.text) ?? sms.code,
      receivedAt: sms.receivedAt,
    };
  }

  /** The upstream stopped serving the number: end it here; the hold is voided unless a code came. */
  private endedUpstream(how: NonNullable<UpstreamState["ended"]>): void {
    const rec = this.mustLoad();
    log(undefined, "activation_ended_upstream", { activationId: rec.id, provider: rec.provider, how });
    if (rec.status === "waiting") {
      this.record("status", {
        status: how === "cancelled" || how === "banned" ? "cancelled" : "expired",
        endedAt: Date.now(),
        hold: "void",
      });
    } else {
      // A code was received (and charged): the job is done, and the upstream needs no finish.
      this.record("status", { status: "finished", endedAt: Date.now() });
    }
  }

  /**
   * Tells the upstream we give the number back. If it refuses because it already has an SMS, the
   * SMS is fetched and the activation becomes received and charged, whatever we had decided.
   */
  private async cancelUpstream(): Promise<void> {
    const rec = this.mustLoad();
    try {
      await this.runProviderOp("cancel");
    } catch (error) {
      if (!(error instanceof ProviderError && error.code === "HAS_SMS")) throw error;
      const provider = getProvider(this.env, rec.provider);
      const state = provider.poll ? await provider.poll(rec.providerRef) : { sms: [], ended: null };
      this.reviveWith(state.sms.map((sms) => this.roomSms(sms)));
    }
  }

  /** A cancelled or expired activation whose upstream has its SMS: received, charged, not voided. */
  private reviveWith(messages: InboundRoomSms[]): void {
    const rec = this.mustLoad();
    const first = messages.find((m) => m.code !== null);
    const ops = rec.providerOps.filter((o) => o.op !== "cancel");
    if (!first || rec.charged || rec.hold !== "void") {
      this.update({ providerOps: ops });
      return;
    }
    for (const sms of messages) {
      if (this.sql.exec("SELECT 1 FROM sms WHERE message_id = ?", sms.messageId).toArray().length > 0)
        continue;
      const charges = sms === first;
      const latest = this.mustLoad();
      this.sql.exec(
        "INSERT INTO sms (message_id, id, seq, code, text, received_at, charged) VALUES (?, ?, ?, ?, ?, ?, ?)",
        sms.messageId,
        `sms_${crypto.randomUUID().replaceAll("-", "")}`,
        latest.lastSeq + 1,
        sms.code,
        sms.text,
        sms.receivedAt,
        charges ? 1 : 0,
      );
      this.record(
        "sms",
        charges
          ? {
              status: "received",
              code: sms.code,
              charged: true,
              hold: "post",
              endedAt: null,
              providerOps: ops,
            }
          : { code: sms.code ?? latest.code },
        { code: sms.code, text: sms.text, receivedAt: sms.receivedAt },
      );
    }
    log(undefined, "activation_cancel_overruled", { activationId: rec.id, provider: rec.provider });
  }

  /**
   * Once the content was erased (account erasure, or retention after the end), an SMS that still
   * arrives is recorded without its text and code: nothing would ever purge them again.
   */
  private keepsOnlyMetadata(rec: RoomRecord): boolean {
    return rec.contentPurged === true;
  }

  private retentionMs(): number {
    return int(this.env.SMS_RETENTION_DAYS, 30) * DAY_MS;
  }

  /** When the oldest message still holding content is due for erasure: each message by its own age. */
  private purgeAt(): number | null {
    const { oldest } = this.sql
      .exec<{ oldest: number | null }>(
        "SELECT min(received_at) AS oldest FROM sms WHERE text IS NOT NULL OR code IS NOT NULL",
      )
      .one();
    return oldest === null ? null : oldest + this.retentionMs();
  }

  /**
   * D1's copies are purged by the cron sweep; this erases the room's own: every message received
   * before `cutoff` (all of them by default) and the events that repeat it. Once nothing is left and
   * the activation has ended, the room keeps only metadata from then on.
   */
  private purgeSmsContent(cutoff = Number.POSITIVE_INFINITY): void {
    const before = Number.isFinite(cutoff) ? cutoff : Number.MAX_SAFE_INTEGER;
    this.sql.exec("UPDATE sms SET text = NULL, code = NULL WHERE received_at < ?", before);
    this.sql.exec(
      "UPDATE events SET data = json_set(data, '$.code', NULL, '$.sms.text', NULL, '$.sms.code', NULL) WHERE at < ?",
      before,
    );
    const rec = this.mustLoad();
    const left = this.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM sms WHERE text IS NOT NULL OR code IS NOT NULL")
      .one().n;
    if (left === 0 && (rec.endedAt !== null || !Number.isFinite(cutoff))) {
      this.update({ code: null, contentPurged: true });
    }
  }

  private async scheduleAlarm(): Promise<void> {
    const rec = this.mustLoad();
    const owed =
      rec.syncedSeq < rec.lastSeq || rec.hold === "post" || rec.hold === "void" || rec.providerOps.length > 0;
    const candidates: number[] = [];
    if (isLive(rec.status)) candidates.push(rec.expiresAt);
    if (isLive(rec.status) && rec.nextPollAt) candidates.push(rec.nextPollAt);
    const purgeAt = this.purgeAt();
    if (purgeAt !== null) candidates.push(purgeAt);
    if (owed) candidates.push(Date.now() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** rec.retryAttempts));
    const at = candidates.length > 0 ? Math.min(...candidates) : null;
    if (at === rec.alarmAt) return;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
    this.update({ alarmAt: at });
  }
}
