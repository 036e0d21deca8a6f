// polygons: labelled outlines on an image, a kind of image_stage.js's shape widget. Click (or
// tap) vertex after vertex; click the first vertex, double-click or press Enter to close
// (Backspace takes the last vertex back, Esc drops the outline). A selected polygon: drag it to
// move it, drag a vertex to move that, drag an edge's midpoint to add one. Keyboard: N adds a
// square in the middle of the view, arrows move, Ctrl+arrows stretch, 1–9 relabel, [ / ],
// Delete, Ctrl+Z / Ctrl+Shift+Z. Whole image pixels. Mirrors labelpool/controls/polygons.py.
import { AnswerError, listing, quoted, typeName } from "./common.js";
import { HISTORY_SHORTCUTS } from "./history.js";
import { clamp, editGesture, mountShapes, stageShortcuts, svg, tag } from "./image_stage.js";

export const showsTarget = true;

const MAX_POINTS = 1000;
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);

/** Whether all points lie on one line (polygons.on_one_line: the same exact arithmetic). */
export function onOneLine(points) {
  const [x0, y0] = points[0];
  const other = points.find(([x, y]) => x !== x0 || y !== y0);
  if (!other) return true;
  const [dx, dy] = [other[0] - x0, other[1] - y0];
  return points.every(([x, y]) => dx * (y - y0) - dy * (x - x0) === 0);
}

function checkPoints(name, what, raw) {
  if (!Array.isArray(raw)) throw new AnswerError(name, `${what}: points should be a list of [x, y], got ${typeName(raw)}`);
  if (raw.length < 3) throw new AnswerError(name, `${what} has ${raw.length} points; a polygon needs at least 3`);
  if (raw.length > MAX_POINTS) throw new AnswerError(name, `${what} has ${raw.length} points; at most ${MAX_POINTS}`);
  raw.forEach((point, index) => {
    const n = index + 1;
    if (!Array.isArray(point) || point.length !== 2) throw new AnswerError(name, `${what}: point ${n} should be [x, y], got ${quoted(point)}`);
    for (const v of point) if (!isNumber(v)) throw new AnswerError(name, `${what}: point ${n} should be two numbers, got ${quoted(v)}`);
    if (point[0] < 0 || point[1] < 0) throw new AnswerError(name, `${what}: point ${n} is outside the image (x and y must be 0 or more)`);
  });
  if (onOneLine(raw)) throw new AnswerError(name, `${what} has no area (its points are all on one line)`);
  return raw.map(([x, y]) => [x, y]);
}

export function check(config, answer) {
  const name = config.name;
  if (!Array.isArray(answer)) throw new AnswerError(name, `expected a list of polygons, got ${typeName(answer)}`);
  if (!answer.length) {
    const least = Math.max(1, config.min_polygons || 0);
    if (config.required) throw new AnswerError(name, least === 1 ? "draw at least one polygon" : `draw at least ${least} polygons`);
    return [];
  }
  const labels = config.labels.map((l) => l.value);
  const out = answer.map((polygon, index) => {
    const what = `polygon ${index + 1}`;
    if (polygon === null || typeof polygon !== "object" || Array.isArray(polygon)) throw new AnswerError(name, `${what} should be an object, got ${typeName(polygon)}`);
    const missing = ["points", "label"].filter((key) => !(key in polygon));
    if (missing.length) throw new AnswerError(name, `${what} is missing ${listing(missing)}`);
    const unknown = Object.keys(polygon).filter((key) => key !== "points" && key !== "label").sort();
    if (unknown.length) throw new AnswerError(name, `${what} has unknown field(s) ${listing(unknown)} (points, label allowed)`);
    const points = checkPoints(name, what, polygon.points);
    if (!labels.includes(polygon.label)) throw new AnswerError(name, `${what}: ${quoted(polygon.label)} is not one of the labels ${listing(labels)}`);
    return { points, label: polygon.label };
  });
  if (out.length < (config.min_polygons || 0)) throw new AnswerError(name, `draw at least ${config.min_polygons} polygons (${out.length} drawn)`);
  if (config.max_polygons != null && out.length > config.max_polygons) throw new AnswerError(name, `draw at most ${config.max_polygons} polygons (${out.length} drawn)`);
  return out;
}

