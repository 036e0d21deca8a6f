// regions: labelled time segments of audio or video (labelpool/controls/regions.py). Audio shows
// a waveform drawn on a canvas from the decoded file, video the clip above a time ruler. Drag on
// the timeline to mark a region, its edges to resize, its body to move; [ and ] mark at the
// playhead; number keys pick (or change) the label; + / − or Ctrl+wheel zoom. Undo: history.js.
import { AnswerError, controlHeader, digitOf, h, listing, problemOf, quoted, typeName, uid } from "./common.js";
import { HISTORY_SHORTCUTS, History, keyOf } from "./history.js";

const PALETTE = ["#4363d8", "#e6194b", "#3cb44b", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324", "#469990"];
const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];
const STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800];
const RULER = 20; // px: the time ruler above the lanes
const MAX_PPS = 800; // px per second at the deepest zoom: a tenth of a second is 80 px
const MIN_LEN = 0.05; // s: the shortest region
const ms = (t) => Math.round(t * 1000) / 1000;
const clamp = (v, a, b) => Math.min(b, Math.max(a, v));
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isTime = (v) => typeof v === "number" && Number.isFinite(v);

/** m:ss.s (h:mm:ss.s from an hour on); `tenths` false drops the ".s". */
export function clock(t, tenths = true) {
  const d = Math.round(Math.max(0, t) * 10);
  const hours = Math.floor(d / 36000);
  const m = Math.floor((d % 36000) / 600);
  const s = ((d % 600) / 10).toFixed(tenths ? 1 : 0).padStart(tenths ? 4 : 2, "0");
  return hours ? `${hours}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** The server's check (regions.py), the same order and words; returns the normalised answer. */
export function check(config, answer) {
  const fail = (problem) => {
    throw new AnswerError(config.name, problem);
  };
  if (!Array.isArray(answer)) fail(`expected a list of regions, got ${typeName(answer)}`);
  if (!answer.length) {
    if (config.required) fail("mark at least one region");
    return [];
  }
  const labels = config.labels.map((l) => l.value);
  const allowed = ["start", "end", "label", ...(config.allow_text ? ["text"] : [])];
  const out = answer.map((raw, index) => {
    const what = `region ${index + 1}`;
    if (isObject(raw) && "text" in raw && !config.allow_text) fail(`${what}: this control does not take text notes`);
    if (!isObject(raw)) fail(`${what} should be an object, got ${typeName(raw)}`);
    const missing = ["start", "end", "label"].filter((k) => !(k in raw));
    if (missing.length) fail(`${what} is missing ${listing(missing)}`);
    const unknown = Object.keys(raw).filter((k) => !allowed.includes(k)).sort();
    if (unknown.length) fail(`${what} has unknown field(s) ${listing(unknown)} (${listing(allowed)} allowed)`);
    for (const key of ["start", "end"]) {
      if (!isTime(raw[key])) fail(`${what}: ${key} should be a time in seconds, got ${quoted(raw[key])}`);
    }
    const { start, end, label } = raw;
    if (start < 0) fail(`${what}: start (${start} s) cannot be negative`);
    if (end <= start) fail(`${what}: end (${end} s) must be after start (${start} s)`);
    if (!labels.includes(label)) fail(`${what}: ${quoted(label)} is not one of the labels ${listing(labels)}`);
    const item = { start, end, label };
    if (raw.text !== null && raw.text !== undefined) {
      if (typeof raw.text !== "string") fail(`${what}: text should be text, got ${typeName(raw.text)}`);
      item.text = raw.text.trim();
    }
    return item;
  });
  return out.sort((a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

export function shortcuts(config) {
  const n = Math.min(config.labels.length, 9);
  return [
    ["Space / K", "play or pause"],
    ["← / → (Shift: 5 s)", "back / forward 1 s"],
    [", / .", "previous / next frame (audio: 0.1 s)"],
    ["< / >", "slower / faster"],
    ["Home / End", "go to the start / end"],
    ["[ then ]", "mark a region's start, then its end, at the playhead"],
    ["Alt+[ / Alt+]", "move the selected region's start / end to the playhead"],
    [n > 1 ? `1–${n}` : "1", "label for new regions; relabels the selected one"],
    ["↑ / ↓", "select the previous / next region"],
    ["Enter", "play the selected region (or double-click it)"],
    ["Delete", "remove the selected region"],
    ["Esc", "deselect, forget a marked start"],
    ["+ / − / 0", "zoom in / out / to fit (Ctrl+wheel zooms too)"],
    ["Shift+drag", "draw a region over others"],
    ...HISTORY_SHORTCUTS,
  ];
}

export const showsTarget = true;

export function mount(root, config, { value, onChange, readOnly = false, data = {}, media = {} } = {}) {
  const labelId = uid("lbc");
  const labels = config.labels.map((l, i) => ({ ...l, color: l.color || PALETTE[i % PALETTE.length], key: i + 1 }));
  const labelOf = (v) => labels.find((l) => l.value === v);
  const fps = isTime(data?.fps) && data.fps > 0 ? data.fps : 25;
  const target = data?.[config.target];
  const url = media?.[config.target] || (typeof target === "string" && /^https?:\/\//i.test(target) ? target : null);
  const history = new History();
  let regions = []; // {id, start, end, label, text}
  let seq = 0;
  let selected = null;
  let active = labels[0].value;
  let pendingStart = null;
  let duration = 0;
  let isVideo = false;
  let wave = null; // {samples, rate, peak} of the decoded audio
  let pps = 0; // pixels per second
  let fitted = true;
  let stopAt = null;
  let drag = null;
  let textRecorded = false;

  const el = h("video", { class: "lbr-video", preload: "auto", playsinline: true, hidden: true, "aria-label": "The clip" });
  const play = h("button", { type: "button", class: "btn btn-secondary btn-small lbr-play", "aria-label": "Play (Space)" }, "▶");
  const time = h("span", { class: "lbr-time", "aria-live": "off" }, "0:00.0 / –");
  const speed = h("select", { class: "lbr-speed", "aria-label": "Playback speed" }, SPEEDS.map((s) => h("option", { value: String(s), selected: s === 1 }, `${s}×`)));
  const zoomBtn = (text, label, f) => h("button", { type: "button", class: "btn btn-ghost btn-small", "aria-label": label, title: label, onclick: f }, text);
  const mark = h("span", { class: "lbr-pending", hidden: true });
  const chips = labels.map((l) =>
    h(
      "button",
      { type: "button", class: "lbr-chip", "data-label": l.value, disabled: readOnly, onclick: () => pickLabel(l.value) },
      h("span", { class: "lbr-dot", "aria-hidden": "true" }),
      l.label,
      l.key <= 9 ? h("span", { class: "lb-kbd", "aria-hidden": "true" }, String(l.key)) : null,
    ),
  );
  chips.forEach((c, i) => c.style.setProperty("--c", labels[i].color));
  const canvas = h("canvas", { class: "lbr-canvas", "aria-hidden": "true" });
  const lanes = h("div", { class: "lbr-lanes" });
  const playhead = h("div", { class: "lbr-playhead", "aria-hidden": "true" });
  const startLine = h("div", { class: "lbr-mark", hidden: true, "aria-hidden": "true" });
  const note = h("p", { class: "lbr-note" }, url ? "Loading the media…" : `The ${config.target} of this item is missing; report it as broken media.`);
  const track = h("div", { class: "lbr-track" }, canvas, lanes, startLine, playhead);
  const view = h(
    "div",
    { class: "lbr-view", tabindex: "0", role: "application", "aria-label": `Timeline of ${config.target}`, "aria-describedby": `${labelId}-how` },
    track,
    note,
  );
  const list = h("ol", { class: "lbr-list", "aria-label": "Regions" });
  const empty = h("p", { class: "lbr-empty" }, readOnly ? "No regions." : "No regions yet.");
  const live = h("p", { class: "sr-only", "aria-live": "polite" });
  root.append(
    ...controlHeader(config, labelId),
    el,
    h(
      "div",
      { class: "lbr-bar" },
      play,
      time,
      speed,
      mark,
      h("span", { class: "lbr-zoom" }, zoomBtn("−", "Zoom out (−)", () => zoom(1 / 1.6)), zoomBtn("Fit", "Zoom to fit (0)", () => zoom(0)), zoomBtn("+", "Zoom in (+)", () => zoom(1.6))),
    ),
    h("div", { class: "lbr-chips", role: "group", "aria-label": "Label for new regions", hidden: readOnly }, chips),
    view,
    h(
      "p",
      { class: "lbc-help", id: `${labelId}-how` },
      readOnly
        ? "Click the timeline to seek; Enter plays the selected region."
        : "Drag on the timeline to mark a region; drag its edges to resize it, its middle to move it. Or press [ and ] at the playhead. ? lists every key.",
    ),
    empty,
    list,
    live,
  );

  // --- state -----------------------------------------------------------------------------------
  const sorted = () => [...regions].sort((a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const numberOf = (r) => sorted().indexOf(r) + 1;
  const byId = (id) => regions.find((r) => r.id === Number(id));
  const nameOf = (r) => labelOf(r.label)?.label ?? String(r.label);
  const colorOf = (r) => labelOf(r.label)?.color || "#9aa5b4"; // grey: a label the control lacks
  const nameParts = (r, n) => [`${n} ${nameOf(r)}`, r.text ? h("span", { class: "lbr-text" }, ` · ${r.text}`) : ""];
  const total = () => Math.max(duration, ...regions.map((r) => r.end), 0.001);
  const snapshot = () => regions.map((r) => ({ ...r }));
  const say = (text) => (live.textContent = text);

  function changed(text) {
    if (text) say(text);
    draw();
    onChange?.();
  }

  function add(start, end) {
    const r = { id: ++seq, start: ms(start), end: ms(end), label: active, text: "" };
    history.record(snapshot());
    regions.push(r);
    selected = r.id;
    changed(`Region ${numberOf(r)} (${nameOf(r)}) added, ${clock(r.start)}–${clock(r.end)}.`);
  }

  function remove(r) {
    const n = numberOf(r);
    history.record(snapshot());
    regions = regions.filter((x) => x !== r);
    selected = null;
    changed(`Region ${n} (${nameOf(r)}) removed.`);
  }

  function pickLabel(value) {
    active = value;
    const r = byId(selected);
    if (r && !readOnly && r.label !== value) {
      history.record(snapshot());
      r.label = value;
      changed(`Region ${numberOf(r)} is now ${nameOf(r)}.`);
    } else {
      say(`New regions: ${labelOf(value).label}.`);
      draw();
    }
  }

  function select(r, reveal = true) {
    selected = r ? r.id : null;
    if (r) {
      say(`Region ${numberOf(r)} (${nameOf(r)}) selected, ${clock(r.start)}–${clock(r.end)}.`);
      if (reveal) show(r.start, r.end);
    }
    draw();
  }

  function restore(state, what) {
    if (state === undefined) return say(`Nothing to ${what}.`);
    regions = state;
    if (!byId(selected)) selected = null;
    changed(what === "undo" ? "Undone." : "Redone.");
  }

  // --- playback ----------------------------------------------------------------------------------
  const now = () => el.currentTime || 0;
  let frame = 0;
  function seek(t) {
    if (!duration) return;
    el.currentTime = clamp(t, 0, duration);
    tick();
  }
  function toggle() {
    if (!duration) return;
    if (el.paused) {
      stopAt = null;
      if (el.ended || now() >= duration) el.currentTime = 0;
      el.play().catch(() => say("The browser did not start playback; press play again."));
    } else el.pause();
  }
  function playRegion(r) {
    if (!r || !duration) return;
    el.currentTime = r.start;
    stopAt = r.end;
    el.play().catch(() => {});
  }
  function tick() {
    const t = now();
    if (stopAt !== null && t >= stopAt) {
      el.pause();
      stopAt = null;
    }
    time.textContent = `${clock(t)} / ${duration ? clock(duration) : "–"}`;
    playhead.style.left = `${t * pps}px`;
    if (!el.paused) {
      const x = t * pps - view.scrollLeft;
      if (x < 0 || x > view.clientWidth - 8) view.scrollLeft = t * pps - view.clientWidth * 0.1; // follow the playhead
      frame ||= requestAnimationFrame(() => ((frame = 0), tick())); // one loop, however often called
    }
  }
  for (const type of ["play", "pause"]) {
    el.addEventListener(type, () => {
      play.textContent = el.paused ? "▶" : "❚❚";
      play.setAttribute("aria-label", el.paused ? "Play (Space)" : "Pause (Space)");
      tick();
    });
  }
  el.addEventListener("seeked", tick);
  el.addEventListener("loadedmetadata", () => {
    isVideo = el.videoWidth > 0;
    el.hidden = !isVideo;
    root.classList.toggle("is-video", isVideo);
    root.dataset.media = "ready";
    if (!isVideo) loadWave();
    setDuration();
    draw(); // the lanes' height depends on the kind of media
  });
  // A streamed file may learn its length late (duration Infinity until then).
  el.addEventListener("durationchange", setDuration);
  function setDuration() {
    if (!Number.isFinite(el.duration) || el.duration === duration) return;
    duration = el.duration;
    note.hidden = true;
    zoom(0);
  }
  el.addEventListener("error", () => {
    root.dataset.media = "error";
    note.textContent = `The ${config.target} could not be loaded; report it as broken media.`;
    note.hidden = false;
  });
  el.addEventListener("click", toggle);
  play.addEventListener("click", toggle);
  speed.addEventListener("change", () => (el.playbackRate = Number(speed.value)));
  function faster(step) {
    const i = clamp(SPEEDS.indexOf(Number(speed.value)) + step, 0, SPEEDS.length - 1);
    speed.value = String(SPEEDS[i]);
    el.playbackRate = SPEEDS[i];
    say(`Speed ${SPEEDS[i]}×.`);
  }

  async function loadWave() {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      // 8 kHz is plenty for peaks per pixel and keeps a long file small in memory.
      const buffer = await new OfflineAudioContext(1, 1, 8000).decodeAudioData(await response.arrayBuffer());
      const samples = buffer.getChannelData(0).slice();
      for (let c = 1; c < buffer.numberOfChannels; c += 1) {
        const other = buffer.getChannelData(c);
        for (let i = 0; i < samples.length; i += 1) samples[i] += other[i];
      }
      let peak = 0;
      for (let i = 0; i < samples.length; i += 1) peak = Math.max(peak, Math.abs(samples[i]));
      wave = { samples, rate: buffer.sampleRate, peak: peak || 1 };
      root.dataset.wave = "ready";
      if (!duration) {
        duration = buffer.duration;
        note.hidden = true;
        zoom(0);
      }
      paint();
    } catch {
      note.textContent = "The waveform could not be drawn; the audio still plays.";
      note.hidden = false;
    }
  }

  // --- drawing -----------------------------------------------------------------------------------
  let painting = false;
  function paint() {
    if (painting) return;
    painting = true;
    requestAnimationFrame(() => {
      painting = false;
      const w = view.clientWidth;
      const height = parseFloat(track.style.height) || RULER;
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, Math.round(w * dpr));
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${height}px`;
      const ctx = canvas.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const css = getComputedStyle(root);
      const token = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
      const t0 = view.scrollLeft / (pps || 1);
      for (const div of lanes.children) {
        // A region's name stays in view while the region is scrolled partly off the left.
        const off = view.scrollLeft - parseFloat(div.style.left);
        div.querySelector(".lbr-name").style.left = `${6 + clamp(off, 0, parseFloat(div.style.width) - 60)}px`;
      }
      ctx.clearRect(0, 0, w, height);
      ctx.fillStyle = token("--gray-50", "#f6f8fa");
      ctx.fillRect(0, 0, w, RULER);
      if (!pps) return;
      const step = STEPS.find((s) => s * pps >= 64) || 3600;
      ctx.font = `11px ${token("--font-mono", "monospace")}`;
      ctx.textBaseline = "middle";
      for (let t = Math.floor(t0 / step) * step; t <= t0 + w / pps; t += step / 5) {
        const x = Math.round((t - t0) * pps) + 0.5;
        const major = Math.abs(t / step - Math.round(t / step)) < 1e-6;
        ctx.fillStyle = token(major ? "--gray-400" : "--gray-300", "#999");
        ctx.fillRect(x, major ? 8 : 14, 1, RULER - (major ? 8 : 14));
        if (major) {
          ctx.fillStyle = token("--gray-100", "#eee");
          ctx.fillRect(x, RULER, 1, height - RULER);
          ctx.fillStyle = token("--gray-600", "#555");
          ctx.fillText(clock(t, step < 1), x + 4, 9);
        }
      }
      ctx.fillStyle = token("--gray-300", "#ccc");
      ctx.fillRect(0, RULER - 1, w, 1);
      if (!wave) return;
      const area = height - RULER;
      const mid = RULER + area / 2;
      const amp = (area / 2 - 4) / wave.peak;
      const { samples, rate } = wave;
      ctx.fillStyle = token("--gray-500", "#6b7686");
      for (let x = 0; x < w; x += 1) {
        const a = Math.floor((t0 + x / pps) * rate);
        const b = Math.max(a + 1, Math.floor((t0 + (x + 1) / pps) * rate));
        if (a >= samples.length) break;
        let lo = 0;
        let hi = 0;
        for (let i = a; i < b && i < samples.length; i += 1) {
          if (samples[i] < lo) lo = samples[i];
          if (samples[i] > hi) hi = samples[i];
        }
        ctx.fillRect(x, mid - hi * amp, 1, Math.max(1, (hi - lo) * amp));
      }
    });
  }

  /** Lanes: each region in the first lane where it overlaps nothing, so all stay visible. */
  function laneOf() {
    const ends = [];
    const lane = new Map();
    for (const r of sorted()) {
      let i = ends.findIndex((e) => e <= r.start);
      if (i < 0) i = ends.push(0) - 1;
      ends[i] = r.end;
      lane.set(r, i);
    }
    return { lane, count: Math.max(1, ends.length) };
  }

  function draw() {
    const { lane, count } = laneOf();
    const area = isVideo || !url ? 64 : 112;
    const laneH = Math.max(24, area / count);
    track.style.width = `${Math.max(view.clientWidth, total() * pps)}px`;
    track.style.height = `${RULER + laneH * count}px`;
    lanes.replaceChildren(
      ...sorted().map((r, index) => {
        const l = labelOf(r.label);
        const div = h(
          "div",
          { class: `lbr-region${r.id === selected ? " is-selected" : ""}${l ? "" : " is-unknown"}`, "data-id": r.id, "data-label": String(r.label), title: `${index + 1}. ${nameOf(r)} ${clock(r.start)}–${clock(r.end)}` },
          readOnly ? null : h("span", { class: "lbr-h lbr-h-s" }),
          h("span", { class: "lbr-name" }, ...nameParts(r, index + 1)),
          readOnly ? null : h("span", { class: "lbr-h lbr-h-e" }),
        );
        Object.assign(div.style, { left: `${r.start * pps}px`, width: `${Math.max(2, (r.end - r.start) * pps)}px`, top: `${lane.get(r) * laneH}px`, height: `${laneH - 2}px` });
        div.style.setProperty("--c", colorOf(r));
        return div;
      }),
    );
    startLine.hidden = pendingStart === null;
    if (pendingStart !== null) startLine.style.left = `${pendingStart * pps}px`;
    mark.hidden = pendingStart === null;
    mark.textContent = pendingStart === null ? "" : `Start ${clock(pendingStart)} · ] ends it`;
    for (const c of chips) c.setAttribute("aria-pressed", String(c.dataset.label === active));
    drawList();
    tick();
    paint();
  }

  function drawList() {
    if (list.contains(document.activeElement) && document.activeElement.tagName === "INPUT") return; // typing a note: leave the rows (and the caret) alone
    empty.hidden = regions.length > 0;
    list.replaceChildren(
      ...sorted().map((r, index) => {
        const n = index + 1;
        const btn = (cls, label, text, f) => h("button", { type: "button", class: `btn btn-ghost btn-small ${cls}`, "aria-label": `${label} region ${n}`, title: label, onclick: f }, text);
        let note = null;
        if (readOnly) note = r.text ? h("span", { class: "lbr-said" }, r.text) : null;
        else if (config.allow_text) {
          note = h("input", { type: "text", class: "lbr-input", value: r.text, placeholder: "Text (transcript or note)", "aria-label": `Text of region ${n}` });
          note.addEventListener("focus", () => (textRecorded = false));
          note.addEventListener("input", () => {
            if (!textRecorded) history.record(snapshot()); // one undo step per visit to the field
            textRecorded = true;
            r.text = note.value;
            lanes.querySelector(`[data-id="${r.id}"] .lbr-name`)?.replaceChildren(...nameParts(r, n));
            onChange?.();
          });
        }
        const row = h(
          "li",
          { class: `lbr-row${r.id === selected ? " is-selected" : ""}`, "data-id": r.id },
          h("button", { type: "button", class: "lbr-pick", "aria-label": `Select region ${n}`, onclick: () => (select(r), view.focus()) }, h("span", { class: "lbr-n" }, String(n)), h("span", { class: "lbr-span" }, `${clock(r.start)}–${clock(r.end)}`), h("span", { class: "lbr-label" }, nameOf(r))),
          note,
          btn("", "Play", "▶", () => playRegion(r)),
          readOnly ? null : btn("lbr-del", "Remove", "✕", () => (remove(r), view.focus())),
        );
        row.style.setProperty("--c", colorOf(r));
        return row;
      }),
    );
  }

  /** Scroll so [a, b] is in view (when it is not). */
  function show(a, b) {
    const left = view.scrollLeft;
    if (a * pps < left || b * pps > left + view.clientWidth) view.scrollLeft = a * pps - view.clientWidth * 0.1;
  }

  /** Zoom by `factor` around `x` px of the view (the playhead when visible); 0 fits the whole. */
  function zoom(factor, x = null) {
    const fit = view.clientWidth / total();
    const ph = now() * pps - view.scrollLeft;
    const anchor = x ?? (ph >= 0 && ph <= view.clientWidth ? ph : view.clientWidth / 2);
    const t = (view.scrollLeft + anchor) / (pps || fit);
    pps = factor ? clamp(pps * factor, fit, Math.max(fit, MAX_PPS)) : fit;
    fitted = pps <= fit * 1.0001;
    draw();
    view.scrollLeft = t * pps - anchor;
    paint();
  }
  let width = -1;
  new ResizeObserver(() => {
    if (view.clientWidth === width) return; // a height change (more lanes) needs no new fit
    width = view.clientWidth;
    zoom(fitted || !pps ? 0 : 1);
  }).observe(view);
  view.addEventListener("scroll", paint, { passive: true });
  view.addEventListener(
    "wheel",
    (event) => {
      if (!(event.ctrlKey || event.metaKey) || !pps) return;
      event.preventDefault(); // Ctrl+wheel zooms the timeline, not the page
      zoom(event.deltaY < 0 ? 1.25 : 0.8, event.clientX - view.getBoundingClientRect().left);
    },
    { passive: false },
  );

  // --- the mouse (and touch: pointer events) ----------------------------------------------------
  const timeAt = (event) => clamp((event.clientX - track.getBoundingClientRect().left) / pps, 0, total());
  track.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || !pps || !duration) return;
    view.focus({ preventScroll: true });
    const regionEl = event.target.closest(".lbr-region");
    const r = regionEl && !event.shiftKey && event.target.closest(".lbr-lanes") ? byId(regionEl.dataset.id) : null;
    const handle = event.target.closest(".lbr-h");
    const mode = readOnly ? "look" : !r ? "new" : handle ? (handle.classList.contains("lbr-h-s") ? "start" : "end") : "move";
    drag = { mode, r, x0: event.clientX, t0: timeAt(event), moved: false, before: snapshot(), orig: r && { ...r } };
    track.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  track.addEventListener("pointermove", (event) => {
    if (!drag || drag.mode === "look") return;
    if (!drag.moved && Math.abs(event.clientX - drag.x0) < 4) return;
    const t = timeAt(event);
    if (!drag.moved) {
      drag.moved = true;
      history.record(drag.before);
      if (drag.mode === "new") {
        drag.r = { id: ++seq, start: drag.t0, end: drag.t0, label: active, text: "" };
        regions.push(drag.r);
      }
      selected = drag.r.id;
    }
    const { r, orig } = drag;
    const dt = t - drag.t0; // edges and bodies move by the pointer's travel: no jump on grab
    if (drag.mode === "new") [r.start, r.end] = [ms(Math.min(drag.t0, t)), ms(Math.max(drag.t0, t))];
    else if (drag.mode === "start") r.start = ms(clamp(orig.start + dt, 0, r.end - MIN_LEN));
    else if (drag.mode === "end") r.end = ms(clamp(orig.end + dt, r.start + MIN_LEN, Math.max(duration, orig.end)));
    else {
      r.start = ms(clamp(orig.start + dt, 0, Math.max(duration, orig.end) - (orig.end - orig.start)));
      r.end = ms(r.start + orig.end - orig.start);
    }
    draw();
  });
  function drop(event) {
    if (!drag) return;
    const { mode, r, moved } = drag;
    drag = null;
    if (!moved) {
      if (r) select(r, false);
      else {
        seek(timeAt(event));
        if (selected !== null) select(null);
      }
      return;
    }
    if (mode === "new" && r.end - r.start < MIN_LEN) {
      regions = regions.filter((x) => x !== r);
      history.past.pop(); // nothing was made: forget the snapshot taken for it
      selected = null;
      return draw();
    }
    const n = numberOf(r);
    changed(mode === "new" ? `Region ${n} (${nameOf(r)}) added, ${clock(r.start)}–${clock(r.end)}.` : `Region ${n} now ${clock(r.start)}–${clock(r.end)}.`);
  }
  track.addEventListener("pointerup", drop);
  track.addEventListener("pointercancel", drop);
  track.addEventListener("dblclick", (event) => playRegion(byId(event.target.closest(".lbr-region")?.dataset.id)));

  // --- the keyboard (the page calls handleKey) ---------------------------------------------------
  function handleKey(event) {
    const inside = root.contains(event.target);
    const key = event.key;
    const ctrl = event.ctrlKey || event.metaKey;
    const sel = byId(selected);
    const undo = keyOf(event);
    if (undo) {
      if (readOnly) return false;
      restore(undo === "undo" ? history.undo(snapshot()) : history.redo(snapshot()), undo);
      return true;
    }
    if (ctrl) return false;
    if (event.altKey && !event.shiftKey && (event.code === "BracketLeft" || event.code === "BracketRight")) {
      if (readOnly || !sel) return false;
      const t = ms(now());
      const which = event.code === "BracketLeft" ? "start" : "end";
      if (which === "start" ? t >= sel.end : t <= sel.start) return say(`The ${which} cannot pass the other end.`), true;
      history.record(snapshot());
      sel[which] = t;
      changed(`Region ${numberOf(sel)} now ${clock(sel.start)}–${clock(sel.end)}.`);
      return true;
    }
    if (event.altKey) return false;
    const onControl = inside && ["BUTTON", "SELECT"].includes(event.target.tagName);
    if ((key === " " && inside && !onControl) || key === "k" || key === "K") return toggle(), true;
    const digit = digitOf(event);
    if (digit !== null) {
      if (readOnly || digit > labels.length) return false;
      pickLabel(labels[digit - 1].value);
      return true;
    }
    const step = { ArrowLeft: -1, ArrowRight: 1, ",": isVideo ? -1 / fps : -0.1, ".": isVideo ? 1 / fps : 0.1 }[key];
    if (step !== undefined && (inside || !key.startsWith("Arrow"))) {
      if (key.startsWith("Arrow")) seek(now() + step * (event.shiftKey ? 5 : 1));
      else {
        el.pause();
        seek(isVideo ? (Math.round(now() * fps) + Math.sign(step)) / fps : now() + step);
      }
      return true;
    }
    if (key === "<" || key === ">") return faster(key === "<" ? -1 : 1), true;
    if ((key === "Home" || key === "End") && inside) return seek(key === "Home" ? 0 : duration), true;
    if (key === "+" || key === "=") return zoom(1.6), true;
    if (key === "-" || key === "_") return zoom(1 / 1.6), true;
    if (key === "0") return zoom(0), true;
    if (key === "[" && !readOnly && duration) {
      pendingStart = ms(now());
      say(`Start marked at ${clock(pendingStart)}; press ] at the end.`);
      draw();
      return true;
    }
    if (key === "]" && !readOnly && duration) {
      if (pendingStart === null) return say("Press [ first, where the region starts."), true;
      const [a, b] = [Math.min(pendingStart, now()), Math.max(pendingStart, now())];
      if (b - a < MIN_LEN) return say("Too short: move the playhead past the start first."), true;
      pendingStart = null;
      add(a, b);
      return true;
    }
    if (!inside || onControl) return false;
    if (key === "ArrowUp" || key === "ArrowDown") {
      const all = sorted();
      if (!all.length) return false;
      const i = sel ? all.indexOf(sel) : key === "ArrowDown" ? -1 : all.length;
      select(all[clamp(i + (key === "ArrowDown" ? 1 : -1), 0, all.length - 1)]);
      return true;
    }
    if (key === "Enter" && sel) return playRegion(sel), true;
    if ((key === "Delete" || key === "Backspace") && sel && !readOnly) return remove(sel), true;
    if (key === "Escape" && (sel || pendingStart !== null)) {
      pendingStart = null;
      select(null);
      say("Nothing selected.");
      return true;
    }
    return false;
  }

  function setValue(answer) {
    regions = (Array.isArray(answer) ? answer : [])
      .filter((r) => isObject(r) && isTime(r.start) && isTime(r.end))
      .map((r) => ({ id: ++seq, start: r.start, end: r.end, label: r.label, text: typeof r.text === "string" ? r.text : "" }));
    selected = null;
    pendingStart = null;
    history.clear();
    if (duration) zoom(fitted ? 0 : 1);
    else draw();
  }

  function getValue() {
    if (!regions.length) return null;
    return sorted().map((r) => {
      const out = { start: ms(r.start), end: ms(r.end), label: r.label };
      if (config.allow_text && r.text) out.text = r.text;
      return out;
    });
  }

  setValue(value);
  if (url) el.src = url;
  return {
    getValue,
    setValue,
    validate: () => problemOf(check, config, getValue(), data),
    focus: () => view.focus(),
    handleKey,
  };
}
