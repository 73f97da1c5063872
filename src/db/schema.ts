// The one description of D1. Every table the service keeps; migrations are generated from this file
// with `npm run db:generate`. Times are UTC milliseconds; money is integer minor units.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// ── accounts ────────────────────────────────────────────────────────────────────────────────────

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(), // usr_…
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(), // algorithm$iterations$salt$hash
    emailVerifiedAt: integer("email_verified_at"),
    acceptedPolicyVersion: text("accepted_policy_version").notNull(),
    acceptedPolicyAt: integer("accepted_policy_at").notNull(),
    // Balances move only in the same batch as the ledger entry that explains them.
    available: integer("available").notNull().default(0),
    held: integer("held").notNull().default(0),
    currency: text("currency").notNull().default("USD"),
    frozenAt: integer("frozen_at"), // set by an open dispute: no new orders
    frozenReason: text("frozen_reason"),
    createdAt: integer("created_at").notNull(),
    deletedAt: integer("deleted_at"), // erased at the customer's request; the row stays for the ledger
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    check("users_available_non_negative", sql`${t.available} >= 0`),
    check("users_held_non_negative", sql`${t.held} >= 0`),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(), // ses_…
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(), // key_…
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(), // first characters, to recognise a key in the list
    keyHash: text("key_hash").notNull(), // SHA-256 hex of the whole key; the key itself is never stored
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    requestCount: integer("request_count").notNull().default(0),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash), index("api_keys_user").on(t.userId)],
);

// Single-use tokens for email verification and password reset, stored hashed.
export const emailTokens = sqliteTable(
  "email_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify_email", "reset_password"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [uniqueIndex("email_tokens_hash_unique").on(t.tokenHash)],
);

// Local email adapter writes here (and to the log); production sends over HTTP and records it too.
export const emailOutbox = sqliteTable("email_outbox", {
  id: text("id").primaryKey(),
  to: text("to_address").notNull(),
  subject: text("subject").notNull(),
  body: text("body").notNull(),
  createdAt: integer("created_at").notNull(),
  sentAt: integer("sent_at"),
});

export const securityEvents = sqliteTable(
  "security_events",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(), // signup, login_ok, login_failed, logout, password_changed, …
    detail: text("detail"), // what the event was about, e.g. which API key
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("security_events_user").on(t.userId, t.createdAt)],
);

// ── billing ─────────────────────────────────────────────────────────────────────────────────────

// Append-only. amount is signed from the customer's point of view of `available`
// (top_up +, hold −, void +, refund/chargeback −, post 0 since the hold already took it).
export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    id: text("id").primaryKey(), // txn_…
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", {
      enum: ["top_up", "hold", "post", "void", "refund", "chargeback", "adjustment"],
    }).notNull(),
    amount: integer("amount").notNull(), // change of `available`
    heldDelta: integer("held_delta").notNull().default(0), // change of `held`
    currency: text("currency").notNull(),
    reference: text("reference").notNull(), // checkout session, activation, hold, operator action
    idempotencyKey: text("idempotency_key").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("ledger_idempotency_unique").on(t.idempotencyKey),
    index("ledger_user_created").on(t.userId, t.createdAt),
  ],
);

// Two-phase holds (pending transfers). A hold resolves exactly once: pending → posted | voided.
export const holds = sqliteTable(
  "holds",
  {
    id: text("id").primaryKey(), // hld_…
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    reference: text("reference").notNull(), // what the hold pays for, e.g. act_…
    status: text("status", { enum: ["pending", "posted", "voided"] }).notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [
    uniqueIndex("holds_reference_unique").on(t.reference),
    index("holds_status_expires").on(t.status, t.expiresAt),
    check("holds_amount_positive", sql`${t.amount} > 0`),
  ],
);

// One row per Stripe Checkout Session we created; credited at most once.
export const topUps = sqliteTable(
  "top_ups",
  {
    id: text("id").primaryKey(), // Checkout Session id (cs_…) or demo_…
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: ["open", "credited", "expired"] }).notNull(),
    paymentIntentId: text("payment_intent_id"),
    refundedAmount: integer("refunded_amount").notNull().default(0), // Stripe's cumulative amount_refunded
    disputedAmount: integer("disputed_amount").notNull().default(0), // what the dispute really took
    // A charge has at most one dispute; its state makes created/closed events safe in any order.
    disputeStatus: text("dispute_status", { enum: ["open", "won", "lost"] }),
    createdAt: integer("created_at").notNull(),
    creditedAt: integer("credited_at"),
  },
  (t) => [index("top_ups_user").on(t.userId), index("top_ups_payment_intent").on(t.paymentIntentId)],
);

