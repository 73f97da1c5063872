// Correcting the email address (the right to rectification, self-service): the password is checked,
// a link goes to the new address and a notice to the old one; the change takes effect only when the
// link is opened, so a typo or a stolen session cannot move the account to an address nobody confirmed.
import { and, eq, gt, isNull } from "drizzle-orm";
import { checkPasswordAttempt, normaliseEmail } from "../accounts/account";
import { sendEmail } from "../accounts/email";
import type { RequestMeta } from "../accounts/request-meta";
import { securityEvent } from "../accounts/security-log";
import { invalidToken, issueToken, spendTokens } from "../accounts/tokens";
import type { Db } from "../db/client";
import { emailTokens, users } from "../db/schema";
import type { Env } from "../env";
import { sha256Hex } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { now } from "../lib/time";

const taken = () => new AppError(409, "EMAIL_TAKEN", "An account with this email already exists.");

const emailInUse = async (db: Db, email: string) =>
  (await db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) !== undefined;

export const requestEmailChange = async (
  env: Env,
  db: Db,
  user: { id: string; email: string },
  input: { password: string; newEmail: string },
  meta: RequestMeta,
  requestId?: string,
) => {
  await checkPasswordAttempt(env, db, user, input.password, meta);
  const newEmail = normaliseEmail(input.newEmail);
  if (newEmail === user.email) {
    throw new AppError(400, "SAME_EMAIL", "This is already your email address.", [
      { path: "newEmail", message: "Enter a different address." },
    ]);
  }
  if (await emailInUse(db, newEmail)) throw taken();
  const token = await issueToken(db, user.id, "change_email", newEmail);
  await securityEvent(db, user.id, "email_change_requested", meta, newEmail).run();
  const base = env.PUBLIC_URL.replace(/\/+$/, "");
  await sendEmail(
    env,
    db,
    {
      to: newEmail,
      subject: `Confirm your new email for ${env.BRAND_NAME}`,
      body: `To make this the email address of your ${env.BRAND_NAME} account, open:\n${base}/#/confirm-email-change?token=${token}\n\nThe link works once and expires in 24 hours. If you did not ask for this, ignore this message.`,
    },
    requestId,
  );
  await sendEmail(
    env,
    db,
    {
      to: user.email,
      subject: `Your ${env.BRAND_NAME} email address is being changed`,
      body: `Someone signed in to your account asked to change its email address to ${newEmail}. Nothing changes until the link sent there is opened. If it was not you, change your password and log out everywhere in Settings.`,
    },
    requestId,
  );
};

/** Opening the link: the new address replaces the old one (and counts as verified), once. */
export const confirmEmailChange = async (db: Db, token: string, meta: RequestMeta) => {
  const at = now();
  const row = await db
    .update(emailTokens)
    .set({ usedAt: at })
    .where(
      and(
        eq(emailTokens.tokenHash, await sha256Hex(token)),
        eq(emailTokens.purpose, "change_email"),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, at),
      ),
    )
    .returning({ userId: emailTokens.userId, newEmail: emailTokens.newEmail })
    .get();
  if (!row?.newEmail) throw invalidToken();
  try {
    await db.batch([
      db
        .update(users)
        .set({ email: row.newEmail, emailVerifiedAt: at })
        .where(and(eq(users.id, row.userId), isNull(users.deletedAt))),
      spendTokens(db, row.userId, "change_email", at),
      securityEvent(db, row.userId, "email_changed", meta, row.newEmail),
    ]);
  } catch (error) {
    // Someone signed up with that address meanwhile (the unique index decides).
    if (String(error).includes("users.email")) throw taken();
    throw error;
  }
  return { email: row.newEmail };
};
