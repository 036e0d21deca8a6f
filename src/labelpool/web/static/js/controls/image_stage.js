// The image stage the image widgets share (boxes, polygons, keypoints): the image with an SVG
// overlay whose user units are the image's natural pixels, so shapes are drawn and read in
// image pixels at any zoom; zoom (wheel, pinch, + / − / 0) and pan (Space+drag, middle button,
// two fingers, arrows); the selected shape; the label bar (chips, keys 1–9); the list of shapes
// with their count; a polite live region. `createStage` is the stage alone (the widget draws in
// `layer` and answers a press with a gesture {move, end, cancel}); `mountShapes` is a whole
// widget of labelled shapes on it (state, history, list, keys), given what a kind does.
import { controlHeader, h, isTyping, problemOf, uid } from "./common.js";
import { History, keyOf } from "./history.js";

const NS = "http://www.w3.org/2000/svg";
const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324", "#469990", "#808000"];
const MAX_PX = 40; // the deepest zoom: 40 screen pixels per image pixel
export const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** An SVG element with attributes (null / undefined / false left out). */
export function svg(tag, attrs = {}) {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== null && value !== undefined && value !== false) el.setAttribute(key, String(value));
  return el;
}

/** v within [lo, hi]; hi wins when the range is empty (a shape larger than the image). */
export const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/** The image's URL: the signed media URL, else the field itself when it is an http(s) URL. */
export function imageUrl(config, data, media) {
  const raw = data?.[config.target];
  return media?.[config.target] || (typeof raw === "string" && /^https?:\/\//i.test(raw) ? raw : null);
}

/** Dark or white text, whichever reads on `color` (#rgb / #rrggbb; white otherwise). */
export function inkOn(color) {
  let hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color || "")?.[1];
  if (!hex) return "#fff";
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join("");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? "#111827" : "#fff";
}

let measurer = null;
/** Width in screen pixels of `text` in the tag font (a canvas measures it even when hidden). */
export function textWidth(text, size = 12) {
  measurer ||= document.createElement("canvas").getContext("2d");
  measurer.font = `600 ${size}px system-ui, sans-serif`;
  return measurer.measureText(text).width;
}

/** The help rows of the stage, for a widget's shortcuts (`noun`: box, polygon, point). */
export function stageShortcuts(noun) {
  return [
    ["1–9", `choose the label (relabels the selected ${noun})`],
    ["[ / ]", `select the previous / next ${noun}`],
    ["Esc", "deselect (or cancel a drag)"],
    ["+ / − / 0", "zoom in / out / fit the image"],
    ["Wheel / pinch", "zoom at the pointer"],
    ["Space+drag / middle button", "pan"],
    ["← ↑ → ↓", "pan (when nothing is selected)"],
  ];
}

/**
 * The stage. Options: config (labels), url, readOnly, host (the widget's root), noun, tools
 * (elements for the bar), plural, draw(), onPress(point, event) → gesture | null, onHover(point),
 * onSelect(index), onLabel(index), onDelete(index), count(). Gestures get move(point, event, distance in screen px),
 * end(point, event, distance) and cancel().
 */
