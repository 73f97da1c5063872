// Webhook endpoints: register one (its signing secret is shown once), send a test event, enable or
// disable it, read its delivery log and redeliver, delete it.
import { api, request } from "../api.js";
import { h, mount } from "../dom.js";
import { dateTime } from "../format.js";
import { t } from "../lang.js";
import {
  checkbox,
  copyButton,
  emptyState,
  errorBox,
  field,
  onSubmit,
  pageHeader,
  spinner,
  toast,
  whileBusy,
} from "../ui.js";

/** @type {[string, import("../i18n/index.js").MessageKey][]} */
const EVENTS = [
  ["activation.created", "webhooks.ev.created"],
  ["activation.sms_received", "webhooks.ev.sms"],
  ["activation.finished", "webhooks.ev.finished"],
  ["activation.cancelled", "webhooks.ev.cancelled"],
  ["activation.expired", "webhooks.ev.expired"],
  ["balance.credited", "webhooks.ev.credited"],
  ["topup.refunded", "webhooks.ev.refunded"],
];

/** @type {Record<string, import("../i18n/index.js").MessageKey>} */
const DELIVERY_STATUS = {
  pending: "webhooks.pending",
  succeeded: "webhooks.succeeded",
  failed: "webhooks.failed",
};

/** @typedef {{ id: string, url: string, events: string[], enabled: boolean, disabledReason: string | null, failingSince: string | null, createdAt: string }} Endpoint */
/** @typedef {{ id: string, eventType: string, status: string, attemptCount: number, nextAttemptAt: string | null, createdAt: string, attempts: { at: string, responseStatus: number | null, latencyMs: number, response: string | null }[] }} Delivery */

