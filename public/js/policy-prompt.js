// When the policies changed since the signed-in customer accepted them, a banner above the screen
// asks them to read and accept the new version (orders are refused until then).
import { api } from "./api.js";
import { $, h } from "./dom.js";
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
    h("button", { type: "button", class: "btn btn-small btn-primary" }, "Accept")
  );
  const errors = errorBox();
  const banner = h(
    "div",
    {
      class: "alert alert-info notice",
      role: "region",
      "aria-label": "Policy update",
      dataset: { policyPrompt: "" },
    },
    h(
      "p",
      null,
      h("strong", null, "Our policies changed. "),
      "Please read the ",
      h("a", { href: "/privacy" }, "Privacy Policy"),
      " and the ",
      h("a", { href: "/terms" }, "Terms"),
      ` (version ${state.version}); new orders need your acceptance.`,
    ),
    h("p", null, adult, h("label", { for: "policy-adult" }, " I am 18 or older.")),
    accept,
    errors,
  );
  accept.addEventListener("click", async () => {
    errors.clear();
    try {
      await whileBusy(accept, "Saving…", () =>
        api.post("/api/v1/me/policy", { version: state.version, confirmAdult: adult.checked }),
      );
      banner.remove();
      toast("Thank you: the new version is accepted.");
    } catch (err) {
      errors.show(err);
    }
  });
  $("#main").before(banner);
};
