// The activation card: the number to type into the other app, how long it stays, and the code the
// moment it arrives (over the live stream, no reload). Built once and then updated in place, so
// focus stays where it was and nothing jumps when the code comes in.
import { api } from "./api.js";
import { announceCode } from "./attention.js";
import { reloadCatalog } from "./catalog.js";
import { h, mount, nextId } from "./dom.js";
import { clock, dateTime, duration, money, phoneParts, statusLabel } from "./format.js";
import { t } from "./lang.js";
import { watchActivation } from "./live.js";
import { navigate } from "./router.js";
import { refreshBalance, session } from "./session.js";
import { copyButton, countryBadge, errorBox, serviceBadge, toast, whileBusy } from "./ui.js";

/**
 * @typedef {{ code: string | null, text: string | null, receivedAt: string }} Sms
 * @typedef {{ id: string, numericId: number, phone: string, service: string, country: number,
 *   price: number, currency: string, status: string, code: string | null, sms: Sms[],
 *   createdAt: string, expiresAt: string, cancelableAt: string, canRetry: boolean,
 *   lastSeq: number, charged: boolean }} Activation
 */

/**
 * One numbered change as the live stream sends it: the state after the change, plus the SMS if any.
 * @typedef {{ seq: number, type: string, at: string, status: string, code: string | null,
 *   charged: boolean, sms: Sms | null }} LiveEvent
 */

/**
 * @param {Activation} a
 * @param {LiveEvent} event
 * @returns {Activation}
 */
export const applyEvent = (a, event) => ({
  ...a,
  status: event.status,
  code: event.code,
  charged: event.charged,
  sms: event.sms ? [...a.sms, event.sms] : a.sms,
  canRetry: event.status === "received",
  lastSeq: event.seq,
});

const FINAL = new Set(["finished", "cancelled", "expired"]);

/** @param {Activation} a */
export const isFinal = (a) => FINAL.has(a.status);

/**
 * @param {Activation} initial
 * @param {{ catalog: import("./catalog.js").Catalog, signal: AbortSignal, link?: boolean }} opts
 */
