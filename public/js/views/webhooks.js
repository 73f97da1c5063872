// Webhook endpoints: register one (its signing secret is shown once), send a test event, enable or
// disable it, read its delivery log and redeliver, delete it.
import { api, request } from "../api.js";
import { h, mount } from "../dom.js";
import { dateTime } from "../format.js";
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

const EVENTS = [
  ["activation.created", "A number was rented"],
  ["activation.sms_received", "An SMS arrived (code and text)"],
  ["activation.finished", "An activation finished"],
  ["activation.cancelled", "An activation was cancelled (refunded)"],
  ["activation.expired", "An activation expired (refunded)"],
  ["balance.credited", "Your balance was credited"],
  ["topup.refunded", "A top-up was refunded"],
];

/** @typedef {{ id: string, url: string, events: string[], enabled: boolean, disabledReason: string | null, failingSince: string | null, createdAt: string }} Endpoint */
/** @typedef {{ id: string, eventType: string, status: string, attemptCount: number, nextAttemptAt: string | null, createdAt: string, attempts: { at: string, responseStatus: number | null, latencyMs: number, response: string | null }[] }} Delivery */

/** @param {import("../router.js").ViewContext} ctx */
export const webhooksView = ({ main, signal }) => {
  const list = h("div", null, spinner("Loading endpoints…"));
  const fresh = h("div", { class: "new-key", hidden: true, role: "status" });
  const errors = errorBox();
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "key-form" },
      field({
        label: "Endpoint URL",
        name: "url",
        type: "url",
        required: true,
        placeholder: "https://example.com/hooks/sms",
        autocomplete: "off",
        hint: "A public HTTPS address. Each delivery is signed (Standard Webhooks).",
      }),
      h(
        "fieldset",
        { class: "events" },
        h("legend", null, "Events"),
        EVENTS.map(([name, label]) => checkbox({ name, label: `${label} (${name})` })),
      ),
      h("button", { type: "submit", class: "btn btn-primary" }, "Add endpoint"),
    )
  );

  /** @param {{ secret: string, url: string }} created */
  const showSecret = (created) => {
    mount(
      fresh,
      h(
        "p",
        null,
        h("strong", null, `Signing secret for ${created.url}. `),
        "Copy it now: it is shown only this once.",
      ),
      h(
        "div",
        { class: "secret-row" },
        h("code", { class: "secret", translate: "no" }, created.secret),
        copyButton(() => created.secret, "signing secret"),
      ),
      h("p", { class: "hint" }, "Verify the webhook-signature header with it; the README shows how."),
    );
    fresh.hidden = false;
  };

  /** @param {Delivery} delivery @param {string} endpointId @param {() => Promise<void>} reload */
  const deliveryRow = (delivery, endpointId, reload) => {
    const again = /** @type {HTMLButtonElement} */ (
      h("button", { type: "button", class: "btn btn-small" }, "Redeliver")
    );
    again.addEventListener("click", async () => {
      try {
        await whileBusy(again, "Queueing…", () =>
          api.post(
            `/api/v1/webhooks/${encodeURIComponent(endpointId)}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`,
          ),
        );
        toast("Queued again.");
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
        h("span", { class: "row-title" }, `${delivery.eventType} · ${delivery.status}`),
        h(
          "span",
          { class: "muted small", translate: "no" },
          `${delivery.id} · ${dateTime(delivery.createdAt)} · ${delivery.attempts.length} attempt(s)`,
          last ? ` · last: ${last.responseStatus ?? "no answer"} in ${last.latencyMs} ms` : "",
          delivery.nextAttemptAt ? ` · next try ${dateTime(delivery.nextAttemptAt)}` : "",
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
    const test = button("Send test event");
    const toggle = button(endpoint.enabled ? "Disable" : "Enable");
    const show = button("Deliveries", "btn btn-small btn-ghost");
    const remove = button("Delete", "btn btn-small btn-danger");
    const path = `/api/v1/webhooks/${encodeURIComponent(endpoint.id)}`;

    const loadLog = async () => {
      const { deliveries } = await api.get(`${path}/deliveries`, { signal });
      mount(
        log,
        deliveries.length === 0
          ? emptyState("Nothing delivered yet.")
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
    act(test, "Sending…", () => api.post(`${path}/test`), "Test event queued.");
    act(
      toggle,
      "Saving…",
      () => request("PATCH", path, { body: { enabled: !endpoint.enabled } }),
      endpoint.enabled ? "Disabled." : "Enabled.",
    );
    act(remove, "Deleting…", () => api.del(path), "Endpoint deleted.");
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
            ? "Enabled"
            : `Disabled${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ""}`,
          endpoint.failingSince ? ` · failing since ${dateTime(endpoint.failingSince)}` : "",
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
          ? emptyState("No endpoints yet. Add one to be told of each SMS instead of polling.")
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
    "Adding…",
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
      "Webhooks",
      h(
        "span",
        null,
        "Signed HTTPS deliveries of your activations' events, retried for a day. ",
        h("a", { href: "/docs" }, "Read the API docs"),
      ),
    ),
    h("section", { class: "card" }, h("h2", { class: "label" }, "New endpoint"), form, fresh),
    errors,
    h(
      "section",
      { "aria-labelledby": "hooks-title" },
      h("h2", { id: "hooks-title", class: "section-title", tabindex: "-1" }, "Your endpoints"),
      list,
    ),
  );
  load();
};
