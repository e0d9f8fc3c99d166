// Calls to the API: the bearer token, its refresh, ProblemDetails turned into sentences, 429 honoured.
import { announce } from "./ui.js";
import { expiring, onRefreshDue, refresh, session, signedOut } from "./session.js";

/** @typedef {import("./types.js").Problem} Problem */
/** @typedef {import("./types.js").Tokens} Tokens */

const MAX_RETRY_WAIT_S = 30;

/** An answer of the API that is not a success, in words a person understands. */
export class ApiError extends Error {
  /** @param {number} status @param {string} message @param {Problem | null} problem */
  constructor(status, message, problem) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

/** @param {number} status @param {Problem | null} problem
 * @param {(field: string) => string} [label] a field's name as the page shows it (its label)
 * @returns {string} */
export function describe(status, problem, label = (field) => field.replace(/_/g, " ")) {
  const detail = problem?.detail?.trim();
  const fields = problem?.errors
    ? Object.entries(problem.errors).map(([name, messages]) => `${label(name)}: ${messages.join(" ")}`)
    : [];
  if (fields.length) return `Please check the form. ${fields.join(" ")}`;
  switch (status) {
    case 0: return "The server cannot be reached. Check your connection and try again.";
    case 401: return detail || "Please log in (again) to do that.";
    case 402: return detail || "The payment was declined.";
    case 403: return detail || "You are not allowed to do that.";
    case 404: return detail || "That was not found. It may have been deleted.";
    case 409: return detail || "That cannot be done right now (it changed meanwhile).";
    case 412: return "This was changed elsewhere (another tab or device) since the page loaded. Reload the page to see it, then try again.";
    case 413: return detail || "The file is too large.";
    case 415: return detail || "That file type is not supported. Use WAV, AIFF, FLAC, MP3 or OGG.";
    case 429: return detail || "Too many requests. Please wait a moment and try again.";
    case 503: return "The service is busy or restarting. Please try again in a moment.";
  }
  if (status >= 500) return "Something went wrong on the server. Please try again.";
  return detail || problem?.title || `The request failed (${status}).`;
}

/** Seconds a 429 or 503 asks to wait (Retry-After: seconds or an HTTP date). @param {Response | XMLHttpRequest} answer */
function retryAfter(answer) {
  const value = answer instanceof Response ? answer.headers.get("retry-after") : answer.getResponseHeader("retry-after");
  if (!value) return 1;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, (date - Date.now()) / 1000) : 1;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {Response} answer @returns {Promise<Problem | null>} */
async function problemOf(answer) {
  try {
    const type = answer.headers.get("content-type") ?? "";
    return type.includes("json") ? /** @type {Problem} */ (await answer.json()) : null;
  } catch {
    return null;
  }
}

/** @param {string} refreshToken @returns {Promise<Tokens | null>} */
async function exchange(refreshToken) {
  const answer = await fetch("/api/users/refresh", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });
  if (answer.ok) return /** @type {Tokens} */ (await answer.json());
  if (answer.status === 401) return null;
  throw new ApiError(answer.status, describe(answer.status, await problemOf(answer)), null);
}

/** Refreshes the session's tokens now; false when the session is over. */
export const refreshSession = () => refresh(exchange);

onRefreshDue(() => refreshSession().catch(() => false));

/**
 * @typedef {{ body?: unknown, form?: FormData | Blob, headers?: Record<string, string>, auth?: boolean,
 *   onAnswer?: (answer: Response) => void }} CallOptions
 */

/**
 * One call. JSON in and out; throws ApiError with a sentence. 429 (and 503 with Retry-After) wait and try again.
 * @template T
 * @param {string} method
 * @param {string} path
 * @param {CallOptions} [options]
 * @returns {Promise<T>}
 */
export async function call(method, path, options = {}) {
  const auth = options.auth ?? true;
  for (let attempt = 0; ; attempt++) {
    if (auth && session() && expiring()) await refreshSession().catch(() => false);
    /** @type {Record<string, string>} */
    const headers = { accept: "application/json", ...options.headers };
    const token = session()?.token;
    if (auth && token) headers.authorization = `Bearer ${token}`;
    /** @type {BodyInit | undefined} */
    let body;
    if (options.form) body = options.form;
    else if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    /** @type {Response} */
    let answer;
    try {
      answer = await fetch(path, { method, headers, body: body ?? null });
    } catch {
      throw new ApiError(0, describe(0, null), null);
    }
    if (answer.ok) {
      announce("");
      options.onAnswer?.(answer);
      return answer.status === 204 ? /** @type {T} */ (/** @type {unknown} */ (null)) : /** @type {T} */ (await answer.json());
    }
    if (answer.status === 401 && auth && token && attempt === 0) {
      if (await refreshSession().catch(() => false)) continue;
      signedOut();
    }
    if ((answer.status === 429 || (answer.status === 503 && answer.headers.has("retry-after"))) && attempt < 3) {
      const wait = retryAfter(answer);
      if (wait <= MAX_RETRY_WAIT_S) {
        announce(`The server asks to slow down: trying again in ${Math.ceil(wait)} s.`);
        await sleep(wait * 1000);
        continue;
      }
      const problem = await problemOf(answer);
      throw new ApiError(429, `${describe(429, problem)} Try again in ${Math.ceil(wait / 60)} min.`, problem);
    }
    const problem = await problemOf(answer);
    throw new ApiError(answer.status, describe(answer.status, problem), problem);
  }
}

/**
 * A multipart upload with progress (fetch reports none for request bodies).
 * @template T
 * @param {string} path
 * @param {FormData} form
 * @param {(sent: number, total: number) => void} progress
 * @param {"POST" | "PUT"} [method]
 * @returns {Promise<T>}
 */
export async function upload(path, form, progress, method = "POST") {
  for (let attempt = 0; ; attempt++) {
    if (session() && expiring(120_000)) await refreshSession().catch(() => false);
    const xhr = new XMLHttpRequest();
    const done = new Promise((resolve) => {
      xhr.onload = xhr.onerror = xhr.onabort = () => resolve(undefined);
    });
    xhr.open(method, path);
    xhr.setRequestHeader("accept", "application/json");
    const token = session()?.token;
    if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (e) => progress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.send(form);
    await done;
    if (xhr.status >= 200 && xhr.status < 300) return /** @type {T} */ (JSON.parse(xhr.responseText));
    if (xhr.status === 401 && token && attempt === 0 && (await refreshSession().catch(() => false))) continue;
    if (xhr.status === 429 && attempt < 3 && retryAfter(xhr) <= MAX_RETRY_WAIT_S) {
      await sleep(retryAfter(xhr) * 1000);
      continue;
    }
    /** @type {Problem | null} */
    let problem = null;
    try {
      problem = /** @type {Problem} */ (JSON.parse(xhr.responseText));
    } catch {
      problem = null;
    }
    throw new ApiError(xhr.status, describe(xhr.status, problem), problem);
  }
}

/** @param {Record<string, string | number | null | undefined>} query */
export function queryString(query) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** A key for Idempotency-Key headers. */
export const newKey = () => crypto.randomUUID();
