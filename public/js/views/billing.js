// Balance, top-ups (and the return from Stripe Checkout), and the ledger as the customer sees it.
import { api, query } from "../api.js";
import { h, mount } from "../dom.js";
import { dateTime, ledgerLabel, money, signedMoney } from "../format.js";
import { refreshBalance } from "../session.js";
import { topUpForm } from "../topup.js";
import { emptyState, errorBox, pageHeader, spinner, whileBusy } from "../ui.js";
import { balanceFigures } from "./home.js";

/** @typedef {{ id: string, kind: string, amount: number, heldDelta?: number, currency: string, reference: string, activationExists?: boolean, createdAt: string }} Txn */

/**
 * An entry for a number the provider never gave: the order failed after its price was set aside.
 * @param {Txn} t
 */
const orderFailed = (t) => t.reference.startsWith("act_") && t.activationExists === false;

/**
 * What an entry did, in words: holds and their resolution move money between "available" and
 * "reserved", which the amount column (the change of the available balance) alone does not show.
 * @param {Txn} t
 */
const explain = (t) => {
  const reserved = money(Math.abs(t.heldDelta ?? t.amount), t.currency);
  switch (t.kind) {
    case "hold":
      return orderFailed(t)
        ? `${reserved} set aside for an order`
        : `${reserved} set aside until a code arrives`;
    case "post":
      return `The reserved ${reserved} was charged; your available balance does not change again`;
    case "void":
      return orderFailed(t)
        ? `No number could be rented: the reserved ${reserved} went back to your balance`
        : `No code: the reserved ${reserved} went back to your balance`;
    default:
      return "";
  }
};

const CHECKOUT_POLLS = 10;
const CHECKOUT_POLL_MS = 2000;

/**
 * After Stripe sends the customer back, the payment may still be confirming: ask a few times.
 * @param {string} sessionId
 * @param {AbortSignal} signal
 */
const checkoutOutcome = (sessionId, signal) => {
  const box = h("div", { class: "alert alert-info", role: "status" }, spinner("Confirming your payment…"));
  const poll = async (/** @type {number} */ attempt) => {
    try {
      const outcome = await api.get(`/api/v1/billing/checkout/${encodeURIComponent(sessionId)}`, { signal });
      if (signal.aborted) return;
      if (outcome.credited) {
        const balance = await refreshBalance();
        box.className = "alert alert-success";
        mount(
          box,
          `Payment received: ${money(outcome.amount, outcome.currency)} was added. Your balance is now ${money(balance.available, balance.currency)}.`,
        );
      } else if (outcome.status === "expired" || attempt >= CHECKOUT_POLLS) {
        mount(
          box,
          outcome.status === "expired"
            ? "This checkout expired without a payment. Nothing was charged."
            : "Your payment is still being confirmed. The balance updates by itself once it is; you can leave this page.",
        );
      } else {
        setTimeout(() => poll(attempt + 1), CHECKOUT_POLL_MS);
      }
    } catch (err) {
      if (signal.aborted) return;
      box.className = "alert alert-error";
      mount(box, err instanceof Error ? err.message : String(err));
    }
  };
  poll(1);
  return box;
};

/** @param {import("../router.js").ViewContext} ctx */
export const billingView = ({ main, signal, query: params }) => {
  const checkout = params.get("checkout");
  const sessionId = params.get("session_id");
  const notice =
    checkout === "success" && sessionId
      ? checkoutOutcome(sessionId, signal)
      : checkout === "cancelled"
        ? h(
            "p",
            { class: "alert alert-info", role: "status" },
            "Checkout was cancelled. Nothing was charged.",
          )
        : null;

  const list = h("ol", { class: "rows" });
  const status = h("div", { role: "status" }, spinner("Loading transactions…"));
  const errors = errorBox();
  const more = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-secondary", hidden: true }, "Load more")
  );
  /** @type {string | null} */
  let cursor = null;

  /** @param {Txn} t */
  const row = (t) =>
    h(
      "li",
      { class: "row txn-row" },
      h(
        "div",
        { class: "row-main" },
        h("span", { class: "row-title" }, ledgerLabel(t.kind)),
        h("span", { class: "muted small" }, explain(t)),
        h(
          "span",
          { class: "muted small" },
          `${dateTime(t.createdAt)} · `,
          orderFailed(t)
            ? "order not completed"
            : t.reference.startsWith("act_")
              ? h("a", { href: `/numbers/${t.reference}`, translate: "no" }, "see the number")
              : h("span", { translate: "no" }, t.reference),
        ),
      ),
      h(
        "span",
        { class: `row-amount ${t.amount > 0 ? "plus" : t.amount < 0 ? "minus" : "muted"}` },
        t.amount === 0 ? "±0" : signedMoney(t.amount, t.currency),
      ),
    );

  // A reload after a top-up can overtake a "Load more": only the newest first page may reset the list.
  let generation = 0;
  /** @param {boolean} first */
  const load = async (first) => {
    if (first) cursor = null;
    const mine = first ? ++generation : generation;
    const page = await api.get(`/api/v1/billing/transactions${query({ cursor })}`, { signal });
    if (signal.aborted || mine !== generation) return;
    if (first) {
      mount(
        status,
        page.items.length === 0 ? emptyState("No transactions yet. Top up to get started.") : null,
      );
      list.replaceChildren();
    }
    list.append(...page.items.map(row));
    cursor = page.nextCursor;
    more.hidden = !cursor;
  };
  const reload = () =>
    load(true).catch((err) => {
      if (signal.aborted) return;
      status.replaceChildren();
      errors.show(err);
    });
  more.addEventListener("click", () =>
    whileBusy(more, "Loading…", () => load(false)).catch((err) => errors.show(err)),
  );

  mount(
    main,
    pageHeader("Balance & transactions"),
    notice,
    h(
      "section",
      { class: "card balance-card", "aria-label": "Balance" },
      balanceFigures(signal),
      h(
        "div",
        { class: "balance-topup" },
        h("h2", { class: "label" }, "Top up"),
        topUpForm({ onCredited: reload }),
      ),
    ),
    h(
      "section",
      { "aria-labelledby": "txn-title" },
      h("h2", { id: "txn-title", class: "section-title" }, "Transactions"),
      h(
        "p",
        { class: "hint" },
        "Buying a number reserves its price; the reservation is charged when a code arrives, or released if none does.",
      ),
      errors,
      status,
      list,
      h("div", { class: "more" }, more),
    ),
  );
  refreshBalance().catch(() => {});
  reload();
};
