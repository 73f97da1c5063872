// A tiny element builder. Text always goes in as text nodes, never as HTML, so nothing the API
// returns (SMS text, key names, user agents) can inject markup.

/** @typedef {Node | string | number | null | undefined | false} Child */
/** @typedef {Child | Child[]} Children */

/**
 * @param {string} tag
 * @param {Record<string, unknown> | null} [props]
 * @param {...Children} children
 * @returns {HTMLElement}
 */
export const h = (tag, props, ...children) => {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) setProp(el, key, value);
  append(el, children);
  return el;
};

/**
 * @param {HTMLElement} el
 * @param {string} key
 * @param {unknown} value
 */
const setProp = (el, key, value) => {
  if (value === null || value === undefined || value === false) return;
  if (key.startsWith("on") && typeof value === "function") {
    el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
  } else if (key === "class") {
    el.className = String(value);
  } else if (key === "dataset") {
    Object.assign(el.dataset, value);
  } else if (key === "value" || key === "checked" || key === "disabled") {
    Object.assign(el, { [key]: value });
  } else {
    el.setAttribute(key, value === true ? "" : String(value));
  }
};

/**
 * @param {Element} el
 * @param {Children[]} children
 */
export const append = (el, children) => {
  for (const child of children.flat(2)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "object" ? child : String(child));
  }
};

/**
 * Replaces everything inside `el`.
 * @param {Element} el
 * @param {...Children} children
 */
export const mount = (el, ...children) => {
  el.replaceChildren();
  append(el, children);
};

/**
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {HTMLElement}
 */
export const $ = (selector, root = document) => {
  const el = root.querySelector(selector);
  if (!(el instanceof HTMLElement)) throw new Error(`Missing element ${selector}`);
  return el;
};

let uid = 0;
/** Unique ids for label/aria wiring. @param {string} prefix */
export const nextId = (prefix) => `${prefix}-${++uid}`;
