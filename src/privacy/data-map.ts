// The one map of what the service keeps: every D1 table, how its rows lead to a person (or why they
// do not), what erasure does to it and how long it is kept. The export, the erasure and the retention
// schedule on /privacy and in docs/PRIVACY.md are all read from here, and a test walks the D1 schema
// and fails when a table is missing — so a new table is one entry here, nowhere else.
import { type Env, int } from "../env";

/** How a table's rows belong to one customer. */
export type Link =
  | { via: "self" } // the users row itself
  | { via: "user"; column: string } // rows carrying the user's id
  | { via: "parent"; column: string; parent: string; key: string } // rows of the user's rows elsewhere
  | { via: "email"; column: string } // rows addressed to the user's email
  | { via: "target"; column: string } // operators' audit entries about the user
  | { via: "none"; why: string };

/** What erasing an account does to the table's rows of that account. */
export type Erasure =
  | "delete" // the rows go
  | "scrub" // the rows stay, their personal content goes (SMS text and codes, the email)
  | "keep"; // kept for accounting or legal duty, tied to an id that no longer leads to a person

export type TableEntry = {
  table: string;
  holds: string;
  link: Link;
  erasure: Erasure;
  /** Columns never exported: secrets or hashes that identify nothing to the person. */
  secret?: string[];
  retention: (env: Env) => string;
};

const days = (n: number) => `${n} days`;
export const smsRetentionDays = (env: Env) => int(env.SMS_RETENTION_DAYS, 30);
export const securityLogRetentionDays = (env: Env) => int(env.SECURITY_LOG_RETENTION_DAYS, 90);
export const supportRetentionDays = (env: Env) => int(env.SUPPORT_RETENTION_DAYS, 365);
export const accountingRetentionYears = (env: Env) => int(env.ACCOUNTING_RETENTION_YEARS, 10);
const accounting = (env: Env) =>
  `${accountingRetentionYears(env)} years (accounting and disputes); after an erasure they no longer lead to a person`;

