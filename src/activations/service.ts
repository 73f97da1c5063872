// The one implementation of activations behind every front door: the dashboard's JSON API, REST v1
// and the handler_api.php compat layer all call these functions.
import { eq } from "drizzle-orm";
import { runUserRead, type UserRead } from "../accounts/auth";
import { activations } from "../db/schema";
import type { Env } from "../env";
import { AppError } from "../lib/errors";
import { type Actor, createActivation } from "./order";
import type { RoomResult, StreamCredential, WaitResult } from "./room";
import { findOwned, type ListQuery, listOwned, ownedActivationRead } from "./store";
import type { ActivationEvent, ActivationView } from "./view";

export type { Actor, OrderInput } from "./order";
export type { ActivationEvent, ActivationStatus, ActivationView, SmsView } from "./view";
export { createActivation };

/** Reads of one owned activation, for routes that batch them with the key's lookup (polls). */
export const activationById = (env: Env, id: string) => ownedActivationRead(env, eq(activations.id, id));
export const activationByNumericId = (env: Env, numericId: number) =>
  ownedActivationRead(env, eq(activations.numericId, numericId));

const readAlone = async <T>(a: Actor, read: UserRead<T>): Promise<T> =>
  read.result(await runUserRead(a.db, a.user.id, read));

export const getActivation = (a: Actor, id: string): Promise<ActivationView> =>
  readAlone(a, activationById(a.env, id));

export const getActivationByNumericId = (a: Actor, numericId: number): Promise<ActivationView> =>
  readAlone(a, activationByNumericId(a.env, numericId));

export const listActivations = (
  a: Actor,
  q: ListQuery,
): Promise<{ items: ActivationView[]; nextCursor: string | null }> => listOwned(a.env, a.db, a.user.id, q);

/** The room of an activation the actor owns; someone else's is not found, exactly like a missing one. */
export const ownedRoom = async (a: Actor, id: string) => {
  await findOwned(a.db, a.user.id, eq(activations.id, id));
  return a.env.ACTIVATION_ROOM.get(a.env.ACTIVATION_ROOM.idFromName(id));
};

const unwrap = <T>(result: RoomResult<T>): T => {
  if (result.ok) return result.value;
  const { status, code, message, details } = result.error;
  throw new AppError(status, code, message, details);
};

export const cancelActivation = async (a: Actor, id: string): Promise<ActivationView> =>
  unwrap(await (await ownedRoom(a, id)).cancel());

export const retryActivation = async (a: Actor, id: string): Promise<ActivationView> =>
  unwrap(await (await ownedRoom(a, id)).retry());

export const finishActivation = async (a: Actor, id: string): Promise<ActivationView> =>
  unwrap(await (await ownedRoom(a, id)).finish());

/** Long-poll, answered by the activation's Durable Object the moment an event after `since` exists. */
export const waitForActivation = async (
  a: Actor,
  id: string,
  opts: { since?: number; timeoutMs: number; credential?: StreamCredential },
): Promise<{ activation: ActivationView; events: ActivationEvent[]; timedOut: boolean }> => {
  const room = await ownedRoom(a, id);
  const result: WaitResult | "credential_ended" | null = await room.wait(
    opts.since ?? null,
    opts.timeoutMs,
    opts.credential,
  );
  if (result === "credential_ended") {
    throw new AppError(401, "CREDENTIAL_REVOKED", "The session or API key of this request was revoked.");
  }
  return result ?? { activation: await getActivation(a, id), events: [], timedOut: true };
};
