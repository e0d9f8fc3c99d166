// The catalogue: full-text search with the API's filters and sorts, cursor paging ("More beats").
import { call, queryString } from "../api.js";
import { go } from "../router.js";
import { alertBox, busy, field, h, money, MUSICAL_KEYS } from "../ui.js";

/** @typedef {import("../types.js").Beat} Beat */
/** @typedef {import("../types.js").BeatsPage} BeatsPage */
/** @typedef {import("../types.js").PublicProfile} PublicProfile */

const FILTERS = ["q", "genre", "producer_id", "bpm_min", "bpm_max", "key", "price_max", "sort"];

/** The lowest price a beat is offered at. @param {Beat} beat */
export function priceFrom(beat) {
  const prices = beat.licenses.map((l) => l.price);
  return prices.length ? Math.min(...prices) : beat.price;
}

/** @param {Beat} beat */
export function beatCard(beat) {
  return h("li", { class: "beat-card" },
    // The title next to it says what it is: the picture itself is decoration.
    beat.cover_thumbnail_url
      ? h("img", { class: "cover", src: beat.cover_thumbnail_url, alt: "", loading: "lazy", width: 300, height: 300 })
      : null,
    h("h3", {}, h("a", { href: `/beats/${encodeURIComponent(beat.beat_id)}` }, beat.title)),
    h("p", { class: "by" }, "by ", h("a", { href: `/?producer_id=${encodeURIComponent(beat.producer_id)}` }, beat.artist)),
    h("p", { class: "meta" },
      [beat.genre, beat.bpm ? `${beat.bpm} BPM` : null, beat.key].filter(Boolean).join(" · ") || "\u00a0"),
    h("p", { class: "price" }, "from ", h("strong", {}, money(priceFrom(beat), beat.currency))),
    beat.tags.length ? h("ul", { class: "tags", "aria-label": "Tags" }, ...beat.tags.map((t) => h("li", {}, t))) : null,
    h("p", { class: "plays" }, `${beat.plays} ${beat.plays === 1 ? "play" : "plays"}`),
    beat.status === "sold" ? h("p", { class: "badge sold" }, "Sold") : null);
}

/** @param {Record<string, string>} _ @param {URLSearchParams} query */
export async function catalogueView(_, query) {
  /** @param {string} name @param {string} type @param {Record<string, string>} [extra] */
  const input = (name, type, extra = {}) => h("input", { name, type, value: query.get(name) ?? "", ...extra });
  const q = input("q", "search", { placeholder: "title, artist, tag…" });
  const genre = input("genre", "text", { maxlength: "40" });
  const bpmMin = input("bpm_min", "number", { min: "20", max: "300" });
  const bpmMax = input("bpm_max", "number", { min: "20", max: "300" });
  const key = h("select", { name: "key" }, h("option", { value: "" }, "Any key"),
    ...MUSICAL_KEYS.map((k) => h("option", { value: k, selected: query.get("key") === k }, k)));
  const priceMax = input("price_max", "number", { min: "0", step: "0.01" });
  const sort = h("select", { name: "sort" },
    ...[["newest", "Newest"], ["popular", "Most played"], ["price_asc", "Price: low to high"], ["price_desc", "Price: high to low"]]
      .map(([value, label]) => h("option", { value, selected: (query.get("sort") ?? "newest") === value }, label)));
  const producerId = query.get("producer_id");
  const producer = producerId
    ? h("p", { class: "filter-chip" }, "Producer: ", h("strong", { id: "producer-name" }, "…"), " ",
      h("a", { href: `/${queryString({ ...Object.fromEntries(query), producer_id: null, cursor: null })}` }, "any producer"))
    : null;

  const form = h("form", { class: "search", role: "search" },
    field("Search", q),
    h("details", { class: "filters", open: FILTERS.slice(1, 7).some((f) => query.get(f)) },
      h("summary", {}, "Filters"),
      h("div", { class: "filter-grid" },
        field("Genre", genre), field("BPM from", bpmMin), field("BPM to", bpmMax), field("Key", key),
        field("Max price", priceMax))),
    field("Sort by", sort),
    h("button", { type: "submit" }, "Search"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = /** @type {Record<string, string>} */ (Object.fromEntries(
      [...new FormData(form).entries()].map(([name, value]) => [name, String(value)])));
    if (producerId) data.producer_id = producerId;
    go(`/${queryString(data)}`);
  });
  sort.addEventListener("change", () => form.requestSubmit());

  const list = h("ul", { class: "beats", "aria-label": "Beats" });
  const alert = alertBox();
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "More beats");
  const count = h("p", { class: "muted", "aria-live": "polite" });
  /** @type {string | null} */
  let cursor = null;
  let shown = 0;

  const load = async () => {
    alert.clear();
    try {
      /** @type {Record<string, string | null>} */
      const params = {};
      for (const name of FILTERS) params[name] = query.get(name);
      /** @type {BeatsPage} */
      const page = await call("GET", `/api/beats${queryString({ ...params, limit: 24, cursor })}`, { auth: false });
      list.append(...page.items.map(beatCard));
      artist ??= page.items[0]?.artist ?? null;
      shown += page.items.length;
      cursor = page.next_cursor;
      more.hidden = !cursor;
      const searched = FILTERS.some((f) => f !== "sort" && query.get(f));
      count.textContent = shown > 0 ? `${shown} beat${shown === 1 ? "" : "s"}${cursor ? " so far" : ""}`
        // An empty marketplace is no failed search: say what the site is for and how to start.
        : searched ? "No beats match. Try fewer words or filters."
          : "No beats for sale yet. Producers: sign up and upload the first one from Upload.";
    } catch (error) {
      alert.show(error);
    }
  };
  more.addEventListener("click", () => void busy(more, load));
  /** @type {string | null} the first listed beat's artist: a name for the producer a visitor may not look up */
  let artist = null;
  await load();
  if (producerId) {
    call("GET", `/api/users/${encodeURIComponent(producerId)}`).then(
      (/** @type {unknown} */ p) => {
        const name = document.getElementById("producer-name");
        if (name) name.textContent = /** @type {PublicProfile} */ (p).username;
      },
      () => {
        // A visitor who is not signed in cannot read profiles; the producer's beats carry the artist name.
        const name = document.getElementById("producer-name");
        if (name) name.textContent = artist ?? "this producer";
      });
  }
  return h("section", {}, h("h1", {}, "Beats"), form, producer, alert, count, list, more);
}
