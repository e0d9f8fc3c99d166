// Chat: the conversation list, a conversation with paging back ("Earlier messages"), live delivery over the
// WebSocket and, after a reconnect, catch-up from the REST `after` cursor so nothing sent meanwhile is missed.
import { call, queryString } from "../api.js";
import { liveEvents } from "../live.js";
import { onLeave } from "../router.js";
import { session } from "../session.js";
import { alertBox, busy, field, h, when } from "../ui.js";

/** @typedef {import("../types.js").Chat} Chat */
/** @typedef {import("../types.js").ChatHistory} ChatHistory */
/** @typedef {import("../types.js").Message} Message */
/** @typedef {import("../types.js").MessagesPage} MessagesPage */
/** @typedef {import("../types.js").SentMessage} SentMessage */
/** @typedef {import("../types.js").PublicProfile} PublicProfile */
/** @typedef {import("../types.js").LiveMessage} LiveMessage */

/** @type {Map<string, Promise<string>>} */
const names = new Map();
/** A user's name by id or name (cached for the page's life). @param {string} id */
function nameOf(id) {
  let name = names.get(id);
  if (!name) {
    name = call("GET", `/api/users/${encodeURIComponent(id)}`).then(
      (/** @type {unknown} */ p) => /** @type {PublicProfile} */ (p).username, () => id);
    names.set(id, name);
  }
  return name;
}

