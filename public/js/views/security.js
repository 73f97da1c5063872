// The account's security log: sign-ins, password changes, keys — with where they came from.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { dateTime, device, isSecurityFailure, securityLabel } from "../format.js";
import { emptyState, errorBox, pageHeader, spinner } from "../ui.js";

/** @param {import("../router.js").ViewContext} ctx */
export const securityView = async ({ main, signal }) => {
  const body = h("div", null, spinner("Loading the security log…"));
  mount(
    main,
    pageHeader(
      "Security log",
      "Recent sign-ins and changes to your account. Something you don't recognise? Change your password in Settings and sign out everywhere.",
    ),
    body,
  );
  try {
    const { items } = await api.get("/api/v1/me/security-log", { signal });
    if (signal.aborted) return;
    mount(
      body,
      items.length === 0
        ? emptyState("No events yet.")
        : h(
            "ol",
            { class: "rows" },
            items.map(
              (
                /** @type {{ kind: string, detail: string | null, ip: string | null, userAgent: string | null, createdAt: string }} */ e,
              ) =>
                h(
                  "li",
                  { class: `row sec-row${isSecurityFailure(e.kind) ? " is-warning" : ""}` },
                  h(
                    "div",
                    { class: "row-main" },
                    h(
                      "span",
                      { class: "row-title" },
                      securityLabel(e.kind),
                      e.detail && h("bdi", null, ` · ${e.detail}`),
                    ),
                    h("span", { class: "muted small" }, dateTime(e.createdAt)),
                  ),
                  h(
                    "span",
                    { class: "muted small sec-where" },
                    h("span", { title: e.userAgent ?? "" }, device(e.userAgent)),
                    " · ",
                    h("span", { translate: "no" }, e.ip ?? "unknown IP"),
                  ),
                ),
            ),
          ),
    );
  } catch (err) {
    if (signal.aborted) return;
    const errors = errorBox();
    errors.show(err);
    mount(body, errors);
  }
};