export function shortcuts() {
  return [
    ["Click, click, …", "draw an outline vertex by vertex (Shift+click: over another polygon)"],
    ["Enter / double-click / first vertex", "close the outline"],
    ["Backspace (drawing)", "take the last vertex back"],
    ["Esc (drawing)", "drop the outline"],
    ["N", "add a square in the middle of the view"],
    ["← ↑ → ↓", "move the selected polygon (Shift: 10 px)"],
    ["Ctrl+← ↑ → ↓", "stretch the selected polygon (Shift: 10 px)"],
    ["Delete / Backspace", "delete the selected polygon"],
    ...stageShortcuts("polygon"),
    ...HISTORY_SHORTCUTS,
  ];
}

const at = (ed, p) => {
  const q = ed.clampPoint(p);
  return [Math.round(q.x), Math.round(q.y)];
};
function bounds(points) {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x, y] = [Math.min(...xs), Math.min(...ys)];
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}
function area(points) {
  let total = 0;
  points.forEach(([x0, y0], i) => {
    const [x1, y1] = points[(i + 1) % points.length];
    total += x0 * y1 - x1 * y0;
  });
  return Math.abs(total) / 2;
}

/** Close the outline being drawn: a polygon when it has 3 points enclosing an area. */
function close(ed) {
  const points = ed.draft.points;
  if (points.length < 3 || onOneLine(points)) {
    ed.stage.say(points.length < 3 ? "A polygon needs at least 3 points." : "These points are on one line: add one off it.");
    return;
  }
  ed.draft = null;
  ed.add({ points, label: ed.stage.active });
}

const POLYGONS = {
  noun: "polygon",
  plural: "polygons",
  min: "min_polygons",
  max: "max_polygons",
  help: "Click on the image vertex after vertex; click the first vertex, double-click or press Enter to close. Drag a polygon, its vertices or an edge's midpoint to change it. ? lists every key.",
  helpTouch: "Tap vertex after vertex, then the first vertex to close. Drag a polygon, its vertices or an edge's midpoint to change it; pinch to zoom.",
  check,
  of: (answer) =>
    (Array.isArray(answer) ? answer : [])
      .filter((g) => g && Array.isArray(g.points) && g.points.length >= 3 && g.points.every((p) => Array.isArray(p) && p.length === 2 && p.every(isNumber)))
      .map((g) => ({ points: g.points.map(([x, y]) => [x, y]), label: g.label })),
  value: (g) => ({ points: g.points.map(([x, y]) => [x, y]), label: g.label }),
  area: (g) => area(g.points),
  detail: (g) => `${g.points.length} points`,
  where: (g) => {
    const b = bounds(g.points);
    return `${g.points.length} points, ${b.w} × ${b.h} at ${b.x}, ${b.y}`;
  },

  el(ed, g, i, selected) {
    const { stage } = ed;
    const drafting = i === null;
    const color = stage.colorOf(drafting ? stage.active : g.label); // a draft takes the chosen label
    const el = svg("g", { class: `lbg${selected ? " is-selected" : ""}${drafting ? " is-draft" : ""}`, "data-index": i, "data-label": g.label });
    const list = (points) => points.map((p) => p.join(",")).join(" ");
    if (g.points.length) el.append(svg(drafting ? "polyline" : "polygon", { class: "lbg-shape", points: list(g.points), stroke: color, fill: color }));
    if (drafting && ed.hoverAt && g.points.length) el.append(svg("polyline", { class: "lbg-rubber", points: list([g.points.at(-1), ed.hoverAt, g.points[0]]), stroke: color }));
    if (!drafting && g.points.length) {
      const b = bounds(g.points);
      el.append(tag(ed, b.x, b.y, `${i + 1} ${ed.name(g)}`, color));
    }
    if ((selected && !stage.readOnly) || drafting) {
      const r = stage.px(stage.coarse ? 8 : 4.5);
      g.points.forEach(([x, y], j) => {
        if (selected) {
          const [nx, ny] = g.points[(j + 1) % g.points.length];
          el.append(svg("circle", { class: "lbg-mid", "data-handle": `m${j}`, cx: (x + nx) / 2, cy: (y + ny) / 2, r: r * 0.75, stroke: color }));
        }
        el.append(svg("circle", { class: `lbg-vertex${drafting && j === 0 ? " is-first" : ""}`, "data-handle": `v${j}`, cx: x, cy: y, r: drafting && j === 0 ? r * 1.4 : r, stroke: color }));
      });
    }
    return el;
  },

  hover(ed, p) {
    if (!ed.draft) return;
    ed.hoverAt = at(ed, p);
    ed.draw();
  },

  press(ed, p0, event, i, handle) {
    const { stage } = ed;
    if (!ed.draft) {
      if (handle && i === stage.selected) return handle[0] === "v" ? vertexMoving(ed, i, Number(handle.slice(1))) : vertexAdding(ed, i, Number(handle.slice(1)));
      if (i !== null && !event.shiftKey) return moving(ed, i, p0);
      if (stage.selected !== null) stage.select(null);
      ed.draft = { points: [], label: stage.active, last: 0 };
    }
    return {
      move() {},
      end(p) {
        const draft = ed.draft;
        if (!draft) return;
        const first = draft.points[0];
        const point = at(ed, p);
        const last = draft.points.at(-1);
        const near = (q) => q && Math.hypot(q[0] - point[0], q[1] - point[1]) * stage.scale < 10;
        // The first vertex closes; a second click on the last one (a double-click) too.
        if ((draft.points.length >= 3 && near(first)) || (near(last) && Date.now() - draft.last < 500 && draft.points.length >= 3)) close(ed);
        else if (!near(last)) {
          ed.draft = { ...draft, points: [...draft.points, point], last: Date.now() };
          stage.say(`Vertex ${ed.draft.points.length}.`);
        } else draft.last = Date.now();
        ed.draw();
      },
      cancel() {},
    };
  },

  key(ed, event) {
    if (!ed.draft || event.ctrlKey || event.metaKey) return false;
    if (event.key === "Enter") close(ed);
    else if (event.key === "Backspace" || event.key === "Delete") {
      const points = ed.draft.points.slice(0, -1);
      ed.draft = points.length ? { ...ed.draft, points } : null;
    } else if (event.key === "Escape") {
      ed.draft = null;
      ed.stage.say("Outline dropped.");
    } else return false;
    ed.draw();
    return true;
  },

  create(ed, v) {
    const s = Math.max(8, Math.round(Math.min(v.w, v.h) * 0.25));
    const [x, y] = [Math.round(clamp(v.x + v.w / 2 - s / 2, 0, ed.W() - s)), Math.round(clamp(v.y + v.h / 2 - s / 2, 0, ed.H() - s))];
    return { points: [[x, y], [x + s, y], [x + s, y + s], [x, y + s]], label: ed.stage.active };
  },

  nudge(ed, g, [dx, dy], step, stretch) {
    const b = bounds(g.points);
    if (stretch) {
      // Stretch from the top-left corner: the width or height grows or shrinks by `step`.
      const sx = b.w ? clamp(b.w + dx * step, 1, ed.W() - b.x) / b.w : 1;
      const sy = b.h ? clamp(b.h + dy * step, 1, ed.H() - b.y) / b.h : 1;
      return { ...g, points: g.points.map(([x, y]) => [Math.round(b.x + (x - b.x) * sx), Math.round(b.y + (y - b.y) * sy)]) };
    }
    return translated(ed, g, dx * step, dy * step);
  },
};

