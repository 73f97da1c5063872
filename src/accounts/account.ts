// Account logic shared by every front door: signup, login, logout, email verification, passwords.
// Plain functions over (db, env, request meta); the routes only parse and shape.
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { sessions, users } from "../db/schema";
import type { Env } from "../env";
import { AppError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { iso, now } from "../lib/time";
import { acceptanceStatements, POLICY_VERSION } from "../privacy/policy";
import { sendEmail } from "./email";
import { endStreams } from "./end-streams";
import {
  knownDeviceOf,
  limitByIp,
  limitLoginAttempt,
  limitPasswordRecheck,
  mayEmailReset,
} from "./login-limits";
import { assertAcceptablePassword, hashPassword, verifyPassword } from "./passwords";
import { limitByEmail, limitByIpAndEmail } from "./rate-limit";
import type { RequestMeta } from "./request-meta";
import { securityEvent } from "./security-log";
import { createSession, revokeAllSessions, revokeSession } from "./sessions";
import { consumeToken, invalidToken, issueToken, spendTokens, tokenOwner, tryConsumeToken } from "./tokens";
import { checkSecondFactor, isTotpEnabled } from "./totp";

export type AccountContext = { db: Db; env: Env; meta: RequestMeta; requestId?: string };

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

const publicUser = (row: {
  id: string;
  email: string;
  emailVerifiedAt: number | null;
  createdAt: number;
}) => ({
  id: row.id,
  email: row.email,
  emailVerified: row.emailVerifiedAt != null,
  createdAt: iso(row.createdAt),
});

export type PublicUser = ReturnType<typeof publicUser>;

const link = (env: Env, hashRoute: string, token: string) =>
  `${env.PUBLIC_URL.replace(/\/+$/, "")}/#/${hashRoute}?token=${token}`;

const sendVerificationEmail = async (ctx: AccountContext, user: { id: string; email: string }) => {
  const token = await issueToken(ctx.db, user.id, "verify_email");
  const brand = ctx.env.BRAND_NAME;
  await sendEmail(
    ctx.env,
    ctx.db,
    {
      to: user.email,
      subject: `Confirm your email for ${brand}`,
      body: `Welcome to ${brand}.\n\nConfirm this email address by opening:\n${link(ctx.env, "verify-email", token)}\n\nThe link works once and expires in 48 hours. If you did not sign up, ignore this message.`,
    },
    ctx.requestId,
  );
};

export const signup = async (ctx: AccountContext, input: { email: string; password: string }) => {
  const email = normaliseEmail(input.email);
  await limitByIpAndEmail(ctx.env, ctx.meta.ip, email);
  assertAcceptablePassword(input.password);
  const t = now();
  const created = await ctx.db
    .insert(users)
    .values({
      id: newId("usr"),
      email,
      passwordHash: await hashPassword(input.password, ctx.env.PASSWORD_PEPPER),
      acceptedPolicyVersion: POLICY_VERSION,
      acceptedPolicyAt: t,
      // Signup requires confirmAdult: true, so the attestation is stored with its time.
      adultAttestedAt: t,
      currency: ctx.env.CURRENCY,
      createdAt: t,
    })
    .onConflictDoNothing({ target: users.email })
    .returning()
    .get();
  if (!created) throw new AppError(409, "EMAIL_TAKEN", "An account with this email already exists.");
  await ctx.db.batch([
    securityEvent(ctx.db, created.id, "signup", ctx.meta),
    ...acceptanceStatements(ctx.db, created.id, t),
  ]);
  const session = await createSession(ctx.db, ctx.env, created.id, ctx.meta);
  await sendVerificationEmail(ctx, created);
  return { user: publicUser(created), session };
};

const invalidCredentials = () =>
  new AppError(401, "INVALID_CREDENTIALS", "The email or password is not right.");

export const login = async (
  ctx: AccountContext,
  input: { email: string; password: string; totpCode?: string; recoveryCode?: string },
  deviceToken?: string,
) => {
  const email = normaliseEmail(input.email);
  const user = await ctx.db
    .select()
    .from(users)
    .where(and(eq(users.email, email), isNull(users.deletedAt)))
    .get();
  const knownDevice = user ? await knownDeviceOf(ctx.env, deviceToken, user.id) : null;
  await limitLoginAttempt(ctx.env, ctx.meta.ip, email, knownDevice);
  // An unknown email is checked against a decoy hash so both failures take the same time.
  const { ok, rehash } = await verifyPassword(
    input.password,
    user?.passwordHash ?? null,
    ctx.env.PASSWORD_PEPPER,
  );
  if (!user || !ok) {
    await securityEvent(ctx.db, user?.id ?? null, "login_failed", ctx.meta).run();
    throw invalidCredentials();
  }
  if (rehash) {
    const passwordHash = await hashPassword(input.password, ctx.env.PASSWORD_PEPPER);
    await ctx.db.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
  }
  if (await isTotpEnabled(ctx.db, user.id)) {
    try {
      const used = await checkSecondFactor(ctx.db, ctx.env, user.id, input);
      if (used === "recovery")
        await securityEvent(ctx.db, user.id, "login_ok", ctx.meta, "recovery code").run();
    } catch (err) {
      // Asking for the code is no failure; a wrong code is, and shows in the account's log.
      if (err instanceof AppError && err.code !== "TOTP_REQUIRED") {
        await securityEvent(ctx.db, user.id, "login_failed", ctx.meta, "second factor").run();
      }
      throw err;
    }
  }
  await securityEvent(ctx.db, user.id, "login_ok", ctx.meta).run();
  const session = await createSession(ctx.db, ctx.env, user.id, ctx.meta);
  return { user: publicUser(user), session };
};

export const logout = async (ctx: AccountContext, userId: string, sessionId: string) => {
  await ctx.db.batch([revokeSession(ctx.db, sessionId), securityEvent(ctx.db, userId, "logout", ctx.meta)]);
  await endStreams(ctx.env, ctx.db, { userId, kind: "session", ids: [sessionId] }, ctx.requestId);
};

/**
 * Ends one of the account's sessions, e.g. a device left signed in elsewhere. Another account's
 * session, or one already ended, is NOT_FOUND: the answer says nothing about other accounts.
 */
export const endSession = async (ctx: AccountContext, userId: string, sessionId: string) => {
  const ended = await ctx.db
    .update(sessions)
    .set({ revokedAt: now() })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  if (ended.meta.changes === 0) throw notFound("Session");
  await securityEvent(ctx.db, userId, "session_revoked", ctx.meta, sessionId);
};

export const logoutAll = async (ctx: AccountContext, userId: string) => {
  await ctx.db.batch([
    revokeAllSessions(ctx.db, userId),
    securityEvent(ctx.db, userId, "logout_all", ctx.meta),
  ]);
  await endStreams(ctx.env, ctx.db, { userId, kind: "session" }, ctx.requestId);
};

export const getUser = async (db: Db, userId: string): Promise<PublicUser> => {
  const row = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!row) throw notFound("User");
  return publicUser(row);
};

