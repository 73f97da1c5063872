// A cap on what one account keeps open at once: long-polls and live streams together
// (MAX_WATCHERS_PER_ACCOUNT). Each is a lease row taken in one conditional INSERT (so concurrent
// requests cannot pass the cap together) and given back when the long-poll answers or the socket
// closes; a lease also expires by itself, so one whose release was lost frees its slot in time.
import { type Env, int } from "../env";
import { AppError } from "../lib/errors";
import { newId } from "../lib/ids";

/** A live stream's lease outlives any socket that is still reported open; a lost close frees it then. */
const STREAM_LEASE_MS = 24 * 3_600_000;
const LONG_POLL_MARGIN_MS = 30_000;

export type WatchKind = "long_poll" | "stream";

export const acquireWatch = async (
  env: Env,
  userId: string,
  kind: WatchKind,
  holdMs?: number,
): Promise<string> => {
  const id = newId("wch");
  const at = Date.now();
  const max = int(env.MAX_WATCHERS_PER_ACCOUNT, 20);
  const expiresAt = at + (kind === "stream" ? STREAM_LEASE_MS : (holdMs ?? 0) + LONG_POLL_MARGIN_MS);
  // The account's expired leases go in the same batch, so the table keeps only what is open.
  const [, result] = await env.DB.batch([
    env.DB.prepare("DELETE FROM watch_leases WHERE user_id = ? AND expires_at <= ?").bind(userId, at),
    env.DB.prepare(
      `INSERT INTO watch_leases (id, user_id, kind, expires_at)
       SELECT ?1, ?2, ?3, ?4
       WHERE (SELECT count(*) FROM watch_leases WHERE user_id = ?2 AND expires_at > ?5) < ?6`,
    ).bind(id, userId, kind, expiresAt, at, max),
  ]);
  if (result?.meta.changes !== 1) {
    throw new AppError(
      429,
      "TOO_MANY_WATCHERS",
      `This account already has ${max} long-polls and live streams open; close one first.`,
      { max },
      { "Retry-After": "5" },
    );
  }
  return id;
};

export const releaseWatch = async (env: Env, leaseId: string | null | undefined): Promise<void> => {
  if (!leaseId) return;
  await env.DB.prepare("DELETE FROM watch_leases WHERE id = ?").bind(leaseId).run();
};

/** The header the live route hands the room the stream's lease in, to give back when the socket closes. */
export const LEASE_HEADER = "X-Watch-Lease";
