// Adding money: Stripe Checkout when it is configured, the demo top-up locally. Both go through the
// same ledger on the server; this only asks for the amount.
import { api } from "./api.js";
import { h, nextId } from "./dom.js";
import { money, parseMoney, plainAmount } from "./format.js";
import { t } from "./lang.js";
import { refreshBalance, session } from "./session.js";
import { errorBox, toast, whileBusy } from "./ui.js";

/** Amounts offered as one-tap choices, in minor units; those outside the configured range are dropped. */
const PRESETS = [500, 1000, 2500, 5000];

/**
 * @param {{ onCredited?: () => void }} [options]  onCredited: runs after demo credit was added
 */
export const topUpForm = ({ onCredited } = {}) => {
  const { currency, topUpMin, topUpMax, stripeEnabled, demoTopUp } = session.config;
  if (!stripeEnabled && !demoTopUp) {
    return h("p", { class: "muted" }, t("topup.unavailable"));
  }
  const id = nextId("amount");
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const input = /** @type {HTMLInputElement} */ (
    h("input", {
      id,
      name: "amount",
      inputmode: "decimal",
      autocomplete: "off",
      required: true,
      value: plainAmount(Math.max(topUpMin, Math.min(1000, topUpMax)), currency),
      "aria-describedby": `${hintId} ${errorId}`,
    })
  );
  const fieldError = h("p", { class: "field-error", id: errorId, hidden: true });
  /** @param {string | null} message */
  const setFieldError = (message) => {
    fieldError.textContent = message ?? "";
    fieldError.hidden = message === null;
    if (message === null) input.removeAttribute("aria-invalid");
    else input.setAttribute("aria-invalid", "true");
  };
  const errors = errorBox();
  const presets = PRESETS.filter((p) => p >= topUpMin && p <= topUpMax).map((p) =>
    h(
      "button",
      {
        type: "button",
        class: "chip",
        onclick: () => {
          input.value = plainAmount(p, currency);
          input.focus();
        },
      },
      money(p, currency),
    ),
  );
  const primary = /** @type {HTMLButtonElement} */ (
    h(
      "button",
      { type: "submit", class: "btn btn-primary" },
      stripeEnabled ? t("topup.card") : t("topup.demo"),
    )
  );
  const demo =
    stripeEnabled && demoTopUp
      ? /** @type {HTMLButtonElement} */ (
          h("button", { type: "button", class: "btn btn-ghost" }, t("topup.demo"))
        )
      : null;

  /** The amount in minor units, or null after saying at the field what is wrong with it. */
  const amount = () => {
    // People type the amount the way prices are written: "$10", "10 USD".
    const typed = input.value.replace(/\p{Sc}/gu, "").replace(new RegExp(`\\b${currency}\\b`, "i"), "");
    const minor = parseMoney(typed, currency);
    const problem =
      minor === null
        ? t("topup.example", { example: plainAmount(1250, currency) })
        : minor < topUpMin || minor > topUpMax
          ? t("topup.range", { min: money(topUpMin, currency), max: money(topUpMax, currency) })
          : null;
    setFieldError(problem);
    if (problem) input.focus();
    return problem ? null : minor;
  };

  const checkout = async () => {
    const minor = amount();
    if (minor === null) return;
    const { url } = await api.post(
      "/api/v1/billing/checkout",
      { amount: minor },
      { headers: { "Idempotency-Key": crypto.randomUUID() } },
    );
    location.assign(url);
  };
  const demoTopUpNow = async () => {
    const minor = amount();
    if (minor === null) return;
    await api.post(
      "/api/v1/billing/demo-topup",
      { amount: minor },
      { headers: { "Idempotency-Key": crypto.randomUUID() } },
    );
    await refreshBalance();
    toast(t("topup.added", { amount: money(minor, currency) }));
    onCredited?.();
  };

  /** @param {HTMLButtonElement} button @param {string} busy @param {() => Promise<void>} work */
  const run = async (button, busy, work) => {
    errors.clear();
    try {
      await whileBusy(button, busy, work);
    } catch (err) {
      errors.show(err);
      errors.focus();
    }
  };

  const form = h(
    "form",
    { class: "topup" },
    h("label", { for: id }, t("topup.amount", { currency })),
    h("div", { class: "inline-form" }, input, primary, demo),
    fieldError,
    h("div", { class: "chips", role: "group", "aria-label": t("topup.quick") }, presets),
    h(
      "p",
      { class: "hint", id: hintId },
      t("topup.from", { min: money(topUpMin, currency), max: money(topUpMax, currency) }),
      stripeEnabled ? t("topup.stripe") : "",
      !stripeEnabled ? t("topup.demoNote") : "",
    ),
    errors,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(
      primary,
      stripeEnabled ? t("topup.opening") : t("topup.adding"),
      stripeEnabled ? checkout : demoTopUpNow,
    );
  });
  demo?.addEventListener("click", () => run(demo, t("topup.adding"), demoTopUpNow));
  return form;
};