export const activationCard = (initial, { catalog, signal, link = false }) => {
  let a = initial;
  const serviceName = catalog.serviceName(a.service);
  const country = catalog.country(a.country);
  const titleId = nextId("act-title");

  // Focusable so that focus can land here when an action hides the button that was pressed.
  const status = h("span", { class: "status", tabindex: "-1" });
  const liveState = h("span", { class: "live-state", role: "status" });
  const codeArea = h("div", { class: "code-area", "aria-live": "polite" });
  const earlier = h("details", { class: "earlier", hidden: true });
  const expiry = h("span", { class: "expiry countdown", role: "timer", "aria-live": "off" });
  const phone = phoneParts(a.phone, country?.iso);
  const priceNote = h("span", { class: "price-note" });
  const actionHintId = nextId("action-hint");
  const cancelButton = /** @type {HTMLButtonElement} */ (
    h(
      "button",
      { type: "button", class: "btn btn-secondary act-cancel", "aria-describedby": actionHintId },
      t("act.cancel"),
    )
  );
  // One line under the buttons that explains them, present in every live state so nothing below moves.
  const actionHint = h("p", { class: "hint", id: actionHintId });
  const retryButton = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-secondary act-retry" }, t("act.retry"))
  );
  const finishButton = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-primary act-finish" }, t("act.finish"))
  );
  // After a cancel or an expiry with no code: the same service and country again, in one click.
  const replaceButton = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-primary act-replace", hidden: true }, t("act.replace"))
  );
  const errors = errorBox();
  const simulator = session.simulatorIsProvider ? simulatorForm(() => a, serviceName, errors) : null;

  const title = t("act.title", { service: serviceName });
  const cancelWindow = duration(Math.round((Date.parse(a.cancelableAt) - Date.parse(a.createdAt)) / 1000));
  const card = h(
    "article",
    { class: "act-card", "aria-labelledby": titleId, dataset: { activation: a.id } },
    h(
      "header",
      { class: "act-head" },
      serviceBadge(a.service, serviceName),
      h(
        "div",
        { class: "act-title" },
        h("h2", { id: titleId }, link ? h("a", { href: `/numbers/${a.id}` }, title) : title),
        h(
          "p",
          { class: "muted" },
          country ? [countryBadge(country.iso), " ", country.name] : t("buy.countryN", { id: a.country }),
          ` · #${a.numericId}`,
        ),
      ),
      h("div", { class: "act-status" }, status, liveState),
    ),
    h(
      "div",
      { class: "phone-block" },
      h("span", { class: "label" }, t("act.phone")),
      h(
        "div",
        { class: "phone-row" },
        h("span", { class: "phone-number", translate: "no", "aria-label": phone.full }, phone.grouped),
        copyButton(() => a.phone, t("act.copyPhone")),
        phone.countryCode
          ? copyButton(
              () => phone.national,
              t("act.copyNationalWhat"),
              t("act.copyNational", { code: phone.countryCode }),
            )
          : null,
      ),
      expiry,
    ),
    codeArea,
    earlier,
    h("p", { class: "act-meta" }, priceNote),
    h("div", { class: "act-actions" }, finishButton, retryButton, cancelButton, replaceButton),
    actionHint,
    errors,
    simulator,
  );

  /** @param {Activation} next */
  const update = (next) => {
    // The POST answer and the live event for the same change can arrive in either order.
    if (next.id !== a.id || next.lastSeq < a.lastSeq) return;
    const before = a;
    a = next;
    render();
    const latest = a.sms.at(-1);
    if (a.sms.length > before.sms.length && latest?.code) {
      announceCode({ code: latest.code, serviceName, phone: phone.grouped, href: `/numbers/${a.id}` });
    }
    // A charge, or an end without one (the reservation goes back), changes the balance in the header.
    if (a.charged !== before.charged || (a.status !== before.status && isFinal(a))) {
      refreshBalance().catch(() => {});
    }
  };

  const render = () => {
    status.textContent = statusLabel(a.status);
    status.className = `status status-${a.status}`;
    card.classList.toggle("is-final", isFinal(a));
    renderCode();
    priceNote.textContent = priceText(a);
    finishButton.hidden = !(a.status === "received" || a.status === "waiting_retry");
    retryButton.hidden = !(a.status === "received" && a.canRetry);
    cancelButton.hidden = a.status !== "waiting";
    replaceButton.hidden = !(a.status === "cancelled" || a.status === "expired") || a.charged;
    actionHint.hidden = isFinal(a);
    if (simulator) simulator.hidden = isFinal(a);
    tick();
  };

  // Redraws the code area only when what it shows changes, and animates only a message that has
  // just arrived: a status change alone (received → finished) leaves the code where it is.
  let shownKey = "";
  const renderCode = () => {
    const latest = a.sms.at(-1);
    const waiting = a.status === "waiting" || a.status === "waiting_retry" || !latest;
    const key = waiting ? `wait:${a.status}` : `sms:${a.sms.length}`;
    if (key === shownKey) return;
    const arrived = shownKey !== "" && !waiting;
    shownKey = key;
    mount(
      codeArea,
      waiting ? waitingContent(a) : smsContent(/** @type {Sms} */ (latest), arrived ? "arrived" : "latest"),
    );
    const previous = a.status === "waiting_retry" ? a.sms : a.sms.slice(0, -1);
    earlier.hidden = previous.length === 0;
    mount(
      earlier,
      h("summary", null, t("act.earlier", { count: previous.length })),
      h(
        "ol",
        { class: "sms-list" },
        previous.map((sms) => h("li", null, smsContent(sms, "earlier"))),
      ),
    );
  };

  const tick = () => {
    const now = Date.now();
    const left = Date.parse(a.expiresAt) - now;
    if (isFinal(a)) expiry.textContent = t("act.ended", { when: dateTime(a.createdAt) });
    else expiry.textContent = left > 0 ? t("act.expiresIn", { clock: clock(left) }) : t("act.expiring");
    expiry.classList.toggle("urgent", !isFinal(a) && left < 60_000);
    const wait = Date.parse(a.cancelableAt) - now;
    if (a.status === "waiting" && wait > 0) {
      // aria-disabled, not disabled: the button stays focusable so keyboard users hear why it waits.
      cancelButton.setAttribute("aria-disabled", "true");
      cancelButton.textContent = t("act.cancelIn", { clock: clock(wait) });
      actionHint.textContent = t("act.hintEarly", { window: cancelWindow });
    } else if (a.status === "waiting") {
      if (cancelButton.getAttribute("aria-busy") !== "true") {
        cancelButton.removeAttribute("aria-disabled");
        cancelButton.textContent = t("act.cancel");
      }
      actionHint.textContent = t("act.hintWaiting");
    } else if (a.status === "received") {
      actionHint.textContent = t("act.hintReceived");
    } else if (a.status === "waiting_retry") {
      actionHint.textContent = t("act.hintRetry");
    }
  };

  /**
   * @param {HTMLButtonElement} button
   * @param {string} busy
   * @param {string} action
   */
  const act = (button, busy, action) =>
    button.addEventListener("click", async () => {
      if (button.getAttribute("aria-disabled") === "true") return;
      errors.clear();
      try {
        const next = await whileBusy(button, busy, () => api.post(`/api/v1/activations/${a.id}/${action}`));
        update(next);
        refreshBalance().catch(() => {});
      } catch (err) {
        errors.show(err);
      }
      render();
      // The pressed button is usually gone now (Finish → finished): keep focus on the card's news.
      if (button.hidden) status.focus();
    });
  act(finishButton, t("act.finishing"), "finish");
  act(retryButton, t("act.asking"), "retry");
  act(cancelButton, t("act.cancelling"), "cancel");
  replaceButton.addEventListener("click", async () => {
    errors.clear();
    try {
      const next = await whileBusy(replaceButton, t("act.ordering"), async () => {
        // The price may have moved since this number was bought: pay at most today's price shown.
        const catalog = await reloadCatalog();
        const offer = catalog.prices.find((p) => p.service === a.service && p.country === a.country);
        if (!offer || offer.stock <= 0) throw new Error(t("act.noneLeft", { service: serviceName }));
        return api.post(
          "/api/v1/activations",
          { service: a.service, country: a.country, maxPrice: offer.price },
          { headers: { "Idempotency-Key": crypto.randomUUID() } },
        );
      });
      refreshBalance().catch(() => {});
      navigate(`/numbers/${next.id}`);
    } catch (err) {
      errors.show(err);
    }
  });

  render();
  const timer = setInterval(tick, 1000);
  signal.addEventListener("abort", () => clearInterval(timer));
  watchActivation(a.id, {
    signal,
    lastSeq: () => a.lastSeq,
    onSnapshot: update,
    onEvent: (/** @type {LiveEvent} */ event) => {
      if (event.seq > a.lastSeq) update(applyEvent(a, event));
    },
    onState: (state) => {
      liveState.textContent =
        state === "live" ? t("act.live") : state === "connecting" ? t("act.connecting") : t("act.lost");
      liveState.className = `live-state live-${state}`;
    },
  });
  return card;
};

