// The one description of D1. Every table the service keeps; migrations are generated from this file
// with `npm run db:generate`. Times are UTC milliseconds; money is integer minor units.
import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

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
    adultAttestedAt: integer("adult_attested_at"), // when the customer confirmed being 18 or over
    restrictedAt: integer("restricted_at"), // processing restricted by the customer: no orders or top-ups
    // Test mode (migration 0016): set on a customer's linked test account, naming the real account.
    // Its balance is play money; sk_test_ keys belong to it and its orders go to the test provider.
    testOf: text("test_of").references((): AnySQLiteColumn => users.id),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    uniqueIndex("users_test_of_unique").on(t.testOf),
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
    // What the key may do (migration 0012b); null: everything, as keys made before could.
    scopes: text("scopes"), // JSON array of "read" | "orders" | "billing"
    dailySpendLimit: integer("daily_spend_limit"), // minor units per UTC day, null: no cap
    ipAllowlist: text("ip_allowlist"), // JSON array of IPs or IPv4 CIDRs, null: any address
    smsWebhookUrl: text("sms_webhook_url"), // sms-activate-style SMS webhook of orders made with this key
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash), index("api_keys_user").on(t.userId)],
);

// Which key placed each order, on which UTC day: a capped key's spend is the sum of these whose hold
// was not voided; the key's SMS webhook finds its orders here.
export const keyOrders = sqliteTable(
  "key_orders",
  {
    activationId: text("activation_id").primaryKey(), // the order's act_… id, also its hold's reference
    keyId: text("key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    day: text("day").notNull(), // YYYY-MM-DD, UTC
    amount: integer("amount").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("key_orders_key_day").on(t.keyId, t.day)],
);

// Single-use tokens for email verification and password reset, stored hashed.
export const emailTokens = sqliteTable(
  "email_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify_email", "reset_password", "change_email"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    newEmail: text("new_email"), // change_email: the address that takes effect once the link is opened
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

// ── privacy (policy acceptances, support and privacy requests, erasure jobs) ─────────────────────

// Every acceptance of a policy document's version, with its time: the record the policy promises.
export const policyAcceptances = sqliteTable(
  "policy_acceptances",
  {
    id: text("id").primaryKey(), // pac_…
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    document: text("document", { enum: ["privacy", "terms"] }).notNull(),
    version: text("version").notNull(),
    acceptedAt: integer("accepted_at").notNull(),
  },
  (t) => [index("policy_acceptances_user").on(t.userId, t.acceptedAt)],
);

// A support ticket or a privacy request. A request sent by email without a session has no user until
// its confirmation link is opened (status unverified until then).
export const supportTickets = sqliteTable(
  "support_tickets",
  {
    id: text("id").primaryKey(), // tkt_…
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(), // where answers go
    kind: text("kind", { enum: ["support", "privacy"] }).notNull(),
    // access, correction, deletion, restriction, objection, portability, information, complaint
    privacyType: text("privacy_type"),
    subject: text("subject").notNull(),
    activationId: text("activation_id"),
    status: text("status", { enum: ["unverified", "open", "answered", "closed"] }).notNull(),
    verifiedBy: text("verified_by", { enum: ["session", "email_link"] }),
    confirmTokenHash: text("confirm_token_hash"), // SHA-256 of the link that verifies an emailed request
    createdAt: integer("created_at").notNull(),
    dueAt: integer("due_at").notNull(), // the promised answer time, in business hours
    answeredAt: integer("answered_at"),
    closedAt: integer("closed_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("support_tickets_user").on(t.userId, t.createdAt),
    index("support_tickets_status_due").on(t.status, t.dueAt),
  ],
);

export const supportMessages = sqliteTable(
  "support_messages",
  {
    id: text("id").primaryKey(), // tms_…
    ticketId: text("ticket_id")
      .notNull()
      .references(() => supportTickets.id, { onDelete: "cascade" }),
    author: text("author", { enum: ["customer", "operator"] }).notNull(),
    operator: text("operator"), // which operator answered
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("support_messages_ticket").on(t.ticketId, t.createdAt)],
);

// An erasure that has not finished: D1 is done first, then every room; the cron retries the rooms.
export const erasureJobs = sqliteTable("erasure_jobs", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id),
  requestedAt: integer("requested_at").notNull(),
  roomsPending: text("rooms_pending", { mode: "json" }).$type<string[]>().notNull(), // activation ids
  attempts: integer("attempts").notNull().default(0),
  finishedAt: integer("finished_at"),
});

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

// ── account freezes (issue 15) ──────────────────────────────────────────────────────────────────

// Every reason an account is frozen, one row each: a dispute, a refund or chargeback the balance could
// not cover. `users.frozen_at` is set while any row is unlifted, so lifting one reason keeps the others.
export const accountFreezes = sqliteTable(
  "account_freezes",
  {
    id: text("id").primaryKey(), // frz_…
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: ["dispute", "shortfall", "operator"] }).notNull(),
    reference: text("reference").notNull(), // the dispute (dp_…) or the debit's idempotency key
    detail: text("detail").notNull(), // shown to the customer
    createdAt: integer("created_at").notNull(),
    liftedAt: integer("lifted_at"),
  },
  (t) => [
    uniqueIndex("account_freezes_reason_unique").on(t.userId, t.reason, t.reference),
    index("account_freezes_user_lifted").on(t.userId, t.liftedAt),
  ],
);

