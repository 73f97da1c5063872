// Account records that stop being useful: emails once every link they can carry is dead, and spent
// or expired email tokens and ended sessions after a grace period.
import { lt, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { emailOutbox, emailTokens, sessions } from "../db/schema";
import { LONGEST_TOKEN_LIFETIME_MS } from "./tokens";

// Long enough to look into a recent "the link did not work" or an unknown sign-in.
export const ENDED_RECORD_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export const purgeAccountRecords = async (db: Db, at: number) => {
  const ended = at - ENDED_RECORD_DAYS * DAY_MS;
  await db.batch([
    db.delete(emailOutbox).where(lt(emailOutbox.createdAt, at - LONGEST_TOKEN_LIFETIME_MS)),
    db.delete(emailTokens).where(or(lt(emailTokens.expiresAt, ended), lt(emailTokens.usedAt, ended))),
    db.delete(sessions).where(or(lt(sessions.expiresAt, ended), lt(sessions.revokedAt, ended))),
  ]);
};
