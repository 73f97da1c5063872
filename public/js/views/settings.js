// Account settings: who you are, the email check, a new password, signing out everywhere.
import { api } from "../api.js";
import { askNotificationPermission } from "../attention.js";
import { h, mount, nextId } from "../dom.js";
import { dateTime, device, money } from "../format.js";
import { t } from "../lang.js";
import { getPrefs, setPrefs } from "../prefs.js";
import { navigate } from "../router.js";
import { refreshBalance, session, setMe } from "../session.js";
import {
  checkbox,
  copyButton,
  errorBox,
  field,
  onSubmit,
  pageHeader,
  spinner,
  toast,
  whileBusy,
} from "../ui.js";
import { verifyNotice } from "./home.js";
import { emailChangeCard, restrictionCard } from "./privacy-settings.js";

/** @param {import("../router.js").ViewContext} ctx */
export const settingsView = async ({ main, signal }) => {
  const me = session.me;
  if (!me) return;
  // The delete form names the balance that would be given up.
  await refreshBalance().catch(() => {});
  if (signal.aborted) return;
  const passwordForm = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "stack narrow" },
      field({
        label: t("settings.currentPassword"),
        name: "currentPassword",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
      field({
        label: t("settings.newPassword"),
        name: "newPassword",
        type: "password",
        autocomplete: "new-password",
        required: true,
        minlength: 10,
        hint: t("settings.newPasswordHint"),
      }),
      h("button", { type: "submit", class: "btn btn-primary" }, t("settings.changePassword")),
    )
  );
  onSubmit(
    passwordForm,
    t("webhooks.saving"),
    async (values) => {
      await api.post("/api/v1/me/password", {
        currentPassword: values.currentPassword,
        newPassword: values.newPassword,
      });
      passwordForm.reset();
      toast(t("settings.passwordChanged"));
    },
    { fieldFor: { WRONG_PASSWORD: "currentPassword" } },
  );

  const everywhere = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-danger" }, t("settings.everywhere"))
  );
  const errors = errorBox();
  everywhere.addEventListener("click", async () => {
    errors.clear();
    try {
      await whileBusy(everywhere, t("settings.signingOut"), () => api.post("/api/v1/auth/logout-all"));
      setMe(null);
      navigate("/login");
    } catch (err) {
      errors.show(err);
    }
  });

  mount(
    main,
    pageHeader(t("title.settings")),
    verifyNotice(),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "label" }, t("settings.account")),
      h(
        "dl",
        { class: "facts" },
        h("dt", null, t("auth.email")),
        h(
          "dd",
          null,
          me.email,
          " ",
          h(
            "span",
            { class: me.emailVerified ? "tag tag-ok" : "tag" },
            me.emailVerified ? t("settings.verified") : t("settings.notVerified"),
          ),
        ),
        h("dt", null, t("settings.since")),
        h("dd", null, dateTime(me.createdAt)),
      ),
    ),
    alertSettings(),
    twoFactorSettings(),
    h("section", { class: "card" }, h("h2", { class: "label" }, t("settings.changePassword")), passwordForm),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "label" }, t("settings.devices")),
      deviceList(errors),
      h("p", null, t("settings.devicesHint")),
      everywhere,
      errors,
    ),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "label" }, t("settings.data")),
      h("p", null, t("settings.dataLead"), " ", h("a", { href: "/privacy" }, t("settings.dataHow"))),
      h("a", { class: "btn btn-secondary", href: "/api/v1/me/export", download: "" }, t("settings.download")),
    ),
    emailChangeCard(),
    restrictionCard(),
    deleteAccount(),
  );
};

/** Deleting the account: password, a typed confirmation, and giving up any balance left, explicitly. */
const deleteAccount = () => {
  const b = session.balance;
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { class: "stack narrow" },
      field({
        label: t("auth.password"),
        name: "password",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
      field({ label: t("settings.typeDelete"), name: "confirm", required: true, autocomplete: "off" }),
      checkbox({
        name: "forfeitBalance",
        label:
          b && b.available > 0
            ? t("settings.forfeit", { amount: money(b.available, b.currency) })
            : t("settings.forfeitAny"),
      }),
      h("button", { type: "submit", class: "btn btn-danger" }, t("settings.deleteMine")),
    )
  );
  onSubmit(
    form,
    t("webhooks.deleting"),
    async (values) => {
      await api.post("/api/v1/me/delete", {
        password: values.password,
        confirm: values.confirm,
        forfeitBalance: values.forfeitBalance,
      });
      setMe(null);
      navigate("/login?reason=deleted");
    },
    { fieldFor: { WRONG_PASSWORD: "password" } },
  );
  return h(
    "section",
    { class: "card" },
    h("h2", { class: "label" }, t("settings.delete")),
    h("p", null, t("settings.deleteLead")),
    form,
  );
};

