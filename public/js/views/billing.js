// Balance, top-ups (and the return from Stripe Checkout), and the ledger as the customer sees it.
import { api, query } from "../api.js";
import { getCatalog } from "../catalog.js";
import { allPages, downloadCsv } from "../csv.js";
import { h, mount, nextId } from "../dom.js";
import { dateTime, ledgerLabel, money, phoneParts, signedMoney } from "../format.js";
import { t as tr } from "../lang.js";
import { navigate } from "../router.js";
import { refreshBalance, session } from "../session.js";
import { topUpForm } from "../topup.js";
import { emptyState, errorBox, messageOf, pageHeader, spinner, whileBusy } from "../ui.js";
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
        ? tr("billing.holdOrder", { amount: reserved })
        : tr("billing.hold", { amount: reserved });
    case "post":
      return tr("billing.post", { amount: reserved });
    case "void":
      return orderFailed(t)
        ? tr("billing.voidOrder", { amount: reserved })
        : tr("billing.void", { amount: reserved });
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
  const box = h("div", { class: "alert alert-info", role: "status" }, spinner(tr("billing.confirming")));
  const poll = async (/** @type {number} */ attempt) => {
    try {
      const outcome = await api.get(`/api/v1/billing/checkout/${encodeURIComponent(sessionId)}`, { signal });
      if (signal.aborted) return;
      if (outcome.credited) {
        const balance = await refreshBalance();
        box.className = "alert alert-success";
        mount(
          box,
          tr("billing.paid", {
            amount: money(outcome.amount, outcome.currency),
            balance: money(balance.available, balance.currency),
          }),
        );
      } else if (outcome.status === "expired" || attempt >= CHECKOUT_POLLS) {
        mount(box, outcome.status === "expired" ? tr("billing.expired") : tr("billing.pending"));
      } else {
        setTimeout(() => poll(attempt + 1), CHECKOUT_POLL_MS);
      }
    } catch (err) {
      if (signal.aborted) return;
      box.className = "alert alert-error";
      mount(box, messageOf(err));
    }
  };
  poll(1);
  return box;
};

