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
): Promise<{ duplicate: boolean }> => {
  const room = env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(activationId));
  const result = await room.receiveSms({
    messageId: sms.messageId,
    text: sms.text,
    // Our own extraction, not the provider's guess, so every provider reads codes the same way.
    code: extractCode(sms.text),
    receivedAt: sms.receivedAt,
  });
  if (!result.ok) throw new AppError(result.error.status, result.error.code, result.error.message);
  return result.value;
};
