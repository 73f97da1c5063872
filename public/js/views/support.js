// Support: open a ticket or a privacy request, follow its thread and the answers; and the page that
// confirms a privacy request sent by email (#/support/confirm?token=…).
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { dateTime } from "../format.js";
import { emptyState, errorBox, field, onSubmit, pageHeader, spinner, toast } from "../ui.js";

/** @typedef {{ id: string, kind: string, privacyType: string | null, subject: string, status: string,
 *   createdAt: string, dueAt: string, overdue: boolean,
 *   messages?: Array<{ author: string, body: string, createdAt: string }> }} Ticket */

const PRIVACY_TYPES = [
  ["", "Not a privacy request"],
  ["access", "Access my data"],
  ["correction", "Correct my data"],
  ["deletion", "Delete my data"],
  ["restriction", "Restrict processing"],
  ["objection", "Object to processing"],
  ["portability", "Take my data elsewhere"],
  ["information", "How my data is processed"],
  ["complaint", "A complaint"],
];

const messageBox = (name = "message") =>
  h(
    "div",
    { class: "field", dataset: { field: name } },
    h("label", { for: `support-${name}` }, "Message"),
    h("textarea", { id: `support-${name}`, name, required: true, rows: "5", maxlength: "10000" }),
    h("p", { class: "field-error", hidden: true }),
  );

/** @param {HTMLFormElement} form @param {string} name */
const textOf = (form, name) => /** @type {HTMLTextAreaElement} */ (form.elements.namedItem(name)).value;

/** @param {import("../router.js").ViewContext} ctx */
export const supportView = ({ main, signal }) => {
  const list = h("div", null, spinner("Loading tickets…"));
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "card" },
      h("h2", null, "Open a ticket"),
      field({ label: "Subject", name: "subject", required: true }),
      h(
        "div",
        { class: "field" },
        h("label", { for: "support-type" }, "Privacy request"),
        h(
          "select",
          { id: "support-type", name: "privacyType" },
          PRIVACY_TYPES.map(([value, label]) => h("option", { value }, label)),
        ),
      ),
      field({ label: "Activation id (optional)", name: "activationId", placeholder: "act_…" }),
      messageBox(),
      h("button", { type: "submit", class: "btn btn-primary" }, "Send"),
    )
  );
  onSubmit(form, "Sending…", async (values) => {
    const created = /** @type {Ticket} */ (
      await api.post("/api/v1/support/tickets", {
        subject: values.subject,
        message: textOf(form, "message"),
        ...(values.activationId ? { activationId: values.activationId } : {}),
        ...(values.privacyType ? { privacyType: values.privacyType } : {}),
      })
    );
    toast(`Sent. We answer by ${dateTime(created.dueAt)} at the latest.`);
    location.hash = `#/support/${created.id}`;
  });
  mount(
    main,
    pageHeader("Support", "We answer within 48–72 hours on business days; you also get the answer by email."),
    form,
    h("h2", null, "Your tickets"),
    list,
  );
  api
    .get("/api/v1/support/tickets", { signal })
    .then((/** @type {{ items: Ticket[] }} */ { items }) =>
      mount(
        list,
        items.length === 0
          ? emptyState("No tickets yet.")
          : h(
              "ul",
              { class: "ticket-list" },
              items.map((t) =>
                h(
                  "li",
                  null,
                  h("a", { href: `#/support/${t.id}` }, t.subject),
                  ` · ${t.status} · ${dateTime(t.createdAt)}`,
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
  mount(main, spinner("Loading…"));
  const errors = errorBox();
  try {
    const t = /** @type {Ticket} */ (await api.get(`/api/v1/support/tickets/${params.id}`, { signal }));
    const reply = /** @type {HTMLFormElement} */ (
      h(
        "form",
        { class: "card" },
        messageBox("reply"),
        h("button", { type: "submit", class: "btn" }, "Reply"),
      )
    );
    onSubmit(reply, "Sending…", async () => {
      await api.post(`/api/v1/support/tickets/${t.id}/messages`, { message: textOf(reply, "reply") });
      toast("Sent.");
      ticketView(ctx);
    });
    mount(
      main,
      pageHeader(t.subject, `${t.status}${t.privacyType ? ` · privacy request: ${t.privacyType}` : ""}`),
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
              `${m.author === "operator" ? "Support" : "You"} · ${dateTime(m.createdAt)}`,
            ),
            h("p", { class: "pre-wrap" }, m.body),
          ),
        ),
      ),
      t.status === "closed" ? h("p", { class: "muted" }, "This ticket is closed.") : reply,
    );
  } catch (err) {
    errors.show(err);
    mount(main, errors);
  }
};

/** @param {import("../router.js").ViewContext} ctx */
export const confirmRequestView = async ({ main, query }) => {
  const box = errorBox();
  mount(main, pageHeader("Privacy request"), spinner("Confirming…"));
  try {
    await api.post("/api/v1/support/privacy-requests/confirm", { token: query.get("token") ?? "" });
    mount(main, pageHeader("Privacy request confirmed", "We now act on it and answer by email."));
  } catch (err) {
    box.show(err);
    mount(main, pageHeader("Privacy request"), box);
  }
};
