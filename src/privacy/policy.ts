// The policy documents and their acceptance. Each document's version and date are read from its
// source module; a customer has accepted "the policies" when their recorded version is the newest of
// the documents' versions (both are dated, so the newest date is the version to accept).
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { policyAcceptances, users } from "../db/schema";
import { AppError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { iso, isoOrNull, now } from "../lib/time";
import { privacyPolicy } from "./documents/privacy";
import { termsOfService } from "./documents/terms";

export const DOCUMENTS = { privacy: privacyPolicy, terms: termsOfService } as const;
export type DocumentName = keyof typeof DOCUMENTS;

export const currentPolicy = (document: DocumentName) => ({
  document,
  version: DOCUMENTS[document].version,
  lastUpdated: DOCUMENTS[document].lastUpdated,
});

/** The version a customer accepts: the newest of the documents' versions. */
export const POLICY_VERSION = [privacyPolicy.version, termsOfService.version].sort().at(-1) as string;
export const POLICY_LAST_UPDATED = [privacyPolicy.lastUpdated, termsOfService.lastUpdated]
  .sort()
  .at(-1) as string;

/** The statements that record an acceptance of every document (signup, or accepting a new version). */
export const acceptanceStatements = (db: Db, userId: string, at: number) =>
  (Object.keys(DOCUMENTS) as DocumentName[]).map((document) =>
    db.insert(policyAcceptances).values({
      id: newId("pac"),
      userId,
      document,
      version: DOCUMENTS[document].version,
      acceptedAt: at,
    }),
  );

/** Accepting the current versions (after a change), with the 18+ attestation when not stored yet. */
export const acceptPolicies = async (
  db: Db,
  userId: string,
  input: { version: string; confirmAdult: boolean },
) => {
  if (input.version !== POLICY_VERSION) {
    throw new AppError(409, "POLICY_VERSION_MISMATCH", "The policies changed again; reload and read them.", {
      currentVersion: POLICY_VERSION,
    });
  }
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw notFound("Account");
  const at = now();
  await db.batch([
    db
      .update(users)
      .set({
        acceptedPolicyVersion: POLICY_VERSION,
        acceptedPolicyAt: at,
        adultAttestedAt: user.adultAttestedAt ?? (input.confirmAdult ? at : null),
      })
      .where(eq(users.id, userId)),
    ...acceptanceStatements(db, userId, at),
  ]);
  return { version: POLICY_VERSION, acceptedAt: at };
};

export const policyState = async (db: Db, userId: string) => {
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw notFound("Account");
  return {
    version: POLICY_VERSION,
    lastUpdated: POLICY_LAST_UPDATED,
    acceptedVersion: user.acceptedPolicyVersion,
    acceptedAt: iso(user.acceptedPolicyAt),
    adultAttestedAt: isoOrNull(user.adultAttestedAt),
    acceptanceRequired: user.acceptedPolicyVersion !== POLICY_VERSION,
  };
};
