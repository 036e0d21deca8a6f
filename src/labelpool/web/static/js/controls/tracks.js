// tracks: objects followed through a video as keyframed boxes, moving linearly in between
// (labelpool/controls/tracks.py: the same answer, check and words). The clip plays under an SVG
// overlay in video pixels showing every track at the current frame; drag on the paused video to
// add a track, drag a box or a handle to set a keyframe at this frame (the selected track, out
// of view, shows as a ghost to drag here). A list of tracks with timelines; every action has a
// key (shortcuts). Frame n is shown at time (n + 0.5) / fps. Undo: history.js.
import { AnswerError, controlHeader, digitOf, h, listing, problemOf, quoted, typeName, uid } from "./common.js";
import { HISTORY_SHORTCUTS, History, keyOf } from "./history.js";

const BOX = ["x", "y", "w", "h"];
const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324", "#469990"];
const SPEEDS = [0.25, 0.5, 0.75, 1, 1.5, 2];
const HANDLES = { nw: [0, 0], n: [0.5, 0], ne: [1, 0], e: [1, 0.5], se: [1, 1], s: [0.5, 1], sw: [0, 1], w: [0, 0.5] };
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const ends = (t) => [t.keyframes[0].frame, t.keyframes[t.keyframes.length - 1].frame];

function svg(tag, attrs) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null) el.setAttribute(k, String(v));
  return el;
}

/** m:ss.s, tenths cut (never rounded up into the next frame's time). */
const clock = (s) => {
  const d = Math.floor(s * 10 + 1e-6);
  return `${Math.floor(d / 600)}:${String(Math.floor((d % 600) / 10)).padStart(2, "0")}.${d % 10}`;
};