export const DATA_MAP: readonly TableEntry[] = [
  // accounts
  {
    table: "users",
    holds:
      "email, password hash, balance, policy acceptance, 18+ attestation, restriction; your test account " +
      "(test mode: a row of its own naming yours in test_of, play money only), exported and erased with you",
    link: { via: "self" },
    erasure: "scrub",
    secret: ["password_hash"],
    retention: () => "while the account exists; on erasure the email and password are replaced at once",
  },
  {
    table: "sessions",
    holds: "sign-in sessions with IP address and browser",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    retention: () => "30 days, deleted 7 days after they end",
  },
  {
    table: "api_keys",
    holds: "API key names, prefixes and usage (the keys themselves are never stored)",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    secret: ["key_hash"],
    retention: () => "until revoked or the account is erased",
  },
  {
    table: "email_tokens",
    holds: "single-use links for email confirmation and password reset (hashed)",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    secret: ["token_hash"],
    retention: () => "until used or expired (at most 48 hours), deleted 7 days later",
  },
  {
    table: "email_outbox",
    holds: "emails sent to you (only the envelope once an email provider has the text)",
    link: { via: "email", column: "to_address" },
    erasure: "delete",
    retention: () => "48 hours",
  },
  {
    table: "security_events",
    holds: "your security log: sign-ins, failures, password and key changes, with IP and browser",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    retention: (env) =>
      `${days(securityLogRetentionDays(env))} (also failed sign-ins for emails without an account)`,
  },
  // privacy and support
  {
    table: "policy_acceptances",
    holds: "which version of each policy you accepted, and when",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    retention: () => "while the account exists",
  },
  {
    table: "support_tickets",
    holds: "support tickets and privacy requests",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    secret: ["confirm_token_hash"],
    retention: (env) => `${days(supportRetentionDays(env))} after the ticket is closed`,
  },
  {
    table: "support_messages",
    holds: "the messages of each ticket, yours and ours",
    link: { via: "parent", column: "ticket_id", parent: "support_tickets", key: "id" },
    erasure: "delete",
    retention: (env) => `${days(supportRetentionDays(env))} after the ticket is closed`,
  },
  {
    table: "erasure_jobs",
    holds: "that an erasure was asked for and which rooms still have to confirm it",
    link: { via: "user", column: "user_id" },
    erasure: "keep",
    retention: () => "until every copy is erased, then kept as the record that it was",
  },
  // money
  {
    table: "ledger_entries",
    holds: "every top-up, hold, charge, refund and adjustment",
    link: { via: "user", column: "user_id" },
    erasure: "keep",
    retention: accounting,
  },
  {
    table: "holds",
    holds: "money reserved for a number until its code arrives",
    link: { via: "user", column: "user_id" },
    erasure: "keep",
    retention: accounting,
  },
  {
    table: "top_ups",
    holds: "top-ups with the payment processor's references",
    link: { via: "user", column: "user_id" },
    erasure: "keep",
    retention: accounting,
  },
  {
    table: "stripe_events",
    holds: "ids of the payment processor's events already processed",
    link: { via: "none", why: "event ids and types only" },
    erasure: "keep",
    retention: accounting,
  },
  // activations
  {
    table: "activations",
    holds: "the numbers you rented: service, country, phone number, price, status, times",
    link: { via: "user", column: "user_id" },
    erasure: "scrub",
    retention: accounting,
  },
  {
    table: "sms_messages",
    holds: "the SMS your numbers received and the codes found in them",
    link: { via: "parent", column: "activation_id", parent: "activations", key: "id" },
    erasure: "scrub",
    retention: (env) =>
      `text and code ${days(smsRetentionDays(env))} after each message arrived; the time and id like the activation`,
  },
  {
    table: "activation_events",
    holds: "each change of an activation (the SMS events repeat the message)",
    link: { via: "parent", column: "activation_id", parent: "activations", key: "id" },
    erasure: "scrub",
    retention: (env) => `message content ${days(smsRetentionDays(env))}; the rest like the activation`,
  },
  {
    table: "order_claims",
    holds: "an order being placed right now (its Idempotency-Key)",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    retention: () => "while the order is placed, at most an hour",
  },
  {
    table: "order_journal",
    holds: "an order in flight (which number was being rented for you), until it is settled",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    retention: () => "while the order is placed; a crash-interrupted one is settled within minutes",
  },
  {
    table: "account_freezes",
    holds: "why an account is or was frozen (a card dispute, a shortfall, an operator's decision)",
    link: { via: "user", column: "user_id" },
    erasure: "keep", // part of the books: disputes and chargebacks
    retention: accounting,
  },
  // catalog
  ...[
    "services",
    "countries",
    "prices",
    "price_overrides",
    "provider_offers",
    "provider_status",
    "provider_overrides",
  ].map(
    (table): TableEntry => ({
      table,
      holds: "the catalog: services, countries and prices",
      link: { via: "none", why: "reference data" },
      erasure: "keep",
      retention: () => "while offered",
    }),
  ),
  // the simulator: the fake upstream's own records, as a remote provider would keep them
  ...["sim_numbers", "sim_offers", "sim_settings"].map(
    (table): TableEntry => ({
      table,
      holds: "the built-in simulator's numbers, offers and settings",
      link: { via: "none", why: "the simulated provider's own stock" },
      erasure: "keep",
      retention: () => "while the simulator is enabled",
    }),
  ),
  {
    table: "sim_rentals",
    holds: "the simulated provider's rentals",
    link: { via: "parent", column: "customer_ref", parent: "activations", key: "id" },
    erasure: "keep", // the (simulated) provider's own records: a real provider's are not ours to delete
    retention: (env) => `${days(smsRetentionDays(env))} after the rental ended`,
  },
  {
    table: "sim_messages",
    holds: "the SMS the simulated provider received",
    link: { via: "parent", column: "rental_ref", parent: "sim_rentals", key: "ref" },
    erasure: "keep", // as sim_rentals; purged by retention
    retention: (env) => `${days(smsRetentionDays(env))} after each message arrived`,
  },
  // own SIMs: the operator's SIM cards and devices; an SMS to a SIM nobody rents keeps no text
  ...["own_sims", "own_sim_spent", "own_sim_devices"].map(
    (table): TableEntry => ({
      table,
      holds: "the operator's own SIM cards, their devices and the services each SIM was sold for",
      link: { via: "none", why: "the operator's inventory; a rental is linked through activations" },
      erasure: "keep",
      retention: () => "while the SIM is registered",
    }),
  ),
  {
    table: "own_sim_unrented_sms",
    holds: "metadata of SMS to an own SIM that nobody rented (sender, length, time; never the text)",
    link: { via: "none", why: "no customer rented the SIM when it arrived" },
    erasure: "keep",
    retention: (env) => `${days(smsRetentionDays(env))}`,
  },
  // the dashboard: starred services and countries; two-factor sign-in
  {
    table: "favourites",
    holds: "the services and countries you starred",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    retention: () => "until you unstar them or the account is erased",
  },
  {
    table: "totp_factors",
    holds: "your two-factor authenticator (its secret sealed, never exported)",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    secret: ["secret"],
    retention: () => "until you turn two-factor sign-in off or the account is erased",
  },
  {
    table: "recovery_codes",
    holds: "your two-factor recovery codes (hashed, never exported) and when each was used",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    secret: ["code_hash"],
    retention: () => "until replaced, two-factor sign-in is turned off or the account is erased",
  },
  // for scripts: webhook endpoints, their deliveries (which carry the SMS they reported), key limits
  {
    table: "webhook_endpoints",
    holds: "your webhook endpoints: URL, events, state (the signing secrets are never exported)",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    secret: ["secret", "previous_secret"],
    retention: () => "until you delete them or the account is erased",
  },
  {
    table: "webhook_deliveries",
    holds: "each event sent to your endpoints, with its body (an SMS event carries the SMS)",
    link: { via: "parent", column: "endpoint_id", parent: "webhook_endpoints", key: "id" },
    erasure: "delete",
    retention: (env) =>
      `finished ones ${days(smsRetentionDays(env))}; pending ones until they succeed or fail`,
  },
  {
    table: "webhook_attempts",
    holds: "each delivery attempt: time, status, latency and the start of your server's answer",
    link: { via: "parent", column: "delivery_id", parent: "webhook_deliveries", key: "id" },
    erasure: "delete",
    retention: (env) => `with their delivery (${days(smsRetentionDays(env))} after it finished)`,
  },
  {
    table: "key_orders",
    holds: "which API key placed which order and its price, for the key's daily spending cap",
    link: { via: "parent", column: "key_id", parent: "api_keys", key: "id" },
    erasure: "delete",
    retention: () => "with the key",
  },
  {
    table: "watch_leases",
    holds: "the long-polls and live streams your account has open right now",
    link: { via: "user", column: "user_id" },
    erasure: "delete",
    retention: () => "while open (at most a few minutes past their end)",
  },
  // operators
  {
    table: "operator_audit",
    holds: "what operators changed, and why (e.g. a credit to your account)",
    link: { via: "target", column: "target" },
    erasure: "keep",
    retention: accounting,
  },
];

export const entryOf = (table: string): TableEntry => {
  const entry = DATA_MAP.find((e) => e.table === table);
  if (!entry) throw new Error(`${table} is not in the data map (src/privacy/data-map.ts)`);
  return entry;
};

/** The SQL condition (with its one bound user id per `?`) selecting the user's rows of a table. */
export const ownedBy = (entry: TableEntry): { where: string; binds: number } | null => {
  const link = entry.link;
  switch (link.via) {
    case "self":
      return { where: "id = ?", binds: 1 };
    case "user":
    case "target":
      return { where: `${link.column} = ?`, binds: 1 };
    case "email":
      return { where: `${link.column} = (SELECT email FROM users WHERE id = ?)`, binds: 1 };
    case "parent": {
      const parent = ownedBy(entryOf(link.parent));
      if (!parent) return null;
      return {
        where: `${link.column} IN (SELECT ${link.key} FROM ${link.parent} WHERE ${parent.where})`,
        binds: parent.binds,
      };
    }
    case "none":
      return null;
  }
};
