// API keys for scripts and bots: create (the key is shown once, a test-mode key on request), see
// usage, revoke; and the test balance of test mode with its reset.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { ago, dateTime, money } from "../format.js";
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
  const list = h("div", null, spinner("Loading keys…"));
  const fresh = h("div", { class: "new-key", hidden: true, role: "status" });
  const errors = errorBox();
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "key-form" },
      field({
        label: "Key name",
        name: "name",
        required: true,
        placeholder: "e.g. my-bot",
        autocomplete: "off",
      }),
      // Test mode: a sk_test_ key spends play money on simulated numbers, never the real balance.
      checkbox({ name: "test", label: "Test mode key (sk_test_…): play money, simulated numbers" }),
      h("button", { type: "submit", class: "btn btn-primary" }, "Create key"),
    )
  );

  /** Which key the secret on screen belongs to: revoking that key takes its secret off the page. */
  let shownKeyId = "";
  /** @param {{ key: string, name: string, id?: string }} created */
  const showKey = (created) => {
    shownKeyId = created.id ?? "";
    mount(
      fresh,
      h(
        "p",
        null,
        h("strong", null, `Your new key “${created.name}”. `),
        "Copy it now: it is shown only this once.",
      ),
      h(
        "div",
        { class: "secret-row" },
        h("code", { class: "secret", translate: "no" }, created.key),
        copyButton(() => created.key, "API key"),
      ),
      h(
        "p",
        { class: "hint" },
        "Send it as ",
        h("code", null, "Authorization: Bearer <key>"),
        " to the REST API, or as ",
        h("code", null, "api_key"),
        " to /stubs/handler_api.php. ",
        h("a", { href: "/docs" }, "API documentation"),
      ),
    );
    fresh.hidden = false;
  };

  const testBalance = h("p", { class: "muted", role: "status" }, "Loading the test balance…");
  const resetButton = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-small" }, "Reset to $100")
  );
  /** @param {{ available: number, held: number, currency: string }} b */
  const showTestBalance = (b) => {
    testBalance.textContent =
      `Test balance: ${money(b.available, b.currency)}` +
      (b.held > 0 ? ` (${money(b.held, b.currency)} held)` : "");
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
        await whileBusy(resetButton, "Resetting…", () => api.post("/api/v1/billing/test-balance/reset", {})),
      );
      toast("Test balance reset.");
    } catch (err) {
      errors.show(err);
    }
  });

  /** @param {Key} key */
  const row = (key) => {
    const revoke = /** @type {HTMLButtonElement} */ (
      h("button", { type: "button", class: "btn btn-small btn-danger" }, "Revoke")
    );
    const keep = /** @type {HTMLButtonElement} */ (
      h("button", { type: "button", class: "btn btn-small btn-ghost", hidden: true }, "Keep")
    );
    let armed = false;
    // Revoking breaks every script using the key: ask for a second, deliberate click.
    revoke.addEventListener("click", async () => {
      if (!armed) {
        armed = true;
        revoke.textContent = "Confirm revoke";
        keep.hidden = false;
        return;
      }
      try {
        await whileBusy(revoke, "Revoking…", () => api.del(`/api/v1/keys/${encodeURIComponent(key.id)}`));
        toast(`Revoked “${key.name}”.`);
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
      revoke.textContent = "Revoke";
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
          key.test
            ? h("span", { class: "tag", title: "Test mode: play money, simulated numbers" }, "test")
            : "",
        ),
        h(
          "span",
          { class: "muted small", translate: "no" },
          `${key.prefix}… · created ${dateTime(key.createdAt)}`,
        ),
      ),
      h(
        "span",
        { class: "muted small" },
        `Last used ${ago(key.lastUsedAt)}`,
        key.requestCount != null
          ? ` · ${key.requestCount} ${key.requestCount === 1 ? "request" : "requests"}`
          : "",
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
        keys.length === 0
          ? emptyState("No API keys yet. Create one to use the API from scripts and bots.")
          : h("ol", { class: "rows" }, keys.map(row)),
      );
    } catch (err) {
      if (signal.aborted) return;
      list.replaceChildren();
      errors.show(err);
    }
  };

  onSubmit(
    form,
    "Creating…",
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
      "API keys",
      h(
        "span",
        null,
        "Use the service from your own code with the same balance. ",
        h("a", { href: "/docs" }, "Read the API docs"),
        " · ",
        h("a", { href: "#/webhooks" }, "Webhooks"),
      ),
    ),
    h("section", { class: "card" }, h("h2", { class: "label" }, "New key"), form, fresh),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "label" }, "Test mode"),
      h(
        "p",
        { class: "hint" },
        "Test keys rent simulated numbers with play money, in any deployment, and never touch your real " +
          "balance. Services test_code, test_delay, test_nosms, test_nonum and test_error make each case " +
          "happen on demand.",
      ),
      testBalance,
      resetButton,
    ),
    errors,
    h(
      "section",
      { "aria-labelledby": "keys-title" },
      h("h2", { id: "keys-title", class: "section-title", tabindex: "-1" }, "Your keys"),
      list,
    ),
  );
  load();
  loadTestBalance();
};
