// activation.* events, from the activation room's own numbered events — the same ones the WebSocket
// and the long-poll read. One webhook per room event at most, keyed `<activation id>:<seq>`, so the
// room writing its events through again (a retry) publishes nothing twice.
import type { Env } from "../../env";
import type { EventType } from "../events";
import { publishToTargets, type Target, targetsStatement } from "../publish";

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

/** The statement the room adds to its write-through batch: the endpoints this activation's events may go to. */
export const webhookTargets = (env: Env, userId: string, activationId: string) =>
  targetsStatement(env, userId, activationId);

/** Publishes the webhooks of the room events just written through to D1, to the targets read with them. */
export const publishActivationEvents = async (
  env: Env,
  facts: ActivationFacts,
  rows: RoomEventRow[],
  targets: D1Result | undefined,
) => {
  const found = (targets?.results ?? []) as Target[];
  if (found.length === 0) return;
  const events = rows.flatMap((row) => {
    const data = JSON.parse(row.data) as RoomEventData;
    const type = typeOf(row, data);
    if (!type) return [];
    return [
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
    ];
  });
  await publishToTargets(env, found, events);
};
