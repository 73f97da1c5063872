// activation.* events, from the activation room's own numbered events — the same ones the WebSocket
// and the long-poll read. One webhook per room event at most, keyed `<activation id>:<seq>`, so the
// room writing its events through again (a retry) publishes nothing twice.
import type { Env } from "../../env";
import type { EventType } from "../events";
import { publish } from "../publish";

type RoomEventRow = { seq: number; type: string; at: number; data: string };
type RoomEventData = {
  status: string;
  code: string | null;
  charged: boolean;
  sms: { code: string | null; text: string | null; receivedAt: string } | null;
};
export type ActivationFacts = {
  id: string;
  userId: string;
  numericId: number;
  phone: string;
  service: string;
  country: number;
  price: number;
  currency: string;
  expiresAt: number;
};

const END_EVENTS: Record<string, EventType> = {
  finished: "activation.finished",
  cancelled: "activation.cancelled",
  expired: "activation.expired",
};

const typeOf = (row: RoomEventRow, data: RoomEventData): EventType | null => {
  if (row.type === "created") return "activation.created";
  if (row.type === "sms") return "activation.sms_received";
  return END_EVENTS[data.status] ?? null;
};

/**
 * What sms-activate POSTs to a profile's webhook URL for an SMS, as its clients model it (e.g. a
 * FastAPI receiver's SMSActivateWebhook: activationId int, service, text, code str, country int,
 * receivedAt str), times in the protocol's "YYYY-MM-DD HH:MM:SS".
 */
const smsActivateBody = (facts: ActivationFacts, sms: NonNullable<RoomEventData["sms"]>) =>
  JSON.stringify({
    activationId: facts.numericId,
    service: facts.service,
    text: sms.text ?? "",
    code: sms.code ?? "",
    country: facts.country,
    receivedAt: sms.receivedAt.slice(0, 19).replace("T", " "),
  });

/** Publishes the webhooks of the room events just written through to D1. */
export const publishActivationEvents = async (env: Env, facts: ActivationFacts, rows: RoomEventRow[]) => {
  if (rows.length === 0) return;
  // The key that placed the order, for its own SMS webhook (none for dashboard orders).
  const order = await env.DB.prepare("SELECT key_id FROM key_orders WHERE activation_id = ?")
    .bind(facts.id)
    .first<{ key_id: string }>();
  for (const row of rows) {
    const data = JSON.parse(row.data) as RoomEventData;
    const type = typeOf(row, data);
    if (!type) continue;
    await publish(
      env,
      facts.userId,
      {
        type,
        key: `${facts.id}:${row.seq}`,
        at: row.at,
        data: {
          activation: {
            id: facts.id,
            numericId: facts.numericId,
            phone: facts.phone,
            service: facts.service,
            country: facts.country,
            price: facts.price,
            currency: facts.currency,
            status: data.status,
            code: data.code,
            charged: data.charged,
            expiresAt: new Date(facts.expiresAt).toISOString(),
          },
          seq: row.seq,
          sms: type === "activation.sms_received" ? data.sms : undefined,
        },
        smsActivateBody:
          type === "activation.sms_received" && data.sms ? smsActivateBody(facts, data.sms) : undefined,
      },
      order?.key_id,
    );
  }
};