export function createStage(o) {
  const { config, readOnly, noun = "shape" } = o;
  const plural = o.plural || `${noun}s`;
  const labels = config.labels || [];
  const colors = new Map(labels.map((l, i) => [l.value, l.color || PALETTE[i % PALETTE.length]]));
  const st = { W: 0, H: 0, z: 1, cx: 0, cy: 0, k0: 1, active: 0, selected: null, gesture: null, space: false };
  const coarse = window.matchMedia?.("(pointer: coarse)").matches;

  const img = h("img", { class: "lbs-img", alt: "", draggable: "false" });
  const layer = svg("g", { class: "lbs-layer" });
  const guides = svg("path", { class: "lbs-guides" });
  const overlay = svg("svg", { class: "lbs-svg", "aria-hidden": "true" });
  overlay.append(layer, guides);
  const note = h("p", { class: "lbs-note" }, o.url ? "Loading the image…" : "The image of this item is missing; report it as broken media.");
  const view = h("div", { class: "lbs-view", tabindex: "0", role: "application", "aria-roledescription": "image", "aria-label": `Image to ${readOnly ? "look at" : `draw ${plural} on`}` }, img, overlay, note);
  const live = h("p", { class: "sr-only", "aria-live": "polite" });
  const chips = labels.map((label, i) => {
    const chip = h("button", { type: "button", class: "lbs-chip", "aria-pressed": "false", disabled: readOnly, "data-label": label.value, onclick: () => pick(i) }, h("span", { class: "lbs-swatch", "aria-hidden": "true" }), label.label, i < 9 && !readOnly ? h("span", { class: "lb-kbd", "aria-hidden": "true" }, String(i + 1)) : null);
    chip.style.setProperty("--chip", colors.get(label.value));
    return chip;
  });
  const tool = (text, label, onclick) => h("button", { type: "button", class: "lbs-tool", "aria-label": label, title: label, onclick }, text);
  const zoomText = h("span", { class: "lbs-zoom", title: "Zoom (100% = the image's own pixels)" }, "–");
  const pos = h("span", { class: "lbs-pos", "aria-hidden": "true" });
  const bar = h(
    "div",
    { class: "lbs-bar" },
    h("div", { class: "lbs-labels", role: "group", "aria-label": readOnly ? "Labels" : "Label of new and selected shapes" }, chips),
    h("div", { class: "lbs-tools" }, ...(o.tools || []), pos, tool("−", "Zoom out (−)", () => zoomAt(0.8)), zoomText, tool("+", "Zoom in (+)", () => zoomAt(1.25)), tool("Fit", "Fit the image (0)", () => fit())),
  );
  const count = h("p", { class: "lbs-count", "aria-live": "off" });
  const list = h("ol", { class: "lbs-list", "aria-label": plural });
  const el = h("div", { class: `lbs${readOnly ? " is-readonly" : ""}` }, bar, view, h("div", { class: "lbs-foot" }, count, list), live);

  const k = () => st.k0 * st.z;
  const zmax = () => Math.max(4, MAX_PX / st.k0);
  /** The image point under a pointer event (not clamped to the image). */
  function toImage(e) {
    const r = view.getBoundingClientRect();
    return { x: st.cx + (e.clientX - r.left - r.width / 2) / k(), y: st.cy + (e.clientY - r.top - r.height / 2) / k() };
  }

  function layout() {
    const cw = view.clientWidth;
    const ch = view.clientHeight;
    if (!st.W || !cw || !ch) return;
    st.k0 = Math.min(cw / st.W, ch / st.H);
    st.z = clamp(st.z, 1, zmax());
    const kk = k();
    const vw = cw / kk;
    const vh = ch / kk;
    // Zoomed in, the image always fills the view: no panning into the void.
    st.cx = vw >= st.W ? st.W / 2 : clamp(st.cx, vw / 2, st.W - vw / 2);
    st.cy = vh >= st.H ? st.H / 2 : clamp(st.cy, vh / 2, st.H - vh / 2);
    overlay.setAttribute("viewBox", `${st.cx - vw / 2} ${st.cy - vh / 2} ${vw} ${vh}`);
    img.style.transform = `translate(${cw / 2 - st.cx * kk}px, ${ch / 2 - st.cy * kk}px) scale(${kk})`;
    view.classList.toggle("is-pixelated", kk >= 4);
    view.classList.toggle("is-zoomed", st.z > 1.001);
    zoomText.textContent = `${Math.round(kk * 100)}%`;
    o.draw?.();
  }

  /** Zoom by `factor` keeping image point `p` (default: the view's centre) where it is. */
  function zoomAt(factor, p = null) {
    const before = k();
    const z = clamp(st.z * factor, 1, zmax());
    if (!st.W || z === st.z) return false;
    const at = p || { x: st.cx, y: st.cy };
    st.z = z;
    const r = before / k();
    st.cx = at.x - (at.x - st.cx) * r;
    st.cy = at.y - (at.y - st.cy) * r;
    layout();
    return true;
  }
  function panBy(dx, dy) {
    st.cx -= dx / k();
    st.cy -= dy / k();
    layout();
  }
  function fit() {
    Object.assign(st, { z: 1, cx: st.W / 2, cy: st.H / 2 });
    layout();
  }

  function setActive(i) {
    st.active = i;
    chips.forEach((chip, j) => chip.setAttribute("aria-pressed", String(j === i)));
  }
  function pick(i) {
    setActive(i);
    o.onLabel?.(i);
  }
  function select(i) {
    st.selected = i;
    o.onSelect?.(i);
  }
  function say(text) {
    live.textContent = text;
  }
  function cancelGesture() {
    const g = st.gesture;
    st.gesture = null;
    g?.cancel?.();
  }

  /** The list of shapes: rows [{label, color, detail, title}], and the count line. */
  function setList(rows, countText, bad = false) {
    count.textContent = countText;
    count.classList.toggle("is-bad", bad);
    list.replaceChildren(
      ...rows.map((row, i) => {
        const selected = i === st.selected;
        const li = h(
          "li",
          { class: `lbs-row${selected ? " is-selected" : ""}`, "data-index": i },
          h(
            "button",
            { type: "button", class: "lbs-pick", "aria-pressed": String(selected), title: row.title, onclick: () => (select(selected ? null : i), view.focus()) },
            h("span", { class: "lbs-swatch", "aria-hidden": "true" }),
            h("span", { class: "lbs-n" }, String(i + 1)),
            h("span", { class: "lbs-name" }, row.label),
            h("span", { class: "lbs-detail" }, row.detail),
          ),
          readOnly ? null : h("button", { type: "button", class: "lbs-del", "aria-label": `Delete ${noun} ${i + 1} (${row.label})`, title: "Delete (Delete key)", onclick: () => (o.onDelete?.(i), view.focus()) }, "×"),
        );
        li.style.setProperty("--chip", row.color);
        return li;
      }),
    );
    list.hidden = !rows.length;
  }

  function showGuides(p) {
    const on = p && !readOnly && !st.space && p.x >= 0 && p.y >= 0 && p.x <= st.W && p.y <= st.H;
    guides.setAttribute("d", on ? `M${p.x} 0V${st.H}M0 ${p.y}H${st.W}` : "");
    pos.textContent = on ? `${Math.floor(p.x)}, ${Math.floor(p.y)}` : "";
  }

  // --- pointers: a widget gesture, a pan (Space or the middle button), a two-finger pinch ---
  const touches = new Map();
  let pan = null;
  let pinch = null;
  const mid = () => {
    const [a, b] = [...touches.values()];
    return { clientX: (a.clientX + b.clientX) / 2, clientY: (a.clientY + b.clientY) / 2, d: Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY) || 1 };
  };
  view.addEventListener("mousedown", (e) => e.button === 1 && e.preventDefault()); // no autoscroll
  view.addEventListener("pointerdown", (e) => {
    if (!st.W) return;
    view.focus({ preventScroll: true });
    if (e.pointerType === "touch") touches.set(e.pointerId, e);
    if (touches.size === 2) {
      cancelGesture(); // the first finger's drag becomes a pinch
      const m = mid();
      pinch = { d: m.d, z: st.z, p: toImage(m) };
      return;
    }
    if (e.button === 1 || (e.button === 0 && st.space)) {
      e.preventDefault();
      pan = { id: e.pointerId, x: e.clientX, y: e.clientY };
      view.setPointerCapture(e.pointerId);
      view.classList.add("is-panning");
      return;
    }
    if (e.button !== 0 || st.gesture) return;
    const g = o.onPress?.(toImage(e), e);
    if (g) {
      e.preventDefault();
      st.gesture = Object.assign(g, { id: e.pointerId, x: e.clientX, y: e.clientY });
      view.setPointerCapture(e.pointerId);
    }
  });
  view.addEventListener("pointermove", (e) => {
    if (touches.has(e.pointerId)) touches.set(e.pointerId, e);
    if (pinch && touches.size === 2) {
      const m = mid();
      const r = view.getBoundingClientRect();
      st.z = clamp((pinch.z * m.d) / pinch.d, 1, zmax());
      st.cx = pinch.p.x - (m.clientX - r.left - r.width / 2) / k();
      st.cy = pinch.p.y - (m.clientY - r.top - r.height / 2) / k();
      layout();
      return;
    }
    if (pan?.id === e.pointerId) {
      panBy(e.clientX - pan.x, e.clientY - pan.y);
      Object.assign(pan, { x: e.clientX, y: e.clientY });
      return;
    }
    const p = toImage(e);
    showGuides(e.pointerType === "mouse" ? p : null);
    const g = st.gesture;
    if (g?.id === e.pointerId) g.move(p, e, Math.hypot(e.clientX - g.x, e.clientY - g.y));
    else if (!g) o.onHover?.(p, e);
  });
  const finish = (e, cancelled) => {
    touches.delete(e.pointerId);
    if (touches.size < 2) pinch = null;
    if (pan?.id === e.pointerId) {
      pan = null;
      view.classList.remove("is-panning");
    }
    const g = st.gesture;
    if (g?.id !== e.pointerId) return;
    st.gesture = null;
    if (cancelled) g.cancel?.();
    else g.end(toImage(e), e, Math.hypot(e.clientX - g.x, e.clientY - g.y));
  };
  view.addEventListener("pointerup", (e) => finish(e, false));
  view.addEventListener("pointercancel", (e) => finish(e, true));
  view.addEventListener("pointerleave", () => showGuides(null));
  view.addEventListener(
    "wheel",
    (e) => {
      // The wheel zooms once the image is being worked on (focused) or with Ctrl (a trackpad
      // pinch); at fit, scrolling down still scrolls the page.
      if (!st.W || !(e.ctrlKey || e.metaKey || document.activeElement === view)) return;
      const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      if (st.z <= 1 && dy > 0 && !e.ctrlKey) return;
      e.preventDefault();
      zoomAt(Math.exp(-dy * 0.002), toImage(e));
    },
    { passive: false },
  );
  view.addEventListener("keydown", (e) => {
    if (e.key !== " " || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault(); // Space held: pan, not scroll the page
    st.space = true;
    view.classList.add("is-space");
    showGuides(null);
  });
  const spaceUp = () => {
    st.space = false;
    view.classList.remove("is-space");
  };
  view.addEventListener("keyup", (e) => e.key === " " && spaceUp());
  view.addEventListener("blur", spaceUp);
  new ResizeObserver(() => layout()).observe(view);

  if (o.url) {
    img.addEventListener("load", () => {
      Object.assign(st, { W: img.naturalWidth, H: img.naturalHeight });
      img.style.width = `${st.W}px`;
      view.style.aspectRatio = `${st.W} / ${st.H}`;
      view.setAttribute("aria-label", `${view.getAttribute("aria-label")}, ${st.W} × ${st.H} pixels`);
      view.dataset.ready = "true";
      note.hidden = true;
      fit();
    });
    img.addEventListener("error", () => {
      note.textContent = "The image does not load; report it as broken media.";
      view.classList.add("is-broken");
    });
    img.src = o.url;
  }
  setActive(0);

  /** Keys of the stage: label digits, zoom, [ / ] selection, Esc, arrows pan (none selected). */
  function handleKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    const key = e.key;
    if (/^[1-9]$/.test(key)) {
      if (readOnly || Number(key) > labels.length) return false;
      pick(Number(key) - 1);
      return true;
    }
    if (key === "+" || key === "=") return zoomAt(1.25) || true;
    if (key === "-" || key === "_") return zoomAt(0.8) || true;
    if (key === "0") return fit() || true;
    const n = o.count?.() || 0;
    if ((key === "[" || key === "]") && n) {
      const step = key === "]" ? 1 : n - 1;
      select(st.selected === null ? (key === "]" ? 0 : n - 1) : (st.selected + step) % n);
      return true;
    }
    if (key === "Escape" && st.selected !== null) {
      select(null);
      return true;
    }
    const arrow = ARROWS[key];
    if (arrow && st.selected === null && st.z > 1 && o.host?.contains(e.target)) {
      const step = e.shiftKey ? 240 : 60;
      panBy(-arrow[0] * step, -arrow[1] * step);
      return true;
    }
    return false;
  }

  return {
    el,
    view,
    layer,
    readOnly,
    toImage,
    zoomAt,
    fit,
    select,
    setActive,
    say,
    setList,
    handleKey,
    cancelGesture,
    colorOf: (value) => colors.get(value) || "#6b7280",
    labelOf: (value) => labels.find((l) => l.value === value)?.label ?? String(value),
    get active() {
      return labels[st.active]?.value;
    },
    get selected() {
      return st.selected;
    },
    get gesture() {
      return st.gesture;
    },
    get width() {
      return st.W;
    },
    get height() {
      return st.H;
    },
    /** Screen pixels per image pixel. */
    get scale() {
      return k();
    },
    /** Image units for `n` screen pixels (a handle's or a tag's size at any zoom). */
    px: (n) => n / k(),
    /** Bigger handles under a finger. */
    coarse,
    /** The visible part of the image: {x, y, w, h} in image pixels. */
    visible() {
      const vw = Math.min(st.W, view.clientWidth / k());
      const vh = Math.min(st.H, view.clientHeight / k());
      return { x: st.cx - vw / 2, y: st.cy - vh / 2, w: vw, h: vh };
    },
  };
}