// Every Stripe event id we have processed: deliveries are at-least-once.
export const stripeEvents = sqliteTable("stripe_events", {
  id: text("id").primaryKey(), // evt_…
  type: text("type").notNull(),
  receivedAt: integer("received_at").notNull(),
});

// ── catalog ─────────────────────────────────────────────────────────────────────────────────────

export const services = sqliteTable("services", {
  code: text("code").primaryKey(), // tg, wa, go, …
  name: text("name").notNull(),
});

export const countries = sqliteTable(
  "countries",
  {
    id: integer("id").primaryKey(), // sms-activate's numeric country id
    iso: text("iso").notNull(), // ISO 3166-1 alpha-2
    name: text("name").notNull(),
    nameRu: text("name_ru"),
    nameZh: text("name_zh"),
  },
  (t) => [uniqueIndex("countries_iso_unique").on(t.iso)],
);

// Sell price per service × country; cost and stock come from the provider.
export const prices = sqliteTable(
  "prices",
  {
    service: text("service")
      .notNull()
      .references(() => services.code),
    country: integer("country")
      .notNull()
      .references(() => countries.id),
    provider: text("provider").notNull(),
    cost: integer("cost").notNull(), // what the provider charges us, minor units
    price: integer("price").notNull(), // what we charge, minor units
    currency: text("currency").notNull(),
    stock: integer("stock").notNull().default(0),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.service, t.country] })],
);

// ── activations ─────────────────────────────────────────────────────────────────────────────────

export const activations = sqliteTable(
  "activations",
  {
    id: text("id").primaryKey(), // act_…
    // The handler_api.php protocol speaks numeric ids; this is that number, never a URL id of ours.
    numericId: integer("numeric_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    service: text("service").notNull(),
    country: integer("country").notNull(),
    phone: text("phone").notNull(), // E.164 with +
    provider: text("provider").notNull(),
    providerRef: text("provider_ref").notNull(), // the provider's activation id
    price: integer("price").notNull(),
    currency: text("currency").notNull(),
    holdId: text("hold_id").notNull(),
    status: text("status", {
      enum: ["waiting", "received", "waiting_retry", "finished", "cancelled", "expired"],
    }).notNull(),
    code: text("code"), // latest code
    lastSeq: integer("last_seq").notNull().default(0),
    idempotencyKey: text("idempotency_key"),
    requestFingerprint: text("request_fingerprint"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    endedAt: integer("ended_at"),
  },
  (t) => [
    uniqueIndex("activations_numeric_unique").on(t.numericId),
    uniqueIndex("activations_idempotency_unique").on(t.userId, t.idempotencyKey),
    uniqueIndex("activations_provider_ref_unique").on(t.provider, t.providerRef),
    index("activations_user_created").on(t.userId, t.createdAt),
    index("activations_status_expires").on(t.status, t.expiresAt),
  ],
);

export const smsMessages = sqliteTable(
  "sms_messages",
  {
    id: text("id").primaryKey(), // sms_…
    activationId: text("activation_id")
      .notNull()
      .references(() => activations.id),
    providerMessageId: text("provider_message_id").notNull(),
    text: text("text"), // null once purged by retention
    code: text("code"),
    charged: integer("charged", { mode: "boolean" }).notNull().default(false),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    uniqueIndex("sms_provider_message_unique").on(t.activationId, t.providerMessageId),
    index("sms_received").on(t.receivedAt),
  ],
);

// Every state change a customer would care about, numbered per activation.
export const activationEvents = sqliteTable(
  "activation_events",
  {
    activationId: text("activation_id")
      .notNull()
      .references(() => activations.id),
    seq: integer("seq").notNull(),
    type: text("type").notNull(), // created, sms, status
    data: text("data", { mode: "json" }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.activationId, t.seq] })],
);

