// Support: open a ticket or a privacy request, follow its thread and the answers; and the page that
// confirms a privacy request sent by email (#/support/confirm?token=…).
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { dateTime } from "../format.js";
import { t as tr } from "../lang.js";
import { emptyState, errorBox, field, onSubmit, pageHeader, spinner, toast } from "../ui.js";

/** @typedef {{ id: string, kind: string, privacyType: string | null, subject: string, status: string,
 *   createdAt: string, dueAt: string, overdue: boolean,
 *   messages?: Array<{ author: string, body: string, createdAt: string }> }} Ticket */

const PRIVACY_TYPES = [
  "access",
  "correction",
  "deletion",
  "restriction",
  "objection",
  "portability",
  "information",
  "complaint",
];

/** @typedef {import("../i18n/index.js").MessageKey} MessageKey */
/** @param {string} type */
const privacyTypeLabel = (type) =>
  PRIVACY_TYPES.includes(type) ? tr(/** @type {MessageKey} */ (`support.type.${type}`)) : type;
/** @param {string} status */
const statusText = (status) =>
  ["unverified", "open", "answered", "closed"].includes(status)
    ? tr(/** @type {MessageKey} */ (`support.status.${status}`))
    : status;

const messageBox = (name = "message") =>
  h(
    "div",
    { class: "field", dataset: { field: name } },
    h("label", { for: `support-${name}` }, tr("support.message")),
    h("textarea", { id: `support-${name}`, name, required: true, rows: "5", maxlength: "10000" }),
    h("p", { class: "field-error", hidden: true }),
  );

/** @param {HTMLFormElement} form @param {string} name */
const textOf = (form, name) => /** @type {HTMLTextAreaElement} */ (form.elements.namedItem(name)).value;

/** @param {import("../router.js").ViewContext} ctx */
export const supportView = ({ main, signal }) => {
  const list = h("div", null, spinner(tr("support.loading")));
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "card" },
      h("h2", null, tr("support.open")),
      field({ label: tr("support.subject"), name: "subject", required: true }),
      h(
        "div",
        { class: "field" },
        h("label", { for: "support-type" }, tr("title.privacyRequest")),
        h("select", { id: "support-type", name: "privacyType" }, [
          h("option", { value: "" }, tr("support.notPrivacy")),
          ...PRIVACY_TYPES.map((value) => h("option", { value }, privacyTypeLabel(value))),
        ]),
      ),
      field({ label: tr("support.activation"), name: "activationId", placeholder: "act_…" }),
      messageBox(),
      h("button", { type: "submit", class: "btn btn-primary" }, tr("support.send")),
    )
  );
  onSubmit(form, tr("home.sending"), async (values) => {
    const created = /** @type {Ticket} */ (
      await api.post("/api/v1/support/tickets", {
        subject: values.subject,
        message: textOf(form, "message"),
        ...(values.activationId ? { activationId: values.activationId } : {}),
        ...(values.privacyType ? { privacyType: values.privacyType } : {}),
      })
    );
    toast(tr("support.sent", { when: dateTime(created.dueAt) }));
    location.hash = `#/support/${created.id}`;
  });
  mount(
    main,
    pageHeader(tr("title.support"), tr("support.lead")),
    form,
    h("h2", null, tr("support.yours")),
    list,
  );
  api
    .get("/api/v1/support/tickets", { signal })
    .then((/** @type {{ items: Ticket[] }} */ { items }) =>
      mount(
        list,
        items.length === 0
          ? emptyState(tr("support.empty"))
          : h(
              "ul",
              { class: "ticket-list" },
              items.map((t) =>
                h(
                  "li",
                  null,
                  h("a", { href: `#/support/${t.id}` }, t.subject),
                  ` · ${statusText(t.status)} · ${dateTime(t.createdAt)}`,
                ),
              ),
            ),
      ),
    )
    .catch((err) => {
      const box = errorBox();
      box.show(err);
      mount(list, box);
    });
};

/** @param {import("../router.js").ViewContext} ctx */
export const ticketView = async (ctx) => {
  const { main, params, signal } = ctx;
  mount(main, spinner(tr("loading")));
  const errors = errorBox();
  try {
    const t = /** @type {Ticket} */ (await api.get(`/api/v1/support/tickets/${params.id}`, { signal }));
    const reply = /** @type {HTMLFormElement} */ (
      h(
        "form",
        { class: "card" },
        messageBox("reply"),
        h("button", { type: "submit", class: "btn" }, tr("support.reply")),
      )
    );
    onSubmit(reply, tr("home.sending"), async () => {
      await api.post(`/api/v1/support/tickets/${t.id}/messages`, { message: textOf(reply, "reply") });
      toast(tr("support.replied"));
      ticketView(ctx);
    });
    mount(
      main,
      pageHeader(
        t.subject,
        `${statusText(t.status)}${t.privacyType ? ` · ${tr("support.privacyOf", { type: privacyTypeLabel(t.privacyType) })}` : ""}`,
      ),
      h(
        "ol",
        { class: "thread" },
        (t.messages ?? []).map((m) =>
          h(
            "li",
            { class: `card message-${m.author}` },
            h(
              "p",
              { class: "muted small" },
              `${m.author === "operator" ? tr("title.support") : tr("support.you")} · ${dateTime(m.createdAt)}`,
            ),
            h("p", { class: "pre-wrap" }, m.body),
          ),
        ),
      ),
      t.status === "closed" ? h("p", { class: "muted" }, tr("support.closed")) : reply,
    );
  } catch (err) {
    errors.show(err);
    mount(main, errors);
  }
};

/** @param {import("../router.js").ViewContext} ctx */
export const confirmRequestView = async ({ main, query }) => {
  const box = errorBox();
  mount(main, pageHeader(tr("title.privacyRequest")), spinner(tr("privacy.confirming")));
  try {
    await api.post("/api/v1/support/privacy-requests/confirm", { token: query.get("token") ?? "" });
    mount(main, pageHeader(tr("support.confirmed"), tr("support.confirmedLead")));
  } catch (err) {
    box.show(err);
    mount(main, pageHeader(tr("title.privacyRequest")), box);
  }
};
