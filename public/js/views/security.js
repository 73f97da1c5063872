// The account's security log: sign-ins, password changes, keys — with where they came from.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { dateTime, device, isSecurityFailure, securityLabel } from "../format.js";
import { t } from "../lang.js";
import { emptyState, errorBox, pageHeader, spinner } from "../ui.js";

/** @param {import("../router.js").ViewContext} ctx */
export const securityView = async ({ main, signal }) => {
  const body = h("div", null, spinner(t("security.loading")));
  mount(main, pageHeader(t("title.security"), t("security.lead")), body);
  try {
    const { items } = await api.get("/api/v1/me/security-log", { signal });
    if (signal.aborted) return;
    mount(
      body,
      items.length === 0
        ? emptyState(t("security.empty"))
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
                    h("span", { translate: "no" }, e.ip ?? t("security.unknownIp")),
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
