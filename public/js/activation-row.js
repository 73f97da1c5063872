// One live number as a row of the compact table (Dashboard → Table): service, country, number,
// status, code, time left and actions. Kept current by the same live stream as the card.
import { applyEvent, isFinal } from "./activation-card.js";
import { api } from "./api.js";
import { announceCode } from "./attention.js";
import { h, mount } from "./dom.js";
import { clock, phoneParts, statusLabel } from "./format.js";
import { t } from "./lang.js";
import { watchActivation } from "./live.js";
import { refreshBalance } from "./session.js";
import { copyButton, countryBadge, errorBox, serviceBadge, whileBusy } from "./ui.js";

/**
 * @param {import("./activation-card.js").Activation} initial
 * @param {{ catalog: import("./catalog.js").Catalog, signal: AbortSignal }} opts
 */
export const activationRow = (initial, { catalog, signal }) => {
  let a = initial;
  const serviceName = catalog.serviceName(a.service);
  const country = catalog.country(a.country);
  const phone = phoneParts(a.phone, country?.iso);
  const status = h("span", { class: "status" });
  const code = h("td", { class: "row-code-cell" });
  const left = h("td", { class: "num countdown-cell" });
  const actions = h("td", { class: "row-actions-cell" });
  const errors = errorBox();
  const row = h(
    "tr",
    { class: "act-table-row", dataset: { activation: a.id } },
    h(
      "td",
      null,
      h("span", { class: "cell-service" }, serviceBadge(a.service, serviceName), " ", serviceName),
    ),
    h("td", null, country ? [countryBadge(country.iso), " ", country.name] : String(a.country)),
    h(
      "td",
      { class: "cell-phone" },
      h(
        "a",
        {
          href: `/numbers/${a.id}`,
          class: "phone-link",
          translate: "no",
        },
        phone.grouped,
      ),
      " ",
      copyButton(() => a.phone, t("row.copyPhone", { service: serviceName })),
    ),
    h("td", null, status),
    code,
    left,
    actions,
  );

  /** @param {HTMLButtonElement} button @param {string} busy @param {string} action */
  const act = (button, busy, action) =>
    button.addEventListener("click", async () => {
      errors.clear();
      try {
        update(await whileBusy(button, busy, () => api.post(`/api/v1/activations/${a.id}/${action}`)));
        refreshBalance().catch(() => {});
      } catch (err) {
        errors.show(err);
      }
    });

  let shownCode = "";
  const render = () => {
    status.textContent = statusLabel(a.status);
    status.className = `status status-${a.status}`;
    const latest = a.sms.at(-1)?.code ?? "";
    const codeKey = `${a.status}:${latest}`;
    if (codeKey !== shownCode) {
      shownCode = codeKey;
      mount(
        code,
        latest
          ? [
              h("span", { class: "code-value code-small", translate: "no" }, latest),
              " ",
              copyButton(() => latest, t("row.copyCode", { service: serviceName })),
            ]
          : h("span", { class: "muted" }, isFinal(a) ? "—" : "Waiting…"),
      );
      const buttons = [];
      if (a.status === "received" || a.status === "waiting_retry") {
        const finish = /** @type {HTMLButtonElement} */ (
          h(
            "button",
            {
              type: "button",
              class: "btn btn-small btn-primary",
              "aria-label": t("row.finishName", { service: serviceName, phone: phone.grouped }),
            },
            t("act.finish"),
          )
        );
        act(finish, "…", "finish");
        buttons.push(finish);
      }
      if (a.status === "waiting") {
        const cancel = /** @type {HTMLButtonElement} */ (
          h(
            "button",
            {
              type: "button",
              class: "btn btn-small btn-secondary",
              "aria-label": t("row.cancelName", { service: serviceName, phone: phone.grouped }),
            },
            t("act.cancel"),
          )
        );
        act(cancel, "…", "cancel");
        buttons.push(cancel);
      }
      mount(actions, buttons, errors);
    }
    tick();
  };

  const tick = () => {
    const ms = Date.parse(a.expiresAt) - Date.now();
    left.textContent = isFinal(a) ? t("row.ended") : ms > 0 ? clock(ms) : t("act.expiring");
    left.classList.toggle("urgent", !isFinal(a) && ms < 60_000);
  };

  /** @param {import("./activation-card.js").Activation} next */
  const update = (next) => {
    if (next.id !== a.id || next.lastSeq < a.lastSeq) return;
    const before = a;
    a = next;
    render();
    const latest = a.sms.at(-1);
    if (a.sms.length > before.sms.length && latest?.code) {
      announceCode({ code: latest.code, serviceName, phone: phone.grouped, href: `/numbers/${a.id}` });
    }
    if (a.charged !== before.charged || (a.status !== before.status && isFinal(a))) {
      refreshBalance().catch(() => {});
    }
  };

  render();
  const timer = setInterval(tick, 1000);
  signal.addEventListener("abort", () => clearInterval(timer));
  watchActivation(a.id, {
    signal,
    lastSeq: () => a.lastSeq,
    onSnapshot: update,
    onEvent: (event) => {
      if (event.seq > a.lastSeq) update(applyEvent(a, event));
    },
    onState: (state) => row.classList.toggle("is-offline", state === "reconnecting"),
  });
  return row;
};

/**
 * The compact table of live numbers.
 * @param {import("./activation-card.js").Activation[]} items
 * @param {{ catalog: import("./catalog.js").Catalog, signal: AbortSignal }} opts
 */
export const activationTable = (items, opts) =>
  h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data-table act-table", "aria-label": t("home.active") },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          [
            t("col.service"),
            t("col.country"),
            t("col.number"),
            t("col.status"),
            t("col.code"),
            t("col.timeLeft"),
            t("col.actions"),
          ].map((label, i) => h("th", { scope: "col", class: i === 5 ? "num" : null }, label)),
        ),
      ),
      h(
        "tbody",
        null,
        items.map((a) => activationRow(a, opts)),
      ),
    ),
  );
