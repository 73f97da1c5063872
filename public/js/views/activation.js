// One activation on its own page: the live card, reachable by link from anywhere.
import { activationCard } from "../activation-card.js";
import { api } from "../api.js";
import { getCatalog } from "../catalog.js";
import { h, mount } from "../dom.js";
import { t } from "../lang.js";
import { errorBox, pageHeader, spinner } from "../ui.js";

/** @param {import("../router.js").ViewContext} ctx */
export const activationView = async ({ main, params, signal }) => {
  const body = h("div", { class: "act-page" }, spinner(t("act.loading")));
  mount(
    main,
    pageHeader(
      t("title.number"),
      null,
      h("a", { class: "btn btn-secondary", href: "/buy" }, t("act.buyAnother")),
    ),
    body,
  );
  try {
    const [catalog, activation] = await Promise.all([
      getCatalog(),
      api.get(`/api/v1/activations/${encodeURIComponent(params.id ?? "")}`, { signal }),
    ]);
    if (signal.aborted) return;
    mount(
      body,
      activationCard(activation, { catalog, signal }),
      h("p", null, h("a", { href: "/" }, t("act.allActive"))),
    );
  } catch (err) {
    if (signal.aborted) return;
    const errors = errorBox();
    errors.show(err);
    mount(body, errors, h("p", null, h("a", { href: "/history" }, t("act.seeHistory"))));
  }
};
