// Small DOM helpers: elements are built in code (no innerHTML with data), so text from the API is never markup.
import { ApiError, describe } from "./api.js";

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | null | undefined | EventListener>} [attrs]
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      el.addEventListener(name.replace(/^on/, ""), value);
    } else if (value === true) {
      el.setAttribute(name, "");
    } else {
      el.setAttribute(name, String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`#${id} is missing`);
  return el;
}

/** A labelled form field: the label's text is the field's accessible name.
 * @param {string} label
 * @param {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} control
 * @param {string} [hint]
 */
export function field(label, control, hint) {
  if (!control.id) control.id = `f-${Math.random().toString(36).slice(2, 9)}`;
  /** @type {HTMLElement[]} */
  const parts = [h("label", { for: control.id }, label), control];
  if (hint) {
    const hintId = `${control.id}-hint`;
    control.setAttribute("aria-describedby", hintId);
    parts.push(h("small", { id: hintId, class: "hint" }, hint));
  }
  return h("div", { class: "field" }, ...parts);
}

/** @param {number} amount @param {string} currency */
export function money(amount, currency) {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/** @param {string} iso */
export function when(iso) {
  return new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" });
}

/** @param {number} seconds */
export function clock(seconds) {
  if (!Number.isFinite(seconds)) return "0:00";
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** @param {number} bytes */
export function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Musical keys in the catalogue's one spelling, each minor before its major: the filter's choices, the upload's hints. */
export const MUSICAL_KEYS = ["C", "C#", "Db", "D", "D#", "Eb", "E", "F", "F#", "Gb", "G", "G#", "Ab", "A", "A#", "Bb", "B"]
  .flatMap((k) => [`${k}m`, k]);

/** @type {Record<string, string>} */
export const LICENCE_NAMES = {
  mp3_lease: "MP3 lease",
  wav_lease: "WAV lease",
  trackout: "Trackout",
  unlimited: "Unlimited",
  exclusive: "Exclusive",
};

/** @param {string} type */
export const licenceName = (type) => LICENCE_NAMES[type] ?? type;

/** An alert region a form writes its errors to (role=alert: read out when it changes).
 * @returns {HTMLParagraphElement & { show(error: unknown): void, clear(): void, say(text: string): void }} */
export function alertBox() {
  const box = /** @type {HTMLParagraphElement & { show(error: unknown): void, clear(): void, say(text: string): void }} */ (
    h("p", { class: "alert", role: "alert", hidden: true }));
  box.show = (error) => {
    const form = box.closest("form") ?? document.getElementById("view");
    // A refusal names fields as the API spells them ("bpm", "file_url"); the page says what its labels say.
    const label = (/** @type {string} */ name) => {
      const input = form?.querySelector(`[name="${CSS.escape(name)}"]`);
      const text = input?.id ? document.querySelector(`label[for="${CSS.escape(input.id)}"]`)?.textContent?.trim() : "";
      return text || name.replace(/_/g, " ");
    };
    box.textContent = error instanceof ApiError && error.problem?.errors ? describe(error.status, error.problem, label)
      : error instanceof Error ? error.message : String(error);
    box.classList.remove("ok");
    box.hidden = false;
    // The fields a 400 names are marked for assistive technology until they are edited again.
    const fields = error instanceof ApiError ? error.problem?.errors : undefined;
    for (const name of Object.keys(fields ?? {})) {
      for (const input of form?.querySelectorAll(`[name="${CSS.escape(name)}"]`) ?? []) {
        input.setAttribute("aria-invalid", "true");
        input.addEventListener("input", () => input.removeAttribute("aria-invalid"), { once: true });
      }
    }
  };
  box.say = (text) => {
    box.textContent = text;
    box.classList.add("ok");
    box.hidden = false;
  };
  box.clear = () => {
    box.textContent = "";
    box.hidden = true;
  };
  return box;
}

/** Shows a short message in the page's status line. @param {string} text */
export function announce(text) {
  const status = document.getElementById("status");
  if (status) status.textContent = text;
}

/** Disables a button while an action runs, so a double click sends nothing twice.
 * @param {HTMLButtonElement} button @param {() => Promise<void>} action */
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}
