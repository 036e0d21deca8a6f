// boxes: labelled bounding boxes on an image, a kind of image_stage.js's shape widget.
// Mouse / touch: drag to draw (Shift+drag over another box), drag a box to move it, its 8
// handles to resize. Keyboard: N adds a box, arrows move, Ctrl+arrows resize, 1–9 relabel,
// [ / ] select, Delete deletes, Ctrl+Z / Ctrl+Shift+Z undo and redo. Answers are whole image
// pixels. Mirrors labelpool/controls/boxes.py: the same answer shape and the same messages.
import { AnswerError, listing, quoted, typeName } from "./common.js";
import { HISTORY_SHORTCUTS } from "./history.js";
import { clamp, editGesture, mountShapes, stageShortcuts, svg, tag } from "./image_stage.js";

export const showsTarget = true;

const FIELDS = ["x", "y", "w", "h", "label"];
const HANDLES = [["nw", 0, 0], ["n", 0.5, 0], ["ne", 1, 0], ["e", 1, 0.5], ["se", 1, 1], ["s", 0.5, 1], ["sw", 0, 1], ["w", 0, 0.5]];
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);

/** The server's check of a non-null answer: the normalised answer, or an AnswerError. */
export function check(config, answer) {
  const name = config.name;
  if (!Array.isArray(answer)) throw new AnswerError(name, `expected a list of boxes, got ${typeName(answer)}`);
  if (!answer.length) {
    const least = Math.max(1, config.min_boxes || 0);
    if (config.required) throw new AnswerError(name, least === 1 ? "draw at least one box" : `draw at least ${least} boxes`);
    return [];
  }
  const labels = config.labels.map((l) => l.value);
  const out = answer.map((box, index) => {
    const what = `box ${index + 1}`;
    if (box === null || typeof box !== "object" || Array.isArray(box)) throw new AnswerError(name, `${what} should be an object, got ${typeName(box)}`);
    const missing = FIELDS.filter((key) => !(key in box));
    if (missing.length) throw new AnswerError(name, `${what} is missing ${listing(missing)}`);
    const unknown = Object.keys(box).filter((key) => !FIELDS.includes(key)).sort();
    if (unknown.length) throw new AnswerError(name, `${what} has unknown field(s) ${listing(unknown)} (${listing(FIELDS)} allowed)`);
    for (const key of FIELDS.slice(0, 4)) {
      if (!isNumber(box[key])) throw new AnswerError(name, `${what}: ${key} should be a number, got ${quoted(box[key])}`);
    }
    if (box.x < 0 || box.y < 0) throw new AnswerError(name, `${what} starts outside the image (x and y must be 0 or more)`);
    if (box.w <= 0 || box.h <= 0) throw new AnswerError(name, `${what} has no area (width and height must be more than 0)`);
    if (!labels.includes(box.label)) throw new AnswerError(name, `${what}: ${quoted(box.label)} is not one of the labels ${listing(labels)}`);
    return { x: box.x, y: box.y, w: box.w, h: box.h, label: box.label };
  });
  if (out.length < (config.min_boxes || 0)) throw new AnswerError(name, `draw at least ${config.min_boxes} boxes (${out.length} drawn)`);
  if (config.max_boxes != null && out.length > config.max_boxes) throw new AnswerError(name, `draw at most ${config.max_boxes} boxes (${out.length} drawn)`);
  return out;
}

export function shortcuts() {
  return [
    ["Drag", "draw a box with the chosen label (Shift+drag: over another box)"],
    ["N", "add a box in the middle of the view"],
    ["← ↑ → ↓", "move the selected box (Shift: 10 px)"],
    ["Ctrl+← ↑ → ↓", "resize the selected box (Shift: 10 px)"],
    ["Delete / Backspace", "delete the selected box"],
    ...stageShortcuts("box"),
    ...HISTORY_SHORTCUTS,
  ];
}

/** The box spanned by two corners, in whole pixels, at least 1 × 1. */
function spanned(x0, y0, x1, y1) {
  const x = Math.round(Math.min(x0, x1));
  const y = Math.round(Math.min(y0, y1));
  return { x, y, w: Math.max(1, Math.round(Math.max(x0, x1)) - x), h: Math.max(1, Math.round(Math.max(y0, y1)) - y) };
}

