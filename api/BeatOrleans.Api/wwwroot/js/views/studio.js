// The producer's side: upload a master (progress bar, fields, licence tiers), the beats with their processing status
// (turned "ready" live by the beat_ready notification), and the sales with totals per currency.
import { call, queryString, upload } from "../api.js";
import { liveConnected, liveEvents } from "../live.js";
import { onLeave } from "../router.js";
import { session } from "../session.js";
import { alertBox, busy, field, h, licenceName, money, MUSICAL_KEYS, size, when } from "../ui.js";

/** @typedef {import("../types.js").Beat} Beat */
/** @typedef {import("../types.js").BeatsPage} BeatsPage */
/** @typedef {import("../types.js").SalesPage} SalesPage */
/** @typedef {import("../types.js").LicenseTier} LicenseTier */
/** @typedef {import("../types.js").LicenseType} LicenseType */
/** @typedef {import("../types.js").LiveNotification} LiveNotification */

/** @type {Record<string, number>} */
const DEFAULT_PRICES = { mp3_lease: 29.99, wav_lease: 49.99, trackout: 99.99, unlimited: 199.99, exclusive: 499.99 };

// Your beats come from GET /api/beats/mine (every status); beats uploaded before the server kept that list are found
// in the catalogue while listed, and the ones uploaded in this browser are remembered too.
const uploadsKey = () => `beatorleans.uploads.${session()?.user_id ?? ""}`;
/** @returns {string[]} */
const uploadedIds = () => {
  try {
    return JSON.parse(localStorage.getItem(uploadsKey()) ?? "[]");
  } catch {
    return [];
  }
};
/** @param {string} id */
const remember = (id) => localStorage.setItem(uploadsKey(), JSON.stringify([id, ...uploadedIds().filter((x) => x !== id)].slice(0, 200)));

/** A list of beats whose status cells follow processing live. @param {Beat[]} beats */
function beatTable(beats) {
  const body = h("tbody");
  /** @type {Map<string, HTMLElement>} */
  const cells = new Map();
  /** @param {Beat} beat */
  const row = (beat) => {
    const status = h("span", { class: `badge status-${beat.status}`, "data-beat": beat.beat_id }, beat.status);
    cells.set(beat.beat_id, status);
    return h("tr", {},
      h("th", { scope: "row" }, h("a", { href: `/beats/${encodeURIComponent(beat.beat_id)}` }, beat.title)),
      h("td", {}, status, beat.failure_reason ? h("small", { class: "hint" }, ` ${beat.failure_reason}`) : null),
      h("td", {}, beat.licenses.map((l) => `${licenceName(l.license_type)} ${money(l.price, l.currency)}`).join(", ")),
      h("td", {}, String(beat.plays)));
  };
  body.append(...beats.map(row));
  const refresh = async () => {
    for (const [id, cell] of cells) {
      if (cell.textContent !== "processing") continue;
      try {
        /** @type {Beat} */
        const beat = await call("GET", `/api/beats/${encodeURIComponent(id)}`, { auth: false });
        cell.textContent = beat.status;
        cell.className = `badge status-${beat.status}`;
      } catch {
        // deleted meanwhile: the row stays as it was
      }
    }
  };
  /** @param {Event} event */
  const onNotification = (event) => {
    const n = /** @type {CustomEvent<LiveNotification>} */ (event).detail;
    if (n.kind === "beat_ready" || n.kind === "beat_failed") void refresh();
  };
  liveEvents.addEventListener("notification", onNotification);
  liveEvents.addEventListener("reconnected", refresh);
  // Without a live connection (a proxy that drops WebSockets), look every few seconds instead.
  const poll = setInterval(() => {
    if (!liveConnected()) void refresh();
  }, 5000);
  onLeave(() => {
    liveEvents.removeEventListener("notification", onNotification);
    liveEvents.removeEventListener("reconnected", refresh);
    clearInterval(poll);
  });
  const table = h("table", { class: "list" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Beat"), h("th", { scope: "col" }, "Status"),
      h("th", { scope: "col" }, "Licences"), h("th", { scope: "col" }, "Plays"))),
    body);
  return { table, add: (/** @type {Beat} */ beat) => body.prepend(row(beat)) };
}

