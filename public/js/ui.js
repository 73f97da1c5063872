// Small building blocks every screen uses: headings, form fields with their errors, busy buttons,
// copy buttons, toasts and empty states.
import { ApiError } from "./api.js";
import { $, h, mount, nextId } from "./dom.js";

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

/** @param {unknown} err */
export const messageOf = (err) =>
  err instanceof Error ? err.message : "Something went wrong. Please try again.";

/** An alert region that shows an API error message as it is. */
export const errorBox = () => {
  const el = h("div", { class: "alert alert-error", role: "alert", hidden: true });
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
 * Wires a form: native validation first, then `handler(values)`; shows the API's message and
 * per-field details next to the matching fields.
 * @param {HTMLFormElement} form
 * @param {string} busyLabel
 * @param {(values: Record<string, string | boolean>) => Promise<void>} handler
 */
export const onSubmit = (form, busyLabel, handler) => {
  const errors = errorBox();
  form.prepend(errors);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.clear();
    clearFieldErrors(form);
    const button = /** @type {HTMLButtonElement} */ ($("button[type=submit]", form));
    try {
      await whileBusy(button, busyLabel, () => handler(formValues(form)));
    } catch (err) {
      errors.show(err);
      if (err instanceof ApiError) showFieldErrors(form, err.details);
    }
  });
  return form;
};

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
 */
const showFieldErrors = (form, details) => {
  if (!Array.isArray(details)) return;
  for (const item of details) {
    const wrap = form.querySelector(`[data-field="${CSS.escape(String(item?.path ?? ""))}"]`);
    if (!wrap) continue;
    const slot = wrap.querySelector(".field-error");
    if (slot) {
      slot.textContent = String(item.message ?? "");
      slot.removeAttribute("hidden");
    }
    wrap.querySelector("input")?.setAttribute("aria-invalid", "true");
  }
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
export const copyButton = (getText, what, label = "Copy") => {
  const button = h(
    "button",
    { type: "button", class: "btn btn-small btn-ghost copy", "aria-label": `Copy ${what}` },
    label,
  );
  button.addEventListener("click", async () => {
    await copyText(getText());
    button.textContent = "Copied";
    button.classList.add("copied");
    toast(`Copied the ${what}.`);
    setTimeout(() => {
      button.textContent = label;
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

export const spinner = (/** @type {string} */ text = "Loading…") =>
  h("p", { class: "loading", role: "status" }, h("span", { class: "spin", "aria-hidden": "true" }), text);

/**
 * A round badge with the service's initials, coloured from its code: recognisable without
 * shipping anyone's logo.
 * @param {string} code
 * @param {string} name
 */
export const serviceBadge = (code, name) => {
  let hash = 0;
  for (const ch of code) hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  const initials = name
    .replace(/[^\p{L}\p{N} ]/gu, " ")
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join("");
  return h(
    "span",
    { class: `service-badge hue-${Math.floor(hash / 30)}`, "aria-hidden": "true" },
    initials || "?",
  );
};

/** @param {string} iso */
export const countryBadge = (iso) =>
  h("span", { class: "country-badge", "aria-hidden": "true" }, iso.toUpperCase());