/** A label tag at a shape's top-left corner (above it, or inside at the view's top edge). */
export function tag(ed, x, y, text, color) {
  const { stage } = ed;
  const th = stage.px(18);
  const top = y - th >= stage.visible().y ? y - th : y;
  const g = svg("g", { class: "lbb-tag" });
  g.append(
    svg("rect", { x, y: top, width: stage.px(textWidth(text) + 10), height: th, fill: color, rx: stage.px(3) }),
    svg("text", { x: x + stage.px(5), y: top + th / 2, "font-size": stage.px(12), fill: inkOn(color), "dominant-baseline": "central" }),
  );
  g.lastChild.textContent = text;
  return g;
}

/**
 * A gesture that changes shape i with `change(shape as it was, point)` once the pointer has
 * moved `min` screen pixels, and commits once at the end (one step to undo).
 */
export function editGesture(ed, i, min, change, text) {
  const before = ed.shapes;
  let moved = false;
  return {
    move(p, _e, distance) {
      if (!moved && distance < min) return;
      moved = true;
      ed.shapes = before.map((s, j) => (j === i ? change(before[i], p) : s));
      ed.draw();
    },
    end() {
      if (moved) ed.commit(before, text(ed.shapes[i]));
    },
    cancel() {
      ed.shapes = before;
      ed.draw();
    },
  };
}

