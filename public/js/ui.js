// Small building blocks every screen uses: headings, form fields with their errors, busy buttons,
// copy buttons, toasts and empty states.
import { ApiError } from "./api.js";
import { $, h, mount, nextId } from "./dom.js";
import { en } from "./i18n/en.js";
import { lang, t } from "./lang.js";

/** @typedef {import("./i18n/index.js").MessageKey} MessageKey */

/**
 * The page's heading; focused after navigation so screen readers announce the new screen.
 * @param {string} title
 * @param {string | Node | null} [lead]
 * @param {Node | null} [actions]
 */
export const pageHeader = (title, lead, actions) =>
  h(
    "div",
    { class: "page-header" },
    h("div", null, h("h1", { tabindex: "-1" }, title), lead ? h("p", { class: "lead" }, lead) : null),
    actions ? h("div", { class: "page-actions" }, actions) : null,
  );

/**
 * What to tell the customer about a failure. The API's codes are stable and its messages English:
 * in another language a known code has its own message; an unknown one falls back to the server's
 * words. In English the server's message stays, being the more specific one.
 * @param {unknown} err
 */
export const messageOf = (err) => {
  if (!(err instanceof Error)) return t("error.generic");
  const code = err instanceof ApiError ? err.code.replace(/^HTTP_\d+$/, "HTTP") : "";
  const key = /** @type {MessageKey} */ (`error.${code}`);
  return lang !== "en" && key in en
    ? t(key, { status: err instanceof ApiError ? err.status : "" })
    : err.message;
};

/** An alert region that shows an API error message as it is; focusable so a failed action can move focus to it. */
export const errorBox = () => {
  const el = h("div", { class: "alert alert-error", role: "alert", tabindex: "-1", hidden: true });
  return Object.assign(el, {
    /** @param {unknown} err */
    show(err) {
      mount(el, messageOf(err));
      el.hidden = false;
    },
    clear() {
      el.hidden = true;
      el.replaceChildren();
    },
  });
};

/**
 * A labelled input with a hint and an error line wired up for assistive technology.
 * @param {{ label: string, name: string, type?: string, hint?: string, autocomplete?: string,
 *   required?: boolean, value?: string, minlength?: number, placeholder?: string, inputmode?: string }} opts
 */
export const field = (opts) => {
  const id = nextId(opts.name);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const input = h("input", {
    id,
    name: opts.name,
    type: opts.type ?? "text",
    autocomplete: opts.autocomplete,
    required: opts.required,
    minlength: opts.minlength,
    placeholder: opts.placeholder,
    inputmode: opts.inputmode,
    value: opts.value,
    "aria-describedby": opts.hint ? `${hintId} ${errorId}` : errorId,
  });
  return h(
    "div",
    { class: "field", dataset: { field: opts.name } },
    h("label", { for: id }, opts.label),
    input,
    opts.hint ? h("p", { class: "hint", id: hintId }, opts.hint) : null,
    h("p", { class: "field-error", id: errorId, hidden: true }),
  );
};

/**
 * A checkbox with its label text (which may contain links).
 * @param {{ name: string, label: import("./dom.js").Children, required?: boolean }} opts
 */
export const checkbox = (opts) => {
  const id = nextId(opts.name);
  return h(
    "div",
    { class: "check", dataset: { field: opts.name } },
    h("input", { type: "checkbox", id, name: opts.name, required: opts.required }),
    h("label", { for: id }, opts.label),
    h("p", { class: "field-error", hidden: true }),
  );
};

/**
 * Marks a button busy while `work` runs; the label tells what is happening.
 * @template T
 * @param {HTMLButtonElement} button
 * @param {string} busyLabel
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
export const whileBusy = async (button, busyLabel, work) => {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = busyLabel;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
  }
};

/**
 * Wires a form: native validation first, then `handler(values)`. An error that names a field (the
 * API's per-field details, or a code listed in `fieldFor`) is shown once, next to that field, which
 * gets focus; any other error goes in the form's alert, which gets focus instead.
 * @param {HTMLFormElement} form
 * @param {string} busyLabel
 * @param {(values: Record<string, string | boolean>) => Promise<void>} handler
 * @param {{ fieldFor?: Record<string, string>, errorsAt?: "start" | "end" }} [options]
 *   fieldFor: error code → field name; errorsAt: where the alert sits (an inline form wants it below)
 */
export const onSubmit = (form, busyLabel, handler, { fieldFor = {}, errorsAt = "start" } = {}) => {
  const errors = errorBox();
  if (errorsAt === "end") form.append(errors);
  else form.prepend(errors);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.clear();
    clearFieldErrors(form);
    const button = /** @type {HTMLButtonElement} */ ($("button[type=submit]", form));
    try {
      await whileBusy(button, busyLabel, () => handler(formValues(form)));
    } catch (err) {
      const field = err instanceof ApiError ? fieldFor[err.code] : undefined;
      const details = field
        ? [{ path: field, message: messageOf(err) }]
        : err instanceof ApiError
          ? fieldMessages(err)
          : null;
      const invalid = showFieldErrors(form, details);
      if (invalid) {
        invalid.focus();
      } else {
        errors.show(err);
        errors.focus();
      }
    }
  });
  return form;
};

/**
 * The API's per-field details. In another language than English, a detail of an error whose code has
 * a message (a weak or repeated password) is worded with it; zod's wording for malformed input
 * (VALIDATION_FAILED) and anything unknown stay as the server wrote them.
 * @param {ApiError} err
 */
const fieldMessages = (err) =>
  Array.isArray(err.details) && lang !== "en" && `error.${err.code}` in en && err.code !== "VALIDATION_FAILED"
    ? err.details.map((item) => ({ ...item, message: messageOf(err) }))
    : err.details;

