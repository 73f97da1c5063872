// Settings → the privacy rights that are self-service: restrict processing (the data stays, nothing
// new is done with it until lifted) and correct the email address.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { errorBox, field, onSubmit, pageHeader, spinner, toast, whileBusy } from "../ui.js";

export const restrictionCard = () => {
  const errors = errorBox();
  /** @param {boolean} restricted */
  const button = (restricted) => {
    const b = /** @type {HTMLButtonElement} */ (
      h(
        "button",
        { type: "button", class: "btn btn-secondary" },
        restricted ? "Restrict processing" : "Lift the restriction",
      )
    );
    b.addEventListener("click", async () => {
      errors.clear();
      try {
        await whileBusy(b, "Saving…", () => api.post("/api/v1/me/restriction", { restricted }));
        toast(restricted ? "Processing restricted: no new orders or top-ups." : "Restriction lifted.");
      } catch (err) {
        errors.show(err);
      }
    });
    return b;
  };
  return h(
    "section",
    { class: "card" },
    h("h2", { class: "label" }, "Restrict processing"),
    h(
      "p",
      null,
      "Your data is kept, but nothing new is done with it — no orders or top-ups — until you lift it.",
    ),
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
        label: "New email address",
        name: "newEmail",
        type: "email",
        required: true,
        autocomplete: "email",
      }),
      field({
        label: "Password",
        name: "password",
        type: "password",
        required: true,
        autocomplete: "current-password",
      }),
      h("button", { type: "submit", class: "btn btn-secondary" }, "Send the confirmation link"),
    )
  );
  onSubmit(form, "Sending…", async (values) => {
    await api.post("/api/v1/me/email", { newEmail: values.newEmail, password: values.password });
    form.reset();
    toast("Open the link we sent to the new address; nothing changes until then.");
  });
  return h("section", { class: "card" }, h("h2", { class: "label" }, "Email address"), form);
};

/** #/confirm-email-change?token=… from the link sent to the new address. @param {import("../router.js").ViewContext} ctx */
export const confirmEmailChangeView = async ({ main, query }) => {
  const box = errorBox();
  mount(main, pageHeader("New email address"), spinner("Confirming…"));
  try {
    const { email } = /** @type {{ email: string }} */ (
      await api.post("/api/v1/auth/confirm-email-change", { token: query.get("token") ?? "" })
    );
    mount(main, pageHeader("Email address changed", `Your account's address is now ${email}.`));
  } catch (err) {
    box.show(err);
    mount(main, pageHeader("New email address"), box);
  }
};
