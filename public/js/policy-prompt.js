// When the policies changed since the signed-in customer accepted them, a banner above the screen
// asks them to read and accept the new version (orders are refused until then).
import { api } from "./api.js";
import { $, h } from "./dom.js";
import { t } from "./lang.js";
import { session } from "./session.js";
import { errorBox, toast, whileBusy } from "./ui.js";

/** @typedef {{ version: string, acceptanceRequired: boolean }} PolicyState */

let shownFor = "";

export const policyPrompt = async () => {
  const me = session.me;
  // Balance updates also notify; only a change of who is signed in redraws the prompt.
  if ((me?.id ?? "") === shownFor) return;
  document.querySelector("[data-policy-prompt]")?.remove();
  shownFor = me?.id ?? "";
  if (!me) return;
  const state = /** @type {PolicyState} */ (
    await api.get("/api/v1/me/policy", { quiet401: true }).catch(() => null)
  );
  if (!state?.acceptanceRequired) return;
  const adult = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", id: "policy-adult" }));
  const accept = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-small btn-primary" }, t("policy.accept"))
  );
  const errors = errorBox();
  const banner = h(
    "div",
    {
      class: "alert alert-info notice",
      role: "region",
      "aria-label": t("policy.label"),
      dataset: { policyPrompt: "" },
    },
    h(
      "p",
      null,
      h("strong", null, t("policy.changed")),
      " ",
      t("policy.read"),
      h("a", { href: "/privacy" }, t("footer.privacy")),
      t("auth.acceptAnd"),
      h("a", { href: "/terms" }, t("footer.terms")),
      t("policy.version", { version: state.version }),
    ),
    h("p", null, adult, h("label", { for: "policy-adult" }, " ", t("auth.adult"))),
    accept,
    errors,
  );
  accept.addEventListener("click", async () => {
    errors.clear();
    try {
      await whileBusy(accept, t("webhooks.saving"), () =>
        api.post("/api/v1/me/policy", { version: state.version, confirmAdult: adult.checked }),
      );
      banner.remove();
      toast(t("policy.accepted"));
    } catch (err) {
      errors.show(err);
    }
  });
  $("#main").before(banner);
};
