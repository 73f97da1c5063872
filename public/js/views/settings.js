// Account settings: who you are, the email check, a new password, signing out everywhere.
import { api } from "../api.js";
import { askNotificationPermission } from "../attention.js";
import { h, mount, nextId } from "../dom.js";
import { dateTime, device, money } from "../format.js";
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
        label: "Current password",
        name: "currentPassword",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
      field({
        label: "New password",
        name: "newPassword",
        type: "password",
        autocomplete: "new-password",
        required: true,
        minlength: 10,
        hint: "At least 10 characters. Your other sessions are signed out.",
      }),
      h("button", { type: "submit", class: "btn btn-primary" }, "Change password"),
    )
  );
  onSubmit(
    passwordForm,
    "Saving…",
    async (values) => {
      await api.post("/api/v1/me/password", {
        currentPassword: values.currentPassword,
        newPassword: values.newPassword,
      });
      passwordForm.reset();
      toast("Password changed. Other sessions were signed out.");
    },
    { fieldFor: { WRONG_PASSWORD: "currentPassword" } },
  );

  const everywhere = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "btn btn-danger" }, "Log out everywhere")
  );
  const errors = errorBox();
  everywhere.addEventListener("click", async () => {
    errors.clear();
    try {
      await whileBusy(everywhere, "Signing out…", () => api.post("/api/v1/auth/logout-all"));
      setMe(null);
      navigate("/login");
    } catch (err) {
      errors.show(err);
    }
  });

  mount(
    main,
    pageHeader("Settings"),
    verifyNotice(),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "label" }, "Account"),
      h(
        "dl",
        { class: "facts" },
        h("dt", null, "Email"),
        h(
          "dd",
          null,
          me.email,
          " ",
          h(
            "span",
            { class: me.emailVerified ? "tag tag-ok" : "tag" },
            me.emailVerified ? "verified" : "not verified",
          ),
        ),
        h("dt", null, "Member since"),
        h("dd", null, dateTime(me.createdAt)),
      ),
    ),
    alertSettings(),
    twoFactorSettings(),
    h("section", { class: "card" }, h("h2", { class: "label" }, "Change password"), passwordForm),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "label" }, "Signed-in devices"),
      deviceList(errors),
      h(
        "p",
        null,
        "Signed in on a device you no longer use? Sign it out above, or sign out every session, including this one.",
      ),
      everywhere,
      errors,
    ),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "label" }, "Your data"),
      h(
        "p",
        null,
        "Everything we keep about you — account, sign-ins, keys, ledger, numbers and messages — as one JSON file. ",
        h("a", { href: "/privacy" }, "How we handle your data"),
      ),
      h("a", { class: "btn btn-secondary", href: "/api/v1/me/export", download: "" }, "Download my data"),
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
        label: "Password",
        name: "password",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
      field({ label: "Type DELETE to confirm", name: "confirm", required: true, autocomplete: "off" }),
      checkbox({
        name: "forfeitBalance",
        label:
          b && b.available > 0
            ? `I give up my remaining balance of ${money(b.available, b.currency)}.`
            : "I give up any balance left on the account.",
      }),
      h("button", { type: "submit", class: "btn btn-danger" }, "Delete my account"),
    )
  );
  onSubmit(
    form,
    "Deleting…",
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
    h("h2", { class: "label" }, "Delete account"),
    h(
      "p",
      null,
      "Your email, password, sessions, API keys, security log and message contents are deleted at once. Records of payments and of numbers bought stay for accounting, without anything that leads back to you. Numbers still live must be finished or cancelled first.",
    ),
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
    if (!allowed)
      note.textContent = "Your browser blocks notifications for this site; allow them in its site settings.";
  });
  return h(
    "section",
    { class: "card" },
    h("h2", { class: "label" }, "When a code arrives"),
    h(
      "p",
      null,
      "The tab's title shows the code and its icon gets a red dot, even when you are in another tab.",
    ),
    h("div", { class: "check" }, sound, h("label", { for: soundId }, "Play a short sound")),
    h("div", { class: "check" }, notify, h("label", { for: notifyId }, "Show a browser notification")),
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
          "aria-label": `Sign out this device: ${name}, signed in ${dateTime(s.createdAt)}`,
        },
        "Sign out this device",
      )
    );
    out.addEventListener("click", async () => {
      errors.clear();
      try {
        await whileBusy(out, "Signing out…", () =>
          api.del(`/api/v1/me/sessions/${encodeURIComponent(s.id)}`),
        );
        if (s.current) {
          setMe(null);
          navigate("/login");
          return;
        }
        toast(`Signed out ${name}.`);
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
          s.current ? [" ", h("span", { class: "tag tag-ok" }, "this device")] : null,
        ),
        h("span", { class: "muted small" }, `Signed in ${dateTime(s.createdAt)}${s.ip ? ` · ${s.ip}` : ""}`),
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
      h("button", { type: "button", class: "btn btn-secondary" }, "Set up two-factor sign-in")
    );
    start.addEventListener("click", async () => {
      errors.clear();
      try {
        const setup = await whileBusy(start, "Preparing…", () => api.post("/api/v1/me/totp/setup"));
        mount(body, setupView(setup));
      } catch (err) {
        errors.show(err);
      }
    });
    return [
      h(
        "p",
        null,
        "Off. With it on, signing in also asks for a code from an authenticator app on your phone.",
      ),
      start,
    ];
  };
  /** @param {{ secret: string, otpauthUri: string }} setup */
  const setupView = (setup) => {
    const form = /** @type {HTMLFormElement} */ (
      h(
        "form",
        { class: "stack narrow" },
        field({
          label: "Code from the app",
          name: "code",
          autocomplete: "one-time-code",
          inputmode: "numeric",
          required: true,
        }),
        h("button", { type: "submit", class: "btn btn-primary" }, "Turn on"),
      )
    );
    onSubmit(
      form,
      "Checking…",
      async (values) => {
        const { recoveryCodes } = await api.post("/api/v1/me/totp/enable", {
          code: String(values.code).replace(/\s/g, ""),
        });
        mount(body, codesView(recoveryCodes));
      },
      { fieldFor: { TOTP_INVALID: "code" } },
    );
    return [
      h(
        "p",
        null,
        "Add this key to your authenticator app (or open the link on your phone), then enter the code it shows.",
      ),
      h(
        "div",
        { class: "secret-row" },
        h(
          "code",
          { class: "secret totp-secret", translate: "no" },
          setup.secret.replace(/(.{4})/g, "$1 ").trim(),
        ),
        copyButton(() => setup.secret, "setup key"),
      ),
      h("p", null, h("a", { href: setup.otpauthUri }, "Open in an authenticator app")),
      form,
    ];
  };
  /** @param {string[]} codes */
  const codesView = (codes) => {
    const done = h("button", { type: "button", class: "btn btn-primary" }, "I have saved them");
    done.addEventListener("click", draw);
    return [
      h("p", { class: "alert alert-success", role: "status" }, "Two-factor sign-in is on."),
      h(
        "p",
        null,
        "Keep these recovery codes somewhere safe: each signs you in once if you lose your phone. They are shown only now.",
      ),
      h(
        "ol",
        { class: "recovery-codes", translate: "no" },
        codes.map((c) => h("li", null, h("code", null, c))),
      ),
      copyButton(() => codes.join("\n"), "recovery codes", "Copy the codes"),
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
          label: "Code from the app, or a recovery code",
          name: "code",
          autocomplete: "one-time-code",
          required: true,
        }),
        h("button", { type: "submit", class: "btn btn-danger" }, "Turn off two-factor sign-in"),
      )
    );
    onSubmit(
      form,
      "Turning off…",
      async (values) => {
        const typed = String(values.code).replace(/\s/g, "");
        await api.post(
          "/api/v1/me/totp/disable",
          /^\d{6}$/.test(typed) ? { code: typed } : { recoveryCode: typed },
        );
        toast("Two-factor sign-in is off.");
        await draw();
      },
      { fieldFor: { TOTP_INVALID: "code", RECOVERY_CODE_INVALID: "code" } },
    );
    return [
      h(
        "p",
        null,
        h("span", { class: "tag tag-ok" }, "on"),
        ` Signing in asks for a code from your app. ${left} recovery codes left.`,
      ),
      form,
    ];
  };
  draw();
  return h("section", { class: "card" }, h("h2", { class: "label" }, "Two-factor sign-in"), body, errors);
};
