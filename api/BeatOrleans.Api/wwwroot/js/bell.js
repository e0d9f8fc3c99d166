// The notification bell: the unread count, live updates, a panel to read them and mark one or all as read; a
// notification about something (a conversation, a purchase or sale, a beat) opens it, and is read then.
import { call, queryString } from "./api.js";
import { liveEvents } from "./live.js";
import { session, sessionEvents } from "./session.js";
import { alertBox, busy, byId, h, when } from "./ui.js";

/** @typedef {import("./types.js").Notification} Notification */
/** @typedef {import("./types.js").Notifications} Notifications */
/** @typedef {import("./types.js").MarkedRead} MarkedRead */
/** @typedef {import("./types.js").LiveNotification} LiveNotification */

/** The newest notifications, and older pages as they are asked for. @type {Notification[]} */
let items = [];
/** @type {string | null} */
let cursor = null;
/** Unread notifications, counted from the unread list (items holds only the newest pages). */
let unreadTotal = 0;
/** More than the unread list's one page (100) are unread. */
let unreadMore = false;
const count = h("span", { class: "count", id: "bell-count" }, "0");
const bell = h("button", { type: "button", class: "bell", "aria-label": "Notifications", "aria-expanded": "false",
  "aria-controls": "bell-panel", "aria-describedby": "bell-unread" },
  h("img", { src: "/bell.svg", alt: "", width: 20, height: 20 }), count);
const unreadText = h("span", { id: "bell-unread", class: "visually-hidden" }, "No unread notifications");
const alert = alertBox();

const unread = () => unreadTotal;

/** The page a notification is about, if any. @param {Notification} n */
function target(n) {
  if (!n.subject_id) return null;
  switch (n.subject_type) {
    case "chat": return `/chat?chat=${encodeURIComponent(n.subject_id)}`;
    case "purchase": return n.type === "sale" ? "/sales" : "/purchases";
    case "beat": return `/beats/${encodeURIComponent(n.subject_id)}`;
    default: return null;
  }
}

/** @param {Notification} item */
function text(item) {
  const href = target(item);
  if (!href) return h("p", {}, item.message);
  const link = h("a", { href }, item.message);
  link.addEventListener("click", () => {
    if (item.status === "unread") void mark({ notification_id: item.notification_id });
    if (!byId("bell-panel", HTMLDivElement).hidden) toggle();
  });
  return h("p", {}, link);
}

function paint() {
  const n = unread();
  count.textContent = unreadMore ? `${n}+` : String(n);
  count.hidden = n === 0;
  unreadText.textContent = n === 0 ? "No unread notifications" : `${n}${unreadMore ? " or more" : ""} unread`;
  const panel = byId("bell-panel", HTMLDivElement);
  if (panel.hidden) return;
  const markAll = h("button", { type: "button", class: "secondary", disabled: n === 0 }, "Mark all read");
  markAll.addEventListener("click", () => void busy(markAll, () => mark({ all: true })));
  // The panel is drawn again as notifications come and go: the focus stays on its title if it was there.
  const focused = document.activeElement?.id === "bell-title";
  const title = h("h2", { id: "bell-title", tabindex: -1 }, "Notifications");
  panel.replaceChildren(
    title, alert, markAll,
    h("ul", { class: "notifications", "aria-labelledby": "bell-title" },
      ...(items.length ? items.map((item) => {
        const read = h("button", { type: "button", class: "link" }, "Mark read");
        read.addEventListener("click", () => void busy(read, () => mark({ notification_id: item.notification_id })));
        return h("li", { class: item.status },
          text(item), h("time", { datetime: item.created_at }, when(item.created_at)),
          item.status === "unread" ? read : h("span", { class: "muted" }, " read"));
      }) : [h("li", { class: "muted" }, "Nothing yet.")])),
    cursor ? older() : "");
  if (focused) title.focus();
}

/** A button reading the next page of older notifications into the panel. */
function older() {
  const button = h("button", { type: "button", class: "secondary" }, "Older notifications");
  button.addEventListener("click", () => void busy(button, async () => {
    try {
      /** @type {Notifications} */
      const page = await call("GET", `/api/notifications${queryString({ limit: 50, cursor })}`);
      const known = new Set(items.map((n) => n.notification_id));
      items = [...items, ...page.notifications.filter((n) => !known.has(n.notification_id))];
      cursor = page.next_cursor;
      paint();
    } catch (error) {
      alert.show(error);
    }
  }));
  return button;
}

