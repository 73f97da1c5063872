// Settings → restrict processing: the data stays, nothing new is done with it (no orders or
// top-ups) until the customer lifts the restriction here.
import { api } from "../api.js";
import { h } from "../dom.js";
import { errorBox, toast, whileBusy } from "../ui.js";

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
