// "Export my data": everything the service keeps about one customer, as one JSON document.
import { desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import {
  activations,
  apiKeys,
  ledgerEntries,
  securityEvents,
  sessions,
  smsMessages,
  topUps,
  users,
  webhookEndpoints,
} from "../db/schema";
import { notFound } from "../lib/errors";
import { iso, isoOrNull } from "../lib/time";

export const exportUserData = async (db: Db, userId: string, brandName: string) => {
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw notFound("Account");

  const [keyRows, sessionRows, securityRows, ledgerRows, topUpRows, activationRows, endpointRows] =
    await db.batch([
      db.select().from(apiKeys).where(eq(apiKeys.userId, userId)),
      db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(desc(sessions.createdAt)),
      db
        .select()
        .from(securityEvents)
        .where(eq(securityEvents.userId, userId))
        .orderBy(desc(securityEvents.createdAt)),
      db
        .select()
        .from(ledgerEntries)
        .where(eq(ledgerEntries.userId, userId))
        .orderBy(desc(ledgerEntries.createdAt)),
      db.select().from(topUps).where(eq(topUps.userId, userId)).orderBy(desc(topUps.createdAt)),
      db
        .select()
        .from(activations)
        .where(eq(activations.userId, userId))
        .orderBy(desc(activations.createdAt)),
      db.select().from(webhookEndpoints).where(eq(webhookEndpoints.userId, userId)),
    ]);
  const smsRows = activationRows.length
    ? await db
        .select()
        .from(smsMessages)
        .where(
          inArray(
            smsMessages.activationId,
            activationRows.map((a) => a.id),
          ),
        )
    : [];

  return {
    exportedAt: iso(Date.now()),
    service: brandName,
    account: {
      id: user.id,
      email: user.email,
      emailVerifiedAt: isoOrNull(user.emailVerifiedAt),
      acceptedPolicyVersion: user.acceptedPolicyVersion,
      acceptedPolicyAt: iso(user.acceptedPolicyAt),
      createdAt: iso(user.createdAt),
      balance: { available: user.available, held: user.held, currency: user.currency },
      frozen: user.frozenAt != null,
    },
    // Key material is never stored, so only what identifies each key is exported.
    apiKeys: keyRows.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      createdAt: iso(k.createdAt),
      lastUsedAt: isoOrNull(k.lastUsedAt),
      revokedAt: isoOrNull(k.revokedAt),
      requestCount: k.requestCount,
      scopes: k.scopes === null ? null : (JSON.parse(k.scopes) as string[]),
      dailySpendLimit: k.dailySpendLimit,
      ipAllowlist: k.ipAllowlist === null ? null : (JSON.parse(k.ipAllowlist) as string[]),
      smsWebhookUrl: k.smsWebhookUrl,
    })),
    // Where the customer asked us to send webhooks (signing secrets are not exported: they are ours
    // to sign with, and shown once to the customer when made). Deliveries repeat the activations below.
    webhookEndpoints: endpointRows.map((e) => ({
      id: e.id,
      url: e.url,
      events: JSON.parse(e.events) as string[],
      enabled: e.enabled,
      apiKeyId: e.keyId,
      createdAt: iso(e.createdAt),
      deletedAt: isoOrNull(e.deletedAt),
    })),
    sessions: sessionRows.map((s) => ({
      id: s.id,
      createdAt: iso(s.createdAt),
      expiresAt: iso(s.expiresAt),
      revokedAt: isoOrNull(s.revokedAt),
      ip: s.ip,
      userAgent: s.userAgent,
    })),
    securityLog: securityRows.map((e) => ({
      kind: e.kind,
      detail: e.detail,
      ip: e.ip,
      userAgent: e.userAgent,
      createdAt: iso(e.createdAt),
    })),
    transactions: ledgerRows.map((t) => ({
      id: t.id,
      kind: t.kind,
      amount: t.amount,
      currency: t.currency,
      reference: t.reference,
      createdAt: iso(t.createdAt),
    })),
    topUps: topUpRows.map((t) => ({
      id: t.id,
      amount: t.amount,
      currency: t.currency,
      status: t.status,
      refundedAmount: t.refundedAmount,
      createdAt: iso(t.createdAt),
    })),
    activations: activationRows.map((a) => ({
      id: a.id,
      service: a.service,
      country: a.country,
      phone: a.phone,
      price: a.price,
      currency: a.currency,
      status: a.status,
      createdAt: iso(a.createdAt),
      expiresAt: iso(a.expiresAt),
      sms: smsRows
        .filter((m) => m.activationId === a.id)
        .map((m) => ({ code: m.code, text: m.text, receivedAt: iso(m.receivedAt) })),
    })),
  };
};
