// The signed-in session: the access token, refreshed with the rotating refresh token a minute before it expires.
// Tabs share it through localStorage; a refresh runs under a Web Lock, and a tab that finds the token already rotated
// by another tab adopts the new pair (presenting a used refresh token would end the session: reuse detection).

/** @typedef {import("./types.js").Tokens} Tokens */
/** @typedef {{ token: string, refresh_token: string, user_id: string, username: string, expires_at: number }} Stored */

const KEY = "beatorleans.session";
const REFRESH_AHEAD_MS = 60_000;

export const sessionEvents = new EventTarget();

/** @type {Stored | null} */
let current = read();
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;

/** @returns {Stored | null} */
function read() {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const value = /** @type {Stored} */ (JSON.parse(raw));
    return typeof value.token === "string" && typeof value.refresh_token === "string" ? value : null;
  } catch {
    return null;
  }
}

/** @param {Stored | null} value */
function write(value) {
  current = value;
  if (value) localStorage.setItem(KEY, JSON.stringify(value));
  else localStorage.removeItem(KEY);
  schedule();
  sessionEvents.dispatchEvent(new Event("change"));
}

/** @returns {Stored | null} */
export const session = () => current;

/** @param {Tokens} tokens */
export function signedIn(tokens) {
  write({
    token: tokens.token,
    refresh_token: tokens.refresh_token,
    user_id: tokens.user_id,
    username: tokens.username,
    expires_at: Date.now() + tokens.expires_in * 1000,
  });
}

export function signedOut() {
  write(null);
}

/** @param {string} username */
export function renamed(username) {
  if (current) write({ ...current, username });
}

/** True while the access token has less than the margin left. @param {number} [marginMs] */
export const expiring = (marginMs = 30_000) => !!current && current.expires_at - Date.now() < marginMs;

/**
 * Trades the refresh token for a new pair. Resolves false when the session is over (refresh refused).
 * @param {(refreshToken: string) => Promise<Tokens | null>} exchange the call to POST /api/users/refresh
 * @returns {Promise<boolean>}
 */
export async function refresh(exchange) {
  const mine = current;
  if (!mine) return false;
  const run = async () => {
    const stored = read();
    if (!stored) {
      write(null);
      return false;
    }
    if (stored.refresh_token !== mine.refresh_token && stored.expires_at - Date.now() > REFRESH_AHEAD_MS / 2) {
      write(stored); // another tab rotated it
      return true;
    }
    const tokens = await exchange(stored.refresh_token);
    if (!tokens) {
      write(null);
      return false;
    }
    signedIn(tokens);
    return true;
  };
  return navigator.locks ? navigator.locks.request("beatorleans-refresh", run) : run();
}

/** @type {(() => Promise<unknown>) | null} */
let refresher = null;

/** Sets what the timer calls to refresh ahead of expiry. @param {() => Promise<unknown>} fn */
export function onRefreshDue(fn) {
  refresher = fn;
  schedule();
}

function schedule() {
  clearTimeout(timer);
  if (!current || !refresher) return;
  const due = Math.max(1_000, current.expires_at - Date.now() - REFRESH_AHEAD_MS);
  const run = refresher;
  timer = setTimeout(() => void run(), due);
}

window.addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  const stored = read();
  if (stored?.token === current?.token) return;
  current = stored;
  schedule();
  sessionEvents.dispatchEvent(new Event("change"));
});