/** @param {HTMLFormElement} form */
const formValues = (form) => {
  /** @type {Record<string, string | boolean>} */
  const values = {};
  for (const el of Array.from(form.elements)) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement) || !el.name) continue;
    values[el.name] = el instanceof HTMLInputElement && el.type === "checkbox" ? el.checked : el.value;
  }
  return values;
};

/** @param {HTMLFormElement} form */
const clearFieldErrors = (form) => {
  for (const el of Array.from(form.querySelectorAll(".field-error"))) {
    el.setAttribute("hidden", "");
    el.textContent = "";
  }
  for (const el of Array.from(form.querySelectorAll("[aria-invalid]"))) el.removeAttribute("aria-invalid");
};

/**
 * VALIDATION_FAILED details are [{ path, message }]: put each next to its field.
 * @param {HTMLFormElement} form
 * @param {unknown} details
 * @returns {HTMLInputElement | null} the first field marked invalid, or null when some error has no
 *   field here (then the form's alert must say it)
 */
const showFieldErrors = (form, details) => {
  /** @type {HTMLInputElement | null} */
  let first = null;
  if (!Array.isArray(details) || details.length === 0) return null;
  const wraps = details.map((item) =>
    form.querySelector(`[data-field="${CSS.escape(String(item?.path ?? ""))}"]`),
  );
  if (wraps.some((wrap) => !wrap)) return null;
  for (const [i, item] of details.entries()) {
    const wrap = /** @type {Element} */ (wraps[i]);
    const slot = wrap.querySelector(".field-error");
    if (slot) {
      slot.textContent = String(item.message ?? "");
      slot.removeAttribute("hidden");
    }
    const input = wrap.querySelector("input");
    input?.setAttribute("aria-invalid", "true");
    first ??= input;
  }
  return first;
};

/** @param {string} text */
const copyText = async (text) => {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Older browsers and some embedded views refuse the async clipboard: fall back to a selection.
    const area = h("textarea", { class: "visually-hidden", readonly: true });
    /** @type {HTMLTextAreaElement} */ (area).value = text;
    document.body.append(area);
    /** @type {HTMLTextAreaElement} */ (area).select();
    document.execCommand("copy");
    area.remove();
  }
};

/**
 * @param {() => string} getText
 * @param {string} what  e.g. "phone number", for the accessible name and the confirmation
 * @param {string} [label]
 */
export const copyButton = (getText, what, label = t("copy.label")) => {
  // The accessible name holds the visible text (WCAG 2.5.3), then says what is copied.
  const idleName = label === t("copy.label") ? t("copy.name", { what }) : `${label}: ${what}`;
  const button = h(
    "button",
    { type: "button", class: "btn btn-small btn-ghost copy", "aria-label": idleName },
    label,
  );
  button.addEventListener("click", async () => {
    await copyText(getText());
    // The accessible name follows what the button shows, or a screen reader keeps saying "Copy".
    button.textContent = t("copy.done");
    button.setAttribute("aria-label", t("copy.doneName", { what }));
    button.classList.add("copied");
    toast(t("copy.toast", { what }));
    setTimeout(() => {
      button.textContent = label;
      button.setAttribute("aria-label", idleName);
      button.classList.remove("copied");
    }, 1500);
  });
  return button;
};

const MAX_TOASTS = 2;

/**
 * @param {string} message
 * @param {"info" | "error"} [kind]
 */
export const toast = (message, kind = "info") => {
  const host = document.querySelector("[data-toasts]");
  if (!host) return;
  const el = h("div", { class: `toast toast-${kind}` }, message);
  host.append(el);
  // A burst of actions should not bury the page under notes: keep the newest few.
  while (host.childElementCount > MAX_TOASTS) host.firstElementChild?.remove();
  setTimeout(() => el.remove(), 3500);
};

/**
 * @param {string} text
 * @param {Node | null} [action]
 */
export const emptyState = (text, action) => h("div", { class: "empty" }, h("p", null, text), action ?? null);

export const spinner = (/** @type {string} */ text = t("loading")) =>
  h("p", { class: "loading", role: "status" }, h("span", { class: "spin", "aria-hidden": "true" }), text);

// Each service's own short label (its colour is the class badge-<code> in app.css), so no two badges
// look alike: initials made "Twitter / X" and "TikTok" twins.
/** @type {Record<string, string>} */
const BADGES = {
  tg: "Tg",
  wa: "Wa",
  go: "G",
  fb: "Fb",
  ig: "Ig",
  tw: "X",
  ds: "Dc",
  vi: "Vb",
  wb: "Wc",
  am: "Am",
  mm: "Ms",
  lf: "Tt",
  ub: "Ub",
  wx: "Ap",
  ts: "Pp",
  nf: "Nf",
  oi: "Ti",
  mt: "St",
  vk: "Vk",
  ok: "Ok",
  ya: "Ya",
  ot: "…",
};

/**
 * A badge with the service's short label on its own colour: recognisable without shipping anyone's
 * logo. Services the list does not know get two letters of their name on a neutral colour.
 * @param {string} code
 * @param {string} name
 */
export const serviceBadge = (code, name) => {
  const label = BADGES[code];
  return h(
    "span",
    { class: `service-badge ${label ? `badge-${code}` : "badge-other"}`, "aria-hidden": "true" },
    label ?? (name.replace(/[^\p{L}\p{N}]/gu, "").slice(0, 2) || "?"),
  );
};

/** @param {string} iso */
export const countryBadge = (iso) =>
  h("span", { class: "country-badge", "aria-hidden": "true" }, iso.toUpperCase());
