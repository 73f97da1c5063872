// Single-use email tokens (verify email, reset password): random, sent once, stored only as SHA-256.
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { emailTokens } from "../db/schema";
import { randomToken, sha256Hex } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { newId } from "../lib/ids";
import { now } from "../lib/time";

export type TokenPurpose = "verify_email" | "reset_password" | "change_email";

const LIFETIME_MS: Record<TokenPurpose, number> = {
  verify_email: 48 * 60 * 60 * 1000,
  // Short: whoever holds a reset link holds the account.
  reset_password: 60 * 60 * 1000,
  change_email: 24 * 60 * 60 * 1000,
};

/** No emailed link outlives this, so neither need the emails that carried them. */
export const LONGEST_TOKEN_LIFETIME_MS = Math.max(...Object.values(LIFETIME_MS));

export const invalidToken = () =>
  new AppError(400, "INVALID_TOKEN", "This link is invalid, has expired or was already used.");

/** Stores a fresh token's hash and returns the token itself, which only the email will carry. */
export const issueToken = async (
  db: Db,
  userId: string,
  purpose: TokenPurpose,
  newEmail: string | null = null,
): Promise<string> => {
  const token = randomToken(32);
  const createdAt = now();
  await db
    .insert(emailTokens)
    .values({
      id: newId("tok"),
      userId,
      purpose,
      tokenHash: await sha256Hex(token),
      newEmail,
      createdAt,
      expiresAt: createdAt + LIFETIME_MS[purpose],
    })
    .run();
  return token;
};

/**
 * Marks the token used and returns its user, or null when it is unknown, expired or already used;
 * one caller wins even when two race.
 */
export const tryConsumeToken = async (
  db: Db,
  token: string,
  purpose: TokenPurpose,
): Promise<string | null> => {
  const at = now();
  const row = await db
    .update(emailTokens)
    .set({ usedAt: at })
    .where(
      and(
        eq(emailTokens.tokenHash, await sha256Hex(token)),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, at),
      ),
    )
    .returning({ userId: emailTokens.userId })
    .get();
  return row?.userId ?? null;
};

export const consumeToken = async (db: Db, token: string, purpose: TokenPurpose): Promise<string> => {
  const userId = await tryConsumeToken(db, token, purpose);
  if (!userId) throw invalidToken();
  return userId;
};

/** The user a token was issued to, whether or not it is still usable. */
export const tokenOwner = async (db: Db, token: string, purpose: TokenPurpose): Promise<string | null> => {
  const row = await db
    .select({ userId: emailTokens.userId })
    .from(emailTokens)
    .where(and(eq(emailTokens.tokenHash, await sha256Hex(token)), eq(emailTokens.purpose, purpose)))
    .get();
  return row?.userId ?? null;
};

/**
 * Spends every outstanding token of this purpose of the user, as a query for the caller's batch: once
 * the password is reset or changed, or the email confirmed, older links must not work any more.
 */
export const spendTokens = (db: Db, userId: string, purpose: TokenPurpose, at = now()) =>
  db
    .update(emailTokens)
    .set({ usedAt: at })
    .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt)));
