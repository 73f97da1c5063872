// Hands an SMS a provider reported to its activation's Durable Object, which records it once per
// provider message id and decides whether it charges.
import type { Env } from "../env";
import { AppError } from "../lib/errors";
import type { InboundSms } from "../providers/types";
import { extractCode } from "./code";

export const deliverSms = async (
  env: Env,
  activationId: string,
  sms: InboundSms,
  // The webhook route reads this with the activation's row and saves D1 a round trip.
  erased?: boolean,
): Promise<{ duplicate: boolean }> => {
  const room = env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(activationId));
  const keep = !(erased ?? (await ownerErased(env, activationId)));
  const result = await room.receiveSms({
    messageId: sms.messageId,
    text: keep ? sms.text : null,
    // Our own extraction, not the provider's guess, so every provider reads codes the same way.
    code: keep ? extractCode(sms.text) : null,
    receivedAt: sms.receivedAt,
  });
  if (!result.ok) throw new AppError(result.error.status, result.error.code, result.error.message);
  return result.value;
};

/**
 * An SMS for an erased account keeps only its metadata (when, which message id): the person asked for
 * their data to go, and the room's own copy may not have heard of the erasure yet.
 */
const ownerErased = async (env: Env, activationId: string): Promise<boolean> => {
  const row = await env.DB.prepare(
    "SELECT u.deleted_at AS deletedAt FROM activations a JOIN users u ON u.id = a.user_id WHERE a.id = ?",
  )
    .bind(activationId)
    .first<{ deletedAt: number | null }>();
  return row?.deletedAt != null;
};
