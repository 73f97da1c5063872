// Account settings: who you are, the email check, a new password, signing out everywhere.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { dateTime } from "../format.js";
import { navigate } from "../router.js";
import { session, setMe } from "../session.js";
import { errorBox, field, onSubmit, pageHeader, toast, whileBusy } from "../ui.js";
import { verifyNotice } from "./home.js";

/** @param {import("../router.js").ViewContext} ctx */
export const settingsView = ({ main }) => {
  const me = session.me;
  if (!me) return;
  const passwordForm = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "stack narrow" },
      field({
        label: "Current password",
        name: "currentPassword",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
      field({
        label: "New password",
        name: "newPassword",
        type: "password",
        autocomplete: "new-password",
        required: true,
        minlength: 10,
        hint: "At least 10 characters. Your other sessions are signed out.",
      }),
      h("button", { type: "submit", class: "btn btn-primary" }, "Change password"),
    )
  );
  onSubmit(passwordForm, "Saving…", async (values) => {
    await api.post("/api/v1/me/password", {
      currentPassword: values.currentPassword,
      newPassword: values.newPassword,
    });
    passwordForm.reset();
    toast("Password changed. Other sessions were signed out.");
  });

  const everywhere = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-danger" }, "Log out everywhere")
  );
  const errors = errorBox();
  everywhere.addEventListener("click", async () => {
    errors.clear();
    try {
      await whileBusy(everywhere, "Signing out…", () => api.post("/api/v1/auth/logout-all"));
      setMe(null);
      navigate("/login");
    } catch (err) {
      errors.show(err);
    }
  });

  mount(
    main,
    pageHeader("Settings"),
    verifyNotice(),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "label" }, "Account"),
      h(
        "dl",
        { class: "facts" },
        h("dt", null, "Email"),
        h(
          "dd",
          null,
          me.email,
          " ",
          h(
            "span",
            { class: me.emailVerified ? "tag tag-ok" : "tag" },
            me.emailVerified ? "verified" : "not verified",
          ),
        ),
        h("dt", null, "Member since"),
        h("dd", null, dateTime(me.createdAt)),
      ),
    ),
    h("section", { class: "card" }, h("h2", { class: "label" }, "Change password"), passwordForm),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "label" }, "Sessions"),
      h(
        "p",
        null,
        "Signed in on a device you no longer use? This signs out every session, including this one.",
      ),
      everywhere,
      errors,
    ),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "label" }, "Your data"),
      h(
        "p",
        null,
        "To get a copy of your data or to close your account, write to ",
        h("a", { href: `mailto:${session.config.supportEmail}` }, session.config.supportEmail),
        " from this email address. ",
        h("a", { href: "#/privacy" }, "How we handle your data"),
      ),
    ),
  );
};