/** @param {Activation} a */
const waitingContent = (a) => {
  // While waiting for another SMS the last code stays in sight: the other app may still want it.
  const previous = a.status === "waiting_retry" ? a.sms.at(-1) : undefined;
  if (isFinal(a)) {
    return h(
      "div",
      { class: "code-empty" },
      h("p", { class: "code-title" }, t("act.noSms")),
      a.charged ? null : h("p", { class: "muted" }, t("act.notCharged")),
    );
  }
  return h(
    "div",
    { class: "code-waiting" },
    h("span", { class: "pulse", "aria-hidden": "true" }),
    h(
      "div",
      null,
      h(
        "p",
        { class: "code-title" },
        a.status === "waiting_retry" ? t("act.waitingAnother") : t("act.waiting"),
      ),
      h("p", { class: "muted" }, t("act.waitingHint")),
      previous?.code
        ? h(
            "p",
            { class: "previous-code" },
            t("act.previous"),
            h("span", { class: "code-previous", translate: "no" }, previous.code),
            " ",
            copyButton(() => previous.code ?? "", t("act.copyPreviousWhat")),
          )
        : null,
    ),
  );
};

/**
 * @param {Sms} sms
 * @param {"arrived" | "latest" | "earlier"} kind
 */
const smsContent = (sms, kind) =>
  h(
    "div",
    {
      class:
        kind === "earlier" ? "sms" : kind === "arrived" ? "sms sms-latest sms-arrived" : "sms sms-latest",
    },
    sms.code
      ? h(
          "div",
          { class: "code-row" },
          h("span", { class: "label visually-hidden" }, t("act.code")),
          h("span", { class: "code-value", translate: "no" }, sms.code),
          copyButton(() => sms.code ?? "", t("act.copyCodeWhat")),
        )
      : h("p", { class: "code-title" }, t("act.noCode")),
    h("p", { class: "sms-text" }, sms.text ?? t("act.textDeleted")),
    h("p", { class: "muted small" }, t("act.received", { when: dateTime(sms.receivedAt) })),
  );

/** @param {Activation} a */
const priceText = (a) => {
  const price = money(a.price, a.currency);
  if (a.charged) return t("act.charged", { price });
  if (isFinal(a)) return t("act.released", { price });
  return t("act.reserved", { price });
};

/**
 * The local simulator's "send an SMS to this number" control; only rendered when the simulator is on.
 * @param {() => Activation} current
 * @param {string} serviceName
 * @param {ReturnType<typeof errorBox>} errors
 */
const simulatorForm = (current, serviceName, errors) => {
  const id = nextId("sim-text");
  const sample = () =>
    `Your ${serviceName} code is ${String(Math.floor(100000 + Math.random() * 900000))}. Don't share it.`;
  const input = /** @type {HTMLInputElement} */ (h("input", { id, name: "text", value: sample() }));
  const button = /** @type {HTMLButtonElement} */ (
    h("button", { type: "submit", class: "btn btn-ghost" }, t("act.sendSms"))
  );
  const form = h(
    "form",
    { class: "simulator" },
    h("label", { for: id }, t("act.simulate"), " ", h("span", { class: "tag" }, t("act.simulator"))),
    h("div", { class: "inline-form" }, input, button),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.clear();
    try {
      await whileBusy(button, t("home.sending"), () =>
        // Only to this customer's own live number: the simulator's other controls are the operator's.
        api.post(`/simulator/activations/${encodeURIComponent(current().id)}/sms`, { text: input.value }),
      );
      toast(t("act.simSent"));
      input.value = sample();
    } catch (err) {
      errors.show(err);
    }
  });
  return form;
};
