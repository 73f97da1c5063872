// Settings → the privacy rights that are self-service: restrict processing (the data stays, nothing
// new is done with it until lifted) and correct the email address.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { t } from "../lang.js";
import { errorBox, field, onSubmit, pageHeader, spinner, toast, whileBusy } from "../ui.js";

export const restrictionCard = () => {
  const errors = errorBox();
  /** @param {boolean} restricted */
  const button = (restricted) => {
    const b = /** @type {HTMLButtonElement} */ (
      h(
        "button",
        { type: "button", class: "btn btn-secondary" },
        restricted ? t("privacy.restrict") : t("privacy.lift"),
      )
    );
    b.addEventListener("click", async () => {
      errors.clear();
      try {
        await whileBusy(b, t("webhooks.saving"), () => api.post("/api/v1/me/restriction", { restricted }));
        toast(restricted ? t("privacy.restricted") : t("privacy.lifted"));
      } catch (err) {
        errors.show(err);
      }
    });
    return b;
  };
  return h(
    "section",
    { class: "card" },
    h("h2", { class: "label" }, t("privacy.restrict")),
    h("p", null, t("privacy.restrictLead")),
    button(true),
    " ",
    button(false),
    errors,
  );
};

/** Settings → change the email address (confirmed from the new address). */
export const emailChangeCard = () => {
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "stack narrow" },
      field({
        label: t("privacy.newEmail"),
        name: "newEmail",
        type: "email",
        required: true,
        autocomplete: "email",
      }),
      field({
        label: t("auth.password"),
        name: "password",
        type: "password",
        required: true,
        autocomplete: "current-password",
      }),
      h("button", { type: "submit", class: "btn btn-secondary" }, t("privacy.sendLink")),
    )
  );
  onSubmit(form, t("home.sending"), async (values) => {
    await api.post("/api/v1/me/email", { newEmail: values.newEmail, password: values.password });
    form.reset();
    toast(t("privacy.linkSent"));
  });
  return h("section", { class: "card" }, h("h2", { class: "label" }, t("privacy.email")), form);
};

/** #/confirm-email-change?token=… from the link sent to the new address. @param {import("../router.js").ViewContext} ctx */
export const confirmEmailChangeView = async ({ main, query }) => {
  const box = errorBox();
  mount(main, pageHeader(t("privacy.newEmail")), spinner(t("privacy.confirming")));
  try {
    const { email } = /** @type {{ email: string }} */ (
      await api.post("/api/v1/auth/confirm-email-change", { token: query.get("token") ?? "" })
    );
    mount(main, pageHeader(t("privacy.changed"), t("privacy.changedLead", { email })));
  } catch (err) {
    box.show(err);
    mount(main, pageHeader(t("privacy.newEmail")), box);
  }
};
