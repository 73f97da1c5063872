// Adding money: Stripe Checkout when it is configured, the demo top-up locally. Both go through the
// same ledger on the server; this only asks for the amount.
import { ApiError, api } from "./api.js";
import { h, nextId } from "./dom.js";
import { money, parseMoney, plainAmount } from "./format.js";
import { refreshBalance, session } from "./session.js";
import { errorBox, toast, whileBusy } from "./ui.js";

/** Amounts offered as one-tap choices, in minor units; those outside the configured range are dropped. */
const PRESETS = [500, 1000, 2500, 5000];

export const topUpForm = () => {
  const { currency, topUpMin, topUpMax, stripeEnabled, demoTopUp } = session.config;
  if (!stripeEnabled && !demoTopUp) {
    return h("p", { class: "muted" }, "Top-ups are not available right now. Please contact support.");
  }
  const id = nextId("amount");
  const hintId = `${id}-hint`;
  const input = /** @type {HTMLInputElement} */ (
    h("input", {
      id,
      name: "amount",
      inputmode: "decimal",
      autocomplete: "off",
      required: true,
      value: plainAmount(Math.max(topUpMin, Math.min(1000, topUpMax)), currency),
      "aria-describedby": hintId,
    })
  );
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
      stripeEnabled ? "Pay with card" : "Add demo credit",
    )
  );
  const demo =
    stripeEnabled && demoTopUp
      ? /** @type {HTMLButtonElement} */ (
          h("button", { type: "button", class: "btn btn-ghost" }, "Add demo credit")
        )
      : null;

  const amount = () => {
    const minor = parseMoney(input.value, currency);
    if (minor === null || minor < topUpMin || minor > topUpMax) {
      throw new ApiError(
        400,
        "BAD_AMOUNT",
        `Enter an amount between ${money(topUpMin, currency)} and ${money(topUpMax, currency)}.`,
      );
    }
    return minor;
  };

  const checkout = async () => {
    const { url } = await api.post(
      "/api/v1/billing/checkout",
      { amount: amount() },
      { headers: { "Idempotency-Key": crypto.randomUUID() } },
    );
    location.assign(url);
  };
  const demoTopUpNow = async () => {
    const minor = amount();
    await api.post(
      "/api/v1/billing/demo-topup",
      { amount: minor },
      { headers: { "Idempotency-Key": crypto.randomUUID() } },
    );
    await refreshBalance();
    toast(`Added ${money(minor, currency)} of demo credit.`);
  };

  /** @param {HTMLButtonElement} button @param {string} busy @param {() => Promise<void>} work */
  const run = async (button, busy, work) => {
    errors.clear();
    try {
      await whileBusy(button, busy, work);
    } catch (err) {
      errors.show(err);
    }
  };

  const form = h(
    "form",
    { class: "topup" },
    h("label", { for: id }, `Amount (${currency})`),
    h("div", { class: "inline-form" }, input, primary, demo),
    h("div", { class: "chips", role: "group", "aria-label": "Quick amounts" }, presets),
    h(
      "p",
      { class: "hint", id: hintId },
      `From ${money(topUpMin, currency)} to ${money(topUpMax, currency)}.`,
      stripeEnabled ? " You will pay on Stripe's secure page; card details never reach us." : "",
      !stripeEnabled ? " Demo credit is for trying the service locally; it is not real money." : "",
    ),
    errors,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(primary, stripeEnabled ? "Opening checkout…" : "Adding…", stripeEnabled ? checkout : demoTopUpNow);
  });
  demo?.addEventListener("click", () => run(demo, "Adding…", demoTopUpNow));
  return form;
};
