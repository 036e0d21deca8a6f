// tracks: objects followed through a video as keyframed boxes, moving linearly in between
// (labelpool/controls/tracks.py: the same answer, check and words). The clip plays under an SVG
// overlay in video pixels showing every track at the current frame; drag on the paused video to
// add a track, drag a box or a handle to set a keyframe at this frame. A list of the tracks with
// their timelines; the keyboard does everything (see shortcuts). Undo: history.js.
import { AnswerError, controlHeader, digitOf, h, listing, problemOf, quoted, typeName, uid } from "./common.js";
import { HISTORY_SHORTCUTS, History, keyOf } from "./history.js";

const BOX = ["x", "y", "w", "h"];
const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324", "#469990"];
const SPEEDS = [0.25, 0.5, 0.75, 1, 1.5, 2];
const HANDLES = { nw: [0, 0], n: [0.5, 0], ne: [1, 0], e: [1, 0.5], se: [1, 1], s: [0.5, 1], sw: [0, 1], w: [0, 0.5] };
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

function svg(tag, attrs = {}) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  return el;
}

/** "m:ss.s" of a time in seconds (tenths cut, never rounded up into the next frame's time). */
function clock(seconds) {
  const d = Math.floor(seconds * 10 + 1e-6);
  return `${Math.floor(d / 600)}:${String(Math.floor((d % 600) / 10)).padStart(2, "0")}.${d % 10}`;
}

/** The track's box at `frame`, linear between keyframes; null outside first..last (tracks.interpolate). */
export function boxAt(track, frame) {
  const kfs = track.keyframes;
  if (!kfs.length || frame < kfs[0].frame || frame > kfs[kfs.length - 1].frame) return null;
  for (let i = 0; i + 1 < kfs.length; i += 1) {
    const [a, b] = [kfs[i], kfs[i + 1]];
    if (a.frame <= frame && frame < b.frame) {
      const t = (frame - a.frame) / (b.frame - a.frame);
      return Object.fromEntries(BOX.map((k) => [k, a[k] + (b[k] - a[k]) * t]));
    }
  }
  return Object.fromEntries(BOX.map((k) => [k, kfs[kfs.length - 1][k]]));
}

function object(name, what, value, required, optional = []) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new AnswerError(name, `${what} should be an object, got ${typeName(value)}`);
  const missing = required.filter((k) => !(k in value));
  if (missing.length) throw new AnswerError(name, `${what} is missing ${listing(missing)}`);
  const unknown = Object.keys(value).filter((k) => !required.includes(k) && !optional.includes(k)).sort();
  if (unknown.length) throw new AnswerError(name, `${what} has unknown field(s) ${listing(unknown)} (${listing([...required, ...optional])} allowed)`);
  return value;
}

/** The server's check (tracks.py), the same order and words; returns the normalised answer. */
export function check(config, answer) {
  const name = config.name;
  const fail = (problem) => new AnswerError(name, problem);
  if (!Array.isArray(answer)) throw fail(`expected a list of tracks, got ${typeName(answer)}`);
  if (!answer.length) {
    if (config.required) throw fail("add at least one track");
    return [];
  }
  const labels = config.labels.map((l) => l.value);
  const ids = new Set();
  return answer.map((raw, index) => {
    let what = `track ${index + 1}`;
    const track = object(name, what, raw, ["label", "keyframes"], ["id"]);
    const item = {};
    if (track.id !== null && track.id !== undefined) {
      if (typeof track.id !== "string" || !track.id) throw fail(`${what}: id should be non-empty text`);
      if (ids.has(track.id)) throw fail(`${what}: the id ${quoted(track.id)} is used twice`);
      ids.add(track.id);
      item.id = track.id;
      what = `track ${index + 1} (${track.id})`;
    }
    if (!labels.includes(track.label)) throw fail(`${what}: ${quoted(track.label)} is not one of the labels ${listing(labels)}`);
    item.label = track.label;
    if (!Array.isArray(track.keyframes) || !track.keyframes.length) throw fail(`${what} needs at least one keyframe`);
    let last = null;
    item.keyframes = track.keyframes.map((rawKeyframe) => {
      const kf = object(name, `${what}, a keyframe`, rawKeyframe, ["frame", ...BOX]);
      if (!Number.isInteger(kf.frame) || kf.frame < 0) throw fail(`${what}: frame should be a frame number (0 or more), got ${quoted(kf.frame)}`);
      const at = `${what}, the box at frame ${kf.frame}`;
      for (const k of BOX) if (!isNumber(kf[k])) throw fail(`${at}: ${k} should be a number, got ${quoted(kf[k])}`);
      if (kf.x < 0 || kf.y < 0) throw fail(`${at} starts outside the image (x and y must be 0 or more)`);
      if (kf.w <= 0 || kf.h <= 0) throw fail(`${at} has no area (width and height must be more than 0)`);
      if (last !== null && kf.frame <= last) throw fail(`${what}: keyframes must be in increasing frame order (frame ${kf.frame} comes after frame ${last})`);
      last = kf.frame;
      return { frame: kf.frame, x: kf.x, y: kf.y, w: kf.w, h: kf.h };
    });
    return item;
  });
}