/**
 * A widget of labelled shapes on the stage; returns the widget API (registry.js). `kind` says
 * what differs: noun, plural, help / helpTouch, min / max (config keys), of(answer) → shapes,
 * value(shape) → its answer, el(ed, shape, index | null for a draft, selected) → SVG element,
 * area(shape) (larger drawn first), detail / where(shape) (list text), press(ed, point,
 * event, index, handle) → gesture, create(ed, visible rect) → shape (N), nudge(ed, shape,
 * [dx, dy], step, resize) → shape, key(ed, event) → handled, hover(ed, point), check. `ed` is the editor the
 * kind works with: shapes (settable during a gesture), draft, draw(), add(shape),
 * commit(before, text), stage, clampPoint(p), W(), H(), name(shape).
 */
export function mountShapes(root, config, { value, onChange, readOnly, data, media } = {}, kind) {
  const labelId = uid("lbc");
  const history = new History();
  const Noun = kind.noun[0].toUpperCase() + kind.noun.slice(1);
  let shapes = kind.of(value);
  let lastTag = null;
  let lastAt = 0;
  const tool = (text, label, onclick) => h("button", { type: "button", class: "lbs-tool", "aria-label": label, title: label, onclick }, text);
  const undoButton = tool("↶", "Undo (Ctrl+Z)", () => undo());
  const redoButton = tool("↷", "Redo (Ctrl+Shift+Z)", () => redo());
  const stage = createStage({
    config,
    url: imageUrl(config, data, media),
    readOnly,
    host: root,
    noun: kind.noun,
    plural: kind.plural,
    tools: readOnly ? [] : [undoButton, redoButton],
    draw,
    onPress,
    onSelect: (i) => {
      refresh();
      const s = shapes[i];
      if (s) stage.say(`${Noun} ${i + 1} (${ed.name(s)}) selected: ${kind.where(s)}.`);
    },
    onHover: (p) => !readOnly && kind.hover?.(ed, p),
    onLabel: relabel,
    onDelete: remove,
    count: () => shapes.length,
  });
  const sel = () => stage.selected;
  const ed = {
    stage,
    draft: null,
    get shapes() {
      return shapes;
    },
    set shapes(next) {
      shapes = next;
    },
    W: () => stage.width || Infinity,
    H: () => stage.height || Infinity,
    clampPoint: (p) => ({ x: clamp(p.x, 0, ed.W()), y: clamp(p.y, 0, ed.H()) }),
    name: (s) => stage.labelOf(s.label),
    draw,
    add,
    commit(before, text) {
      record(null, before);
      changed(text);
    },
  };
  const help = readOnly ? null : h("p", { class: "lbc-help" }, stage.coarse ? kind.helpTouch : kind.help);
  root.append(...controlHeader(config, labelId), ...[help].filter(Boolean), stage.el);
  stage.view.setAttribute("aria-describedby", labelId);

  function draw() {
    const area = (i) => kind.area?.(shapes[i]) || 0;
    // Larger shapes first, so a small one inside a large one stays reachable; the selected on top.
    const order = shapes.map((_, i) => i).filter((i) => i !== sel()).sort((a, b) => area(b) - area(a));
    const els = order.map((i) => kind.el(ed, shapes[i], i, false));
    if (sel() !== null && shapes[sel()]) els.push(kind.el(ed, shapes[sel()], sel(), true));
    if (ed.draft) els.push(kind.el(ed, ed.draft, null, false));
    stage.layer.replaceChildren(...els);
  }

  function refresh() {
    if (sel() !== null && !shapes[sel()]) stage.select(null);
    draw();
    const n = shapes.length;
    const min = config[kind.min] || 0;
    const max = config[kind.max] ?? null;
    const limits = [min ? `at least ${min}` : "", max !== null ? `at most ${max}` : ""].filter(Boolean);
    const rows = shapes.map((s) => ({ label: ed.name(s), color: stage.colorOf(s.label), detail: kind.detail(s), title: kind.where(s) }));
    const counted = n ? `${n} ${n === 1 ? kind.noun : kind.plural}` : `No ${kind.plural} yet`;
    stage.setList(rows, `${counted}${limits.length ? ` · ${limits.join(", ")}` : ""}`, n < min || (max !== null && n > max));
    undoButton.disabled = !history.canUndo;
    redoButton.disabled = !history.canRedo;
  }

  /** Keep the state before a change; `tag` joins a run of the same small change into one step. */
  function record(tag = null, state = shapes) {
    const now = Date.now();
    if (!tag || tag !== lastTag || now - lastAt > 1000) history.record(state);
    lastTag = tag;
    lastAt = now;
  }
  function changed(text) {
    refresh();
    if (text) stage.say(text);
    onChange?.(getValue());
  }
  function add(shape) {
    const max = config[kind.max];
    if (max != null && shapes.length >= max) {
      stage.say(`At most ${max} ${kind.plural}: delete one to add another.`);
      return;
    }
    record();
    shapes = [...shapes, shape];
    stage.select(shapes.length - 1);
    changed(`${Noun} ${shapes.length} (${ed.name(shape)}) added, ${kind.where(shape)}.`);
  }
  function remove(i) {
    if (readOnly || !shapes[i]) return;
    record();
    const gone = shapes[i];
    shapes = shapes.filter((_, j) => j !== i);
    const s = sel();
    if (s !== null) stage.select(s === i ? null : s > i ? s - 1 : s);
    changed(`${Noun} ${i + 1} (${ed.name(gone)}) deleted.`);
  }
  function relabel(labelIndex) {
    const label = config.labels[labelIndex];
    const i = sel();
    if (readOnly || !label) return;
    if (i === null || shapes[i].label === label.value) {
      stage.say(`Label for new ${kind.plural}: ${label.label}.`);
      return;
    }
    record();
    shapes = shapes.map((s, j) => (j === i ? { ...s, label: label.value } : s));
    changed(`${Noun} ${i + 1} is now ${label.label}.`);
  }
  function nudge(arrow, step, resize) {
    const i = sel();
    const next = kind.nudge(ed, shapes[i], arrow, step, resize);
    if (!next || JSON.stringify(next) === JSON.stringify(shapes[i])) return;
    record(`${resize ? "size" : "move"}:${i}`);
    shapes = shapes.map((s, j) => (j === i ? next : s));
    changed(`${Noun} ${i + 1}: ${kind.where(next)}.`);
  }
  function restore(state, text) {
    if (state === undefined) {
      stage.say(`Nothing to ${text.toLowerCase()}.`);
      return;
    }
    shapes = state;
    lastTag = null;
    changed(`${text}.`);
  }
  const undo = () => restore(history.undo(shapes), "Undo");
  const redo = () => restore(history.redo(shapes), "Redo");

  function onPress(p, event) {
    const hit = event.target.closest?.("[data-index]");
    const i = hit && hit.dataset.index !== "" ? Number(hit.dataset.index) : null;
    if (readOnly) {
      if (i !== sel()) stage.select(i);
      return null;
    }
    return kind.press(ed, p, event, i, event.target.dataset?.handle);
  }

  function getValue() {
    return shapes.length ? shapes.map(kind.value) : null;
  }
  function setValue(answer) {
    stage.cancelGesture();
    shapes = kind.of(answer);
    ed.draft = null;
    history.clear();
    stage.select(null);
  }
  setValue(value);

  return {
    getValue,
    setValue,
    validate: () => problemOf(kind.check, config, getValue(), data),
    focus: () => stage.view.focus(),
    handleKey(event) {
      if (isTyping(event)) return false;
      const action = keyOf(event);
      if (action) {
        if (readOnly) return false;
        if (action === "undo") undo();
        else redo();
        return true;
      }
      if (event.key === "Escape" && stage.gesture) {
        stage.cancelGesture();
        return true;
      }
      if (event.target?.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) return false;
      if (!readOnly && !event.altKey) {
        if (kind.key?.(ed, event)) return true;
        const arrow = ARROWS[event.key];
        if (arrow && sel() !== null && root.contains(event.target)) {
          nudge(arrow, event.shiftKey ? 10 : 1, event.ctrlKey || event.metaKey);
          return true;
        }
        if (!event.ctrlKey && !event.metaKey) {
          if ((event.key === "n" || event.key === "N") && stage.width) {
            add(kind.create(ed, stage.visible()));
            return true;
          }
          if ((event.key === "Delete" || event.key === "Backspace") && sel() !== null) {
            remove(sel());
            return true;
          }
        }
      }
      return stage.handleKey(event);
    },
  };
}
