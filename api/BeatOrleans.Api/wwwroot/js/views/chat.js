// Chat: the conversation list, a conversation with paging back ("Earlier messages"), live delivery over the
// WebSocket and, after a reconnect, catch-up from the REST `after` cursor so nothing sent meanwhile is missed. Offers
// show as cards; the newest card of an offer carries what the viewer may do with it now (accept, decline, counter,
// withdraw; buy at the agreed price), read from the offer itself, since a card is the offer as it was when posted.
import { call, newKey, queryString } from "../api.js";
import { viewingChat } from "../bell.js";
import { liveEvents } from "../live.js";
import { onLeave } from "../router.js";
import { session } from "../session.js";
import { alertBox, busy, field, h, licenceName, money, when } from "../ui.js";

/** @typedef {import("../types.js").Chat} Chat */
/** @typedef {import("../types.js").ChatHistory} ChatHistory */
/** @typedef {import("../types.js").Message} Message */
/** @typedef {import("../types.js").MessagesPage} MessagesPage */
/** @typedef {import("../types.js").SentMessage} SentMessage */
/** @typedef {import("../types.js").PublicProfile} PublicProfile */
/** @typedef {import("../types.js").LiveMessage} LiveMessage */
/** @typedef {import("../types.js").Offer} Offer */
/** @typedef {NonNullable<Message["offer"]>} OfferCard */

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

  /** The action area of each offer's newest card in this thread. @type {Map<string, HTMLElement>} */
  const offerAreas = new Map();
  /** What the viewer may do with an offer now, as buttons (and a counter-offer form) in its card.
   * @param {Offer} offer @param {HTMLElement} into */
  const offerActions = (offer, into) => {
    // Only the offer's newest card acts: a newer card may have come in while a step was under way.
    if (offerAreas.get(offer.offer_id) !== into) return;
    const myId = session()?.user_id;
    const alert = alertBox();
    /** @param {string} label @param {"accept" | "decline" | "withdraw"} step */
    const act = (label, step) => {
      const button = h("button", { type: "button", class: step === "accept" ? "" : "secondary" }, label);
      button.addEventListener("click", () => void busy(button, async () => {
        try {
          /** @type {Offer} */
          const answered = await call("POST", `/api/offers/${encodeURIComponent(offer.offer_id)}/${step}`);
          offerActions(answered, into);
        } catch (error) {
          alert.show(error);
        }
      }));
      return button;
    };
    /** @type {(HTMLElement | string)[]} */
    const parts = [];
    if (offer.status === "open" && offer.maker_id === myId) {
      parts.push(h("span", { class: "muted" }, "Waiting for an answer. "), act("Withdraw offer", "withdraw"));
    } else if (offer.status === "open") {
      const amount = h("input", { type: "number", min: "0.5", step: "0.01", required: true, inputmode: "decimal",
        "aria-label": "Counter-offer price" });
      const counter = h("button", { type: "submit", class: "secondary" }, "Counter");
      const form = h("form", { class: "counter" }, amount, counter);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        void busy(counter, async () => {
          try {
            // The counter-offer is a new offer, posted in this chat; its card carries its own actions.
            await call("POST", `/api/offers/${encodeURIComponent(offer.offer_id)}/counter`, { body: { amount: Number(amount.value) } });
            into.replaceChildren();
          } catch (error) {
            alert.show(error);
          }
        });
      });
      parts.push(act("Accept", "accept"), " ", act("Decline", "decline"), form);
    } else if (offer.status === "accepted" && offer.buyer_id === myId) {
      const until = offer.buy_before ? ` before ${when(offer.buy_before)}` : "";
      parts.push(h("a", { href: `/beats/${encodeURIComponent(offer.beat_id)}?licence=${encodeURIComponent(offer.license_type)}&offer=${encodeURIComponent(offer.offer_id)}` },
        `Buy at ${money(offer.amount, offer.currency)}${until}`));
    } else if (offer.status === "accepted") {
      parts.push(h("span", { class: "muted" }, "Accepted: the buyer's next purchase of this licence is at this price."));
    }
    into.replaceChildren(...parts, alert);
  };

  /** Each offer's cards shown, and what became of it (its newest card's status, or countered). */
  /** @type {Map<string, { card: OfferCard, line: HTMLElement }[]>} */
  const offerLines = new Map();
  /** @type {Map<string, string>} */
  const offerFate = new Map();
  /** @param {OfferCard} card @param {string} status */
  const offerText = (card, status) =>
    `Offer: ${money(card.amount, card.currency)} for the ${licenceName(card.license_type)} licence of "${card.beat_title}" (${status})`;
  /** Every card of an offer says what became of it, not what it was when posted. @param {string} id @param {string} status */
  const settle = (id, status) => {
    offerFate.set(id, status);
    for (const shown of offerLines.get(id) ?? []) shown.line.textContent = offerText(shown.card, status);
  };

  /** @param {OfferCard} card @param {boolean} newer whether this card is newer than those shown */
  const offerCard = (card, newer) => {
    const area = h("div", { class: "offer-actions" });
    const line = h("p", {}, offerText(card, newer ? card.status : offerFate.get(card.offer_id) ?? card.status));
    offerLines.set(card.offer_id, [...offerLines.get(card.offer_id) ?? [], { card, line }]);
    if (newer) settle(card.offer_id, card.status);
    else if (!offerFate.has(card.offer_id)) offerFate.set(card.offer_id, card.status);
    // A counter-offer closes the offer it answers: that card's actions go, and its cards say it was countered.
    if (newer && card.counter_of) {
      offerAreas.get(card.counter_of)?.replaceChildren();
      settle(card.counter_of, "countered");
    } else if (card.counter_of && !offerFate.has(card.counter_of)) {
      // An older page is read newest first: the offer this one answers is drawn after it, as countered.
      offerFate.set(card.counter_of, "countered");
    }
    const shown = offerAreas.get(card.offer_id);
    if (!shown || newer) {
      shown?.replaceChildren();
      offerAreas.set(card.offer_id, area);
      if (card.status === "open" || card.status === "accepted") {
        call("GET", `/api/offers/${encodeURIComponent(card.offer_id)}`).then(
          (/** @type {unknown} */ offer) => offerActions(/** @type {Offer} */ (offer), area),
          () => undefined);
      }
    }
    return h("div", { class: "offer" }, line, area);
  };

  /** @param {Message} m @param {boolean} newer */
  const bubble = (m, newer) => h("li", { class: m.sender === session()?.username ? "mine" : "theirs", "data-id": m.message_id },
    h("span", { class: "sender" }, m.sender === session()?.username ? "You" : m.sender),
    h("p", {}, m.content),
    ...(m.offer ? [offerCard(m.offer, newer)] : []),
    h("time", { datetime: m.sent_at }, when(m.sent_at)));

  /** @param {Message[]} messages @param {"append" | "prepend"} where */
  const show = (messages, where) => {
    const fresh = messages.filter((m) => !thread.seen.has(m.message_id));
    fresh.forEach((m) => thread.seen.add(m.message_id));
    if (where === "append") {
      log.append(...fresh.map((m) => bubble(m, true)));
      const last = fresh[fresh.length - 1];
      if (last) thread.lastId = last.message_id;
      log.scrollTop = log.scrollHeight;
    } else {
      // An earlier page is older than what is shown: its cards take an offer's actions only where none is shown, the
      // page's newest card of that offer first.
      log.prepend(...fresh.slice().reverse().map((m) => bubble(m, false)).reverse());
    }
  };

  // Participants are usernames; the other one names the conversation and is who a message goes to. The list is
  // paged, most recent first: "Older conversations" reads the next page, and a link to one not shown yet reads pages
  // until it is found.
  /** @typedef {{ c: Chat, other: string, item: HTMLElement }} Listed */
  /** @type {Listed[]} */
  let listed = [];
  /** @type {string | null} */
  let listCursor = null;
  let olderLoaded = false;
  const older = h("button", { type: "button", class: "secondary", hidden: true }, "Older conversations");
  const mine = () => (session()?.username ?? me.username).toLowerCase();
  /** @param {Chat} c @returns {Listed} */
  const listItem = (c) => {
    const other = c.participants.find((p) => p.toLowerCase() !== mine()) ?? mine();
    const unread = c.unread_count > 0
      ? h("span", { class: "badge unread", title: `${c.unread_count} unread` }, `${c.unread_count} unread`)
      : null;
    const button = h("button", { type: "button", class: "conversation", "aria-current": c.chat_id === thread.chatId ? "true" : "false" },
      h("strong", {}, other), unread ? " " : null, unread, h("span", { class: "muted" }, ` ${c.last_message.content.slice(0, 60)}`));
    button.addEventListener("click", () => void open(c.chat_id, other, other));
    return { c, other, item: h("li", {}, button) };
  };
  const render = () => {
    conversations.replaceChildren(...(listed.length ? listed.map((i) => i.item) : [h("li", { class: "muted" }, "No conversations yet.")]));
    older.hidden = !listCursor;
  };
  /** @param {string | null} cursor @returns {Promise<ChatHistory>} */
  const historyPage = (cursor) => call("GET",
    `/api/chat/history/${encodeURIComponent(me.user_id)}${queryString({ limit: 50, cursor })}`);
  /** The newest page again (a message moved a conversation up); older pages read already stay below it. */
  const loadList = async () => {
    const history = await historyPage(null);
    const first = history.chats.map(listItem);
    const ids = new Set(first.map((i) => i.c.chat_id));
    listed = olderLoaded ? [...first, ...listed.filter((i) => !ids.has(i.c.chat_id))] : first;
    if (!olderLoaded) listCursor = history.next_cursor;
    render();
    return listed;
  };
  const loadOlder = async () => {
    if (!listCursor) return;
    const history = await historyPage(listCursor);
    const ids = new Set(listed.map((i) => i.c.chat_id));
    listed = [...listed, ...history.chats.filter((c) => !ids.has(c.chat_id)).map(listItem)];
    listCursor = history.next_cursor;
    olderLoaded = true;
    render();
  };
  /** A listed conversation, reading older pages (at most 20 more) until one matches. @param {(i: Listed) => boolean} match */
  const find = async (match) => {
    for (let pages = 0; !listed.some(match) && listCursor && pages < 20; pages++) await loadOlder();
    return listed.find(match);
  };
  older.addEventListener("click", () => void busy(older, () => loadOlder().catch((error) => alert.show(error))));

  /**
   * The open conversation is read up to the last message this page shows, when the page is in view and the list
   * says some of it is unread (or the other side's message just came): its badge goes, here and on the user's other
   * devices' next look. The chat id is taken by the caller, before it waited for anything.
   * @param {string | null} chatId @param {boolean} [arrived] a message of the other side's just arrived live
   */
  const markRead = async (chatId, arrived = false) => {
    const upTo = thread.lastId;
    if (!chatId || chatId !== thread.chatId || !upTo || document.visibilityState !== "visible") return;
    if (!arrived && !listed.some((i) => i.c.chat_id === chatId && i.c.unread_count > 0)) return;
    await call("POST", `/api/chat/messages/${encodeURIComponent(chatId)}/read`, { body: { message_id: upTo } });
    for (const i of listed) {
      if (i.c.chat_id !== chatId) continue;
      const fresh = listItem({ ...i.c, unread_count: 0 });
      i.item.replaceWith(fresh.item);
      Object.assign(i, fresh);
    }
  };

  /** @param {string | null} chatId @param {string} receiver @param {string} name */
  const open = async (chatId, receiver, name) => {
    Object.assign(thread, { chatId, receiver, before: null, lastId: null, seen: new Set() });
    viewingChat(chatId);
    offerAreas.clear();
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
        await markRead(chatId);
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

  // One idempotency key per message as composed: pressing Send again after an error (the answer lost, the server
  // busy) stores the message once; another text or another receiver is another message.
  /** @type {{ receiver: string, content: string, key: string } | null} */
  let attempt = null;
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const content = text.value.trim();
    const receiver = thread.receiver;
    if (!content || !receiver) return;
    if (attempt?.receiver !== receiver || attempt.content !== content) attempt = { receiver, content, key: newKey() };
    const key = attempt.key;
    void busy(send, async () => {
      alert.clear();
      try {
        /** @type {SentMessage} */
        const sent = await call("POST", "/api/chat/send", { body: { receiver, message: content }, headers: { "Idempotency-Key": key } });
        attempt = null;
        const opened = thread.chatId;
        thread.chatId = sent.chat_id;
        viewingChat(sent.chat_id);
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

  /** @type {ReturnType<typeof setTimeout> | undefined} the pending read mark of a burst of live messages */
  let readSoon;
  /** @param {Event} event */
  const onMessage = (event) => {
    const m = /** @type {CustomEvent<LiveMessage>} */ (event).detail;
    const here = m.chat_id === thread.chatId;
    if (here) {
      show([{ message_id: m.message_id, sender: m.sender, content: m.content, sent_at: m.sent_at, kind: m.kind ?? "text", offer: m.offer ?? null }], "append");
    }
    // The other side's message is read where it is shown (unless the page is in the background), so the list shows
    // no badge for it: once for a burst, a second after its last message.
    if (here && m.sender.toLowerCase() !== mine()) {
      clearTimeout(readSoon);
      const chatId = m.chat_id;
      readSoon = setTimeout(() => void markRead(chatId, true).catch(() => undefined), 1000);
    }
    void loadList().then(async (items) => {
      // A first message in a conversation opened from a beat page: that is this thread now.
      if (thread.chatId || !thread.receiver) return;
      const match = items.find((i) => i.other.toLowerCase() === thread.receiver?.toLowerCase() && i.c.chat_id === m.chat_id);
      if (match) {
        thread.chatId = match.c.chat_id;
        viewingChat(match.c.chat_id);
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
  // Back in view: what arrived meanwhile in the open conversation is read now.
  const onVisible = () => void markRead(thread.chatId).catch(() => undefined);
  liveEvents.addEventListener("message", onMessage);
  liveEvents.addEventListener("reconnected", onReconnect);
  document.addEventListener("visibilitychange", onVisible);
  onLeave(() => {
    viewingChat(null);
    liveEvents.removeEventListener("message", onMessage);
    liveEvents.removeEventListener("reconnected", onReconnect);
    document.removeEventListener("visibilitychange", onVisible);
    clearTimeout(readSoon);
  });

  const listedOk = await loadList().then(() => true, (error) => {
    alert.show(error);
    return false;
  });
  // Opened from a notification: the conversation by its chat id.
  const chatId = query.get("chat");
  const linked = chatId && listedOk ? await find((i) => i.c.chat_id === chatId).catch(() => undefined) : undefined;
  if (linked) await open(linked.c.chat_id, linked.other, linked.other);
  const wanted = query.get("with");
  if (wanted && wanted !== me.user_id) {
    const name = await nameOf(wanted);
    const existing = listedOk ? await find((i) => i.other.toLowerCase() === name.toLowerCase()).catch(() => undefined) : undefined;
    await open(existing?.c.chat_id ?? null, name, name);
    const about = query.get("about");
    if (about && !existing) text.value = `Hi! About "${about}": `;
  }
  const page = h("section", { class: "chat" }, h("h1", {}, "Messages"),
    h("div", { class: "chat-grid" },
      h("nav", { "aria-label": "Conversations" }, conversations, older),
      h("div", { class: "thread" }, heading, earlier, log, alert, composer)));
  return page;
}