// ── catalog ─────────────────────────────────────────────────────────────────────────────────────

export const services = sqliteTable("services", {
  code: text("code").primaryKey(), // tg, wa, go, …
  name: text("name").notNull(),
  disabledAt: integer("disabled_at"), // set by an operator: hidden from the catalog, refused by ordering
});

export const countries = sqliteTable(
  "countries",
  {
    id: integer("id").primaryKey(), // sms-activate's numeric country id
    iso: text("iso").notNull(), // ISO 3166-1 alpha-2
    name: text("name").notNull(),
    nameRu: text("name_ru"),
    nameZh: text("name_zh"),
    disabledAt: integer("disabled_at"), // set by an operator: hidden from the catalog, refused by ordering
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
    // The pricing route's success rate (0–1) at the last rebuild; null until it is measured. Kept
    // here so the public price list and the catalog read one row, not a week of activations.
    successRate: real("success_rate"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.service, t.country] })],
);

// ── upstream providers (routing, failover, operators' view) ───────────────────────────────────────

// Each configured upstream's own offer per service × country, as its last sync reported it. The
// prices row above is the best route among these; orders try them all in routing order.
export const providerOffers = sqliteTable(
  "provider_offers",
  {
    provider: text("provider").notNull(), // a PROVIDERS entry name
    service: text("service").notNull(),
    country: integer("country").notNull(),
    cost: integer("cost").notNull(), // in CURRENCY minor units, converted with the entry's rate
    stock: integer("stock").notNull().default(0),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.service, t.country] })],
);

