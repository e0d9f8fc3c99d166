// Live delivery over the API's plain WebSockets (/ws/chat/{user_id}, /ws/notifications/{user_id}): reconnects with
// backoff, and says so ("reconnected") so views catch up over REST (chat: the `after` cursor; the bell: a reload).
import { session, sessionEvents } from "./session.js";

/** @typedef {import("./types.js").LiveMessage} LiveMessage */
/** @typedef {import("./types.js").LiveNotification} LiveNotification */

export const liveEvents = new EventTarget();

/** @type {Map<string, WebSocket>} */
const sockets = new Map();
/** @type {Map<string, ReturnType<typeof setTimeout>>} */
const retries = new Map();
let generation = 0;

/** @param {"chat" | "notifications"} channel @param {number} gen @param {number} attempt @param {boolean} wasOpen */
function open(channel, gen, attempt, wasOpen) {
  const s = session();
  if (!s || gen !== generation) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${location.host}/ws/${channel}/${encodeURIComponent(s.user_id)}?access_token=${encodeURIComponent(s.token)}`;
  const socket = new WebSocket(url);
  sockets.set(channel, socket);
  let opened = false;
  socket.onopen = () => {
    opened = true;
    liveEvents.dispatchEvent(new CustomEvent("state", { detail: { channel, connected: true } }));
    if (wasOpen || attempt > 0) liveEvents.dispatchEvent(new CustomEvent("reconnected", { detail: channel }));
  };
  socket.onmessage = (event) => {
    /** @type {LiveMessage | LiveNotification} */
    let frame;
    try {
      frame = JSON.parse(String(event.data));
    } catch {
      return;
    }
    if (frame.type === "real-time message") liveEvents.dispatchEvent(new CustomEvent("message", { detail: frame }));
    else if (frame.type === "real-time notification") liveEvents.dispatchEvent(new CustomEvent("notification", { detail: frame }));
  };
  socket.onclose = () => {
    if (sockets.get(channel) === socket) sockets.delete(channel);
    liveEvents.dispatchEvent(new CustomEvent("state", { detail: { channel, connected: false } }));
    if (gen !== generation) return;
    const next = opened ? 0 : attempt + 1;
    const delay = Math.min(15_000, 500 * 2 ** Math.min(next, 5)) * (0.75 + Math.random() / 2);
    retries.set(channel, setTimeout(() => open(channel, gen, next, wasOpen || opened), delay));
  };
}

/** (Re)starts both connections for the signed-in user, or stops them. */
export function restartLive() {
  generation++;
  for (const t of retries.values()) clearTimeout(t);
  retries.clear();
  for (const socket of sockets.values()) socket.close(1000);
  sockets.clear();
  if (!session()) return;
  open("chat", generation, 0, false);
  open("notifications", generation, 0, false);
}

/** True while both connections are open. */
export const liveConnected = () =>
  [...sockets.values()].filter((s) => s.readyState === WebSocket.OPEN).length === 2;

let user = session()?.user_id;
sessionEvents.addEventListener("change", () => {
  const now = session()?.user_id;
  if (now === user) return; // a refreshed token: the open connections stay valid while the session lives
  user = now;
  restartLive();
});