/** How a new code gets the customer's attention: the title and the badge always, these two on request. */
const alertSettings = () => {
  const prefs = getPrefs();
  const soundId = nextId("pref-sound");
  const notifyId = nextId("pref-notify");
  const sound = /** @type {HTMLInputElement} */ (
    h("input", { type: "checkbox", id: soundId, name: "sound" })
  );
  const notify = /** @type {HTMLInputElement} */ (
    h("input", { type: "checkbox", id: notifyId, name: "notify" })
  );
  sound.checked = prefs.sound;
  notify.checked = prefs.notify && "Notification" in window && Notification.permission === "granted";
  const note = h("p", { class: "hint", role: "status" });
  sound.addEventListener("change", () => setPrefs({ sound: sound.checked }));
  notify.addEventListener("change", async () => {
    note.textContent = "";
    if (!notify.checked) {
      setPrefs({ notify: false });
      return;
    }
    // The browser asks only now, when the customer has said they want notifications.
    const allowed = await askNotificationPermission();
    notify.checked = allowed;
    setPrefs({ notify: allowed });
    if (!allowed) note.textContent = t("settings.blocked");
  });
  return h(
    "section",
    { class: "card" },
    h("h2", { class: "label" }, t("settings.alerts")),
    h("p", null, t("settings.alertsLead")),
    h("div", { class: "check" }, sound, h("label", { for: soundId }, t("settings.sound"))),
    h("div", { class: "check" }, notify, h("label", { for: notifyId }, t("settings.notify"))),
    note,
  );
};

/**
 * The account's live sessions, each with "Sign out this device"; the current one says so.
 * @param {ReturnType<typeof errorBox>} errors
 */
const deviceList = (errors) => {
  const list = h("ul", { class: "rows device-list" }, h("li", { class: "row" }, spinner()));
  const load = async () => {
    try {
      const { sessions } = await api.get("/api/v1/me/sessions");
      mount(list, sessions.map(deviceRow));
    } catch (err) {
      list.replaceChildren();
      errors.show(err);
    }
  };
  /** @param {{ id: string, createdAt: string, ip: string | null, userAgent: string | null, current: boolean }} s */
  const deviceRow = (s) => {
    const name = device(s.userAgent);
    const out = /** @type {HTMLButtonElement} */ (
      h(
        "button",
        {
          type: "button",
          class: "btn btn-small btn-secondary",
          "aria-label": t("settings.signOutName", { name, when: dateTime(s.createdAt) }),
        },
        t("settings.signOut"),
      )
    );
    out.addEventListener("click", async () => {
      errors.clear();
      try {
        await whileBusy(out, t("settings.signingOut"), () =>
          api.del(`/api/v1/me/sessions/${encodeURIComponent(s.id)}`),
        );
        if (s.current) {
          setMe(null);
          navigate("/login");
          return;
        }
        toast(t("settings.signedOut", { name }));
        await load();
        list.focus();
      } catch (err) {
        errors.show(err);
      }
    });
    return h(
      "li",
      { class: "row device-row" },
      h(
        "div",
        { class: "row-main" },
        h(
          "span",
          { class: "row-title" },
          name,
          s.current ? [" ", h("span", { class: "tag tag-ok" }, t("settings.thisDevice"))] : null,
        ),
        h(
          "span",
          { class: "muted small" },
          `${t("settings.signedIn", { when: dateTime(s.createdAt) })}${s.ip ? ` · ${s.ip}` : ""}`,
        ),
      ),
      out,
    );
  };
  list.setAttribute("tabindex", "-1");
  load();
  return list;
};