// One row per upstream: what its last sync found, and an alert when an operator must act.
export const providerStatus = sqliteTable("provider_status", {
  name: text("name").primaryKey(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  balance: integer("balance"), // our wallet there, CURRENCY minor units; null where unknown
  lastSyncAt: integer("last_sync_at"), // last successful sync
  lastError: text("last_error"),
  alert: text("alert"), // null when all is well
  updatedAt: integer("updated_at").notNull(),
});

// An operator's switch on an upstream: a row means "disabled by an operator" (since disabled_at),
// whatever PROVIDERS says; enabling deletes it. Kept apart from provider_status, which the sync
// rewrites, so deploys, config changes and syncs never undo it.
export const providerOverrides = sqliteTable("provider_overrides", {
  name: text("name").primaryKey(), // a PROVIDERS entry name
  disabledAt: integer("disabled_at").notNull(),
});

// An operator's price for a service × country: a fixed price or a markup over the provider's cost.
// syncCatalog applies it on every run, so a sync never erases it.
export const priceOverrides = sqliteTable(
  "price_overrides",
  {
    service: text("service")
      .notNull()
      .references(() => services.code),
    country: integer("country")
      .notNull()
      .references(() => countries.id),
    price: integer("price"), // minor units; or
    markupPercent: integer("markup_percent"), // over the provider's cost, rounded up like the default
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.service, t.country] }),
    check("price_overrides_one_of", sql`(${t.price} IS NULL) <> (${t.markupPercent} IS NULL)`),
    check("price_overrides_price_positive", sql`${t.price} IS NULL OR ${t.price} > 0`),
    check(
      "price_overrides_markup_range",
      sql`${t.markupPercent} IS NULL OR (${t.markupPercent} >= 0 AND ${t.markupPercent} <= 1000)`,
    ),
  ],
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
    upstreamCost: integer("upstream_cost"), // what the upstream charges us; null before routing existed
    margin: integer("margin"), // price - upstreamCost
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
    // Success rates per route over a rolling window of ended activations.
    index("activations_route_ended").on(t.service, t.country, t.endedAt),
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

// ── order journal (issue 15) ────────────────────────────────────────────────────────────────────