/**
 * Confirms the email of the token's owner. A link of an account confirmed since (an older email, or
 * the same link opened twice) answers like a success but changes and logs nothing.
 */
export const verifyEmail = async (ctx: AccountContext, token: string) => {
  const userId = await tryConsumeToken(ctx.db, token, "verify_email");
  if (!userId) {
    const owner = await tokenOwner(ctx.db, token, "verify_email");
    const user = owner ? await getUser(ctx.db, owner) : null;
    if (user?.emailVerified) return user;
    throw invalidToken();
  }
  const at = now();
  // Conditional, so two links used at once log one confirmation.
  const confirmed = await ctx.db
    .update(users)
    .set({ emailVerifiedAt: at })
    .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)))
    .returning({ id: users.id })
    .get();
  if (confirmed) {
    await ctx.db.batch([
      spendTokens(ctx.db, userId, "verify_email", at),
      securityEvent(ctx.db, userId, "email_verified", ctx.meta),
    ]);
  }
  return getUser(ctx.db, userId);
};

export const resendVerification = async (ctx: AccountContext, user: { id: string; email: string }) => {
  const current = await getUser(ctx.db, user.id);
  if (current.emailVerified) {
    throw new AppError(409, "EMAIL_ALREADY_VERIFIED", "This email address is already confirmed.");
  }
  await limitByEmail(ctx.env, current.email);
  await sendVerificationEmail(ctx, current);
};

