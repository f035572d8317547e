// Small helpers the demo's modules share: finding elements, showing errors as text, announcing.
import { ErrorCode, MinimeetError } from '/sdk/minimeet-sdk.js';

/**
 * Finds one element of the page; the page and its scripts ship together, so a miss is a bug.
 *
 * @template {Element} T
 * @param {string} selector
 * @param {new (...args: never[]) => T} type
 * @param {ParentNode} [root]
 * @returns {T}
 */
export function find(selector, type, root = document) {
  const element = root.querySelector(selector);
  if (!(element instanceof type)) throw new TypeError(`The page has no ${selector}.`);
  return element;
}

/**
 * One input of a form, by name.
 *
 * @param {HTMLFormElement} form
 * @param {string} name
 * @returns {HTMLInputElement}
 */
export function field(form, name) {
  const input = form.elements.namedItem(name);
  if (!(input instanceof HTMLInputElement)) throw new TypeError(`The form has no ${name} field.`);
  return input;
}

/**
 * The error box of a form.
 *
 * @param {HTMLFormElement} form
 */
export function errorBox(form) {
  return find('.form-error', HTMLParagraphElement, form);
}

/**
 * Hides a form's error and unmarks its fields.
 *
 * @param {HTMLFormElement} form
 */
export function clearErrors(form) {
  const box = errorBox(form);
  box.hidden = true;
  box.textContent = '';
  for (const input of form.querySelectorAll('input')) input.removeAttribute('aria-invalid');
}

/**
 * The sentence to show for a failed request: the server's own, else a generic one.
 *
 * @param {unknown} error
 */
export function messageOf(error) {
  if (error instanceof MinimeetError) {
    const issues = error.details?.issues ?? [];
    if (error.code === ErrorCode.ValidationFailed && issues.length > 0)
      return issues.map((issue) => issue.message).join('\n');
    return error.message;
  }
  return 'Something went wrong. Please try again.';
}

/**
 * Shows why a request failed, as text, and marks the fields the server named.
 *
 * @param {HTMLFormElement} form
 * @param {unknown} error
 */
export function showError(form, error) {
  const box = errorBox(form);
  /** @type {HTMLInputElement | undefined} */
  let firstInvalid;
  if (error instanceof MinimeetError && error.code === ErrorCode.ValidationFailed) {
    for (const issue of error.details?.issues ?? []) {
      const input = form.elements.namedItem(issue.path);
      if (input instanceof HTMLInputElement) {
        input.setAttribute('aria-invalid', 'true');
        firstInvalid ??= input;
      }
    }
  }
  box.textContent = messageOf(error);
  box.hidden = false;
  firstInvalid?.focus();
}

/**
 * Shows or hides a standalone error paragraph.
 *
 * @param {HTMLElement} box
 * @param {unknown} [error] nothing hides the box
 */
export function showMessage(box, error) {
  box.textContent = error === undefined ? '' : messageOf(error);
  box.hidden = error === undefined;
}

/**
 * Runs one request from a form, with its submit button busy meanwhile; resolves true on success.
 *
 * @param {HTMLFormElement} form
 * @param {() => Promise<unknown>} request
 * @returns {Promise<boolean>}
 */
export async function submit(form, request) {
  const button = find('button[type="submit"]', HTMLButtonElement, form);
  clearErrors(form);
  button.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    await request();
    return true;
  } catch (error) {
    showError(form, error);
    return false;
  } finally {
    button.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

const announcer = find('#announcer', HTMLDivElement);

/**
 * Says something to screen readers through the page's live region.
 *
 * @param {string} text
 */
export function announce(text) {
  // A new text node each time, so that the same sentence twice is read twice.
  announcer.replaceChildren(document.createTextNode(text));
}

/**
 * The first letter of a name, for an avatar.
 *
 * @param {string} name
 */
export function initialOf(name) {
  return Array.from(name.trim())[0]?.toUpperCase() ?? '?';
}

/**
 * A new element with a class and, optionally, its text (always as text, never as markup).
 *
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const fullTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

/**
 * A short time for a list: the time of day when it is today, else the day as well.
 *
 * @param {string} iso
 */
export function shortTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date().toDateString() === date.toDateString();
  return (today ? timeOfDay : dayAndTime).format(date);
}

/**
 * A `<time>` element for an ISO time: short on screen, in full on hover.
 *
 * @param {string} iso
 * @param {string} [className]
 */
export function timeElement(iso, className = '') {
  const el = make('time', className, shortTime(iso));
  el.dateTime = iso;
  const date = new Date(iso);
  if (!Number.isNaN(date.getTime())) el.title = fullTime.format(date);
  return el;
}