/** @param {Record<string, string>} _ @param {URLSearchParams} query */
export async function chatView(_, query) {
  const me = session();
  if (!me) return h("p", {}, "Log in to chat.");
  const conversations = h("ul", { class: "conversations", "aria-label": "Conversations" });
  const heading = h("h2", { id: "thread-title" }, "Choose a conversation");
  const log = h("ol", { class: "messages", role: "log", "aria-live": "polite", "aria-labelledby": "thread-title" });
  const earlier = h("button", { type: "button", class: "secondary", hidden: true }, "Earlier messages");
  const alert = alertBox();
  const text = h("textarea", { name: "message", rows: 2, maxlength: 4000, required: true });
  const send = h("button", { type: "submit" }, "Send");
  const composer = h("form", { class: "composer", hidden: true }, field("Message", text), send);

  /** @type {{ chatId: string | null, receiver: string | null, before: string | null, lastId: string | null, seen: Set<string> }} */
  const thread = { chatId: null, receiver: null, before: null, lastId: null, seen: new Set() };

  /** @param {Message} m */
  const bubble = (m) => h("li", { class: m.sender === session()?.username ? "mine" : "theirs", "data-id": m.message_id },
    h("span", { class: "sender" }, m.sender === session()?.username ? "You" : m.sender),
    h("p", {}, m.content),
    ...(m.offer ? [h("p", { class: "offer" },
      `Offer: ${m.offer.amount.toFixed(2)} ${m.offer.currency} for the ${m.offer.license_type.replace("_", " ")} licence of "${m.offer.beat_title}" (${m.offer.status})`)] : []),
    h("time", { datetime: m.sent_at }, when(m.sent_at)));

  /** @param {Message[]} messages @param {"append" | "prepend"} where */
  const show = (messages, where) => {
    const fresh = messages.filter((m) => !thread.seen.has(m.message_id));
    fresh.forEach((m) => thread.seen.add(m.message_id));
    if (where === "append") {
      log.append(...fresh.map(bubble));
      const last = fresh[fresh.length - 1];
      if (last) thread.lastId = last.message_id;
      log.scrollTop = log.scrollHeight;
    } else {
      log.prepend(...fresh.map(bubble));
    }
  };

  // Participants are usernames; the other one names the conversation and is who a message goes to.
  const loadList = async () => {
    // The 100 most recent conversations (the list is paged; older ones are a scroll the page does not offer yet).
    /** @type {ChatHistory} */
    const history = await call("GET", `/api/chat/history/${encodeURIComponent(me.user_id)}${queryString({ limit: 100 })}`);
    const mine = (session()?.username ?? me.username).toLowerCase();
    const items = history.chats.map((c) => {
      const other = c.participants.find((p) => p.toLowerCase() !== mine) ?? mine;
      const button = h("button", { type: "button", class: "conversation", "aria-current": c.chat_id === thread.chatId ? "true" : "false" },
        h("strong", {}, other), h("span", { class: "muted" }, ` ${c.last_message.content.slice(0, 60)}`));
      button.addEventListener("click", () => void open(c.chat_id, other, other));
      return { c, other, item: h("li", {}, button) };
    });
    conversations.replaceChildren(...(items.length ? items.map((i) => i.item) : [h("li", { class: "muted" }, "No conversations yet.")]));
    return items;
  };

  /** @param {string | null} chatId @param {string} receiver @param {string} name */
  const open = async (chatId, receiver, name) => {
    Object.assign(thread, { chatId, receiver, before: null, lastId: null, seen: new Set() });
    heading.textContent = `Chat with ${name}`;
    log.replaceChildren();
    composer.hidden = false;
    earlier.hidden = true;
    alert.clear();
    for (const button of conversations.querySelectorAll("button")) {
      button.setAttribute("aria-current", String(button.querySelector("strong")?.textContent === name));
    }
    if (chatId) {
      try {
        /** @type {MessagesPage} */
        const page = await call("GET", `/api/chat/messages/${encodeURIComponent(chatId)}${queryString({ limit: 30 })}`);
        show(page.messages, "append");
        thread.before = page.next_before;
        earlier.hidden = !page.next_before;
      } catch (error) {
        alert.show(error);
      }
    }
    text.focus();
  };

  const catchUp = async () => {
    if (!thread.chatId || !thread.lastId) return;
    let after = /** @type {string | null} */ (thread.lastId);
    while (after) {
      /** @type {MessagesPage} */
      const page = await call("GET", `/api/chat/messages/${encodeURIComponent(thread.chatId)}${queryString({ limit: 100, after })}`);
      show(page.messages, "append");
      after = page.next_after;
    }
  };

  earlier.addEventListener("click", () => void busy(earlier, async () => {
    if (!thread.chatId || !thread.before) return;
    /** @type {MessagesPage} */
    const page = await call("GET", `/api/chat/messages/${encodeURIComponent(thread.chatId)}${queryString({ limit: 30, before: thread.before })}`);
    show(page.messages, "prepend");
    thread.before = page.next_before;
    earlier.hidden = !page.next_before;
  }));

  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const content = text.value.trim();
    if (!content || !thread.receiver) return;
    void busy(send, async () => {
      alert.clear();
      try {
        /** @type {SentMessage} */
        const sent = await call("POST", "/api/chat/send", { body: { receiver: thread.receiver, message: content } });
        const opened = thread.chatId;
        thread.chatId = sent.chat_id;
        show([{ message_id: sent.message_id, sender: sent.sender, content: sent.content, sent_at: sent.sent_at, kind: "text", offer: null }], "append");
        text.value = "";
        if (!opened) await loadList();
      } catch (error) {
        alert.show(error);
      }
      text.focus();
    });
  });
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  /** @param {Event} event */
  const onMessage = (event) => {
    const m = /** @type {CustomEvent<LiveMessage>} */ (event).detail;
    if (m.chat_id === thread.chatId) {
      show([{ message_id: m.message_id, sender: m.sender, content: m.content, sent_at: m.sent_at, kind: m.kind ?? "text", offer: m.offer ?? null }], "append");
    }
    void loadList().then(async (items) => {
      // A first message in a conversation opened from a beat page: that is this thread now.
      if (thread.chatId || !thread.receiver) return;
      const match = items.find((i) => i.other.toLowerCase() === thread.receiver?.toLowerCase() && i.c.chat_id === m.chat_id);
      if (match) {
        thread.chatId = match.c.chat_id;
        await catchUpFromStart(match.c.chat_id);
      }
    });
  };
  /** @param {string} chatId */
  const catchUpFromStart = async (chatId) => {
    /** @type {MessagesPage} */
    const page = await call("GET", `/api/chat/messages/${encodeURIComponent(chatId)}${queryString({ limit: 30 })}`);
    show(page.messages, "append");
  };
  const onReconnect = () => void catchUp().then(loadList).catch((error) => alert.show(error));
  liveEvents.addEventListener("message", onMessage);
  liveEvents.addEventListener("reconnected", onReconnect);
  onLeave(() => {
    liveEvents.removeEventListener("message", onMessage);
    liveEvents.removeEventListener("reconnected", onReconnect);
  });

  const items = await loadList().catch((error) => {
    alert.show(error);
    return [];
  });
  const wanted = query.get("with");
  if (wanted && wanted !== me.user_id) {
    const name = await nameOf(wanted);
    const existing = items.find((i) => i.other.toLowerCase() === name.toLowerCase());
    await open(existing?.c.chat_id ?? null, name, name);
    const about = query.get("about");
    if (about && !existing) text.value = `Hi! About "${about}": `;
  }
  const page = h("section", { class: "chat" }, h("h1", {}, "Messages"),
    h("div", { class: "chat-grid" },
      h("nav", { "aria-label": "Conversations" }, conversations),
      h("div", { class: "thread" }, heading, earlier, log, alert, composer)));
  return page;
}