/** Sends a reset link when the account exists; the caller answers the same either way. */
export const requestPasswordReset = async (ctx: AccountContext, rawEmail: string) => {
  const email = normaliseEmail(rawEmail);
  // Per IP only: a per-email refusal would let anyone block the owner's reset.
  await limitByIp(ctx.env, ctx.meta.ip);
  const user = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, email), isNull(users.deletedAt)))
    .get();
  // The links already sent stay valid for an hour, so the owner of a flooded inbox can still reset.
  if (!user || !(await mayEmailReset(ctx.db, user.id))) return;
  await securityEvent(ctx.db, user.id, "password_reset_requested", ctx.meta).run();
  const token = await issueToken(ctx.db, user.id, "reset_password");
  await sendEmail(
    ctx.env,
    ctx.db,
    {
      to: email,
      subject: `Reset your ${ctx.env.BRAND_NAME} password`,
      body: `Someone asked to reset the password of this account. To choose a new password, open:\n${link(ctx.env, "reset-password", token)}\n\nThe link works once and expires in one hour. If it was not you, ignore this message: your password stays as it is.`,
    },
    ctx.requestId,
  );
};

/** Sets a new password from a reset link and signs the account out everywhere. */
export const resetPassword = async (ctx: AccountContext, input: { token: string; password: string }) => {
  // Checked before the token is spent, so a refused password does not burn the link.
  assertAcceptablePassword(input.password);
  const userId = await consumeToken(ctx.db, input.token, "reset_password");
  const passwordHash = await hashPassword(input.password, ctx.env.PASSWORD_PEPPER);
  await ctx.db.batch([
    ctx.db.update(users).set({ passwordHash }).where(eq(users.id, userId)),
    revokeAllSessions(ctx.db, userId),
    spendTokens(ctx.db, userId, "reset_password"),
    securityEvent(ctx.db, userId, "password_reset", ctx.meta),
  ]);
  await endStreams(ctx.env, ctx.db, { userId, kind: "session" }, ctx.requestId);
  return { userId };
};

export type PasswordCheckFailure = "password_check_failed" | "password_change_failed";

/**
 * Confirms that the signed-in person knows the account's password before a sensitive change, under
 * the same per-email limit as sign-in; a wrong password is logged as `failure` and refused.
 */
export const checkPasswordAttempt = async (
  env: Env,
  db: Db,
  user: { id: string; email: string },
  password: string,
  meta: RequestMeta,
  failure: PasswordCheckFailure = "password_check_failed",
): Promise<void> => {
  await limitPasswordRecheck(env, user.id);
  const row = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, user.id), isNull(users.deletedAt)))
    .get();
  if (!row) throw notFound("User");
  const { ok } = await verifyPassword(password, row.passwordHash, env.PASSWORD_PEPPER);
  if (!ok) {
    await securityEvent(db, user.id, failure, meta).run();
    throw new AppError(403, "WRONG_PASSWORD", "The password is not right.");
  }
};

/**
 * Changes the password and revokes every session, then opens a fresh one for the person who made the
 * change, so a stolen cookie dies while the current tab stays signed in.
 */
export const changePassword = async (
  ctx: AccountContext,
  user: { id: string; email: string },
  input: { currentPassword: string; newPassword: string },
) => {
  await checkPasswordAttempt(
    ctx.env,
    ctx.db,
    user,
    input.currentPassword,
    ctx.meta,
    "password_change_failed",
  );
  // Otherwise it would sign every other session out for nothing.
  if (input.newPassword === input.currentPassword) {
    throw new AppError(400, "SAME_PASSWORD", "The new password is the same as the current one.", [
      { path: "newPassword", message: "Choose a password different from the current one." },
    ]);
  }
  assertAcceptablePassword(input.newPassword, "newPassword");
  const passwordHash = await hashPassword(input.newPassword, ctx.env.PASSWORD_PEPPER);
  await ctx.db.batch([
    ctx.db.update(users).set({ passwordHash }).where(eq(users.id, user.id)),
    revokeAllSessions(ctx.db, user.id),
    spendTokens(ctx.db, user.id, "reset_password"),
    securityEvent(ctx.db, user.id, "password_changed", ctx.meta),
  ]);
  // Before the fresh session exists, so every stream opened with an old one ends.
  await endStreams(ctx.env, ctx.db, { userId: user.id, kind: "session" }, ctx.requestId);
  return createSession(ctx.db, ctx.env, user.id, ctx.meta);
};
