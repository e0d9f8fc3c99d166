// The preview player: the waveform from /api/beats/{id}/waveform on a canvas that is also the seek slider, and an
// audio element on the signed stream URL (Range requests: the browser seeks without downloading the whole preview).
import { call } from "../api.js";
import { clock, h } from "../ui.js";

/** @typedef {import("../types.js").Waveform} Waveform */
/** @typedef {import("../types.js").StreamUrl} StreamUrl */

/** @param {string} beatId @param {string} title @param {number | null} duration the beat's length, until the audio knows it */
export function player(beatId, title, duration) {
  const audio = h("audio", { preload: "none" });
  const canvas = h("canvas", {
    class: "waveform", width: 800, height: 120, role: "slider", tabindex: 0,
    "aria-label": "Seek", "aria-valuemin": 0, "aria-valuemax": 0, "aria-valuenow": 0, "aria-valuetext": "0:00",
  });
  const play = h("button", { type: "button", class: "play" }, "Play");
  const time = h("span", { class: "time", "aria-hidden": "true" }, `0:00 / ${clock(duration ?? 0)}`);
  const note = h("p", { class: "muted" });
  /** @type {number[]} */
  let peaks = [];
  let sourced = false;

  const draw = () => {
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    const length = Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : duration ?? 0;
    const played = length ? audio.currentTime / length : 0;
    const bar = width / Math.max(1, peaks.length);
    // Drawn relative to the loudest moment, as beat stores do: a quiet master still shows its shape.
    const loudest = Math.max(0.05, ...peaks);
    peaks.forEach((peak, i) => {
      const x = i * bar;
      const tall = Math.max(1, (peak / loudest) * (height - 4));
      ctx.fillStyle = x / width <= played ? "#ffb547" : "#6d6a8a";
      ctx.fillRect(x, (height - tall) / 2, Math.max(1, bar - 0.5), tall);
    });
    canvas.setAttribute("aria-valuemax", String(Math.round(length)));
    canvas.setAttribute("aria-valuenow", String(Math.round(audio.currentTime)));
    canvas.setAttribute("aria-valuetext", `${clock(audio.currentTime)} of ${clock(length)}`);
    time.textContent = `${clock(audio.currentTime)} / ${clock(length)}`;
  };

  // A stream URL lives 10 minutes and counts one play (a listener's plays of a beat count once an hour; signed in, the
  // listener is the user, not the address): ask for it when the listener first presses Play.
  const source = async () => {
    if (sourced) return;
    /** @type {StreamUrl} */
    const stream = await call("GET", `/api/beats/stream/${encodeURIComponent(beatId)}`);
    audio.src = stream.stream_url;
    sourced = true;
  };
  audio.addEventListener("error", () => {
    // An expired URL: the next Play asks for a fresh one.
    sourced = false;
    play.textContent = "Play";
  });

  const toggle = async () => {
    try {
      await source();
      if (audio.paused) await audio.play();
      else audio.pause();
    } catch (error) {
      note.textContent = error instanceof Error ? error.message : "The preview cannot be played.";
    }
  };
  /** @param {number} seconds */
  const seek = async (seconds) => {
    await source();
    if (!audio.duration) {
      await new Promise((resolve) => {
        audio.addEventListener("loadedmetadata", resolve, { once: true });
        audio.load();
      });
    }
    audio.currentTime = Math.min(Math.max(0, seconds), audio.duration || 0);
    draw();
  };
  play.addEventListener("click", () => void toggle());
  audio.addEventListener("play", () => (play.textContent = "Pause"));
  audio.addEventListener("pause", () => (play.textContent = "Play"));
  audio.addEventListener("timeupdate", draw);
  audio.addEventListener("loadedmetadata", draw);
  canvas.addEventListener("click", (event) => {
    const rect = canvas.getBoundingClientRect();
    const at = (event.clientX - rect.left) / rect.width;
    void (async () => {
      await source();
      if (!audio.duration) await seek(0);
      await seek(at * audio.duration);
    })();
  });
  canvas.addEventListener("keydown", (event) => {
    const steps = { ArrowRight: 5, ArrowUp: 5, ArrowLeft: -5, ArrowDown: -5, PageUp: 30, PageDown: -30 };
    if (event.key in steps) {
      event.preventDefault();
      void seek(audio.currentTime + steps[/** @type {keyof typeof steps} */ (event.key)]);
    } else if (event.key === "Home") {
      event.preventDefault();
      void seek(0);
    } else if (event.key === "End") {
      event.preventDefault();
      void seek(audio.duration || 0);
    } else if (event.key === " " || event.key === "k") {
      event.preventDefault();
      void toggle();
    }
  });

  call("GET", `/api/beats/${encodeURIComponent(beatId)}/waveform`, { auth: false }).then(
    (/** @type {unknown} */ w) => {
      peaks = /** @type {Waveform} */ (w).peaks;
      draw();
    },
    () => (note.textContent = "The waveform is not available yet."));

  return {
    element: h("div", { class: "player", role: "group", "aria-label": `Preview of ${title}` }, canvas,
      h("div", { class: "controls" }, play, time), note, audio),
    audio,
  };
}