export function uploadView() {
  const file = h("input", { name: "file", type: "file", accept: "audio/*,.wav,.aif,.aiff,.flac,.mp3,.ogg", required: true });
  const title = h("input", { name: "title", required: true, maxlength: 120 });
  const artist = h("input", { name: "artist", maxlength: 120, placeholder: session()?.username ?? "" });
  const genre = h("input", { name: "genre", maxlength: 40 });
  const bpm = h("input", { name: "bpm", type: "number", min: 20, max: 400, step: "any" });
  // Suggestions in the catalogue filter's spelling; "F minor" typed freely is stored as "Fm" all the same.
  const keys = h("datalist", { id: "upload-keys" }, ...MUSICAL_KEYS.map((k) => h("option", { value: k })));
  const key = h("input", { name: "key", maxlength: 16, placeholder: "e.g. Am", list: "upload-keys" });
  const tags = h("input", { name: "tags", maxlength: 200, placeholder: "dark, 808" });
  const stems = h("input", { name: "stems", type: "file", accept: ".zip,application/zip" });
  const tiers = Object.entries(DEFAULT_PRICES).map(([type, price]) => {
    const on = h("input", { type: "checkbox", id: `up-${type}`, checked: type !== "trackout" });
    const amount = h("input", { type: "number", min: "0.5", step: "0.01", value: String(price), "aria-label": `${licenceName(type)} price` });
    return { type, on, amount, row: h("li", {}, on, h("label", { for: on.id }, licenceName(type)), amount) };
  });
  const progress = h("progress", { max: 100, value: 0, "aria-label": "Upload progress", hidden: true });
  const progressText = h("span", { class: "muted", "aria-live": "polite" });
  const alert = alertBox();
  const submit = h("button", { type: "submit" }, "Upload");
  const uploaded = beatTable([]);
  uploaded.table.hidden = true;
  const uploadedHeading = h("h2", { hidden: true }, "Uploaded now");
  const form = h("form", { class: "card" },
    field("Audio file", file, "The master: WAV, AIFF, FLAC, MP3 or OGG."),
    field("Title", title), field("Artist", artist, "Shown on the beat; your username if empty."),
    h("div", { class: "filter-grid" }, field("Genre", genre), field("BPM", bpm), field("Key", key)), keys,
    field("Tags", tags, "Separated by commas."),
    field("Stems (optional)", stems, "A ZIP of the track-outs; needed for the Trackout licence."),
    h("fieldset", {}, h("legend", {}, "Licences and prices (USD)"), h("ul", { class: "edit-tiers" }, ...tiers.map((t) => t.row))),
    alert, h("p", {}, progress, " ", progressText), submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const audio = file.files?.[0];
    if (!audio) return;
    void busy(submit, async () => {
      alert.clear();
      const data = new FormData();
      data.append("title", title.value);
      for (const [name, input] of /** @type {[string, HTMLInputElement][]} */ ([["artist", artist], ["genre", genre], ["bpm", bpm], ["key", key], ["tags", tags]])) {
        if (input.value.trim()) data.append(name, input.value.trim());
      }
      /** @type {LicenseTier[]} */
      const chosen = tiers.filter((t) => t.on.checked).map((t) => ({ license_type: /** @type {LicenseType} */ (t.type), price: Number(t.amount.value) }));
      if (chosen.length) data.append("licenses", JSON.stringify(chosen));
      data.append("file", audio);
      const stemsFile = stems.files?.[0];
      if (stemsFile) data.append("stems", stemsFile);
      progress.hidden = false;
      progress.value = 0;
      try {
        /** @type {Beat} */
        const beat = await upload("/api/beats/upload", data, (sent, total) => {
          if (!total) return;
          progress.value = Math.round((sent / total) * 100);
          progressText.textContent = `${size(sent)} of ${size(total)}`;
        });
        remember(beat.beat_id);
        progress.value = 100;
        progressText.textContent = "Uploaded. Making the preview…";
        uploaded.table.hidden = false;
        uploadedHeading.hidden = false;
        uploaded.add(beat);
        alert.say(`"${beat.title}" is uploaded; its status below turns ready when the preview is made.`);
        form.reset();
      } catch (error) {
        progress.hidden = true;
        progressText.textContent = "";
        alert.show(error);
      }
    });
  });
  return h("section", {}, h("h1", {}, "Upload a beat"), form, uploadedHeading, uploaded.table);
}