// An Idempotency-Key whose order is being placed right now. Concurrent identical orders wait for the
// first one instead of placing a second hold; the row goes once the order has its activation or failed.
export const orderClaims = sqliteTable(
  "order_claims",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    idempotencyKey: text("idempotency_key").notNull(),
    fingerprint: text("fingerprint").notNull(), // the order's parameters, to refuse a reused key
    activationId: text("activation_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.idempotencyKey] })],
);

// ── two-factor sign-in (TOTP and its recovery codes) ────────────────────────────────────────────

// One authenticator per account; `confirmed_at` is null while the set-up waits for a first code.
export const totpFactors = sqliteTable("totp_factors", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secret: text("secret").notNull(), // AES-GCM sealed with a key derived from PASSWORD_PEPPER
  confirmedAt: integer("confirmed_at"),
  lastStep: integer("last_step").notNull().default(0), // the newest 30-second step accepted: no replays
  createdAt: integer("created_at").notNull(),
});

export const recoveryCodes = sqliteTable(
  "recovery_codes",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(), // SHA-256 of the code
    usedAt: integer("used_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

// ── favourites (the dashboard's starred services and countries, per account) ────────────────────

// One row per starred thing: kind "service" (code in `ref`) or "country" (numeric id as text).
export const favourites = sqliteTable(
  "favourites",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    ref: text("ref").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.kind, t.ref] }),
    check("favourites_kind_check", sql`${t.kind} IN ('service', 'country')`),
  ],
);

// ── simulator (the fake upstream provider; its own state, as a remote provider would keep it) ──────

// Numbers the fake upstream owns; a number is lent to at most one rental at a time.
export const simNumbers = sqliteTable(
  "sim_numbers",
  {
    phone: text("phone").primaryKey(), // E.164 with +
    country: integer("country").notNull(),
    rentedBy: text("rented_by"), // sim_rentals.ref while lent
    mode: text("mode"), // a failure mode for this number only; null follows the global mode
  },
  (t) => [
    index("sim_numbers_country").on(t.country, t.rentedBy),
    uniqueIndex("sim_numbers_rented").on(t.rentedBy),
  ],
);

// Cost and stock per service × country, as the upstream sells them.
export const simOffers = sqliteTable(
  "sim_offers",
  {
    service: text("service").notNull(),
    country: integer("country").notNull(),
    cost: integer("cost").notNull(), // minor units
    stock: integer("stock").notNull(),
  },
  (t) => [primaryKey({ columns: [t.service, t.country] }), check("sim_offers_stock", sql`${t.stock} >= 0`)],
);

export const simRentals = sqliteTable("sim_rentals", {
  ref: text("ref").primaryKey(), // the upstream's activation id, what we store as providerRef
  phone: text("phone").notNull(),
  service: text("service").notNull(),
  country: integer("country").notNull(),
  cost: integer("cost").notNull(),
  customerRef: text("customer_ref"), // the caller's own id for the order, for the upstream's logs
  status: text("status", { enum: ["active", "finished", "cancelled"] }).notNull(),
  createdAt: integer("created_at").notNull(),
  endedAt: integer("ended_at"),
});

// Every SMS the upstream received for a rental and what became of its webhook.
export const simMessages = sqliteTable(
  "sim_messages",
  {
    id: text("id").primaryKey(), // the messageId sent in the webhook
    rentalRef: text("rental_ref").notNull(),
    phone: text("phone").notNull(),
    text: text("text").notNull(),
    status: text("status", { enum: ["pending", "delivered", "dropped", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    receivedAt: integer("received_at").notNull(),
    dueAt: integer("due_at").notNull(), // when the upstream sends the webhook (late_sms delays it)
    deliveredAt: integer("delivered_at"),
  },
  (t) => [index("sim_messages_due").on(t.status, t.dueAt)],
);

export const simSettings = sqliteTable("sim_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

// ── operators ───────────────────────────────────────────────────────────────────────────────────

// Append-only (a trigger refuses updates and deletes): every change an operator made, and why.
export const operatorAudit = sqliteTable(
  "operator_audit",
  {
    id: text("id").primaryKey(), // aud_…
    at: integer("at").notNull(),
    operator: text("operator").notNull(), // who: "admin-token" or the Access identity's email
    action: text("action").notNull(), // what: "user.credit", "price.set", …
    target: text("target").notNull(), // on what: a user id, an activation id, "tg/16", …
    before: text("before"), // JSON of the state before, when there was one
    after: text("after"), // JSON of the state after
    reason: text("reason"),
    requestId: text("request_id"),
  },
  (t) => [index("operator_audit_at").on(t.at)],
);
