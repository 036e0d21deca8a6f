// keypoints: labelled points on an image, a kind of image_stage.js's shape widget. Click (or
// tap) to place a point with the chosen label, dragging before release to adjust it; drag a
// point to move it (Shift+click places one on top of another). Keyboard: N adds a point in the
// middle of the view, arrows move the selected one, 1–9 relabel, [ / ] select, Delete deletes,
// Ctrl+Z / Ctrl+Shift+Z. Whole image pixels. Mirrors labelpool/controls/keypoints.py.
import { AnswerError, listing, quoted, typeName } from "./common.js";
import { HISTORY_SHORTCUTS } from "./history.js";
import { clamp, editGesture, mountShapes, stageShortcuts, svg, tag } from "./image_stage.js";

export const showsTarget = true;

const FIELDS = ["x", "y", "label"];
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);

export function check(config, answer) {
  const name = config.name;
  if (!Array.isArray(answer)) throw new AnswerError(name, `expected a list of points, got ${typeName(answer)}`);
  if (!answer.length) {
    const least = Math.max(1, config.min_points || 0);
    if (config.required) throw new AnswerError(name, least === 1 ? "mark at least one point" : `mark at least ${least} points`);
    return [];
  }
  const labels = config.labels.map((l) => l.value);
  const out = answer.map((point, index) => {
    const what = `point ${index + 1}`;
    if (point === null || typeof point !== "object" || Array.isArray(point)) throw new AnswerError(name, `${what} should be an object, got ${typeName(point)}`);
    const missing = FIELDS.filter((key) => !(key in point));
    if (missing.length) throw new AnswerError(name, `${what} is missing ${listing(missing)}`);
    const unknown = Object.keys(point).filter((key) => !FIELDS.includes(key)).sort();
    if (unknown.length) throw new AnswerError(name, `${what} has unknown field(s) ${listing(unknown)} (${listing(FIELDS)} allowed)`);
    for (const key of ["x", "y"]) {
      if (!isNumber(point[key])) throw new AnswerError(name, `${what}: ${key} should be a number, got ${quoted(point[key])}`);
    }
    if (point.x < 0 || point.y < 0) throw new AnswerError(name, `${what} is outside the image (x and y must be 0 or more)`);
    if (!labels.includes(point.label)) throw new AnswerError(name, `${what}: ${quoted(point.label)} is not one of the labels ${listing(labels)}`);
    return { x: point.x, y: point.y, label: point.label };
  });
  if (out.length < (config.min_points || 0)) throw new AnswerError(name, `mark at least ${config.min_points} points (${out.length} marked)`);
  if (config.max_points != null && out.length > config.max_points) throw new AnswerError(name, `mark at most ${config.max_points} points (${out.length} marked)`);
  return out;
}

export function shortcuts() {
  return [
    ["Click", "place a point with the chosen label (Shift+click: on top of another)"],
    ["N", "add a point in the middle of the view"],
    ["← ↑ → ↓", "move the selected point (Shift: 10 px)"],
    ["Delete / Backspace", "delete the selected point"],
    ...stageShortcuts("point"),
    ...HISTORY_SHORTCUTS,
  ];
}

const at = (ed, p) => {
  const q = ed.clampPoint(p);
  return { x: Math.round(q.x), y: Math.round(q.y) };
};

const KEYPOINTS = {
  noun: "point",
  plural: "points",
  min: "min_points",
  max: "max_points",
  help: "Click on the image to place a point with the chosen label; drag a point to move it. Shift+click places one on top of another. ? lists every key.",
  helpTouch: "Tap on the image to place a point with the chosen label; drag a point to move it; pinch to zoom.",
  check,
  of: (answer) => (Array.isArray(answer) ? answer : []).filter((p) => p && typeof p === "object" && isNumber(p.x) && isNumber(p.y)).map((p) => ({ x: p.x, y: p.y, label: p.label })),
  value: (p) => ({ x: p.x, y: p.y, label: p.label }),
  detail: (p) => `${p.x}, ${p.y}`,
  where: (p) => `at ${p.x}, ${p.y}`,

  el(ed, p, i, selected) {
    const { stage } = ed;
    const color = stage.colorOf(p.label);
    const r = stage.px(stage.coarse ? 8 : 5.5);
    const g = svg("g", { class: `lbk${selected ? " is-selected" : ""}${i === null ? " is-draft" : ""}`, "data-index": i, "data-label": p.label });
    g.append(svg("circle", { class: "lbk-hit", cx: p.x, cy: p.y, r: r * 2.2 }));
    if (selected) g.append(svg("circle", { class: "lbk-ring", cx: p.x, cy: p.y, r: r * 1.9, stroke: color }));
    g.append(svg("circle", { class: "lbk-dot", cx: p.x, cy: p.y, r, fill: color }));
    if (selected || i === null) g.append(tag(ed, p.x + r * 1.6, p.y - r * 1.6, i === null ? ed.name(p) : `${i + 1} ${ed.name(p)}`, color));
    else g.append(Object.assign(svg("title"), { textContent: `${i + 1} ${ed.name(p)}` }));
    return g;
  },

  press(ed, p0, event, i) {
    if (i !== null && !event.shiftKey) return moving(ed, i, p0);
    // Placing: the point follows the pointer until release (aim, then let go).
    ed.draft = { ...at(ed, p0), label: ed.stage.active };
    ed.draw();
    return {
      move(p) {
        ed.draft = { ...ed.draft, ...at(ed, p) };
        ed.draw();
      },
      end() {
        const point = ed.draft;
        ed.draft = null;
        ed.add(point);
      },
      cancel() {
        ed.draft = null;
        ed.draw();
      },
    };
  },

  create: (ed, v) => ({ ...at(ed, { x: v.x + v.w / 2, y: v.y + v.h / 2 }), label: ed.stage.active }),

  nudge(ed, p, [dx, dy], step, resize) {
    if (resize) return null;
    return { ...p, x: Math.round(clamp(p.x + dx * step, 0, ed.W())), y: Math.round(clamp(p.y + dy * step, 0, ed.H())) };
  },
};

function moving(ed, i, p0) {
  if (ed.stage.selected !== i) ed.stage.select(i);
  const move = (s, p) => ({ ...s, ...at(ed, { x: s.x + p.x - p0.x, y: s.y + p.y - p0.y }) });
  return editGesture(ed, i, 3, move, (s) => `Point ${i + 1} moved to ${s.x}, ${s.y}.`);
}

export function mount(root, config, options = {}) {
  return mountShapes(root, config, options, KEYPOINTS);
}
