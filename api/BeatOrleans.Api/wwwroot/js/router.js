// Client routes on real paths (the API answers index.html for them); links within the page go through history.
import { alertBox, h } from "./ui.js";

/** @typedef {(params: Record<string, string>, query: URLSearchParams) => (HTMLElement | Promise<HTMLElement>)} View */
/** @typedef {{ pattern: RegExp, names: string[], view: View }} Route */

/** @type {Route[]} */
const routes = [];
/** @type {View | null} */
let notFound = null;
let rendering = 0;

/** @param {string} path e.g. /beats/:id @param {View} view */
export function route(path, view) {
  /** @type {string[]} */
  const names = [];
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  })}/?$`);
  routes.push({ pattern, names, view });
}

/** @param {View} view */
export function fallback(view) {
  notFound = view;
}

/** @param {string} url */
export function go(url) {
  history.pushState(null, "", url);
  void render(true);
}

/**
 * Renders the view of the current location into #view; after a navigation, the page's heading takes the focus, so a
 * keyboard or screen reader user starts on the new page rather than at the top of the document.
 * @param {boolean} [moveFocus]
 */
export async function render(moveFocus = false) {
  const main = document.getElementById("view");
  if (!main) return;
  const ticket = ++rendering;
  const query = new URLSearchParams(location.search);
  let view = notFound;
  /** @type {Record<string, string>} */
  const params = {};
  for (const r of routes) {
    const match = r.pattern.exec(location.pathname);
    if (!match) continue;
    r.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] ?? "")));
    view = r.view;
    break;
  }
  if (!view) return;
  main.dispatchEvent(new Event("leave"));
  // Where the focus was when the navigation began: if the user moves it while the view loads, it stays theirs.
  const focusBefore = document.activeElement;
  /** @type {HTMLElement} */
  let content;
  try {
    content = await view(params, query);
  } catch (error) {
    // A page whose data did not load says so (and offers to try again) instead of leaving the last page on screen.
    content = failedView(error);
  }
  if (ticket !== rendering) return;
  main.replaceChildren(content);
  const heading = main.querySelector("h1");
  if (heading) document.title = `${heading.textContent} · BeatOrleans`;
  const focusNow = document.activeElement;
  const untouched = focusNow === focusBefore || focusNow === null || focusNow === document.body || !focusNow.isConnected;
  if (moveFocus && untouched) {
    const first = heading ?? main;
    if (first !== main) first.setAttribute("tabindex", "-1");
    first.focus();
  }
  for (const link of document.querySelectorAll("#nav a")) {
    if (link instanceof HTMLAnchorElement) {
      if (link.pathname === location.pathname) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }
}

document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const target = event.target instanceof Element ? event.target.closest("a") : null;
  if (!target || target.origin !== location.origin || target.hasAttribute("download") || target.target) return;
  if (target.getAttribute("href")?.startsWith("#")) {
    // A link within the page (the skip link): its target takes the focus; the view is not rendered again.
    event.preventDefault();
    document.getElementById(target.hash.slice(1))?.focus();
    return;
  }
  if (/^\/(api|ws|hubs|scalar|openapi|dashboard|health)(\/|$)/.test(target.pathname)) return;
  event.preventDefault();
  go(target.pathname + target.search);
});

window.addEventListener("popstate", () => void render());

/** @param {unknown} error @returns {HTMLElement} */
function failedView(error) {
  const alert = alertBox();
  alert.show(error);
  const again = h("button", { type: "button" }, "Try again");
  again.addEventListener("click", () => void render(true));
  return h("section", {}, h("h1", {}, "This page did not load"), alert, h("p", {}, again));
}

/** Runs once when the current view is replaced (to stop listening to live events). @param {() => void} fn */
export function onLeave(fn) {
  document.getElementById("view")?.addEventListener("leave", fn, { once: true });
}
