// A beat: waveform and preview, licence tiers with their terms and deliverables, Buy with the simulated gateway's
// test cards, "Message producer", "Make an offer" (negotiated in the chat); for its producer: edit the details and the
// licences, set the cover art, send stems and delete.
import { ApiError, call, newKey, upload } from "../api.js";
import { liveEvents } from "../live.js";
import { go, onLeave, render } from "../router.js";
import { session } from "../session.js";
import { alertBox, busy, field, h, licenceName, LICENCE_NAMES, money, MUSICAL_KEYS, size, when } from "../ui.js";
import { player } from "./player.js";

/** @typedef {import("../types.js").Beat} Beat */
/** @typedef {import("../types.js").Licenses} Licenses */
/** @typedef {import("../types.js").LicenseOffer} LicenseOffer */
/** @typedef {import("../types.js").LicenseType} LicenseType */
/** @typedef {import("../types.js").Purchase} Purchase */
/** @typedef {import("../types.js").Deleted} Deleted */
/** @typedef {import("../types.js").Offer} Offer */
/** @typedef {import("../types.js").StemsSent} StemsSent */
/** @typedef {import("../types.js").Cover} Cover */

/** Stripe's test payment methods, which the simulated gateway (and Stripe in test mode) honour. */
export const TEST_CARDS = [
  ["pm_card_visa", "Visa 4242 4242 4242 4242 (succeeds)"],
  ["pm_card_mastercard", "Mastercard 5555 5555 5555 4444 (succeeds)"],
  ["pm_card_chargeDeclined", "Visa 4000 0000 0000 0002 (declined)"],
  ["pm_card_authenticationRequired", "Visa 4000 0025 0000 3155 (asks for authentication)"],
];

