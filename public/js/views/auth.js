// Signing up, signing in, and the two email links (verify, reset password).
import { ApiError, api } from "../api.js";
import { h, mount } from "../dom.js";
import { t } from "../lang.js";
import { navigate } from "../router.js";
import { loadMe, session } from "../session.js";
import { checkbox, errorBox, field, onSubmit, spinner } from "../ui.js";

/** @typedef {import("../router.js").ViewContext} ViewContext */

/**
 * Where to go after signing in: back to the page that asked for it, if it was one of ours.
 * @param {URLSearchParams} query
 */
const nextPath = (query) => {
  const next = query.get("next") ?? "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
};

/**
 * @param {string} title
 * @param {string} lead
 * @param {...import("../dom.js").Children} body
 */
const authPage = (title, lead, ...body) =>
  h(
    "section",
    { class: "auth" },
    h(
      "div",
      { class: "auth-intro" },
      h("p", { class: "brand-line" }, session.config.brandName),
      h("h1", { tabindex: "-1" }, title),
      h("p", { class: "lead" }, lead),
    ),
    h("div", { class: "card auth-card" }, ...body),
  );

/** @param {ViewContext} ctx */
export const loginView = ({ main, query }) => {
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "stack", novalidate: false },
      field({ label: t("auth.email"), name: "email", type: "email", autocomplete: "email", required: true }),
      field({
        label: t("auth.password"),
        name: "password",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
      h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("session.login")),
    )
  );
  // The second step of an account with two-factor sign-in: shown when the server asks for it.
  const second = field({
    label: t("auth.code"),
    name: "code",
    autocomplete: "one-time-code",
    inputmode: "text",
    hint: t("auth.codeHint"),
  });
  second.hidden = true;
  form.querySelector("button[type=submit]")?.before(second);
  const secondInput = /** @type {HTMLInputElement} */ (second.querySelector("input"));
  onSubmit(
    form,
    t("auth.loggingIn"),
    async (values) => {
      const typed = String(values.code ?? "").replace(/\s/g, "");
      /** @type {Record<string, unknown>} */
      const body = { email: values.email, password: values.password };
      if (typed) Object.assign(body, /^\d{6}$/.test(typed) ? { totpCode: typed } : { recoveryCode: typed });
      try {
        await api.post("/api/v1/auth/login", body, { quiet401: true });
      } catch (err) {
        if (err instanceof ApiError && err.code === "TOTP_REQUIRED" && second.hidden) {
          second.hidden = false;
          secondInput.required = true;
          secondInput.focus();
          return;
        }
        throw err;
      }
      await loadMe();
      navigate(nextPath(query));
    },
    { fieldFor: { TOTP_INVALID: "code", RECOVERY_CODE_INVALID: "code", TOTP_REQUIRED: "code" } },
  );
  mount(
    main,
    authPage(
      t("title.login"),
      t("auth.loginLead"),
      query.get("reason") === "expired"
        ? h("p", { class: "alert alert-info" }, t("auth.expired"))
        : query.get("reason") === "deleted"
          ? h("p", { class: "alert alert-success", role: "status" }, t("auth.deleted"))
          : null,
      form,
      h(
        "p",
        { class: "auth-links" },
        h("a", { href: "/forgot" }, t("auth.forgot")),
        h("span", null, `${t("auth.newHere")} `, h("a", { href: "/signup" }, t("auth.createAccount"))),
      ),
    ),
  );
};

/** @param {ViewContext} ctx */
export const signupView = ({ main }) => {
  const policyLink = (/** @type {string} */ path, /** @type {string} */ text) =>
    h("a", { href: `#${path}`, target: "_blank", rel: "noopener" }, text);
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "stack" },
      field({ label: t("auth.email"), name: "email", type: "email", autocomplete: "email", required: true }),
      field({
        label: t("auth.password"),
        name: "password",
        type: "password",
        autocomplete: "new-password",
        required: true,
        minlength: 10,
        hint: t("auth.passwordHint"),
      }),
      checkbox({ name: "confirmAdult", required: true, label: t("auth.adult") }),
      checkbox({
        name: "acceptTerms",
        required: true,
        label: [
          t("auth.acceptStart"),
          policyLink("/terms", t("footer.terms")),
          t("auth.acceptAnd"),
          policyLink("/privacy", t("footer.privacy")),
          t("auth.acceptEnd"),
        ],
      }),
      h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("auth.create")),
      h("p", { class: "hint" }, t("auth.cookieNote")),
    )
  );
  onSubmit(form, t("auth.creating"), async (values) => {
    await api.post("/api/v1/auth/signup", {
      email: values.email,
      password: values.password,
      acceptTerms: values.acceptTerms,
      confirmAdult: values.confirmAdult,
    });
    await loadMe();
    navigate("/");
  });
  mount(
    main,
    authPage(
      t("auth.signupTitle"),
      t("auth.signupLead"),
      form,
      h(
        "p",
        { class: "auth-links" },
        h("span", null, `${t("auth.haveAccount")} `, h("a", { href: "/login" }, t("session.login"))),
      ),
    ),
  );
};