/** The polygon moved by (dx, dy), kept inside the image. */
function translated(ed, g, dx, dy) {
  const b = bounds(g.points);
  const mx = Math.round(clamp(b.x + dx, 0, Math.max(0, ed.W() - b.w))) - b.x;
  const my = Math.round(clamp(b.y + dy, 0, Math.max(0, ed.H() - b.h))) - b.y;
  return { ...g, points: g.points.map(([x, y]) => [x + mx, y + my]) };
}

function moving(ed, i, p0) {
  if (ed.stage.selected !== i) ed.stage.select(i);
  return editGesture(ed, i, 3, (g, p) => translated(ed, g, p.x - p0.x, p.y - p0.y), (g) => `Polygon ${i + 1} moved: ${POLYGONS.where(g)}.`);
}
function vertexMoving(ed, i, j) {
  const change = (g, p) => ({ ...g, points: g.points.map((q, k) => (k === j ? at(ed, p) : q)) });
  return editGesture(ed, i, 2, change, () => `Polygon ${i + 1}: vertex ${j + 1} moved.`);
}
function vertexAdding(ed, i, j) {
  const change = (g, p) => ({ ...g, points: [...g.points.slice(0, j + 1), at(ed, p), ...g.points.slice(j + 1)] });
  return editGesture(ed, i, 2, change, (g) => `Polygon ${i + 1}: vertex added, ${g.points.length} points.`);
}

export function mount(root, config, options = {}) {
  return mountShapes(root, config, options, POLYGONS);
}