export async function studioView() {
  const me = session()?.user_id ?? "";
  /** @type {Map<string, Beat>} */
  const beats = new Map();
  /** @type {string | null} */
  let cursor = null;
  do {
    /** @type {BeatsPage} */
    const page = await call("GET", `/api/beats/mine${queryString({ limit: 100, cursor })}`);
    for (const b of page.items) beats.set(b.beat_id, b);
    cursor = page.next_cursor;
  } while (cursor && beats.size < 1000);
  cursor = null;
  do {
    /** @type {BeatsPage} */
    const page = await call("GET", `/api/beats${queryString({ producer_id: me, limit: 50, cursor })}`, { auth: false });
    for (const b of page.items) if (!beats.has(b.beat_id)) beats.set(b.beat_id, b);
    cursor = page.next_cursor;
  } while (cursor && beats.size < 1500);
  for (const id of uploadedIds()) {
    if (beats.has(id)) continue;
    try {
      beats.set(id, await call("GET", `/api/beats/${encodeURIComponent(id)}`, { auth: false }));
    } catch {
      // Deleted: not looked up again.
      localStorage.setItem(uploadsKey(), JSON.stringify(uploadedIds().filter((x) => x !== id)));
    }
  }
  const list = [...beats.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
  const table = beatTable(list);
  return h("section", {}, h("h1", {}, "Your beats"),
    h("p", {}, h("a", { href: "/upload", class: "button" }, "Upload a beat"), " ", h("a", { href: "/sales" }, "Sales")),
    list.length ? table.table : h("p", { class: "muted" }, "No beats yet."));
}

export async function salesView() {
  const alert = alertBox();
  const body = h("tbody");
  const totals = h("ul", { class: "totals", "aria-label": "Totals" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "More sales");
  /** @type {string | null} */
  let cursor = null;
  const load = async () => {
    try {
      /** @type {SalesPage} */
      const page = await call("GET", `/api/sales${queryString({ limit: 50, cursor })}`);
      if (!cursor) {
        totals.replaceChildren(...(page.totals.length ? page.totals.map((t) =>
          h("li", {}, h("strong", {}, money(t.amount, t.currency)), ` from ${t.count} sale${t.count === 1 ? "" : "s"}`))
          : [h("li", {}, "No sales yet.")]));
      }
      body.append(...page.sales.map((s) => h("tr", {},
        h("th", { scope: "row" }, h("a", { href: `/beats/${encodeURIComponent(s.beat_id)}` }, s.beat_title)),
        h("td", {}, licenceName(s.license_type)),
        h("td", {}, money(s.amount, s.currency), s.refunded ? h("span", { class: "muted" }, " (refunded)") : null),
        h("td", {}, when(s.sold_at)))));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (error) {
      alert.show(error);
    }
  };
  // One reading at a time ("More sales", a live sale): they never interleave to list rows twice or drop some.
  /** @type {Promise<void>} */
  let reading = Promise.resolve();
  more.addEventListener("click", () => void busy(more, () => (reading = reading.then(load))));
  await load();
  // A sale made while the page is open (its notification, live): the totals and the first page read again.
  /** @param {Event} event */
  const onSale = (event) => {
    const n = /** @type {CustomEvent<LiveNotification>} */ (event).detail;
    if (n.kind !== "sale") return;
    reading = reading.then(async () => {
      cursor = null;
      body.replaceChildren();
      await load();
    });
  };
  liveEvents.addEventListener("notification", onSale);
  onLeave(() => liveEvents.removeEventListener("notification", onSale));
  return h("section", {}, h("h1", {}, "Sales"), alert, h("h2", {}, "Totals"), totals,
    h("table", { class: "list" }, h("thead", {}, h("tr", {}, ...["Beat", "Licence", "Amount", "Sold"].map((c) => h("th", { scope: "col" }, c)))), body),
    more);
}
