// Credentials that really end: revoking a key, logging out (everywhere), a password change or reset and
// erasure close the live streams and long-polls opened with them. Each activation's room knows which
// credential opened each of its sockets; D1 says which rooms can have any.
import { and, eq, gte, inArray, or } from "drizzle-orm";
import type { CredentialMatch } from "../activations/room";
import { LIVE_STATUSES } from "../activations/view";
import type { Db } from "../db/client";
import { activations } from "../db/schema";
import type { Env } from "../env";
import { log } from "../lib/log";
import { now } from "../lib/time";

// A watcher stays connected after its activation ends (a late SMS is still shown); past a week nothing
// more arrives, and rooms of older activations are not asked.
export const RECENT_ROOM_MS = 7 * 24 * 60 * 60 * 1000;

/** Ends every stream and long-poll of the user matching `match`, in each live or recent room. */
export const endStreams = async (env: Env, db: Db, match: CredentialMatch, requestId?: string) => {
  const rooms = await db
    .select({ id: activations.id })
    .from(activations)
    .where(
      and(
        eq(activations.userId, match.userId),
        or(
          inArray(activations.status, [...LIVE_STATUSES]),
          gte(activations.updatedAt, now() - RECENT_ROOM_MS),
        ),
      ),
    )
    .all();
  const results = await Promise.allSettled(
    rooms.map(({ id }) => env.ACTIVATION_ROOM.get(env.ACTIVATION_ROOM.idFromName(id)).endStreams(match)),
  );
  const failed = results.filter((r) => r.status === "rejected");
  // The credential is already dead in D1, so nothing new can be opened with it; a room that did not
  // answer keeps an open socket until it does, which is why this is logged.
  if (failed.length > 0)
    log(requestId, "end_streams_failed", { userId: match.userId, failed: failed.length });
  return results.reduce((n, r) => n + (r.status === "fulfilled" ? r.value : 0), 0);
};