/** Two-factor sign-in: set up with an authenticator app (secret shown once), recovery codes, off. */
const twoFactorSettings = () => {
  const body = h("div", { class: "stack" }, spinner());
  const errors = errorBox();
  const draw = async () => {
    errors.clear();
    try {
      const status = await api.get("/api/v1/me/totp");
      mount(body, status.enabled ? onView(status.recoveryCodesLeft) : offView());
    } catch (err) {
      body.replaceChildren();
      errors.show(err);
    }
  };
  const offView = () => {
    const start = /** @type {HTMLButtonElement} */ (
      h("button", { type: "button", class: "btn btn-secondary" }, t("settings.totpSetup"))
    );
    start.addEventListener("click", async () => {
      errors.clear();
      try {
        const setup = await whileBusy(start, t("history.preparing"), () => api.post("/api/v1/me/totp/setup"));
        mount(body, setupView(setup));
      } catch (err) {
        errors.show(err);
      }
    });
    return [h("p", null, t("settings.totpOff")), start];
  };
  /** @param {{ secret: string, otpauthUri: string }} setup */
  const setupView = (setup) => {
    const form = /** @type {HTMLFormElement} */ (
      h(
        "form",
        { class: "stack narrow" },
        field({
          label: t("settings.totpCode"),
          name: "code",
          autocomplete: "one-time-code",
          inputmode: "numeric",
          required: true,
        }),
        h("button", { type: "submit", class: "btn btn-primary" }, t("settings.totpOn")),
      )
    );
    onSubmit(
      form,
      t("settings.checking"),
      async (values) => {
        const { recoveryCodes } = await api.post("/api/v1/me/totp/enable", {
          code: String(values.code).replace(/\s/g, ""),
        });
        mount(body, codesView(recoveryCodes));
      },
      { fieldFor: { TOTP_INVALID: "code" } },
    );
    return [
      h("p", null, t("settings.totpAdd")),
      h(
        "div",
        { class: "secret-row" },
        h(
          "code",
          { class: "secret totp-secret", translate: "no" },
          setup.secret.replace(/(.{4})/g, "$1 ").trim(),
        ),
        copyButton(() => setup.secret, t("settings.setupKey")),
      ),
      h("p", null, h("a", { href: setup.otpauthUri }, t("settings.openApp"))),
      form,
    ];
  };
  /** @param {string[]} codes */
  const codesView = (codes) => {
    const done = h("button", { type: "button", class: "btn btn-primary" }, t("settings.saved"));
    done.addEventListener("click", draw);
    return [
      h("p", { class: "alert alert-success", role: "status" }, t("settings.totpIsOn")),
      h("p", null, t("settings.codesLead")),
      h(
        "ol",
        { class: "recovery-codes", translate: "no" },
        codes.map((c) => h("li", null, h("code", null, c))),
      ),
      copyButton(() => codes.join("\n"), t("settings.codesWhat"), t("settings.copyCodes")),
      done,
    ];
  };
  /** @param {number} left */
  const onView = (left) => {
    const form = /** @type {HTMLFormElement} */ (
      h(
        "form",
        { class: "stack narrow" },
        field({
          label: t("settings.codeOrRecovery"),
          name: "code",
          autocomplete: "one-time-code",
          required: true,
        }),
        h("button", { type: "submit", class: "btn btn-danger" }, t("settings.totpTurnOff")),
      )
    );
    onSubmit(
      form,
      t("settings.turningOff"),
      async (values) => {
        const typed = String(values.code).replace(/\s/g, "");
        await api.post(
          "/api/v1/me/totp/disable",
          /^\d{6}$/.test(typed) ? { code: typed } : { recoveryCode: typed },
        );
        toast(t("settings.totpIsOff"));
        await draw();
      },
      { fieldFor: { TOTP_INVALID: "code", RECOVERY_CODE_INVALID: "code" } },
    );
    return [
      h(
        "p",
        null,
        h("span", { class: "tag tag-ok" }, t("settings.on")),
        ` ${t("settings.totpOnLead")} ${t("settings.codesLeft", { count: left })}`,
      ),
      form,
    ];
  };
  draw();
  return h("section", { class: "card" }, h("h2", { class: "label" }, t("settings.totp")), body, errors);
};