/** @param {{ all: true } | { notification_id: string }} body */
async function mark(body) {
  alert.clear();
  try {
    /** @type {MarkedRead} */
    await call("POST", "/api/notifications/mark-as-read", { body });
    if ("all" in body) {
      unreadTotal = 0;
      unreadMore = false;
    } else if (items.some((n) => n.notification_id === body.notification_id && n.status === "unread")) {
      unreadTotal = Math.max(0, unreadTotal - 1);
    }
    items = items.map((n) => ("all" in body || n.notification_id === body.notification_id ? { ...n, status: "read" } : n));
    paint();
  } catch (error) {
    alert.show(error);
  }
}

async function load() {
  if (!session()) {
    items = [];
    cursor = null;
    unreadTotal = 0;
    unreadMore = false;
    paint();
    return;
  }
  try {
    /** @type {[Notifications, Notifications]} */
    const [list, unreadList] = await Promise.all([
      call("GET", `/api/notifications${queryString({ limit: 50 })}`),
      call("GET", `/api/notifications${queryString({ status: "unread", limit: 100 })}`),
    ]);
    items = list.notifications;
    cursor = list.next_cursor;
    unreadTotal = unreadList.notifications.length;
    unreadMore = unreadList.next_cursor !== null;
  } catch (error) {
    alert.show(error);
  }
  paint();
}

/** The bell for the header (or nothing when signed out). */
export function bellControl() {
  return session() ? h("span", { class: "bell-wrap" }, bell, unreadText) : null;
}

function toggle() {
  const panel = byId("bell-panel", HTMLDivElement);
  panel.hidden = !panel.hidden;
  bell.setAttribute("aria-expanded", String(!panel.hidden));
  paint();
  if (!panel.hidden) {
    // Into the panel, so the keyboard reads it next (Escape goes back to the bell).
    document.getElementById("bell-title")?.focus();
    void load();
  }
}

bell.addEventListener("click", toggle);
// A click anywhere else (the page, a header link) closes the panel, as a menu does; on a phone it covers the page.
document.addEventListener("click", (event) => {
  const panel = document.getElementById("bell-panel");
  const inside = event.target instanceof Node && (panel?.contains(event.target) || bell.contains(event.target));
  if (panel && !panel.hidden && !inside) toggle();
});
document.addEventListener("keydown", (event) => {
  const panel = document.getElementById("bell-panel");
  if (event.key === "Escape" && panel && !panel.hidden) {
    toggle();
    bell.focus();
  }
});

liveEvents.addEventListener("notification", (event) => {
  const n = /** @type {CustomEvent<LiveNotification>} */ (event).detail;
  if (items.some((i) => i.notification_id === n.notification_id)) return;
  items = [{ notification_id: n.notification_id, type: n.kind, message: n.message, status: n.status, created_at: n.created_at,
    subject_type: n.subject_type ?? null, subject_id: n.subject_id ?? null }, ...items];
  if (n.status === "unread") unreadTotal++;
  paint();
  if (n.status === "unread" && viewing && n.subject_type === "chat" && n.subject_id === viewing) {
    void mark({ notification_id: n.notification_id });
  }
});
liveEvents.addEventListener("reconnected", (event) => {
  if (/** @type {CustomEvent<string>} */ (event).detail === "notifications") void load();
});
let user = session()?.user_id;
sessionEvents.addEventListener("change", () => {
  // A refreshed token is the same user: the list stands. Another user (or none): load theirs.
  if (session()?.user_id === user) return;
  user = session()?.user_id;
  void load();
});

export const loadNotifications = load;

/** What the page shows now (a conversation): its notifications are read as they come. @type {string | null} */
let viewing = null;

/**
 * The page shows this conversation (or nothing, null): its unread notifications are marked read now, and those that
 * arrive while it is shown as they come.
 * @param {string | null} chatId
 */
export function viewingChat(chatId) {
  viewing = chatId;
  if (!chatId) return;
  for (const n of items.filter((i) => i.status === "unread" && i.subject_type === "chat" && i.subject_id === chatId)) {
    void mark({ notification_id: n.notification_id });
  }
}
