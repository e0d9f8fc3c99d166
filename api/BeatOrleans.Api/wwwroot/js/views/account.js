// Sign up, log in, profile (bio, username, email), a producer's voice tag, and the account's security: a new password
// (which ends every other session) and logging out everywhere.
import { call, upload } from "../api.js";
import { go } from "../router.js";
import { renamed, session, signedIn, signedOut } from "../session.js";
import { alertBox, busy, field, h, size } from "../ui.js";

/** @typedef {import("../types.js").Tokens} Tokens */
/** @typedef {import("../types.js").SignedUp} SignedUp */
/** @typedef {import("../types.js").Profile} Profile */
/** @typedef {import("../types.js").VoiceTag} VoiceTag */
/** @typedef {import("../types.js").PasswordChanged} PasswordChanged */
/** @typedef {import("../types.js").LoggedOutEverywhere} LoggedOutEverywhere */

/** @param {string} name @param {string} type @param {string} autocomplete */
const input = (name, type, autocomplete) => h("input", { name, type, autocomplete, required: true });

/** @param {string | null} next */
const safeNext = (next) => (next && next.startsWith("/") && !next.startsWith("//") ? next : "/");

/** The login and signup pages for someone who is signed in already: where to go on, not a second form.
 * @param {string} title @param {URLSearchParams} query */
function alreadySignedIn(title, query) {
  const next = safeNext(query.get("next"));
  return h("section", { class: "card narrow" }, h("h1", {}, title),
    h("p", {}, `You are signed in as ${session()?.username ?? ""}. To use another account, log out first.`),
    h("p", {}, h("a", { href: next, class: "button" }, next === "/" ? "Browse the beats" : "Continue")));
}

/** @param {Record<string, string>} _ @param {URLSearchParams} query */
export function loginView(_, query) {
  if (session()) return alreadySignedIn("Log in", query);
  const email = input("email", "email", "username");
  const password = input("password", "password", "current-password");
  const alert = alertBox();
  const submit = h("button", { type: "submit" }, "Log in");
  const form = h("form", { class: "card narrow" },
    h("h1", {}, "Log in"), alert, field("Email", email), field("Password", password), submit,
    h("p", {}, "New here? ", h("a", { href: `/signup${location.search}` }, "Create an account")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      alert.clear();
      try {
        /** @type {Tokens} */
        const tokens = await call("POST", "/api/users/login", { body: { email: email.value, password: password.value }, auth: false });
        signedIn(tokens);
        go(safeNext(query.get("next")));
      } catch (error) {
        alert.show(error);
      }
    });
  });
  return form;
}

/** @param {Record<string, string>} _ @param {URLSearchParams} query */
export function signupView(_, query) {
  if (session()) return alreadySignedIn("Sign up", query);
  const username = input("username", "text", "username");
  username.setAttribute("minlength", "3");
  username.setAttribute("maxlength", "32");
  const email = input("email", "email", "email");
  const password = input("password", "password", "new-password");
  password.setAttribute("minlength", "8");
  const alert = alertBox();
  const submit = h("button", { type: "submit" }, "Sign up");
  const form = h("form", { class: "card narrow" },
    h("h1", {}, "Sign up"), alert,
    field("Username", username, "3 to 32 letters, digits, '_', '.' or '-'."),
    field("Email", email),
    field("Password", password, "At least 8 characters; a few words make a strong one."),
    submit,
    h("p", {}, "Have an account? ", h("a", { href: `/login${location.search}` }, "Log in instead")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      alert.clear();
      try {
        /** @type {SignedUp} */
        await call("POST", "/api/users/signup", { body: { username: username.value, email: email.value, password: password.value }, auth: false });
        /** @type {Tokens} */
        const tokens = await call("POST", "/api/users/login", { body: { email: email.value, password: password.value }, auth: false });
        signedIn(tokens);
        go(safeNext(query.get("next")));
      } catch (error) {
        alert.show(error);
      }
    });
  });
  return form;
}

export async function profileView() {
  /** @type {Profile} */
  const profile = await call("GET", "/api/users/profile");
  const username = h("input", { name: "username", value: profile.username, autocomplete: "username", required: true });
  const email = h("input", { name: "email", type: "email", value: profile.email, autocomplete: "email", required: true });
  const bio = h("textarea", { name: "bio", rows: 4, maxlength: 1000 });
  bio.value = profile.bio;
  const alert = alertBox();
  const save = h("button", { type: "submit" }, "Save profile");
  const form = h("form", { class: "card" }, h("h2", {}, "Profile"), alert,
    field("Username", username), field("Email", email), field("Bio", bio), save);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(save, async () => {
      alert.clear();
      try {
        /** @type {Profile} */
        const updated = await call("PUT", "/api/users/profile/update", { body: { username: username.value, email: email.value, bio: bio.value } });
        renamed(updated.username);
        heading.textContent = `Your account, ${updated.username}`;
        alert.say("Profile saved.");
      } catch (error) {
        alert.show(error);
      }
    });
  });

  const heading = h("h1", {}, `Your account, ${session()?.username ?? ""}`);
  const file = h("input", { name: "file", type: "file", accept: "audio/*", required: true });
  const tagAlert = alertBox();
  const send = h("button", { type: "submit" }, "Upload voice tag");
  const tagForm = h("form", { class: "card" }, h("h2", {}, "Voice tag"),
    h("p", {}, "A short clip mixed into the previews of the beats you upload from now on."), tagAlert,
    field("Voice tag file", file, "WAV, AIFF, FLAC, MP3 or OGG, up to 5 MB."), send);
  tagForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    void busy(send, async () => {
      tagAlert.clear();
      try {
        const data = new FormData();
        data.append("file", chosen);
        /** @type {VoiceTag} */
        const tag = await upload("/api/users/profile/voice-tag", data, () => {});
        tagAlert.say(`Voice tag saved (${tag.format}, ${size(tag.bytes)}).`);
      } catch (error) {
        tagAlert.show(error);
      }
    });
  });
  return h("section", {}, heading, h("div", { class: "columns" }, form, tagForm, securityCard()));
}

/** A new password (every other session ends, this one goes on) and "log out everywhere". */
function securityCard() {
  const current = input("current_password", "password", "current-password");
  const next = input("new_password", "password", "new-password");
  next.setAttribute("minlength", "8");
  const alert = alertBox();
  const change = h("button", { type: "submit" }, "Change password");
  const form = h("form", { class: "card" }, h("h2", {}, "Password and sessions"), alert,
    field("Current password", current),
    field("New password", next, "At least 8 characters. Every other device you are logged in on is logged out."),
    change);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(change, async () => {
      alert.clear();
      try {
        /** @type {PasswordChanged} */
        const changed = await call("POST", "/api/users/profile/password",
          { body: { current_password: current.value, new_password: next.value } });
        form.reset();
        const others = changed.sessions_ended === 1 ? "1 other session" : `${changed.sessions_ended} other sessions`;
        alert.say(`Password changed; ${others} logged out.`);
      } catch (error) {
        alert.show(error);
      }
    });
  });
  const everywhere = h("button", { type: "button", class: "secondary" }, "Log out everywhere");
  everywhere.addEventListener("click", () => void busy(everywhere, async () => {
    alert.clear();
    try {
      /** @type {LoggedOutEverywhere} */
      await call("POST", "/api/users/logout/all");
      signedOut();
      go("/login");
    } catch (error) {
      alert.show(error);
    }
  }));
  form.append(h("p", { class: "muted" }, "Lost a device? End every session, this one too:"), everywhere);
  return form;
}
