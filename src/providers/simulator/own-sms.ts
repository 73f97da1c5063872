// "Simulate an SMS" for a signed-in customer: only to a number they rent right now, from the
// simulator. Sending to any other number (charging someone else) is the operator's control alone.
import { and, eq } from "drizzle-orm";
import { isLive } from "../../activations/view";
import type { Db } from "../../db/client";
import { activations } from "../../db/schema";
import type { Env } from "../../env";
import { AppError, notFound } from "../../lib/errors";
import { receiveSms } from "./upstream";

export const simulateOwnSms = async (
  env: Env,
  db: Db,
  userId: string,
  activationId: string,
  sms: { text: string },
) => {
  const row = await db
    .select({ status: activations.status, provider: activations.provider, phone: activations.phone })
    .from(activations)
    .where(and(eq(activations.id, activationId), eq(activations.userId, userId)))
    .get();
  // Someone else's activation is not found, exactly like a missing one.
  if (!row) throw notFound("Activation");
  if (row.provider !== "simulator") {
    throw new AppError(
      409,
      "NOT_SIMULATED",
      "This number comes from a real provider; the simulator cannot reach it.",
    );
  }
  if (!isLive(row.status)) {
    throw new AppError(
      409,
      "BAD_TRANSITION",
      `This activation is ${row.status}: its number is no longer rented.`,
      {
        status: row.status,
      },
    );
  }
  return receiveSms(env, db, row.phone, sms.text);
};
