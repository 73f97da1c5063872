// API keys for scripts and bots: create (the key is shown once, a test-mode key on request), see
// usage, revoke; and the test balance of test mode with its reset.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { ago, dateTime, money } from "../format.js";
import { t } from "../lang.js";
import {
  checkbox,
  copyButton,
  emptyState,
  errorBox,
  field,
  onSubmit,
  pageHeader,
  spinner,
  toast,
  whileBusy,
} from "../ui.js";

/** @typedef {{ id: string, name: string, prefix: string, test?: boolean, createdAt: string, lastUsedAt: string | null, requestCount?: number }} Key */

/** @param {import("../router.js").ViewContext} ctx */
export const keysView = ({ main, signal }) => {
  const list = h("div", null, spinner(t("keys.loading")));
  const fresh = h("div", { class: "new-key", hidden: true, role: "status" });
  const errors = errorBox();
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "key-form" },
      field({
        label: t("keys.name"),
        name: "name",
        required: true,
        placeholder: t("keys.placeholder"),
        autocomplete: "off",
      }),
      // Test mode: a sk_test_ key spends play money on simulated numbers, never the real balance.
      checkbox({ name: "test", label: t("keys.testKey") }),
      h("button", { type: "submit", class: "btn btn-primary" }, t("keys.create")),
    )
  );

  /** Which key the secret on screen belongs to: revoking that key takes its secret off the page. */
  let shownKeyId = "";
  /** @param {{ key: string, name: string, id?: string }} created */
  const showKey = (created) => {
    shownKeyId = created.id ?? "";
    mount(
      fresh,
      h("p", null, h("strong", null, t("keys.new", { name: created.name })), " ", t("keys.once")),
      h(
        "div",
        { class: "secret-row" },
        h("code", { class: "secret", translate: "no" }, created.key),
        copyButton(() => created.key, t("keys.what")),
      ),
      h(
        "p",
        { class: "hint" },
        t("keys.sendAs"),
        h("code", null, "Authorization: Bearer <key>"),
        t("keys.sendOr"),
        h("code", null, "api_key"),
        t("keys.sendStubs"),
        h("a", { href: "/docs" }, t("footer.docs")),
      ),
    );
    fresh.hidden = false;
  };

  const testBalance = h("p", { class: "muted", role: "status" }, t("keys.testLoading"));
  const resetButton = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-small" }, t("keys.testReset"))
  );
  /** @param {{ available: number, held: number, currency: string }} b */
  const showTestBalance = (b) => {
    testBalance.textContent =
      b.held > 0
        ? t("keys.testBalanceHeld", {
            balance: money(b.available, b.currency),
            held: money(b.held, b.currency),
          })
        : t("keys.testBalance", { balance: money(b.available, b.currency) });
  };
  const loadTestBalance = async () => {
    try {
      const b = await api.get("/api/v1/billing/test-balance", { signal });
      if (!signal.aborted) showTestBalance(b);
    } catch (err) {
      if (!signal.aborted) errors.show(err);
    }
  };
  resetButton.addEventListener("click", async () => {
    try {
      showTestBalance(
        await whileBusy(resetButton, t("keys.testResetting"), () =>
          api.post("/api/v1/billing/test-balance/reset", {}),
        ),
      );
      toast(t("keys.testResetDone"));
    } catch (err) {
      errors.show(err);
    }
  });

  /** @param {Key} key */
  const row = (key) => {
    const revoke = /** @type {HTMLButtonElement} */ (
      h("button", { type: "button", class: "btn btn-small btn-danger" }, t("keys.revoke"))
    );
    const keep = /** @type {HTMLButtonElement} */ (
      h("button", { type: "button", class: "btn btn-small btn-ghost", hidden: true }, t("keys.keep"))
    );
    let armed = false;
    // Revoking breaks every script using the key: ask for a second, deliberate click.
    revoke.addEventListener("click", async () => {
      if (!armed) {
        armed = true;
        revoke.textContent = t("keys.confirm");
        keep.hidden = false;
        return;
      }
      try {
        await whileBusy(revoke, t("keys.revoking"), () =>
          api.del(`/api/v1/keys/${encodeURIComponent(key.id)}`),
        );
        toast(t("keys.revoked", { name: key.name }));
        if (key.id === shownKeyId) {
          shownKeyId = "";
          fresh.replaceChildren();
          fresh.hidden = true;
        }
        await load();
        // The row and its button are gone: land on the list they were in.
        document.getElementById("keys-title")?.focus();
      } catch (err) {
        errors.show(err);
      }
    });
    keep.addEventListener("click", () => {
      armed = false;
      revoke.textContent = t("keys.revoke");
      keep.hidden = true;
      revoke.focus();
    });
    return h(
      "li",
      { class: "row key-row" },
      h(
        "div",
        { class: "row-main" },
        h(
          "span",
          { class: "row-title" },
          key.name,
          key.test ? " " : "",
          key.test ? h("span", { class: "tag", title: t("keys.testTagTitle") }, t("keys.testTag")) : "",
        ),
        h(
          "span",
          { class: "muted small", translate: "no" },
          `${key.prefix}… · ${t("keys.created", { when: dateTime(key.createdAt) })}`,
        ),
      ),
      h(
        "span",
        { class: "muted small" },
        t("keys.lastUsed", { when: ago(key.lastUsedAt) }),
        key.requestCount != null ? ` · ${t("keys.requests", { count: key.requestCount })}` : "",
      ),
      h("span", { class: "row-actions" }, revoke, keep),
    );
  };

  const load = async () => {
    try {
      const { keys } = await api.get("/api/v1/keys", { signal });
      if (signal.aborted) return;
      mount(
        list,
        keys.length === 0 ? emptyState(t("keys.empty")) : h("ol", { class: "rows" }, keys.map(row)),
      );
    } catch (err) {
      if (signal.aborted) return;
      list.replaceChildren();
      errors.show(err);
    }
  };

  onSubmit(
    form,
    t("keys.creating"),
    async (values) => {
      const created = await api.post("/api/v1/keys", { name: values.name, test: values.test === true });
      form.reset();
      showKey(created);
      await load();
    },
    { errorsAt: "end" },
  );

  mount(
    main,
    pageHeader(
      t("title.keys"),
      h(
        "span",
        null,
        t("keys.lead"),
        " ",
        h("a", { href: "/docs" }, t("keys.docs")),
        " · ",
        h("a", { href: "#/webhooks" }, t("title.webhooks")),
      ),
    ),
    h("section", { class: "card" }, h("h2", { class: "label" }, t("keys.newKey")), form, fresh),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "label" }, t("keys.testTitle")),
      h("p", { class: "hint" }, t("keys.testHint")),
      testBalance,
      resetButton,
    ),
    errors,
    h(
      "section",
      { "aria-labelledby": "keys-title" },
      h("h2", { id: "keys-title", class: "section-title", tabindex: "-1" }, t("keys.yours")),
      list,
    ),
  );
  load();
  loadTestBalance();
};