/** @param {LicenseOffer["terms"]} terms */
function termsList(terms) {
  /** @param {number | null} n @param {string} one @param {string} many */
  const limit = (n, one, many) => n === null ? `Unlimited ${many}` : n === 0 ? `No ${many}` : `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
  return h("ul", { class: "terms" },
    h("li", {}, limit(terms.distribution_copies, "distribution copy", "distribution copies")),
    h("li", {}, limit(terms.audio_streams, "audio stream", "audio streams")),
    h("li", {}, limit(terms.music_videos, "music video", "music videos")),
    h("li", {}, limit(terms.radio_stations, "radio station", "radio stations")),
    h("li", {}, terms.for_profit_performances ? "For-profit performances" : "Non-profit performances only"),
    terms.exclusive ? h("li", {}, "Exclusive rights: the beat is taken off the market") : null);
}

/**
 * @param {Beat} beat @param {Licenses} licences @param {string | null} tier the licence to preselect
 * @param {Offer | null} offer the buyer's accepted offer the page was opened for: its price is shown, and it prices
 * the purchase of its licence
 */
function buyForm(beat, licences, tier, offer, owned = new Set()) {
  const alert = alertBox();
  const sold = beat.status === "sold";
  const mine = session()?.user_id === beat.producer_id;
  const agreed = offer;
  const radios = licences.licenses.map((offer, i) => {
    const radio = h("input", { type: "radio", name: "license_type", value: offer.license_type, id: `tier-${offer.license_type}`,
      checked: tier ? offer.license_type === tier : i === 0, disabled: sold });
    return h("li", { class: "tier" },
      radio,
      h("label", { for: radio.id }, h("strong", {}, licenceName(offer.license_type)), " ",
        h("span", { class: "price" }, money(offer.price, offer.currency))),
      agreed?.license_type === offer.license_type
        ? h("p", { class: "badge agreed" }, `Your accepted offer: ${money(agreed.amount, agreed.currency)}, until ${when(agreed.buy_before ?? "")}`)
        : null,
      owned.has(offer.license_type) ? h("p", { class: "badge owned" }, "You own this licence (see Purchases)") : null,
      h("p", { class: "muted" }, `Files: ${offer.deliverables.map((d) => d.toUpperCase()).join(", ")}`),
      termsList(offer.terms));
  });
  const card = h("select", { name: "payment_method", disabled: sold },
    ...TEST_CARDS.map(([value, label]) => h("option", { value }, label)));
  const buy = h("button", { type: "submit", disabled: sold || mine }, "Buy");
  const form = h("form", { class: "card buy" },
    h("h2", {}, "Licences"),
    sold ? h("p", { class: "badge sold" }, "Sold: the exclusive rights to this beat have been bought.") : null,
    h("fieldset", {}, h("legend", {}, "Choose a licence"), h("ul", { class: "tiers" }, ...radios)),
    field("Test card", card, "Payments are simulated: no real card is charged."),
    alert, buy,
    mine ? h("p", { class: "muted" }, "This is your beat.") : null);
  /** The purchase whose card asked for authentication, paid by the next Buy of that licence. @type {Purchase | null} */
  let awaiting = null;
  /** Bought the exclusive here: the beat is sold now. */
  let soldHere = false;
  /** A licence the buyer owns already, whose second purchase they were asked to confirm. @type {string | null} */
  let confirmedAgain = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = /** @type {LicenseType} */ (String(new FormData(form).get("license_type")));
    if (owned.has(chosen) && confirmedAgain !== chosen && awaiting?.license_type !== chosen) {
      // Bought already: a second purchase is allowed (another project, say), but never by a slip of the finger.
      confirmedAgain = chosen;
      alert.say(`You already own the ${licenceName(chosen)} licence of this beat: its files are in Purchases. `
        + "Press Buy again to buy it a second time.");
      return;
    }
    if (!session()) {
      // Back on this page after signing in, with the licence chosen still chosen.
      go(`/login?next=${encodeURIComponent(`${location.pathname}?licence=${encodeURIComponent(chosen)}`)}`);
      return;
    }
    void busy(buy, async () => {
      alert.clear();
      try {
        // A purchase whose card asked for authentication still waits for its payment: another card pays that one.
        /** @type {Purchase} */
        const pending = awaiting?.license_type === chosen ? awaiting : await call("POST", "/api/purchases", {
          body: { beat_id: beat.beat_id, license_type: chosen, ...(agreed?.license_type === chosen ? { offer_id: agreed.offer_id } : {}) },
          headers: { "Idempotency-Key": newKey() },
        });
        awaiting = null;
        /** @type {Purchase} */
        let purchase = await call("POST", `/api/purchases/${encodeURIComponent(pending.purchase_id)}/confirm`,
          { body: { payment_method: card.value } });
        for (let i = 0; purchase.status === "processing" && i < 20; i++) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          purchase = await call("GET", `/api/purchases/${encodeURIComponent(purchase.purchase_id)}`);
        }
        if (purchase.status === "completed") {
          if (purchase.license_type === "exclusive") {
            // The beat is sold now: the page says so without a reload, and nothing more is for sale.
            const status = document.getElementById("beat-status");
            if (status) {
              status.textContent = "Status: sold";
              status.className = "badge status-sold";
            }
            soldHere = true;
          }
          alert.say(`Bought: ${licenceName(purchase.license_type)} for ${money(purchase.amount, purchase.currency)}.`);
          alert.append(" ", h("a", { href: "/purchases" }, "Go to your purchases to download the files"));
        } else {
          alert.show(`The purchase is ${purchase.status.replace("_", " ")}${purchase.failure_reason ? `: ${purchase.failure_reason}` : "."}`);
        }
      } catch (error) {
        if (error instanceof ApiError && error.status === 402) {
          const failed = /** @type {Purchase} */ (/** @type {unknown} */ (error.problem));
          if (failed?.status === "pending_payment") {
            awaiting = failed;
            alert.show("This card asks for authentication (3-D Secure), which this page cannot show. Nothing was charged; "
              + "choose another card and press Buy again to pay this purchase.");
          } else {
            alert.show(`${failed?.failure_reason ?? "Your card was declined."} Nothing was charged; try another card.`);
          }
        } else {
          alert.show(error);
        }
      }
    }).then(() => {
      // After busy() has given the button back: a sold beat is not for sale any more.
      if (soldHere) buy.disabled = true;
    });
  });
  return form;
}

/**
 * A price proposed for one licence: posted in the chat with the producer, who accepts, declines or counters there.
 * An accepted offer prices the buyer's next purchase of that licence (the Buy button above).
 * @param {Beat} beat @param {Licenses} licences
 */
function offerForm(beat, licences) {
  const alert = alertBox();
  // An offer typed before signing in, kept in this tab only (never in a URL, where history and logs would keep it).
  const draftKey = `offer-draft:${beat.beat_id}`;
  /** @type {{ licence?: string, amount?: string, note?: string }} */
  let draft = {};
  try {
    draft = JSON.parse(sessionStorage.getItem(draftKey) ?? "{}");
  } catch {
    draft = {};
  }
  sessionStorage.removeItem(draftKey);
  const tier = h("select", { name: "license_type" },
    ...licences.licenses.map((l) => h("option", { value: l.license_type, selected: draft.licence === l.license_type },
      `${licenceName(l.license_type)} (list ${money(l.price, l.currency)})`)));
  const amount = h("input", { type: "number", name: "amount", min: "0.5", step: "0.01", required: true, inputmode: "decimal",
    value: draft.amount ?? "" });
  const note = h("textarea", { name: "message", rows: 2, maxlength: 1000 }, draft.note ?? "");
  const make = h("button", { type: "submit" }, "Make offer");
  const form = h("form", { class: "card offer-form" },
    h("h2", {}, "Make an offer"),
    field("Licence", tier),
    field("Your price", amount, "At least 0.50, in the licence's currency. The producer answers in your chat."),
    field("Note to the producer (optional)", note),
    alert, make);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!session()) {
      // Back on this page after signing in, with the offer as it was typed.
      sessionStorage.setItem(draftKey, JSON.stringify({ licence: tier.value, amount: amount.value, note: note.value }));
      go(`/login?next=${encodeURIComponent(location.pathname)}`);
      return;
    }
    const chosen = licences.licenses.find((l) => l.license_type === tier.value);
    if (!chosen) return;
    void busy(make, async () => {
      alert.clear();
      try {
        /** @type {Offer} */
        await call("POST", "/api/offers", {
          body: { beat_id: beat.beat_id, license_type: chosen.license_type, amount: Number(amount.value),
            currency: chosen.currency, message: note.value.trim() || null },
        });
        go(`/chat?with=${encodeURIComponent(beat.producer_id)}`);
      } catch (error) {
        alert.show(error);
      }
    });
  });
  return form;
}

/**
 * The producer's own controls: details, licence prices, stems and delete.
 * @param {Beat} beat @param {{ licenses: { license_type: LicenseType, price: number }[] }} licences
 * @param {(saved: Licenses) => void} [onSaved] shows the saved licences elsewhere on the page
 */
function producerTools(beat, licences, onSaved) {
  const alert = alertBox();
  const offered = new Map(licences.licenses.map((l) => [l.license_type, l.price]));
  const rows = Object.keys(LICENCE_NAMES).map((type) => {
    const on = h("input", { type: "checkbox", name: `on-${type}`, checked: offered.has(/** @type {LicenseType} */ (type)), id: `edit-on-${type}` });
    const price = h("input", { type: "number", name: `price-${type}`, min: "0.5", step: "0.01",
      value: String(offered.get(/** @type {LicenseType} */ (type)) ?? ""), "aria-label": `${licenceName(type)} price` });
    return { type, on, price, row: h("li", {}, on, h("label", { for: on.id }, licenceName(type)), price) };
  });
  const save = h("button", { type: "submit" }, "Save licences");
  const form = h("form", { class: "card" }, h("h2", {}, "Your licences"), h("ul", { class: "edit-tiers" }, ...rows.map((r) => r.row)), alert, save);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(save, async () => {
      alert.clear();
      try {
        const tiers = rows.filter((r) => r.on.checked).map((r) => ({
          license_type: /** @type {LicenseType} */ (r.type), price: Number(r.price.value),
        }));
        /** @type {Licenses} */
        const saved = await call("PUT", `/api/beats/${encodeURIComponent(beat.beat_id)}/licenses`, { body: { licenses: tiers } });
        onSaved?.(saved);
        alert.say("Licences saved.");
      } catch (error) {
        alert.show(error);
      }
    });
  });
  // Stems saved: a refusal of the Trackout licence for want of them no longer stands.
  const stemsForm = beat.status === "sold" ? null : stemsTools(beat, (saved) => {
    if (!alert.hidden && !alert.classList.contains("ok")) alert.clear();
    onSaved?.(saved);
  });
  const remove = h("button", { type: "button", class: "danger" }, "Delete beat");
  const confirmRemove = h("button", { type: "button", class: "danger", hidden: true }, "Yes, delete it");
  const cancelRemove = h("button", { type: "button", class: "secondary", hidden: true }, "Cancel");
  const removeAlert = alertBox();
  remove.addEventListener("click", () => {
    confirmRemove.hidden = false;
    cancelRemove.hidden = false;
    removeAlert.show("Deleting takes the beat off the catalogue and removes its files; buyers keep the files they "
      + "licensed.");
    confirmRemove.focus();
  });
  cancelRemove.addEventListener("click", () => {
    confirmRemove.hidden = true;
    cancelRemove.hidden = true;
    removeAlert.clear();
    remove.focus();
  });
  confirmRemove.addEventListener("click", () => void busy(confirmRemove, async () => {
    try {
      /** @type {Deleted} */
      await call("DELETE", `/api/beats/${encodeURIComponent(beat.beat_id)}/delete`);
      go("/studio");
    } catch (error) {
      removeAlert.show(error);
    }
  }));
  const details = beat.status === "sold" ? null : detailsForm(beat);
  const cover = beat.status === "sold" ? null : coverTools(beat);
  return h("div", {}, details, cover, form, stemsForm, h("div", { class: "card" }, h("h2", {}, "Delete"), removeAlert, remove, " ",
    confirmRemove, " ", cancelRemove));
}

/** The version (ETag) of each loaded beat's details, which its edit names in If-Match. @type {WeakMap<Beat, string>} */
const versions = new WeakMap();

/**
 * The producer corrects the title, artist, genre, BPM, key or tags; the page shows the beat as saved.
 * @param {Beat} beat
 */
function detailsForm(beat) {
  const version = versions.get(beat) ?? null;
  const title = h("input", { name: "title", required: true, maxlength: 120, value: beat.title });
  const artist = h("input", { name: "artist", required: true, maxlength: 120, value: beat.artist });
  const genre = h("input", { name: "genre", maxlength: 40, value: beat.genre ?? "" });
  const bpm = h("input", { name: "bpm", type: "number", min: 20, max: 400, step: "any", value: beat.bpm == null ? "" : String(beat.bpm) });
  const keys = h("datalist", { id: "edit-keys" }, ...MUSICAL_KEYS.map((k) => h("option", { value: k })));
  const key = h("input", { name: "key", maxlength: 16, placeholder: "e.g. Am", list: "edit-keys", value: beat.key ?? "" });
  const tags = h("input", { name: "tags", maxlength: 600, value: beat.tags.join(", ") });
  const alert = alertBox();
  const save = h("button", { type: "submit" }, "Save details");
  const form = h("form", { class: "card" }, h("h2", {}, "Details"),
    field("Title", title), field("Artist", artist),
    h("div", { class: "filter-grid" }, field("Genre", genre, "Empty: none."),
      field("BPM", bpm, "Empty: none."), field("Key", key, "Empty: none.")), keys,
    field("Tags", tags, "Separated by commas; empty: none."), alert, save);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(save, async () => {
      alert.clear();
      try {
        /** @type {import("../types.js").Schemas["UpdateBeatRequest"]} */
        const body = {
          title: title.value, artist: artist.value, genre: genre.value, key: key.value,
          tags: tags.value.split(",").map((t) => t.trim()).filter(Boolean),
        };
        body.bpm = bpm.value === "" ? null : Number(bpm.value);
        /** @type {Beat} */
        // If-Match: an edit made on what this page shows, never over a change saved elsewhere since (412).
        await call("PATCH", `/api/beats/${encodeURIComponent(beat.beat_id)}`, { body, headers: version ? { "If-Match": version } : {} });
        await render();
      } catch (error) {
        alert.show(error);
      }
    });
  });
  return form;
}

/**
 * The cover art: a JPEG, PNG or WebP the server crops to a square; the page shows it once saved.
 * @param {Beat} beat
 */
function coverTools(beat) {
  const file = h("input", { name: "cover", type: "file", accept: "image/jpeg,image/png,image/webp", required: true });
  const alert = alertBox();
  const send = h("button", { type: "submit", class: "secondary" }, beat.cover_url ? "Replace cover" : "Upload cover");
  const remove = beat.cover_url ? h("button", { type: "button", class: "secondary" }, "Remove cover") : null;
  const path = `/api/beats/${encodeURIComponent(beat.beat_id)}/cover`;
  const form = h("form", { class: "card" }, h("h2", {}, "Cover art"),
    field("Image", file, "JPEG, PNG or WebP, at least 300 × 300 pixels and at most 10 MB. It is cropped to a centred "
      + "square; its metadata (a photo's location) is removed."),
    alert, send, remove ? " " : null, remove);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const image = file.files?.[0];
    if (!image) return;
    void busy(send, async () => {
      alert.clear();
      try {
        // The image itself is the body; the server tells its format by its first bytes.
        /** @type {Cover} */
        await call("PUT", path, { form: image, headers: { "content-type": image.type || "application/octet-stream" } });
        await render();
      } catch (error) {
        alert.show(error);
      }
    });
  });
  remove?.addEventListener("click", () => void busy(remove, async () => {
    alert.clear();
    try {
      /** @type {Cover} */
      await call("DELETE", path);
      await render();
    } catch (error) {
      alert.show(error);
    }
  }));
  return form;
}

/**
 * Stems sent after the upload: they let the producer offer the Trackout licence, and later buyers get them.
 * @param {Beat} beat @param {(saved: Licenses) => void} [onSaved]
 */
function stemsTools(beat, onSaved) {
  const file = h("input", { name: "stems", type: "file", accept: ".zip,application/zip", required: true });
  const progress = h("progress", { max: 100, value: 0, hidden: true, "aria-label": "Stems upload progress" });
  const alert = alertBox();
  const send = h("button", { type: "submit", class: "secondary" }, "Upload stems");
  const form = h("form", { class: "card" }, h("h2", {}, "Stems"),
    field("Stems file", file, "A ZIP of the track-outs; needed for the Trackout licence. New stems replace the old "
      + "ones for later buyers; earlier buyers keep theirs."),
    alert, progress, send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const zip = file.files?.[0];
    if (!zip) return;
    void busy(send, async () => {
      alert.clear();
      const data = new FormData();
      data.append("stems", zip);
      progress.hidden = false;
      progress.value = 0;
      try {
        /** @type {StemsSent} */
        const sent = await upload(`/api/beats/${encodeURIComponent(beat.beat_id)}/stems`, data, (done, total) => {
          if (total) progress.value = Math.round((done / total) * 100);
        }, "PUT");
        onSaved?.({ beat_id: sent.beat_id, licenses: sent.licenses });
        alert.say(`Stems saved (${size(sent.bytes)}). You can offer the Trackout licence now.`);
        form.reset();
      } catch (error) {
        alert.show(error);
      } finally {
        progress.hidden = true;
      }
    });
  });
  return form;
}

/** @param {Record<string, string>} params @param {URLSearchParams} query */
export async function beatView(params, query) {
  const id = params.id ?? "";
  /** @type {Beat} */
  let beat;
  try {
    /** @type {string | null} */
    let tag = null;
    beat = await call("GET", `/api/beats/${encodeURIComponent(id)}`, {
      auth: false,
      onAnswer: (answer) => { tag = answer.headers.get("etag"); },
    });
    if (tag) versions.set(beat, tag);
  } catch (error) {
    const alert = alertBox();
    alert.show(error);
    return h("section", {}, h("h1", {}, "Beat"), alert, h("a", { href: "/" }, "Back to the beats"));
  }
  const mine = session()?.user_id === beat.producer_id;
  const header = h("header", { class: "beat-head" },
    beat.cover_url
      ? h("img", { class: "cover", src: beat.cover_url, alt: `Cover art of ${beat.title}`, width: 1000, height: 1000 })
      : null,
    h("h1", {}, beat.title),
    h("p", { class: "by" }, "by ", h("a", { href: `/?producer_id=${encodeURIComponent(beat.producer_id)}` }, beat.artist)),
    h("p", { class: "meta" }, [beat.genre, beat.bpm ? `${beat.bpm} BPM` : null, beat.key, `${beat.plays} ${beat.plays === 1 ? "play" : "plays"}`,
      `added ${when(beat.created_at)}`].filter(Boolean).join(" · ")),
    beat.tags.length ? h("ul", { class: "tags", "aria-label": "Beat tags" }, ...beat.tags.map((t) => h("li", {}, t))) : null,
    h("p", { class: `badge status-${beat.status}`, id: "beat-status" }, `Status: ${beat.status}`),
    beat.failure_reason ? h("p", { class: "alert" }, beat.failure_reason) : null);
  const parts = [header];
  if (beat.status === "ready" || beat.status === "sold") parts.push(player(beat.beat_id, beat.title, beat.duration_seconds).element);
  else parts.push(h("p", { class: "muted" }, beat.status === "processing" ? "The preview is being made; this page shows it once it is ready." : "This beat has no preview."));
  if (beat.status === "processing" && mine) {
    // The producer's beat_ready or beat_failed notification: show the outcome (player and licences, or the reason) in place.
    const onReady = (/** @type {Event} */ event) => {
      const n = /** @type {CustomEvent<import("../types.js").LiveNotification>} */ (event).detail;
      if (n.kind === "beat_ready" || n.kind === "beat_failed") void render();
    };
    liveEvents.addEventListener("notification", onReady);
    onLeave(() => liveEvents.removeEventListener("notification", onReady));
  }
  if (!mine) {
    const message = h("button", { type: "button", class: "secondary" }, "Message producer");
    message.addEventListener("click", () => {
      if (!session()) go(`/login?next=${encodeURIComponent(location.pathname)}`);
      else go(`/chat?with=${encodeURIComponent(beat.producer_id)}&about=${encodeURIComponent(beat.title)}`);
    });
    parts.push(h("p", {}, message));
  }
  if (beat.status !== "processing" && beat.status !== "failed") {
    /** @type {Licenses} */
    const licences = await call("GET", `/api/beats/${encodeURIComponent(beat.beat_id)}/licenses`, { auth: false });
    // Opened from an accepted offer in the chat: the offer, if it is the viewer's and still to be bought.
    const offerId = query.get("offer");
    /** @type {Offer | null} */
    const offer = offerId && session()
      ? await call("GET", `/api/offers/${encodeURIComponent(offerId)}`).catch(() => null)
      : null;
    const agreed = offer?.status === "accepted" && offer.beat_id === beat.beat_id && offer.buyer_id === session()?.user_id
      ? offer : null;
    // The licences of this beat the viewer bought already (from their latest purchases).
    /** @type {Set<string>} */
    const owned = new Set();
    if (session() && !mine) {
      /** @type {import("../types.js").PurchasesPage | null} */
      const bought = await call("GET", "/api/purchases?limit=100").catch(() => null);
      for (const p of bought?.purchases ?? []) {
        if (p.beat_id === beat.beat_id && p.status === "completed") owned.add(p.license_type);
      }
    }
    let buy = buyForm(beat, licences, query.get("licence"), agreed, owned);
    parts.push(buy);
    if (!mine && beat.status === "ready" && licences.licenses.length) parts.push(offerForm(beat, licences));
    if (mine) {
      // The licence panel above shows the prices just saved, not those the page was opened with.
      parts.push(producerTools(beat, licences, (saved) => {
        const fresh = buyForm(beat, saved, query.get("licence"), agreed);
        buy.replaceWith(fresh);
        buy = fresh;
      }));
    }
  } else if (mine) {
    // Still processing: the tiers it was uploaded with, so saving changes them rather than replacing them all.
    parts.push(producerTools(beat, { licenses: beat.licenses }));
  }
  return h("article", { class: "beat" }, ...parts);
}
