// Home: every number that is still live (first, so a returning customer sees the code at once), the
// balance and a top-up.
import { activationCard } from "../activation-card.js";
import { activationTable } from "../activation-row.js";
import { api } from "../api.js";
import { getCatalog } from "../catalog.js";
import { h, mount } from "../dom.js";
import { money } from "../format.js";
import { t } from "../lang.js";
import { getPrefs, setPrefs } from "../prefs.js";
import { onSessionChange, refreshBalance, session } from "../session.js";
import { topUpForm } from "../topup.js";
import { emptyState, errorBox, pageHeader, spinner, toast, whileBusy } from "../ui.js";

/** @typedef {import("../router.js").ViewContext} ViewContext */

/** The nudge to verify the email address; blocking only when the service requires it. */
export const verifyNotice = () => {
  const me = session.me;
  if (!me || me.emailVerified) return null;
  const resend = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-small btn-secondary" }, t("home.resend"))
  );
  const errors = errorBox();
  resend.addEventListener("click", async () => {
    errors.clear();
    try {
      await whileBusy(resend, t("home.sending"), () => api.post("/api/v1/auth/resend-verification"));
      toast(t("home.resent", { email: me.email }));
    } catch (err) {
      errors.show(err);
    }
  });
  return h(
    "div",
    { class: "alert alert-info notice" },
    h(
      "p",
      null,
      h("strong", null, `${t("home.verifyStrong")} `),
      t("home.verifySent", { email: me.email }),
      session.config.requireEmailVerification ? " Top-ups and new numbers need a verified email." : "",
    ),
    resend,
    errors,
  );
};

/** The balance figures, kept current as the header's balance changes. @param {AbortSignal} signal */
export const balanceFigures = (signal) => {
  const available = h("p", { class: "balance-amount" }, "…");
  const held = h("p", { class: "muted" });
  const render = () => {
    const b = session.balance;
    if (!b) return;
    available.textContent = money(b.available, b.currency);
    held.textContent =
      b.held > 0 ? t("home.held", { amount: money(b.held, b.currency) }) : t("home.nothingHeld");
  };
  const unsubscribe = onSessionChange(render);
  signal.addEventListener("abort", () => unsubscribe());
  render();
  return h("div", { class: "balance" }, h("h2", { class: "label" }, t("home.available")), available, held);
};

/** @param {ViewContext} ctx */
export const homeView = async ({ main, signal }) => {
  const list = h("div", { class: "act-list" }, spinner(t("home.loadingNumbers")));
  const heading = h("h2", { id: "active-title", class: "section-title" }, t("home.active"));
  mount(
    main,
    pageHeader(t("title.dashboard"), null, h("a", { class: "btn btn-primary", href: "/buy" }, t("home.buy"))),
    verifyNotice(),
    h("section", { class: "active-numbers", "aria-labelledby": "active-title" }, heading, list),
    h(
      "section",
      { class: "card balance-card", "aria-label": t("session.balance") },
      balanceFigures(signal),
      h("div", { class: "balance-topup" }, h("h2", { class: "label" }, t("home.topUp")), topUpForm()),
    ),
  );
  refreshBalance().catch(() => {});
  try {
    const [catalog, page] = await Promise.all([
      getCatalog(),
      api.get("/api/v1/activations?scope=active", { signal }),
    ]);
    if (signal.aborted) return;
    if (page.items.length === 0) {
      // The header's button is the one way to buy: a second, differently styled one only confused.
      mount(list, emptyState(t("home.empty")));
      return;
    }
    /** @type {AbortController | null} */
    let shown = null;
    /** @param {"cards" | "table"} view */
    const show = (view) => {
      // Each view opens its own live connections; the one it replaces closes its own.
      shown?.abort();
      const controller = new AbortController();
      shown = controller;
      const viewSignal = AbortSignal.any([signal, controller.signal]);
      for (const button of toggle.querySelectorAll("button")) {
        button.setAttribute("aria-pressed", String(button.dataset.view === view));
      }
      mount(
        list,
        view === "table"
          ? activationTable(page.items, { catalog, signal: viewSignal })
          : page.items.map((/** @type {any} */ a) =>
              activationCard(a, { catalog, signal: viewSignal, link: true }),
            ),
      );
    };
    const toggle = h(
      "div",
      { class: "view-toggle", role: "group", "aria-label": t("home.showAs") },
      h(
        "button",
        { type: "button", class: "btn btn-small btn-ghost", dataset: { view: "cards" } },
        t("home.cards"),
      ),
      h(
        "button",
        { type: "button", class: "btn btn-small btn-ghost", dataset: { view: "table" } },
        t("home.table"),
      ),
    );
    toggle.addEventListener("click", (event) => {
      const button = /** @type {HTMLElement} */ (event.target).closest?.("button");
      const view = button?.dataset.view === "table" ? "table" : "cards";
      if (!button) return;
      setPrefs({ view });
      show(view);
    });
    heading.after(toggle);
    show(getPrefs().view);
  } catch (err) {
    if (signal.aborted) return;
    const errors = errorBox();
    errors.show(err);
    mount(list, errors);
  }
};