/** @param {import("../router.js").ViewContext} ctx */
export const webhooksView = ({ main, signal }) => {
  const list = h("div", null, spinner(t("webhooks.loading")));
  const fresh = h("div", { class: "new-key", hidden: true, role: "status" });
  const errors = errorBox();
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "key-form" },
      field({
        label: t("webhooks.url"),
        name: "url",
        type: "url",
        required: true,
        placeholder: "https://example.com/hooks/sms",
        autocomplete: "off",
        hint: t("webhooks.urlHint"),
      }),
      h(
        "fieldset",
        { class: "events" },
        h("legend", null, t("webhooks.events")),
        EVENTS.map(([name, label]) => checkbox({ name, label: `${t(label)} (${name})` })),
      ),
      h("button", { type: "submit", class: "btn btn-primary" }, t("webhooks.add")),
    )
  );

  /** @param {{ secret: string, url: string }} created */
  const showSecret = (created) => {
    mount(
      fresh,
      h("p", null, h("strong", null, t("webhooks.secretFor", { url: created.url })), " ", t("keys.once")),
      h(
        "div",
        { class: "secret-row" },
        h("code", { class: "secret", translate: "no" }, created.secret),
        copyButton(() => created.secret, t("webhooks.secretWhat")),
      ),
      h("p", { class: "hint" }, t("webhooks.verify")),
    );
    fresh.hidden = false;
  };

  /** @param {Delivery} delivery @param {string} endpointId @param {() => Promise<void>} reload */
  const deliveryRow = (delivery, endpointId, reload) => {
    const again = /** @type {HTMLButtonElement} */ (
      h("button", { type: "button", class: "btn btn-small" }, t("webhooks.redeliver"))
    );
    again.addEventListener("click", async () => {
      try {
        await whileBusy(again, t("webhooks.queueing"), () =>
          api.post(
            `/api/v1/webhooks/${encodeURIComponent(endpointId)}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`,
          ),
        );
        toast(t("webhooks.queued"));
        await reload();
      } catch (err) {
        errors.show(err);
      }
    });
    const last = delivery.attempts.at(-1);
    return h(
      "li",
      { class: "row" },
      h(
        "div",
        { class: "row-main" },
        h(
          "span",
          { class: "row-title" },
          `${delivery.eventType} · ${DELIVERY_STATUS[delivery.status] ? t(/** @type {import("../i18n/index.js").MessageKey} */ (DELIVERY_STATUS[delivery.status])) : delivery.status}`,
        ),
        h(
          "span",
          { class: "muted small", translate: "no" },
          `${delivery.id} · ${dateTime(delivery.createdAt)} · ${t("webhooks.attempts", { count: delivery.attempts.length })}`,
          last
            ? ` · ${t("webhooks.last", { status: last.responseStatus ?? t("webhooks.noAnswer"), ms: last.latencyMs })}`
            : "",
          delivery.nextAttemptAt
            ? ` · ${t("webhooks.next", { when: dateTime(delivery.nextAttemptAt) })}`
            : "",
        ),
        last?.response ? h("code", { class: "small" }, last.response) : null,
      ),
      h("span", { class: "row-actions" }, again),
    );
  };

  /** @param {Endpoint} endpoint */
  const row = (endpoint) => {
    const log = h("div", { hidden: true });
    const button = (/** @type {string} */ label, /** @type {string} */ cls = "btn btn-small") =>
      /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: cls }, label));
    const test = button(t("webhooks.test"));
    const toggle = button(endpoint.enabled ? t("webhooks.disable") : t("webhooks.enable"));
    const show = button(t("webhooks.deliveries"), "btn btn-small btn-ghost");
    const remove = button(t("webhooks.delete"), "btn btn-small btn-danger");
    const path = `/api/v1/webhooks/${encodeURIComponent(endpoint.id)}`;

    const loadLog = async () => {
      const { deliveries } = await api.get(`${path}/deliveries`, { signal });
      mount(
        log,
        deliveries.length === 0
          ? emptyState(t("webhooks.nothing"))
          : h(
              "ol",
              { class: "rows" },
              deliveries.map((/** @type {Delivery} */ d) => deliveryRow(d, endpoint.id, loadLog)),
            ),
      );
    };
    const act = (
      /** @type {HTMLButtonElement} */ el,
      /** @type {string} */ busy,
      /** @type {() => Promise<unknown>} */ work,
      /** @type {string} */ done,
    ) =>
      el.addEventListener("click", async () => {
        try {
          await whileBusy(el, busy, work);
          toast(done);
          await load();
        } catch (err) {
          errors.show(err);
        }
      });
    act(test, t("home.sending"), () => api.post(`${path}/test`), t("webhooks.testQueued"));
    act(
      toggle,
      t("webhooks.saving"),
      () => request("PATCH", path, { body: { enabled: !endpoint.enabled } }),
      endpoint.enabled ? t("webhooks.disabledDone") : t("webhooks.enabledDone"),
    );
    act(remove, t("webhooks.deleting"), () => api.del(path), t("webhooks.deleted"));
    show.addEventListener("click", async () => {
      log.hidden = !log.hidden;
      if (!log.hidden) {
        try {
          await loadLog();
        } catch (err) {
          errors.show(err);
        }
      }
    });
    return h(
      "li",
      { class: "row key-row" },
      h(
        "div",
        { class: "row-main" },
        h("span", { class: "row-title", translate: "no" }, endpoint.url),
        h("span", { class: "muted small" }, endpoint.events.join(", ")),
        h(
          "span",
          { class: "muted small" },
          endpoint.enabled
            ? t("webhooks.on")
            : `${t("webhooks.off")}${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ""}`,
          endpoint.failingSince
            ? ` · ${t("webhooks.failing", { when: dateTime(endpoint.failingSince) })}`
            : "",
        ),
        log,
      ),
      h("span", { class: "row-actions" }, test, toggle, show, remove),
    );
  };

  const load = async () => {
    try {
      const { endpoints } = await api.get("/api/v1/webhooks", { signal });
      if (signal.aborted) return;
      mount(
        list,
        endpoints.length === 0
          ? emptyState(t("webhooks.empty"))
          : h("ol", { class: "rows" }, endpoints.map(row)),
      );
    } catch (err) {
      if (signal.aborted) return;
      list.replaceChildren();
      errors.show(err);
    }
  };

  onSubmit(
    form,
    t("webhooks.adding"),
    async (values) => {
      const events = EVENTS.map(([name]) => name).filter((name) => values[name] === true);
      const created = await api.post("/api/v1/webhooks", { url: values.url, events });
      form.reset();
      showSecret(created);
      await load();
    },
    { errorsAt: "end" },
  );

  mount(
    main,
    pageHeader(
      t("title.webhooks"),
      h("span", null, t("webhooks.lead"), " ", h("a", { href: "/docs" }, t("keys.docs"))),
    ),
    h("section", { class: "card" }, h("h2", { class: "label" }, t("webhooks.newEndpoint")), form, fresh),
    errors,
    h(
      "section",
      { "aria-labelledby": "hooks-title" },
      h("h2", { id: "hooks-title", class: "section-title", tabindex: "-1" }, t("webhooks.yours")),
      list,
    ),
  );
  load();
};