export const showsTarget = true;

export function shortcuts(config) {
  const n = Math.min(config.labels.length, 9);
  return [
    ["Space / K", "play or pause"],
    [", / .", "previous / next frame (with Shift: 10 frames)"],
    ["Home / End", "first / last frame"],
    ["- / +", "slower / faster"],
    [n > 1 ? `1–${n}` : "1", "the label of new tracks; relabels the selected track"],
    ["N", "new track at the centre, keyframe at this frame"],
    ["T / Shift+T", "select the next / previous track"],
    ["← ↑ → ↓", "move the selected box, a keyframe at this frame (Shift: 10 px); none selected: ← / → step frames"],
    ["Ctrl+← ↑ → ↓", "resize the selected box (Shift: 10 px)"],
    ["[ / ]", "previous / next keyframe"],
    ["F", "keyframe here, the box as shown"],
    ["X", "delete the keyframe at this frame"],
    ["E", "the selected track ends here"],
    ["Delete", "delete the selected track"],
    ["Esc", "deselect"],
    ...HISTORY_SHORTCUTS,
  ];
}

export function mount(root, config, { value, onChange, readOnly = false, data = {}, media = {} } = {}) {
  const labelId = uid("lbc");
  const fps = isNumber(data?.fps) && data.fps > 0 ? data.fps : config.fps > 0 ? config.fps : 25;
  const raw = data?.[config.target];
  const src = media?.[config.target] || (typeof raw === "string" && /^https?:\/\//i.test(raw) ? raw : null);
  const labels = config.labels;
  const colorOf = (v) => {
    const i = labels.findIndex((l) => l.value === v);
    return i < 0 ? "#6b7686" : labels[i].color || PALETTE[i % PALETTE.length];
  };
  const nameOf = (v) => labels.find((l) => l.value === v)?.label ?? String(v);
  const history = new History();
  let tracks = [];
  let selected = -1;
  let active = 0; // the label of new tracks
  let frame = 0;
  let frames = 1;
  let W = 0;
  let H = 0;
  let drag = null;
  let run = 0; // the playback loop's generation: a stale frame callback stops itself
  let rows = [];

  const video = h("video", { preload: "auto", muted: true, playsinline: true, "aria-hidden": "true" });
  video.muted = true;
  const overlay = svg("svg", { class: "lbc-tr-svg", preserveAspectRatio: "none", "aria-hidden": "true" });
  const note = h("p", { class: "lbc-tr-note" }, src ? "Loading the video…" : "The video of this item is missing; report it as broken media.");
  const stage = h("div", { class: "lbc-tr-stage", tabindex: "0", role: "application", "aria-label": "Video with tracks", "aria-describedby": `${labelId}-how` }, video, overlay, note);
  const chips = labels.map((label, i) =>
    h("button", { type: "button", class: "lbc-tr-chip", "aria-pressed": "false", disabled: readOnly, title: i < 9 ? `Key ${i + 1}` : null, onclick: () => chooseLabel(i) },
      h("span", { class: "lbc-tr-dot", "aria-hidden": "true" }), label.label, i < 9 ? h("span", { class: "lb-kbd", "aria-hidden": "true" }, String(i + 1)) : null),
  );
  chips.forEach((chip, i) => chip.style.setProperty("--c", colorOf(labels[i].value)));
  const button = (text, label, onclick, cls = "btn-ghost") => h("button", { type: "button", class: `btn ${cls} btn-small`, "aria-label": label, title: label, onclick }, text);
  const playButton = button("▶\uFE0E Play", "Play (Space or K)", () => (video.paused ? play() : pause()), "btn-secondary lbc-tr-play");
  const clockEl = h("span", { class: "lbc-tr-clock" });
  const scrub = h("input", { type: "range", class: "lbc-tr-scrub", min: "0", max: "0", step: "1", value: "0", "aria-label": "Frame" });
  const speed = h("select", { class: "lbc-tr-speed", "aria-label": "Playback speed" }, SPEEDS.map((s) => h("option", { value: s, selected: s === 1 }, `${s}×`)));
  const player = h("div", { class: "lbc-tr-player" }, stage, scrub,
    h("div", { class: "lbc-tr-bar" }, playButton, button("‹", "Previous frame (,)", () => step(-1)), button("›", "Next frame (.)", () => step(1)), clockEl, speed));
  const list = h("ol", { class: "lbc-tr-list", "aria-label": "Tracks" });
  const summary = h("p", { class: "lbc-tr-summary" });
  const live = h("p", { class: "sr-only", "aria-live": "polite" });
  root.append(
    ...controlHeader(config, labelId),
    h("p", { class: "lbc-help", id: `${labelId}-how` }, readOnly ? "Play or scrub the clip to see every track." : "Pause, then drag on the video to add a track; drag a box or its handles to set a keyframe at this frame. ? lists the keys."),
    ...(readOnly ? [] : [h("div", { class: "lbc-tr-labels", role: "group", "aria-label": "Label of new tracks" }, chips)]),
    player,
    summary,
    list,
    live,
  );
  if (readOnly) stage.classList.add("is-readonly");
  const say = (text) => (live.textContent = text);
  const selectedTrack = () => tracks[selected] || null;

  // --- time ----------------------------------------------------------------------------------
  const frameOf = (t) => clamp(Math.floor(t * fps + 1e-3), 0, frames - 1);
  function seek(n) {
    frame = clamp(Math.round(n), 0, frames - 1);
    if (W) video.currentTime = (frame + 0.5) / fps; // the middle of frame n: n is the frame shown
    drawFrame();
  }
  const step = (n) => (pause(), seek(frame + n));
  function play() {
    if (!W) return;
    if (frame >= frames - 1) seek(0);
    video.play().catch(() => {});
    tick((run += 1));
  }
  function tick(mine) {
    const next = (time) => {
      if (mine !== run || video.paused) return;
      frame = frameOf(time);
      drawFrame();
      tick(mine);
    };
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback((_, meta) => next(meta.mediaTime));
    else requestAnimationFrame(() => next(video.currentTime));
  }
  function pause() {
    if (video.paused) return;
    video.pause();
    seek(frameOf(video.currentTime));
  }
  video.addEventListener("loadedmetadata", () => {
    W = video.videoWidth;
    H = video.videoHeight;
    frames = Number.isFinite(video.duration) ? Math.max(1, Math.round(video.duration * fps)) : Math.max(1, ...tracks.flatMap((t) => t.keyframes.map((k) => k.frame + 1)));
    overlay.setAttribute("viewBox", `0 0 ${W} ${H}`);
    player.style.setProperty("--lbc-tr-ratio", String(W / H));
    scrub.max = String(frames - 1);
    note.hidden = true;
    seek(frame);
    drawList();
  });
  video.addEventListener("error", () => {
    note.hidden = false;
    note.textContent = "This video cannot be played here; report it as broken media.";
  });
  for (const type of ["play", "pause"]) {
    video.addEventListener(type, () => {
      playButton.textContent = video.paused ? "▶\uFE0E Play" : "❚❚ Pause";
      playButton.setAttribute("aria-label", video.paused ? "Play (Space or K)" : "Pause (Space or K)");
    });
  }
  video.addEventListener("ended", () => seek(frames - 1));
  scrub.addEventListener("input", () => {
    if (!video.paused) video.pause();
    seek(Number(scrub.value));
  });
  speed.addEventListener("change", () => (video.playbackRate = Number(speed.value)));
  function changeSpeed(by) {
    const i = clamp(SPEEDS.indexOf(Number(speed.value)) + by, 0, SPEEDS.length - 1);
    speed.value = String(SPEEDS[i]);
    video.playbackRate = SPEEDS[i];
    say(`Speed ${SPEEDS[i]}×`);
  }
  if (src) video.src = src;
  new ResizeObserver(() => drawOverlay()).observe(stage);

  // --- changes -------------------------------------------------------------------------------
  function change(edit, message) {
    if (readOnly) return false;
    history.record(tracks);
    edit();
    selected = Math.min(selected, tracks.length - 1);
    drawList();
    say(message);
    onChange?.();
    return true;
  }
  function nextId(label, except = -1) {
    let n = 0;
    tracks.forEach((t, i) => {
      const m = i !== except && typeof t.id === "string" && t.id.match(/^(.*)-(\d+)$/);
      if (m && m[1] === String(label)) n = Math.max(n, Number(m[2]));
    });
    return `${label}-${n + 1}`;
  }
  function setKeyframe(track, at, box) {
    const kf = { frame: at, ...box };
    const i = track.keyframes.findIndex((k) => k.frame >= at);
    if (i < 0) track.keyframes.push(kf);
    else track.keyframes.splice(i, track.keyframes[i].frame === at ? 1 : 0, kf);
  }
  /** A box inside the frame in whole pixels; `keep` moves it in whole instead of cutting it. */
  function fit(b, keep = false) {
    let { x, y, w, h: ht } = b;
    if (keep) {
      [w, ht] = [Math.min(w, W), Math.min(ht, H)];
      [x, y] = [clamp(x, 0, W - w), clamp(y, 0, H - ht)];
    } else {
      const [x2, y2] = [clamp(x + w, 0, W), clamp(y + ht, 0, H)];
      [x, y] = [clamp(x, 0, W), clamp(y, 0, H)];
      [w, ht] = [x2 - x, y2 - y];
    }
    return { x: Math.round(x), y: Math.round(y), w: Math.max(1, Math.round(w)), h: Math.max(1, Math.round(ht)) };
  }
  /** The box shown for a track here, else the one at its nearest end (to extend it to here). */
  const boxOrNearest = (t) => boxAt(t, frame) || (t.keyframes.length ? boxAt(t, frame < t.keyframes[0].frame ? t.keyframes[0].frame : t.keyframes[t.keyframes.length - 1].frame) : null);
  function keyframeHere(box, what = "keyframe") {
    const t = selectedTrack();
    if (!t || !W) return false;
    pause();
    return change(() => setKeyframe(t, frame, fit(box || boxOrNearest(t), !!box?.keep)), `${t.id}: ${what} at frame ${frame}`);
  }
  function addTrack(box) {
    const label = labels[active].value;
    const id = nextId(label);
    change(() => {
      tracks.push({ id, label, keyframes: [{ frame, ...fit(box) }] });
      selected = tracks.length - 1;
    }, `Track ${id} (${nameOf(label)}) added at frame ${frame}`);
  }
  function chooseLabel(i) {
    if (readOnly || i >= labels.length) return false;
    active = i;
    const t = selectedTrack();
    if (t && t.label !== labels[i].value) {
      const auto = typeof t.id === "string" && t.id.match(/^(.*)-\d+$/)?.[1] === t.label; // an auto id follows the label
      const was = t.id;
      change(() => {
        if (auto) t.id = nextId(labels[i].value, selected);
        t.label = labels[i].value;
      }, `${was} relabelled ${labels[i].label}${auto ? `, now ${t.id}` : ""}`);
    } else {
      drawList();
      say(`New tracks: ${labels[i].label}`);
    }
    return true;
  }
  function deleteTrack(i = selected) {
    const t = tracks[i];
    return !!t && change(() => {
      tracks.splice(i, 1);
      selected = -1;
    }, `Track ${t.id} deleted`);
  }
  function deleteKeyframe(i = selected) {
    const t = tracks[i];
    const k = t ? t.keyframes.findIndex((kf) => kf.frame === frame) : -1;
    if (k < 0) return false;
    if (t.keyframes.length === 1) return change(() => tracks.splice(i, 1), `${t.id} had only this keyframe: track deleted`);
    return change(() => t.keyframes.splice(k, 1), `${t.id}: keyframe at frame ${frame} deleted`);
  }
  function endsHere(i = selected) {
    const t = tracks[i];
    const box = t && boxAt(t, frame);
    if (!box || t.keyframes[t.keyframes.length - 1].frame === frame) return false;
    return change(() => {
      setKeyframe(t, frame, fit(box));
      t.keyframes = t.keyframes.filter((k) => k.frame <= frame);
    }, `${t.id} ends at frame ${frame}`);
  }
  function rename(i, input) {
    const t = tracks[i];
    const id = input.value.trim();
    if (id === t.id) return;
    if (!id || tracks.some((o, j) => j !== i && o.id === id)) {
      input.value = t.id;
      say(id ? `The id ${id} is taken by another track` : "A track needs an id");
      return;
    }
    const was = t.id;
    change(() => (t.id = id), `Track ${was} renamed ${id}`);
  }
  /** Select track i (-1: none); `follow` goes to its nearest end when it is not in view here. */
  function pick(i, announce = true, follow = true) {
    selected = i;
    const t = tracks[i];
    if (t && follow && !boxAt(t, frame) && t.keyframes.length) {
      pause();
      seek(frame < t.keyframes[0].frame ? t.keyframes[0].frame : t.keyframes[t.keyframes.length - 1].frame);
    }
    rows.forEach((r, j) => r.li.classList.toggle("is-selected", j === i));
    drawFrame();
    if (t && announce) say(`${t.id} (${nameOf(t.label)}) selected, ${plural(t.keyframes.length, "keyframe")}`);
  }
  /** Seek to the previous (-1) or next (1) keyframe of the selected track (of any, if none). */
  function jump(dir, i = selected) {
    const all = (tracks[i] ? [tracks[i]] : tracks).flatMap((t) => t.keyframes.map((k) => k.frame));
    const to = dir < 0 ? Math.max(-1, ...all.filter((f) => f < frame)) : Math.min(Infinity, ...all.filter((f) => f > frame));
    if (to < 0 || to === Infinity) return say(dir < 0 ? "No keyframe before this frame" : "No keyframe after this frame");
    pause();
    seek(to);
  }

  // --- drawing -------------------------------------------------------------------------------
  function drawOverlay() {
    overlay.replaceChildren();
    if (!W) return;
    const s = W / (overlay.getBoundingClientRect().width || W); // video pixels per screen pixel
    tracks.forEach((t, i) => {
      const on = i === selected;
      let b = drag?.index === i && drag.box ? drag.box : boxAt(t, frame);
      const ghost = !b && on && !readOnly; // the selected track out of view: drag it here to extend it
      if (ghost) b = boxOrNearest(t);
      if (!b || !BOX.every((k) => isNumber(b[k]))) return;
      const color = colorOf(t.label);
      const key = t.keyframes.some((k) => k.frame === frame);
      const g = svg("g", { class: `lbc-tr-box${on ? " is-selected" : ""}${ghost ? " is-ghost" : ""}`, "data-track": i });
      g.append(svg("rect", { x: b.x, y: b.y, width: b.w, height: b.h, fill: color, "fill-opacity": on ? 0.2 : 0.08, stroke: color, "stroke-width": on ? 3 : 2, "stroke-dasharray": key ? null : ghost ? "2 4" : "6 4", "vector-effect": "non-scaling-stroke", class: "lbc-tr-body" }));
      const text = `${t.id} · ${ghost ? "not in view" : nameOf(t.label)}`;
      const [th, tw] = [17 * s, (text.length * 6.6 + 10) * s];
      const ty = b.y >= th ? b.y - th : b.y;
      g.append(svg("rect", { x: b.x, y: ty, width: tw, height: th, fill: color, rx: 2 * s, class: "lbc-tr-body" }), svg("text", { x: b.x + 5 * s, y: ty + 12.5 * s, "font-size": 12 * s, class: "lbc-tr-tag" }));
      g.lastChild.textContent = text;
      if (on && !readOnly) {
        for (const [name, [fx, fy]] of Object.entries(HANDLES)) {
          const r = 5 * s;
          g.append(svg("rect", { x: b.x + b.w * fx - r, y: b.y + b.h * fy - r, width: 2 * r, height: 2 * r, stroke: color, "stroke-width": 1.5, "vector-effect": "non-scaling-stroke", class: `lbc-tr-handle lbc-tr-${name}`, "data-handle": name }));
        }
      }
      overlay.append(g);
    });
    if (drag?.mode === "draw" && drag.box) {
      const c = colorOf(labels[active].value);
      overlay.append(svg("rect", { x: drag.box.x, y: drag.box.y, width: drag.box.w, height: drag.box.h, fill: c, "fill-opacity": 0.15, stroke: c, "stroke-width": 2, "stroke-dasharray": "4 3", "vector-effect": "non-scaling-stroke" }));
    }
  }
  const pct = (f) => `${frames > 1 ? (clamp(f, 0, frames - 1) / (frames - 1)) * 100 : 0}%`;
  /** Everything that depends on the current frame: overlay, clock, scrubber, the rows' state. */
  function drawFrame() {
    drawOverlay();
    clockEl.textContent = `frame ${frame} / ${W ? frames : "–"} · ${clock(frame / fps)}`;
    scrub.value = String(frame);
    scrub.setAttribute("aria-valuetext", clockEl.textContent);
    rows.forEach((r, i) => {
      const kfs = tracks[i].keyframes.map((k) => k.frame);
      const inView = !!boxAt(tracks[i], frame);
      r.now.style.left = pct(frame);
      r.li.classList.toggle("is-out", !inView);
      r.state.textContent = !inView ? "not in view" : kfs.includes(frame) ? "keyframe here" : "interpolated";
      r.prev.disabled = !kfs.some((f) => f < frame);
      r.next.disabled = !kfs.some((f) => f > frame);
      if (readOnly) return;
      r.del.disabled = !kfs.includes(frame);
      r.add.disabled = !W || kfs.includes(frame);
      r.ends.disabled = !inView || kfs[kfs.length - 1] === frame;
    });
  }
  function drawList() {
    rows = tracks.map((t, i) => {
      const id = h("input", { type: "text", class: "lbc-tr-id", value: t.id ?? "", "aria-label": `Id of track ${i + 1}`, readonly: readOnly, spellcheck: "false", autocomplete: "off" });
      id.addEventListener("change", () => rename(i, id));
      id.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === "Escape") {
          e.preventDefault(); // Enter would submit the page's form
          if (e.key === "Escape") id.value = t.id;
          stage.focus();
        }
      });
      const act = (text, label, on) => button(text, `${label} (${t.id})`, (e) => (e.stopPropagation(), pick(i, false, false), on(i)));
      const r = {
        prev: act("‹ Keyframe", "Previous keyframe ([)", (j) => jump(-1, j)),
        next: act("Keyframe ›", "Next keyframe (])", (j) => jump(1, j)),
        add: act("+ Keyframe", "Keyframe at this frame (F)", () => keyframeHere()),
        del: act("− Keyframe", "Delete the keyframe at this frame (X)", deleteKeyframe),
        ends: act("Ends here", "The track ends at this frame (E)", endsHere),
        now: h("span", { class: "lbc-tr-now" }),
        state: h("span", { class: "lbc-tr-state" }),
      };
      const time = h("div", { class: "lbc-tr-time", title: "Click to go to that frame" },
        h("span", { class: "lbc-tr-span" }), t.keyframes.map((k) => h("span", { class: "lbc-tr-tick", title: `Keyframe at frame ${k.frame}` })), r.now);
      const kfs = t.keyframes.filter((k) => Number.isInteger(k.frame));
      if (kfs.length) Object.assign(time.firstChild.style, { left: pct(kfs[0].frame), width: `calc(${pct(kfs[kfs.length - 1].frame)} - ${pct(kfs[0].frame)})` });
      t.keyframes.forEach((k, j) => (time.children[j + 1].style.left = pct(k.frame)));
      time.addEventListener("click", (e) => {
        e.stopPropagation();
        const box = time.getBoundingClientRect();
        pause();
        pick(i, false, false);
        seek(((e.clientX - box.left) / box.width) * (frames - 1));
        stage.focus({ preventScroll: true });
      });
      const remove = button("✕", `Delete track ${t.id} (Delete)`, (e) => (e.stopPropagation(), deleteTrack(i)), "btn-ghost lbc-tr-remove");
      r.li = h("li", { class: `lbc-tr-track${i === selected ? " is-selected" : ""}`, "data-track": t.id },
        h("div", { class: "lbc-tr-row" },
          h("span", { class: "lbc-tr-dot", "aria-hidden": "true" }), id,
          h("span", { class: "lbc-tr-label" }, nameOf(t.label)),
          h("span", { class: "lbc-tr-meta" }, plural(t.keyframes.length, "keyframe"), " · ", r.state),
          h("span", { class: "lbc-tr-acts" }, r.prev, r.next, readOnly ? null : [r.add, r.del, r.ends, remove])),
        time);
      r.li.style.setProperty("--c", colorOf(t.label));
      r.li.addEventListener("click", (e) => {
        if (e.target.closest("input, button")) return;
        pick(i);
        stage.focus({ preventScroll: true }); // the keys act on the widget
      });
      return r;
    });
    list.replaceChildren(...rows.map((r) => r.li));
    summary.textContent = tracks.length ? `${plural(tracks.length, "track")}` : readOnly ? "No tracks." : "No tracks yet: pause where an object appears and drag a box around it (or press N).";
    chips.forEach((chip, i) => chip.setAttribute("aria-pressed", String(i === active)));
    stage.setAttribute("aria-label", `Video with ${plural(tracks.length, "track")}${selectedTrack() ? `; ${selectedTrack().id} selected` : ""}`);
    drawFrame();
  }

  // --- the pointer ---------------------------------------------------------------------------
  function point(e) {
    const r = overlay.getBoundingClientRect();
    return { x: clamp(((e.clientX - r.left) / r.width) * W, 0, W), y: clamp(((e.clientY - r.top) / r.height) * H, 0, H) };
  }
  overlay.addEventListener("pointerdown", (e) => {
    if (readOnly || !W || e.button !== 0) return;
    e.preventDefault();
    stage.focus({ preventScroll: true });
    pause();
    const g = e.target.closest("[data-track]");
    const p = point(e);
    if (g) {
      pick(Number(g.dataset.track), false, false);
      drag = { mode: e.target.dataset.handle || "move", index: selected, p0: p, b0: boxOrNearest(tracks[selected]), box: null };
    } else drag = { mode: "draw", p0: p, box: null };
    overlay.setPointerCapture(e.pointerId);
  });
  overlay.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const p = point(e);
    const [dx, dy] = [p.x - drag.p0.x, p.y - drag.p0.y];
    const { mode, b0, p0 } = drag;
    if (mode === "draw") drag.box = { x: Math.min(p0.x, p.x), y: Math.min(p0.y, p.y), w: Math.abs(dx), h: Math.abs(dy) };
    else if (mode === "move") drag.box = fit({ ...b0, x: b0.x + dx, y: b0.y + dy }, true);
    else {
      let [x1, y1, x2, y2] = [b0.x, b0.y, b0.x + b0.w, b0.y + b0.h];
      if (mode.includes("w")) x1 += dx;
      if (mode.includes("e")) x2 += dx;
      if (mode.includes("n")) y1 += dy;
      if (mode.includes("s")) y2 += dy;
      drag.box = fit({ x: Math.min(x1, x2), y: Math.min(y1, y2), w: Math.abs(x2 - x1), h: Math.abs(y2 - y1) });
    }
    drawOverlay();
  });
  overlay.addEventListener("pointerup", () => {
    const d = drag;
    drag = null;
    if (!d) return;
    if (!d.box) return d.mode === "draw" ? pick(-1, false) : drawOverlay();
    if (d.mode === "draw") {
      if (d.box.w >= 3 && d.box.h >= 3) addTrack(d.box);
      else pick(-1, false);
      return;
    }
    const t = tracks[d.index];
    if (BOX.some((k) => d.box[k] !== d.b0[k])) change(() => setKeyframe(t, frame, d.box), `${t.id}: keyframe at frame ${frame}`);
    else drawOverlay();
  });
  overlay.addEventListener("pointercancel", () => {
    drag = null;
    drawOverlay();
  });

  // --- the keyboard --------------------------------------------------------------------------
  function undoRedo(which) {
    const state = which === "undo" ? history.undo(tracks) : history.redo(tracks);
    if (state === undefined) return say(which === "undo" ? "Nothing to undo" : "Nothing to redo");
    tracks = state;
    selected = Math.min(selected, tracks.length - 1);
    drawList();
    say(which === "undo" ? "Undone" : "Redone");
    onChange?.();
  }
  function nudge(key, size, by) {
    const t = selectedTrack();
    const b = t && boxOrNearest(t);
    if (!b) return false;
    const [dx, dy] = { ArrowLeft: [-by, 0], ArrowRight: [by, 0], ArrowUp: [0, -by], ArrowDown: [0, by] }[key];
    const box = size ? { x: b.x, y: b.y, w: Math.max(1, b.w + dx), h: Math.max(1, b.h + dy) } : { ...b, x: b.x + dx, y: b.y + dy, keep: true };
    return keyframeHere(box, size ? "resized, keyframe" : "moved, keyframe");
  }
  function handleKey(event) {
    if (event.altKey) return false;
    const inside = root.contains(event.target);
    const native = inside && event.target !== stage && Boolean(event.target.closest?.("button, input, select, a"));
    const ctrl = event.ctrlKey || event.metaKey;
    const undo = keyOf(event);
    if (undo) return !readOnly && (undoRedo(undo), true);
    const key = event.key;
    const by = event.shiftKey ? 10 : 1;
    if (key.startsWith("Arrow")) {
      if (!inside || native) return false; // a focused button, the scrubber or a page scroll
      if (!readOnly && selectedTrack()) return nudge(key, ctrl, by) || true;
      if (ctrl || (key !== "ArrowLeft" && key !== "ArrowRight")) return false;
      return step(key === "ArrowLeft" ? -by : by), true;
    }
    if (ctrl) return false;
    if (key === " ") return inside && !native && (video.paused ? play() : pause(), true);
    const dir = { ",": -1, "<": -1, ".": 1, ">": 1 }[key] ?? { Comma: -1, Period: 1 }[event.code];
    if (dir) return step(dir * by), true;
    const digit = digitOf(event);
    if (digit) return chooseLabel(digit - 1);
    const name = key.toLowerCase();
    if ((name === "home" || name === "end") && native) return false;
    const views = {
      k: () => (video.paused ? play() : pause()),
      home: () => step(-frames),
      end: () => step(frames),
      "-": () => changeSpeed(-1),
      "+": () => changeSpeed(1),
      "=": () => changeSpeed(1),
      "[": () => jump(-1),
      "]": () => jump(1),
      t: () => tracks.length && pick(selected < 0 ? (event.shiftKey ? tracks.length - 1 : 0) : (selected + (event.shiftKey ? -1 : 1) + tracks.length) % tracks.length),
    };
    if (views[name]) return views[name](), true;
    if (name === "escape") return selected >= 0 && (pick(-1, false), say("Nothing selected"), true);
    const edits = {
      n: () => W > 0 && (pause(), addTrack({ x: W * 0.375, y: H * 0.375, w: W / 4, h: H / 4 }), true),
      f: () => keyframeHere(),
      x: () => deleteKeyframe(),
      e: () => endsHere(),
      delete: () => deleteTrack(),
      backspace: () => deleteTrack(),
    };
    return !readOnly && Boolean(edits[name]?.());
  }

  function setValue(answer) {
    tracks = Array.isArray(answer)
      ? answer.filter((t) => t && typeof t === "object").map((t) => ({ id: t.id, label: t.label, keyframes: Array.isArray(t.keyframes) ? t.keyframes.map((k) => ({ ...k })) : [] }))
      : [];
    for (const t of tracks) if (t.id === null || t.id === undefined) t.id = nextId(t.label); // pre-annotations may come without ids
    selected = -1;
    drag = null;
    history.clear();
    drawList();
  }
  function getValue() {
    return tracks.length ? tracks.map((t) => ({ id: t.id, label: t.label, keyframes: t.keyframes.map((k) => ({ ...k })) })) : null;
  }
  setValue(value);
  return {
    getValue,
    setValue,
    validate: () => problemOf(check, config, getValue(), data),
    focus: () => stage.focus(),
    handleKey,
  };
}