/** @param {import("../router.js").ViewContext} ctx */
export const billingView = ({ main, signal, query: params }) => {
  // Sent here from an order short of money: back to it once the credit is in.
  const rawNext = params.get("next") ?? "";
  const next = rawNext.startsWith("/") && !rawNext.startsWith("//") ? rawNext : "";
  const checkout = params.get("checkout");
  const sessionId = params.get("session_id");
  const notice =
    checkout === "success" && sessionId
      ? checkoutOutcome(sessionId, signal)
      : checkout === "cancelled"
        ? h("p", { class: "alert alert-info", role: "status" }, tr("billing.cancelled"))
        : null;

  const list = h("ol", { class: "rows" });
  const status = h("div", { role: "status" }, spinner(tr("billing.loading")));
  const errors = errorBox();
  const more = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-secondary", hidden: true }, tr("history.more"))
  );
  /** @type {string | null} */
  let cursor = null;
  /** Every entry loaded so far, newest first; the list is drawn from it, grouped. @type {Txn[]} */
  let entries = [];
  /** The numbers the entries name, to show service, country and number. @type {Map<string, any>} */
  const numbers = new Map();
  const filterId = nextId("txn-kind");
  const kindFilter = /** @type {HTMLSelectElement} */ (
    h(
      "select",
      { id: filterId, name: "kind" },
      [
        ["", tr("billing.all")],
        ["numbers", tr("billing.numbers")],
        ["topups", tr("billing.topups")],
        ["other", tr("billing.other")],
      ].map(([value, text]) => h("option", { value }, text)),
    )
  );

  /**
   * The available balance right after each entry, walking back from today's: the entries are the
   * only thing that changes it.
   * @param {Txn[]} newestFirst
   */
  const runningBalances = (newestFirst) => {
    /** @type {Map<string, number>} */
    const after = new Map();
    let balance = session.balance?.available ?? 0;
    for (const t of newestFirst) {
      after.set(t.id, balance);
      balance -= t.amount;
    }
    return after;
  };

  /**
   * One line per number (its hold, charge or release together), one per other entry; newest first.
   * @param {Txn[]} newestFirst
   */
  const groups = (newestFirst) => {
    /** @type {Map<string, Txn[]>} */
    const byNumber = new Map();
    /** @type {Txn[][]} */
    const out = [];
    for (const t of newestFirst) {
      if (!t.reference.startsWith("act_")) {
        out.push([t]);
        continue;
      }
      const group = byNumber.get(t.reference);
      if (group) group.push(t);
      else {
        const fresh = [t];
        byNumber.set(t.reference, fresh);
        out.push(fresh);
      }
    }
    return out;
  };

  /** @param {Txn[]} group */
  const kindOf = (group) => {
    const t = /** @type {Txn} */ (group[0]);
    if (t.reference.startsWith("act_")) return "numbers";
    return t.kind === "top_up" ? "topups" : "other";
  };

  /** @param {Txn} t */
  const entryLine = (t) =>
    h(
      "li",
      { class: "entry" },
      h("span", null, `${ledgerLabel(t.kind)} · ${dateTime(t.createdAt)}`),
      h("span", { class: "muted small" }, ` ${explain(t)}`),
      h("span", { class: "row-amount" }, t.amount === 0 ? "±0" : signedMoney(t.amount, t.currency)),
    );

  /** @param {Txn[]} group @param {Map<string, number>} after */
  const groupRow = (group, after) => {
    const newest = /** @type {Txn} */ (group[0]);
    const net = group.reduce((sum, t) => sum + t.amount, 0);
    const number = numbers.get(newest.reference);
    const catalog = catalogNow;
    const isNumber = newest.reference.startsWith("act_");
    const title =
      isNumber && number && catalog
        ? `${catalog.serviceName(number.service)} · ${catalog.country(number.country)?.name ?? number.country}`
        : isNumber
          ? orderFailed(newest)
            ? tr("billing.orderFailed")
            : tr("col.number")
          : ledgerLabel(newest.kind);
    const words = [...group].reverse().map((t) => ledgerLabel(t.kind).toLowerCase());
    return h(
      "li",
      { class: "row txn-row", dataset: { reference: newest.reference } },
      h(
        "div",
        { class: "row-main" },
        h("span", { class: "row-title" }, title),
        h(
          "span",
          { class: "muted small" },
          isNumber && number
            ? [
                h(
                  "a",
                  { href: `/numbers/${newest.reference}`, translate: "no" },
                  phoneParts(number.phone, catalog?.country(number.country)?.iso).grouped,
                ),
                ` · ${dateTime(newest.createdAt)}`,
              ]
            : [`${dateTime(newest.createdAt)} · `, h("span", { translate: "no" }, newest.reference)],
        ),
        group.length > 1 || isNumber
          ? h(
              "details",
              { class: "txn-entries" },
              h("summary", { class: "small" }, words.join(tr("billing.then"))),
              h("ol", { class: "entry-list" }, [...group].reverse().map(entryLine)),
            )
          : h("span", { class: "muted small" }, explain(newest)),
      ),
      h(
        "span",
        { class: "txn-figures" },
        h(
          "span",
          { class: `row-amount ${net > 0 ? "plus" : net < 0 ? "minus" : "muted"}` },
          net === 0 ? "±0" : signedMoney(net, newest.currency),
        ),
        h(
          "span",
          { class: "muted small balance-after" },
          tr("billing.after", { amount: money(after.get(newest.id) ?? 0, newest.currency) }),
        ),
      ),
    );
  };

  /** @type {import("../catalog.js").Catalog | null} */
  let catalogNow = null;
  const draw = () => {
    const after = runningBalances(entries);
    const want = kindFilter.value;
    const shown = groups(entries).filter((g) => !want || kindOf(g) === want);
    list.replaceChildren(...shown.map((g) => groupRow(g, after)));
    mount(
      status,
      entries.length === 0
        ? emptyState(tr("billing.empty"))
        : shown.length === 0
          ? emptyState(tr("billing.noKind"))
          : null,
    );
  };
  kindFilter.addEventListener("change", draw);

  /** Fetches the numbers the entries name that are not known yet. @param {Txn[]} items */
  const learnNumbers = async (items) => {
    const ids = [...new Set(items.map((t) => t.reference))].filter(
      (r) => r.startsWith("act_") && !numbers.has(r),
    );
    const found = await Promise.all(
      ids.map((id) => api.get(`/api/v1/activations/${encodeURIComponent(id)}`, { signal }).catch(() => null)),
    );
    for (const [i, a] of found.entries()) numbers.set(/** @type {string} */ (ids[i]), a);
  };

  // A reload after a top-up can overtake a "Load more": only the newest first page may reset the list.
  let generation = 0;
  /** @param {boolean} first */
  const load = async (first) => {
    if (first) cursor = null;
    const mine = first ? ++generation : generation;
    const [page, catalog] = await Promise.all([
      api.get(`/api/v1/billing/transactions${query({ cursor })}`, { signal }),
      getCatalog(),
      first ? refreshBalance() : null,
    ]);
    await learnNumbers(page.items);
    if (signal.aborted || mine !== generation) return;
    catalogNow = catalog;
    entries = first ? page.items : [...entries, ...page.items];
    draw();
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
    whileBusy(more, tr("loading"), () => load(false)).catch((err) => errors.show(err)),
  );

  const csv = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-secondary btn-small" }, tr("history.csv"))
  );
  csv.addEventListener("click", async () => {
    errors.clear();
    try {
      const all = await whileBusy(csv, tr("history.preparing"), async () => {
        await refreshBalance();
        return allPages((at) =>
          api.get(`/api/v1/billing/transactions${query({ cursor: at, limit: 100 })}`, { signal }),
        );
      });
      const after = runningBalances(all);
      downloadCsv("transactions.csv", [
        ["id", "at", "kind", "amount", "reserved_change", "balance_after", "currency", "reference"],
        ...all.map((/** @type {Txn} */ t) => [
          t.id,
          t.createdAt,
          t.kind,
          (t.amount / 100).toFixed(2),
          ((t.heldDelta ?? 0) / 100).toFixed(2),
          ((after.get(t.id) ?? 0) / 100).toFixed(2),
          t.currency,
          t.reference,
        ]),
      ]);
    } catch (err) {
      errors.show(err);
    }
  });

  mount(
    main,
    pageHeader(tr("billing.title")),
    notice,
    h(
      "section",
      { class: "card balance-card", "aria-label": tr("nav.balance") },
      balanceFigures(signal),
      h(
        "div",
        { class: "balance-topup" },
        h("h2", { class: "label" }, tr("home.topUp")),
        next ? h("p", { class: "alert alert-info", role: "status" }, tr("billing.next")) : null,
        topUpForm({ onCredited: () => (next ? navigate(next) : reload()) }),
      ),
    ),
    h(
      "section",
      { "aria-labelledby": "txn-title" },
      h("h2", { id: "txn-title", class: "section-title" }, tr("billing.transactions")),
      h("p", { class: "hint" }, tr("billing.hint")),
      h(
        "div",
        { class: "list-tools" },
        h(
          "div",
          { class: "field inline-field" },
          h("label", { for: filterId }, tr("billing.show")),
          kindFilter,
        ),
        csv,
      ),
      errors,
      status,
      list,
      h("div", { class: "more" }, more),
    ),
  );
  reload();
};
