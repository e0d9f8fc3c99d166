// The buyer's purchases, newest first, with the licence's files to download (5-minute links, asked for on demand).
import { call, queryString } from "../api.js";
import { render } from "../router.js";
import { alertBox, busy, field, h, licenceName, money, size, when } from "../ui.js";
import { TEST_CARDS } from "./beat.js";

/** @typedef {import("../types.js").Purchase} Purchase */
/** @typedef {import("../types.js").PurchasesPage} PurchasesPage */
/** @typedef {import("../types.js").Download} Download */

/** A file's name as a buyer reads it. @param {string} name */
const fileName = (name) => ({ mp3: "MP3", wav: "WAV", stems: "Stems", license_agreement: "Licence agreement" })[name] ?? name;

/**
 * A purchase still waiting for its payment (its card asked for authentication, or the page was left): paid here with
 * a test card until its window closes.
 * @param {Purchase} p @param {ReturnType<typeof alertBox>} alert
 */
function payForm(p, alert) {
  const card = h("select", { name: "payment_method" }, ...TEST_CARDS.map(([value, label]) => h("option", { value }, label)));
  const pay = h("button", { type: "submit" }, "Pay");
  const form = h("form", { class: "pay" }, field("Test card", card), pay,
    h("p", { class: "muted" }, p.pay_before ? `Payable until ${when(p.pay_before)}.` : ""));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(pay, async () => {
      alert.clear();
      try {
        await call("POST", `/api/purchases/${encodeURIComponent(p.purchase_id)}/confirm`, { body: { payment_method: card.value } });
        await render();
      } catch (error) {
        alert.show(error);
      }
    });
  });
  return form;
}

/** @param {Purchase} p */
function purchaseItem(p) {
  const files = h("ul", { class: "files", "aria-label": `Files of ${p.beat_title}` });
  const alert = alertBox();
  const download = h("button", { type: "button" }, "Download");
  download.addEventListener("click", () => void busy(download, async () => {
    alert.clear();
    try {
      /** @type {Download} */
      const d = await call("GET", `/api/purchases/${encodeURIComponent(p.purchase_id)}/download`);
      files.replaceChildren(...d.files.map((f) => h("li", {},
        h("a", { href: f.url, download: "" }, `${fileName(f.name)} (${f.format.toUpperCase()}, ${size(f.bytes)})`))));
      alert.say(`The links work until ${when(d.expires_at)}.`);
    } catch (error) {
      alert.show(error);
    }
  }));
  return h("li", { class: "card purchase" },
    h("h2", {}, h("a", { href: `/beats/${encodeURIComponent(p.beat_id)}` }, p.beat_title)),
    h("p", {}, `${licenceName(p.license_type)} · ${money(p.amount, p.currency)} · ${when(p.created_at)}`),
    h("p", { class: `badge status-${p.status}` }, p.status.replace("_", " ")),
    p.failure_reason ? h("p", { class: "muted" }, p.failure_reason) : null,
    p.status === "completed" ? download : null, p.status === "pending_payment" ? payForm(p, alert) : null, alert, files);
}

export async function purchasesView() {
  const list = h("ul", { class: "purchases" });
  const alert = alertBox();
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "More purchases");
  /** @type {string | null} */
  let cursor = null;
  const load = async () => {
    try {
      /** @type {PurchasesPage} */
      const page = await call("GET", `/api/purchases${queryString({ limit: 20, cursor })}`);
      list.append(...page.purchases.map(purchaseItem));
      if (!cursor && page.purchases.length === 0) list.append(h("li", { class: "muted" }, "No purchases yet."));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (error) {
      alert.show(error);
    }
  };
  more.addEventListener("click", () => void busy(more, load));
  await load();
  return h("section", {}, h("h1", {}, "Your purchases"), alert, list, more);
}