/** @param {ViewContext} ctx */
export const forgotView = ({ main }) => {
  const done = h("div", { class: "alert alert-success", role: "status", hidden: true });
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "stack" },
      field({ label: t("auth.email"), name: "email", type: "email", autocomplete: "email", required: true }),
      h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("auth.sendReset")),
    )
  );
  onSubmit(form, t("home.sending"), async (values) => {
    await api.post("/api/v1/auth/request-password-reset", { email: values.email });
    mount(done, t("auth.resetSent", { email: String(values.email) }));
    done.hidden = false;
    form.hidden = true;
  });
  mount(
    main,
    authPage(
      t("auth.forgot"),
      t("auth.forgotLead"),
      done,
      form,
      h("p", { class: "auth-links" }, h("a", { href: "/login" }, t("auth.back"))),
    ),
  );
};

/** @param {ViewContext} ctx */
export const resetView = ({ main, query }) => {
  const token = query.get("token") ?? "";
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "stack" },
      field({
        label: t("settings.newPassword"),
        name: "password",
        type: "password",
        autocomplete: "new-password",
        required: true,
        minlength: 10,
        hint: t("auth.atLeast10"),
      }),
      h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("auth.setPassword")),
    )
  );
  const done = h(
    "div",
    { class: "alert alert-success", role: "status", hidden: true },
    t("auth.resetDone"),
    " ",
    h("a", { href: "/login" }, t("auth.loginWithNew")),
  );
  const expired = h(
    "div",
    { class: "alert alert-error", role: "alert", tabindex: "-1", hidden: true },
    t("auth.resetExpired"),
    " ",
    h("a", { href: "/forgot" }, t("auth.requestNew")),
  );
  onSubmit(form, t("webhooks.saving"), async (values) => {
    try {
      await api.post("/api/v1/auth/reset-password", { token, password: values.password });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "INVALID_TOKEN")) throw err;
      form.hidden = true;
      expired.hidden = false;
      expired.focus();
      return;
    }
    // A reset signs out every session, this browser's too if it had one.
    await loadMe();
    form.hidden = true;
    done.hidden = false;
  });
  mount(
    main,
    authPage(
      t("auth.chooseNew"),
      t("auth.worksOnce"),
      token ? [form, done, expired] : h("p", { class: "alert alert-error" }, t("auth.incomplete")),
    ),
  );
};

/** @param {ViewContext} ctx */
export const verifyEmailView = async ({ main, query, signal }) => {
  const errors = errorBox();
  mount(main, authPage(t("auth.verifying"), t("auth.moment"), spinner(t("auth.checkingLink")), errors));
  try {
    await api.post(
      "/api/v1/auth/verify-email",
      { token: query.get("token") ?? "" },
      { signal, quiet401: true },
    );
    if (session.me) await loadMe();
    mount(
      main,
      authPage(
        t("security.email_verified"),
        t("auth.verified"),
        h(
          "a",
          { class: "btn btn-primary btn-block", href: session.me ? "/" : "/login" },
          session.me ? t("notFound.toDashboard") : t("session.login"),
        ),
      ),
    );
  } catch (err) {
    if (signal.aborted) return;
    mount(
      main,
      authPage(
        t("auth.linkFailed"),
        t("auth.linkFailedLead"),
        errors,
        h(
          "a",
          { class: "btn btn-secondary btn-block", href: session.me ? "/settings" : "/login" },
          t("auth.continue"),
        ),
      ),
    );
    errors.show(err);
  }
};