// One row per order in flight, written before its hold and deleted once the room has started: what a
// crashed order left behind (a hold, a rented number, a row without a room) for the cron to resolve.
export const orderJournal = sqliteTable(
  "order_journal",
  {
    activationId: text("activation_id").primaryKey(), // the hold's reference and the row's id
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    step: text("step", { enum: ["started", "acquired"] }).notNull(),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref"),
    phone: text("phone"),
    cost: integer("cost"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("order_journal_updated").on(t.updatedAt), index("order_journal_user").on(t.userId)],
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

// ── own SIMs (android-sms-gateway and smshub-agent entries: SIM cards the operator holds) ────────

// One row per SIM card. A gateway's SIMs are registered by the operator (Android cannot tell a SIM's
// number); an agent's appear when the agent first hands one out. `rental_ref` is the one live
// activation it serves: claimed with a conditional UPDATE, so two orders never share a SIM.
export const ownSims = sqliteTable(
  "own_sims",
  {
    id: text("id").primaryKey(), // osim_…
    provider: text("provider").notNull(), // the PROVIDERS entry name
    phone: text("phone").notNull(), // E.164 with +
    country: integer("country").notNull(), // our (sms-activate) country id, from the number
    deviceId: text("device_id"), // the gateway's deviceId; null for an agent's SIM
    slot: integer("slot"), // the gateway's simNumber (1-based); null for an agent's SIM
    services: text("services"), // JSON array of the service codes it may serve; null: any
    rentalRef: text("rental_ref"), // providerRef of the live activation on it; null: free
    rentalService: text("rental_service"),
    rentedAt: integer("rented_at"),
    lastRentedAt: integer("last_rented_at"), // the least recently used free SIM is lent first
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    // A SIM is one card whatever entry names it: one phone, one row.
    uniqueIndex("own_sims_phone_unique").on(t.phone),
    uniqueIndex("own_sims_device_slot_unique").on(t.provider, t.deviceId, t.slot),
    uniqueIndex("own_sims_rental_unique").on(t.provider, t.rentalRef),
  ],
);

// The services a SIM was sold for (a code arrived and the activation was finished): not sold again
// there until SIM_SERVICE_COOLDOWN_DAYS have passed (by default never).
export const ownSimSpent = sqliteTable(
  "own_sim_spent",
  {
    simId: text("sim_id")
      .notNull()
      .references(() => ownSims.id, { onDelete: "cascade" }),
    service: text("service").notNull(),
    spentAt: integer("spent_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.simId, t.service] })],
);

// A gateway device's health: its last webhook of any kind (system:ping or an SMS).
export const ownSimDevices = sqliteTable(
  "own_sim_devices",
  {
    provider: text("provider").notNull(),
    deviceId: text("device_id").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    health: text("health"), // the status word of its last system:ping: pass, warn, fail
    silentAlertAt: integer("silent_alert_at"), // when the operator was told it went silent
  },
  (t) => [primaryKey({ columns: [t.provider, t.deviceId] })],
);

// SMS that reached an own SIM nobody rents: metadata only, never the text (docs/PRIVACY.md).
export const ownSimUnrentedSms = sqliteTable(
  "own_sim_unrented_sms",
  {
    id: text("id").primaryKey(), // the delivery's dedupe key (content + time + SIM, or the agent's smsId)
    provider: text("provider").notNull(),
    phone: text("phone"), // the SIM's number when known
    deviceId: text("device_id"),
    slot: integer("slot"),
    sender: text("sender"),
    length: integer("length").notNull(), // characters of text, which itself is dropped
    receivedAt: integer("received_at").notNull(),
    recordedAt: integer("recorded_at").notNull(),
  },
  (t) => [index("own_sim_unrented_sms_recorded").on(t.recordedAt)],
);

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

// ── customer webhooks ───────────────────────────────────────────────────────────────────────────

// An endpoint a customer registered: where to POST which events, signed with its secret(s).
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(), // whe_…
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    events: text("events").notNull(), // JSON array of event types
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    secret: text("secret").notNull(), // whsec_… (needed in clear to sign)
    previousSecret: text("previous_secret"), // still signs until previous_secret_until (rotation grace)
    previousSecretUntil: integer("previous_secret_until"),
    failingSince: integer("failing_since"), // first failed attempt since the last success
    disabledReason: text("disabled_reason"),
    // An API key's sms-activate-style SMS webhook: a hidden endpoint of that key's orders alone.
    keyId: text("key_id"),
    format: text("format", { enum: ["standard", "sms-activate"] })
      .notNull()
      .default("standard"),
    createdAt: integer("created_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("webhook_endpoints_user").on(t.userId), index("webhook_endpoints_key").on(t.keyId)],
);

// One event for one endpoint: the message the receiver sees with the same webhook-id on every attempt.
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(), // msg_…, the webhook-id header
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventKey: text("event_key").notNull(), // what happened, once: "act_…:3", "test:…", "redeliver:…"
    eventType: text("event_type").notNull(),
    payload: text("payload").notNull(), // the exact body sent (signatures cover these bytes)
    status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event").on(t.endpointId, t.eventKey),
    index("webhook_deliveries_due").on(t.endpointId, t.status, t.nextAttemptAt),
    check("webhook_deliveries_status", sql`${t.status} IN ('pending', 'succeeded', 'failed')`),
  ],
);

// Every try of a delivery: the log a customer reads to see what their server answered.
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(), // wha_…
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attemptedAt: integer("attempted_at").notNull(),
    responseStatus: integer("response_status"), // null: no answer (network error, timeout, refused target)
    latencyMs: integer("latency_ms").notNull(),
    responseSnippet: text("response_snippet"), // the first 500 characters of the answer, or the error
  },
  (t) => [index("webhook_attempts_delivery").on(t.deliveryId)],
);

// ── live watchers ───────────────────────────────────────────────────────────────────────────────

// One open long-poll or live stream of an account (src/activations/watchers.ts): the cap counts these.
export const watchLeases = sqliteTable(
  "watch_leases",
  {
    id: text("id").primaryKey(), // wch_…
    userId: text("user_id").notNull(),
    kind: text("kind", { enum: ["long_poll", "stream"] }).notNull(),
    expiresAt: integer("expires_at").notNull(), // a lease whose release was lost frees its slot then
  },
  (t) => [
    index("watch_leases_user").on(t.userId, t.expiresAt),
    check("watch_leases_kind", sql`${t.kind} IN ('long_poll', 'stream')`),
  ],
);