const BOXES = {
  noun: "box",
  plural: "boxes",
  min: "min_boxes",
  max: "max_boxes",
  help: "Drag on the image to draw a box with the chosen label; drag a box to move it, its handles to resize. Shift+drag draws over a box. ? lists every key.",
  helpTouch: "Drag on the image to draw a box with the chosen label; drag a box to move it, its handles to resize; pinch to zoom.",
  check,
  of: (answer) =>
    (Array.isArray(answer) ? answer : [])
      .filter((b) => b && typeof b === "object" && ["x", "y", "w", "h"].every((key) => isNumber(b[key])) && b.w > 0 && b.h > 0)
      .map((b) => ({ x: b.x, y: b.y, w: b.w, h: b.h, label: b.label })),
  value: (b) => ({ x: b.x, y: b.y, w: b.w, h: b.h, label: b.label }),
  area: (b) => b.w * b.h,
  detail: (b) => `${b.w} × ${b.h}`,
  where: (b) => `${b.w} × ${b.h} at ${b.x}, ${b.y}`,

  el(ed, b, i, selected) {
    const { stage } = ed;
    const color = stage.colorOf(b.label);
    const g = svg("g", { class: `lbb${selected ? " is-selected" : ""}${i === null ? " is-draft" : ""}`, "data-index": i, "data-label": b.label });
    g.append(svg("rect", { class: "lbb-rect", x: b.x, y: b.y, width: b.w, height: b.h, stroke: color, fill: color }));
    g.append(tag(ed, b.x, b.y, i === null ? `${ed.name(b)} ${b.w} × ${b.h}` : `${i + 1} ${ed.name(b)}`, color));
    if (selected && !stage.readOnly) {
      const size = stage.px(stage.coarse ? 16 : 9);
      for (const [handle, fx, fy] of HANDLES) {
        g.append(svg("rect", { class: "lbb-handle", "data-handle": handle, x: b.x + fx * b.w - size / 2, y: b.y + fy * b.h - size / 2, width: size, height: size, stroke: color }));
      }
    }
    return g;
  },

  press(ed, p, event, i, handle) {
    if (handle && i === ed.stage.selected) return resizing(ed, i, handle);
    if (i !== null && !event.shiftKey) return moving(ed, i, p);
    return drawing(ed, p);
  },

  create(ed, v) {
    const size = Math.max(8, Math.round(Math.min(v.w, v.h) * 0.25));
    let x = Math.round(clamp(v.x + v.w / 2 - size / 2, 0, ed.W() - size));
    let y = Math.round(clamp(v.y + v.h / 2 - size / 2, 0, ed.H() - size));
    while (ed.shapes.some((b) => b.x === x && b.y === y) && x + size + 12 <= ed.W() && y + size + 12 <= ed.H()) {
      x += 12; // a second N: not exactly on top of the first
      y += 12;
    }
    return { x, y, w: Math.min(size, ed.W()), h: Math.min(size, ed.H()), label: ed.stage.active };
  },

  nudge(ed, b, [dx, dy], step, resize) {
    if (resize) return { ...b, w: Math.round(clamp(b.w + dx * step, 1, Math.max(1, ed.W() - b.x))), h: Math.round(clamp(b.h + dy * step, 1, Math.max(1, ed.H() - b.y))) };
    return { ...b, x: Math.round(clamp(b.x + dx * step, 0, Math.max(0, ed.W() - b.w))), y: Math.round(clamp(b.y + dy * step, 0, Math.max(0, ed.H() - b.h))) };
  },
};

function drawing(ed, p0) {
  const a = ed.clampPoint(p0);
  return {
    move(p) {
      const q = ed.clampPoint(p);
      ed.draft = { ...spanned(a.x, a.y, q.x, q.y), label: ed.stage.active };
      ed.draw();
    },
    end() {
      const box = ed.draft;
      ed.draft = null;
      const k = ed.stage.scale;
      // A tiny drag (under 4 screen pixels either way) is a click that deselects, not a box.
      if (box && box.w * k >= 4 && box.h * k >= 4) ed.add(box);
      else if (ed.stage.selected !== null) ed.stage.select(null);
      else ed.draw();
    },
    cancel() {
      ed.draft = null;
      ed.draw();
    },
  };
}

function moving(ed, i, p0) {
  if (ed.stage.selected !== i) ed.stage.select(i);
  const move = (b, p) => ({
    ...b,
    x: Math.round(clamp(b.x + p.x - p0.x, 0, Math.max(0, ed.W() - b.w))),
    y: Math.round(clamp(b.y + p.y - p0.y, 0, Math.max(0, ed.H() - b.h))),
  });
  return editGesture(ed, i, 3, move, (b) => `Box ${i + 1} moved to ${b.x}, ${b.y}.`);
}

function resizing(ed, i, handle) {
  const resize = (b, p) => {
    const q = ed.clampPoint(p);
    let [l, t, r, bottom] = [b.x, b.y, b.x + b.w, b.y + b.h];
    if (handle.includes("w")) l = q.x;
    if (handle.includes("e")) r = q.x;
    if (handle.includes("n")) t = q.y;
    if (handle.includes("s")) bottom = q.y;
    return { ...spanned(l, t, r, bottom), label: b.label };
  };
  return editGesture(ed, i, 2, resize, (b) => `Box ${i + 1} resized to ${b.w} × ${b.h}.`);
}

export function mount(root, config, options = {}) {
  return mountShapes(root, config, options, BOXES);
}