/** The box at `frame`, linear between keyframes; null outside first..last (tracks.interpolate). */
export function boxAt(track, frame) {
  const kfs = track.keyframes;
  if (!kfs.length || frame < kfs[0].frame || frame > kfs[kfs.length - 1].frame) return null;
  const i = kfs.findIndex((k, j) => j + 1 < kfs.length && k.frame <= frame && frame < kfs[j + 1].frame);
  if (i < 0) return Object.fromEntries(BOX.map((k) => [k, kfs[kfs.length - 1][k]]));
  const [a, b] = [kfs[i], kfs[i + 1]];
  const t = (frame - a.frame) / (b.frame - a.frame);
  return Object.fromEntries(BOX.map((k) => [k, a[k] + (b[k] - a[k]) * t]));
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
  const fail = (problem) => new AnswerError(config.name, problem);
  if (!Array.isArray(answer)) throw fail(`expected a list of tracks, got ${typeName(answer)}`);
  if (!answer.length) {
    if (config.required) throw fail("add at least one track");
    return [];
  }
  const labels = config.labels.map((l) => l.value);
  const ids = new Set();
  return answer.map((raw, index) => {
    let what = `track ${index + 1}`;
    const track = object(config.name, what, raw, ["label", "keyframes"], ["id"]);
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
      const kf = object(config.name, `${what}, a keyframe`, rawKeyframe, ["frame", ...BOX]);
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
    [", / .", "previous / next frame (Shift: 10 frames)"],
    ["Home / End", "first / last frame"],
    ["- / +", "slower / faster"],
    [n > 1 ? `1–${n}` : "1", "label of new tracks; relabels the selected track"],
    ["N", "new track at the centre"],
    ["T / Shift+T", "select the next / previous track"],
    ["← ↑ → ↓", "move the selected box here (Shift: 10 px); none selected: ← / → step frames"],
    ["Ctrl+← ↑ → ↓", "resize the selected box here"],
    ["[ / ]", "previous / next keyframe"],
    ["F", "keyframe here, the box as shown"],
    ["X", "delete the keyframe here"],
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
  let [tracks, rows, selected, active, frame, frames, W, H] = [[], [], -1, 0, 0, 1, 0, 0];
  let drag = null;
  let run = 0; // the playback loop's generation: a stale frame callback stops itself

  const button = (text, label, onclick, cls = "btn-ghost") => h("button", { type: "button", class: `btn ${cls} btn-small`, "aria-label": label, title: label, onclick }, text);
  const video = h("video", { preload: "auto", muted: true, playsinline: true, "aria-hidden": "true" });
  video.muted = true; // the attribute alone does not mute a video made by script
  const overlay = svg("svg", { class: "lbc-tr-svg", preserveAspectRatio: "none", "aria-hidden": "true" });
  const note = h("p", { class: "lbc-tr-note" }, src ? "Loading the video…" : "The video of this item is missing; report it as broken media.");
  const stage = h("div", { class: `lbc-tr-stage${readOnly ? " is-readonly" : ""}`, tabindex: "0", role: "application", "aria-describedby": `${labelId}-how` }, video, overlay, note);
  const chips = labels.map((label, i) => {
    const chip = h("button", { type: "button", class: "lbc-tr-chip", onclick: () => chooseLabel(i) }, h("span", { class: "lbc-tr-dot" }), label.label, i < 9 ? h("span", { class: "lb-kbd", "aria-hidden": "true" }, String(i + 1)) : null);
    chip.style.setProperty("--c", colorOf(label.value));
    return chip;
  });
  const playButton = button("▶\uFE0E Play", "Play (Space or K)", () => (video.paused ? play() : pause()), "btn-secondary lbc-tr-play");
  const clockEl = h("span", { class: "lbc-tr-clock" });
  const scrub = h("input", { type: "range", class: "lbc-tr-scrub", min: "0", max: "0", step: "1", value: "0", "aria-label": "Frame" });
  const speed = h("select", { class: "lbc-tr-speed", "aria-label": "Playback speed" }, SPEEDS.map((s) => h("option", { value: s, selected: s === 1 }, `${s}×`)));
  const player = h("div", { class: "lbc-tr-player" }, stage, scrub,
    h("div", { class: "lbc-tr-bar" }, playButton, button("‹", "Previous frame (,)", () => step(-1)), button("›", "Next frame (.)", () => step(1)), clockEl, speed));
  const list = h("ol", { class: "lbc-tr-list", "aria-label": "Tracks" });
  const summary = h("p", { class: "lbc-tr-summary" });
  const live = h("p", { class: "sr-only", "aria-live": "polite" });
  const how = readOnly ? "Play or scrub the clip to see every track." : "Pause, then drag on the video to add a track; drag a box or its handles to set a keyframe at this frame. ? lists the keys.";
  root.append(...controlHeader(config, labelId), h("p", { class: "lbc-help", id: `${labelId}-how` }, how));
  if (!readOnly) root.append(h("div", { class: "lbc-tr-labels", role: "group", "aria-label": "Label of new tracks" }, chips));
  root.append(player, summary, list, live);
  const say = (text) => (live.textContent = text);
  const selectedTrack = () => tracks[selected] || null;

  // --- time ----------------------------------------------------------------------------------
  const frameOf = (t) => clamp(Math.floor(t * fps + 1e-3), 0, frames - 1);
  function seek(n) {
    frame = clamp(Math.round(n), 0, frames - 1);
    if (W) video.currentTime = (frame + 0.5) / fps;
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
    seek(frameOf(video.currentTime)); // settle on the frame shown
  }
  const toggle = () => (video.paused ? play() : pause());
  video.addEventListener("loadedmetadata", () => {
    [W, H] = [video.videoWidth, video.videoHeight];
    frames = Math.max(1, Number.isFinite(video.duration) ? Math.round(video.duration * fps) : 1 + Math.max(0, ...tracks.map((t) => t.keyframes.length && ends(t)[1])));
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
      playButton.setAttribute("aria-label", `${video.paused ? "Play" : "Pause"} (Space or K)`);
    });
  }
  video.addEventListener("ended", () => seek(frames - 1));
  scrub.addEventListener("input", () => (video.pause(), seek(Number(scrub.value))));
  function setSpeed(i) {
    speed.selectedIndex = clamp(i, 0, SPEEDS.length - 1);
    video.playbackRate = SPEEDS[speed.selectedIndex];
    say(`Speed ${video.playbackRate}×`);
  }
  speed.addEventListener("change", () => setSpeed(speed.selectedIndex));
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
  /** `<label>-<n>`, n one more than any such id's (of the other tracks). */
  function nextId(label, except = -1) {
    let n = 0;
    tracks.forEach((t, i) => {
      const m = i !== except && typeof t.id === "string" && t.id.match(/^(.*)-(\d+)$/);
      if (m && m[1] === String(label)) n = Math.max(n, Number(m[2]));
    });
    return `${label}-${n + 1}`;
  }
  function setKeyframe(track, at, box) {
    const i = track.keyframes.findIndex((k) => k.frame >= at);
    if (i < 0) track.keyframes.push({ frame: at, ...box });
    else track.keyframes.splice(i, track.keyframes[i].frame === at ? 1 : 0, { frame: at, ...box });
  }
  /** A box inside the frame in whole pixels; `keep` moves it in whole instead of cutting it. */
  function fit({ x, y, w, h: ht }, keep = false) {
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
  /** The frame a track is nearest to here (this one when in view). */
  const nearest = (t) => clamp(frame, ...ends(t));
  /** The box shown for a track here, else the one at its nearest end (to extend it to here). */
  const boxOrNearest = (t) => (t.keyframes.length ? boxAt(t, nearest(t)) : null);
  function keyframeHere(box = null, what = "keyframe") {
    const t = selectedTrack();
    if (!t || !W) return false;
    pause();
    box ||= boxOrNearest(t);
    return change(() => setKeyframe(t, frame, fit(box, box.keep)), `${t.id}: ${what} at frame ${frame}`);
  }
  function addTrack(box) {
    const label = labels[active].value;
    const id = nextId(label);
    return change(() => {
      tracks.push({ id, label, keyframes: [{ frame, ...fit(box) }] });
      selected = tracks.length - 1;
    }, `Track ${id} (${nameOf(label)}) added at frame ${frame}`);
  }
  function chooseLabel(i) {
    if (readOnly || i >= labels.length) return false;
    active = i;
    chips.forEach((chip, j) => chip.setAttribute("aria-pressed", String(j === i)));
    const t = selectedTrack();
    if (!t || t.label === labels[i].value) return say(`New tracks: ${labels[i].label}`), true;
    const auto = String(t.id).match(/^(.*)-\d+$/)?.[1] === t.label; // an automatic id follows the label
    const was = t.id;
    return change(() => {
      if (auto) t.id = nextId(labels[i].value, selected);
      t.label = labels[i].value;
    }, `${was} relabelled ${labels[i].label}${auto ? `, now ${t.id}` : ""}`);
  }
  function deleteTrack(i = selected) {
    const t = tracks[i];
    return !!t && change(() => ((selected = -1), tracks.splice(i, 1)), `Track ${t.id} deleted`);
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
    if (!box || ends(t)[1] === frame) return false;
    return change(() => {
      setKeyframe(t, frame, fit(box));
      t.keyframes = t.keyframes.filter((k) => k.frame <= frame);
    }, `${t.id} ends at frame ${frame}`);
  }
  function rename(i, input) {
    const [t, id] = [tracks[i], input.value.trim()];
    if (id === t.id) return;
    if (!id || tracks.some((o) => o !== t && o.id === id)) {
      input.value = t.id;
      say(id ? `The id ${id} is taken by another track` : "A track needs an id");
    } else change(() => (t.id = id), `Track renamed ${id}`);
  }
  /** Select track i (-1: none); `follow` goes to its nearest end when it is not in view here. */
  function pick(i, announce = true, follow = true) {
    selected = i;
    const t = tracks[i];
    if (t && follow && t.keyframes.length && nearest(t) !== frame) step(nearest(t) - frame);
    if (t && labels.some((l) => l.value === t.label)) active = labels.findIndex((l) => l.value === t.label); // the chips say its label
    chips.forEach((chip, j) => chip.setAttribute("aria-pressed", String(j === active)));
    rows.forEach((r, j) => r.li.classList.toggle("is-selected", j === i));
    drawFrame();
    if (t && announce) say(`${t.id} (${nameOf(t.label)}) selected, ${plural(t.keyframes.length, "keyframe")}`);
  }
  /** To the previous (-1) or next (1) keyframe of track i (of any track, if none). */
  function jump(dir, i = selected) {
    const all = (tracks[i] ? [tracks[i]] : tracks).flatMap((t) => t.keyframes.map((k) => k.frame)).filter((f) => (f - frame) * dir > 0);
    if (!all.length) return say(`No keyframe ${dir < 0 ? "before" : "after"} this frame`);
    step((dir < 0 ? Math.max(...all) : Math.min(...all)) - frame);
  }

  // --- drawing -------------------------------------------------------------------------------
  function drawOverlay() {
    overlay.replaceChildren();
    if (!W) return;
    const s = W / (overlay.getBoundingClientRect().width || W); // video pixels per screen pixel
    const stroke = (color, width, dash = null) => ({ stroke: color, "stroke-width": width, "stroke-dasharray": dash, "vector-effect": "non-scaling-stroke" });
    tracks.forEach((t, i) => {
      const on = i === selected;
      let b = drag?.index === i && drag.box ? drag.box : boxAt(t, frame);
      const ghost = !b && on && !readOnly && video.paused; // to drag here: a keyframe that extends it
      if (ghost) b = boxOrNearest(t);
      if (!b || !BOX.every((k) => isNumber(b[k]))) return;
      const color = colorOf(t.label);
      const key = t.keyframes.some((k) => k.frame === frame);
      const g = svg("g", { class: `lbc-tr-box${on ? " is-selected" : ""}${ghost ? " is-ghost" : ""}`, "data-track": i });
      g.append(svg("rect", { x: b.x, y: b.y, width: b.w, height: b.h, fill: color, "fill-opacity": on ? 0.2 : 0.08, class: "lbc-tr-body", ...stroke(color, on ? 3 : 2, key ? null : ghost ? "2 4" : "6 4") }));
      const text = `${t.id} · ${ghost ? "not in view" : nameOf(t.label)}`;
      const th = 17 * s;
      const ty = b.y >= th ? b.y - th : b.y; // the tag above the box, or inside it at the top edge
      const tag = svg("text", { x: b.x + 5 * s, y: ty + 12.5 * s, "font-size": 12 * s, class: "lbc-tr-tag" });
      tag.textContent = text;
      g.append(svg("rect", { x: b.x, y: ty, width: (text.length * 6.6 + 10) * s, height: th, fill: color, rx: 2 * s, class: "lbc-tr-body" }), tag);
      if (on && !readOnly) {
        for (const [name, [fx, fy]] of Object.entries(HANDLES)) {
          g.append(svg("rect", { x: b.x + b.w * fx - 5 * s, y: b.y + b.h * fy - 5 * s, width: 10 * s, height: 10 * s, class: `lbc-tr-handle lbc-tr-${name}`, "data-handle": name, ...stroke(color, 1.5) }));
        }
      }
      overlay.append(g);
    });
    if (drag?.mode === "draw" && drag.box) {
      const { x, y, w, h: ht } = drag.box;
      const c = colorOf(labels[active].value);
      overlay.append(svg("rect", { x, y, width: w, height: ht, fill: c, "fill-opacity": 0.15, ...stroke(c, 2, "4 3") }));
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
      const [inView, here] = [!!boxAt(tracks[i], frame), kfs.includes(frame)];
      r.now.style.left = pct(frame);
      r.li.classList.toggle("is-out", !inView);
      r.state.textContent = !inView ? "not in view" : here ? "keyframe here" : "interpolated";
      r.prev.disabled = !kfs.some((f) => f < frame);
      r.next.disabled = !kfs.some((f) => f > frame);
      if (readOnly) return;
      r.del.disabled = !here;
      r.add.disabled = !W || here;
      r.ends.disabled = !inView || kfs[kfs.length - 1] === frame;
    });
  }
  function row(t, i) {
    const id = h("input", { type: "text", class: "lbc-tr-id", value: t.id ?? "", "aria-label": `Id of track ${i + 1}`, readonly: readOnly, spellcheck: "false", autocomplete: "off" });
    id.addEventListener("change", () => rename(i, id));
    id.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" && e.key !== "Escape") return;
      e.preventDefault(); // Enter would submit the page's form
      if (e.key === "Escape") id.value = t.id;
      stage.focus();
    });
    const act = (text, label, on, cls) => button(text, label.replace("#", t.id), (e) => (e.stopPropagation(), pick(i, false, false), on(i)), cls);
    const r = {
      prev: act("‹ Keyframe", "Previous keyframe of # ([)", (j) => jump(-1, j)),
      next: act("Keyframe ›", "Next keyframe of # (])", (j) => jump(1, j)),
      add: act("+ Keyframe", "Keyframe of # at this frame (F)", () => keyframeHere()),
      del: act("− Keyframe", "Delete the keyframe of # at this frame (X)", deleteKeyframe),
      ends: act("Ends here", "# ends at this frame (E)", endsHere),
      remove: act("✕", "Delete track # (Delete)", deleteTrack, "btn-ghost lbc-tr-remove"),
      now: h("span", { class: "lbc-tr-now" }),
      state: h("span", { class: "lbc-tr-state" }),
    };
    const time = h("div", { class: "lbc-tr-time", title: "Go to a frame" }, h("span", { class: "lbc-tr-span" }), r.now);
    for (const k of t.keyframes) {
      const tick = h("span", { class: "lbc-tr-tick", title: `Keyframe at frame ${k.frame}` });
      tick.style.left = pct(k.frame);
      time.append(tick);
    }
    if (t.keyframes.length) {
      const [first, last] = ends(t);
      Object.assign(time.firstChild.style, { left: pct(first), width: `calc(${pct(last)} - ${pct(first)})` });
    }
    time.addEventListener("click", (e) => {
      e.stopPropagation();
      const box = time.getBoundingClientRect();
      pick(i, false, false);
      step(Math.round(((e.clientX - box.left) / box.width) * (frames - 1)) - frame);
      stage.focus({ preventScroll: true });
    });
    r.li = h("li", { class: `lbc-tr-track${i === selected ? " is-selected" : ""}`, "data-track": t.id },
      h("div", { class: "lbc-tr-row" },
        h("span", { class: "lbc-tr-dot" }), id, h("span", { class: "lbc-tr-label" }, nameOf(t.label)),
        h("span", { class: "lbc-tr-meta" }, plural(t.keyframes.length, "keyframe"), " · ", r.state),
        h("span", { class: "lbc-tr-acts" }, r.prev, r.next, readOnly ? null : [r.add, r.del, r.ends, r.remove])),
      time);
    r.li.style.setProperty("--c", colorOf(t.label));
    r.li.addEventListener("click", (e) => {
      if (e.target.closest("input, button")) return;
      pick(i);
      stage.focus({ preventScroll: true }); // the keys act on the widget
    });
    return r;
  }
  function drawList() {
    rows = tracks.map(row);
    list.replaceChildren(...rows.map((r) => r.li));
    summary.textContent = tracks.length ? plural(tracks.length, "track") : readOnly ? "No tracks." : "No tracks yet: pause where an object appears and drag a box around it (or press N).";
    chips.forEach((chip, j) => chip.setAttribute("aria-pressed", String(j === active)));
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
    drag = { mode: "draw", p0: point(e), box: null };
    if (g) {
      pick(Number(g.dataset.track), false, false);
      Object.assign(drag, { mode: e.target.dataset.handle || "move", index: selected, b0: boxOrNearest(tracks[selected]) });
    }
    overlay.setPointerCapture(e.pointerId);
  });
  overlay.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const { mode, b0, p0 } = drag;
    const p = point(e);
    const [dx, dy] = [p.x - p0.x, p.y - p0.y];
    if (mode === "draw") drag.box = { x: Math.min(p0.x, p.x), y: Math.min(p0.y, p.y), w: Math.abs(dx), h: Math.abs(dy) };
    else if (mode === "move") drag.box = fit({ ...b0, x: b0.x + dx, y: b0.y + dy }, true);
    else {
      const [x1, x2] = [b0.x + (mode.includes("w") ? dx : 0), b0.x + b0.w + (mode.includes("e") ? dx : 0)];
      const [y1, y2] = [b0.y + (mode.includes("n") ? dy : 0), b0.y + b0.h + (mode.includes("s") ? dy : 0)];
      drag.box = fit({ x: Math.min(x1, x2), y: Math.min(y1, y2), w: Math.abs(x2 - x1), h: Math.abs(y2 - y1) });
    }
    drawOverlay();
  });
  overlay.addEventListener("pointerup", () => {
    const d = drag;
    drag = null;
    if (!d) return;
    if (d.mode === "draw") return d.box?.w >= 3 && d.box.h >= 3 ? addTrack(d.box) : pick(-1, false);
    const t = tracks[d.index];
    if (d.box && BOX.some((k) => d.box[k] !== d.b0[k])) change(() => setKeyframe(t, frame, d.box), `${t.id}: keyframe at frame ${frame}`);
    else drawOverlay();
  });
  overlay.addEventListener("pointercancel", () => ((drag = null), drawOverlay()));

  // --- the keyboard --------------------------------------------------------------------------
  function undoRedo(which) {
    const state = which === "undo" ? history.undo(tracks) : history.redo(tracks);
    if (state === undefined) return say(`Nothing to ${which}`);
    tracks = state;
    selected = Math.min(selected, tracks.length - 1);
    drawList();
    say(which === "undo" ? "Undone" : "Redone");
    onChange?.();
  }
  function nudge(key, resize, by) {
    pause();
    const b = boxOrNearest(selectedTrack());
    const [dx, dy] = { ArrowLeft: [-by, 0], ArrowRight: [by, 0], ArrowUp: [0, -by], ArrowDown: [0, by] }[key];
    if (resize) return keyframeHere({ ...b, w: Math.max(1, b.w + dx), h: Math.max(1, b.h + dy) }, "resized, keyframe");
    return keyframeHere({ ...b, x: b.x + dx, y: b.y + dy, keep: true }, "moved, keyframe");
  }
  function handleKey(event) {
    if (event.altKey) return false;
    const inside = root.contains(event.target);
    // Keys a focused button, field or the scrubber uses itself (or the page scrolls with).
    const own = !inside || (event.target !== stage && Boolean(event.target.closest?.("button, input, select, a")));
    const ctrl = event.ctrlKey || event.metaKey;
    const undo = keyOf(event);
    if (undo) return !readOnly && (undoRedo(undo), true);
    const key = event.key;
    const by = event.shiftKey ? 10 : 1;
    if (key.startsWith("Arrow")) {
      if (own) return false;
      if (!readOnly && selectedTrack()?.keyframes.length) return nudge(key, ctrl, by);
      if (ctrl || (key !== "ArrowLeft" && key !== "ArrowRight")) return false;
      return step(key === "ArrowLeft" ? -by : by), true;
    }
    if (ctrl) return false;
    const dir = { ",": -1, "<": -1, ".": 1, ">": 1 }[key] ?? { Comma: -1, Period: 1 }[event.code];
    if (dir) return step(dir * by), true;
    const digit = digitOf(event);
    if (digit) return chooseLabel(digit - 1);
    const name = key.toLowerCase();
    if ([" ", "home", "end"].includes(name) && own) return false;
    const n = tracks.length;
    const views = {
      " ": toggle,
      k: toggle,
      home: () => step(-frames),
      end: () => step(frames),
      "-": () => setSpeed(speed.selectedIndex - 1),
      "+": () => setSpeed(speed.selectedIndex + 1),
      "[": () => jump(-1),
      "]": () => jump(1),
      t: () => n && pick(selected < 0 ? (event.shiftKey ? n - 1 : 0) : (selected + (event.shiftKey ? n - 1 : 1)) % n),
    };
    views["="] = views["+"];
    if (views[name]) return views[name](), true;
    if (name === "escape") return selected >= 0 && (pick(-1, false), say("Nothing selected"), true);
    const edits = {
      n: () => W > 0 && (pause(), addTrack({ x: W * 0.375, y: H * 0.375, w: W / 4, h: H / 4 })),
      f: () => keyframeHere(),
      x: () => deleteKeyframe(),
      e: () => endsHere(),
      delete: () => deleteTrack(),
      backspace: () => deleteTrack(),
    };
    return !readOnly && Boolean(edits[name]?.());
  }

  function setValue(answer) {
    const given = Array.isArray(answer) ? answer.filter((t) => t && typeof t === "object") : [];
    tracks = given.map((t) => ({ id: t.id, label: t.label, keyframes: Array.isArray(t.keyframes) ? t.keyframes.map((k) => ({ ...k })) : [] }));
    for (const t of tracks) t.id ??= nextId(t.label); // a pre-annotation may come without ids
    [selected, drag] = [-1, null];
    history.clear();
    drawList();
  }
  function getValue() {
    return tracks.length ? tracks.map((t) => ({ id: t.id, label: t.label, keyframes: t.keyframes.map((k) => ({ ...k })) })) : null;
  }
  setValue(value);
  return { getValue, setValue, validate: () => problemOf(check, config, getValue(), data), focus: () => stage.focus(), handleKey };
}
