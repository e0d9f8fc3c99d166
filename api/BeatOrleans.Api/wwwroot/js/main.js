// The page's table of contents: routes, the header (account, bell), the live connection.
import { call } from "./api.js";
import { bellControl, loadNotifications } from "./bell.js";
import { restartLive } from "./live.js";
import { fallback, go, render, route } from "./router.js";
import { session, sessionEvents, signedOut } from "./session.js";
import { byId, h } from "./ui.js";
import { loginView, profileView, signupView } from "./views/account.js";
import { beatView } from "./views/beat.js";
import { catalogueView } from "./views/catalogue.js";
import { chatView } from "./views/chat.js";
import { purchasesView } from "./views/purchases.js";
import { salesView, studioView, uploadView } from "./views/studio.js";

/** @typedef {import("./router.js").View} View */

/** A view that needs an account: others are sent to log in first. @param {View} view @returns {View} */
const signedInOnly = (view) => (params, query) => {
  if (session()) return view(params, query);
  history.replaceState(null, "", `/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  return loginView({}, new URLSearchParams(location.search));
};

route("/", catalogueView);
route("/beats/:id", beatView);
route("/login", loginView);
route("/signup", signupView);
route("/profile", signedInOnly(profileView));
route("/upload", signedInOnly(uploadView));
route("/studio", signedInOnly(studioView));
route("/sales", signedInOnly(salesView));
route("/purchases", signedInOnly(purchasesView));
route("/chat", signedInOnly(chatView));
fallback(() => h("section", {}, h("h1", {}, "Not found"), h("p", {}, "There is no page here. ", h("a", { href: "/" }, "Browse the beats"))));

function header() {
  const s = session();
  const links = s
    ? [["/", "Beats"], ["/upload", "Upload"], ["/studio", "Your beats"], ["/sales", "Sales"], ["/purchases", "Purchases"], ["/chat", "Messages"]]
    : [["/", "Beats"]];
  byId("nav", HTMLUListElement).replaceChildren(...links.map(([href, text]) => h("li", {}, h("a", { href }, text))));
  const account = byId("account", HTMLDivElement);
  if (!s) {
    account.replaceChildren(h("a", { href: "/login" }, "Log in"), h("a", { href: "/signup", class: "button" }, "Sign up"));
    byId("bell-panel", HTMLDivElement).hidden = true;
    return;
  }
  const logout = h("button", { type: "button", class: "secondary" }, "Log out");
  logout.addEventListener("click", async () => {
    logout.disabled = true;
    try {
      await call("POST", "/api/users/logout", { body: {} });
    } catch {
      // the session is forgotten here either way
    }
    signedOut();
    go("/");
  });
  account.replaceChildren(bellControl() ?? "", h("a", { href: "/profile", class: "me" }, s.username), logout);
}

let user = session()?.user_id;
sessionEvents.addEventListener("change", () => {
  header();
  const now = session()?.user_id;
  if (now !== user) {
    user = now;
    void render();
  }
});

header();
restartLive();
void loadNotifications();
void render();
