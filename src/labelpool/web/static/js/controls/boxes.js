// boxes: labelled bounding boxes on an image, on the shared image stage (image_stage.js).
// Mouse / touch: drag to draw (Shift+drag over another box), drag a box to move it, its 8
// handles to resize. Keyboard: N adds a box, arrows move, Ctrl+arrows resize, 1–9 relabel,
// [ / ] select, Delete deletes, Ctrl+Z / Ctrl+Shift+Z undo and redo. Answers are whole image
// pixels. Mirrors labelpool/controls/boxes.py: the same answer shape and the same messages.
import { AnswerError, controlHeader, h, isTyping, listing, problemOf, quoted, typeName, uid } from "./common.js";
import { HISTORY_SHORTCUTS, History, keyOf } from "./history.js";
import { ARROWS, clamp, createStage, imageUrl, inkOn, stageShortcuts, svg, textWidth } from "./image_stage.js";

export const showsTarget = true;

const FIELDS = ["x", "y", "w", "h", "label"];
const HANDLES = [["nw", 0, 0], ["n", 0.5, 0], ["ne", 1, 0], ["e", 1, 0.5], ["se", 1, 1], ["s", 0.5, 1], ["sw", 0, 1], ["w", 0, 0.5]];
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const plural = (n, one, many = `${one}es`) => `${n} ${n === 1 ? one : many}`;

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

/** Boxes as the widget keeps them: well-formed ones, only the answer's fields. */
function boxesOf(answer) {
  if (!Array.isArray(answer)) return [];
  return answer
    .filter((b) => b && typeof b === "object" && ["x", "y", "w", "h"].every((key) => isNumber(b[key])) && b.w > 0 && b.h > 0)
    .map((b) => ({ x: b.x, y: b.y, w: b.w, h: b.h, label: b.label }));
}

/** The box spanned by two corners, in whole pixels, at least 1 × 1. */
function spanned(x0, y0, x1, y1) {
  const x = Math.round(Math.min(x0, x1));
  const y = Math.round(Math.min(y0, y1));
  return { x, y, w: Math.max(1, Math.round(Math.max(x0, x1)) - x), h: Math.max(1, Math.round(Math.max(y0, y1)) - y) };
}

export function mount(root, config, { value, onChange, readOnly, data, media } = {}) {
  const labelId = uid("lbc");
  let boxes = boxesOf(value);
  let draft = null; // the box being drawn
  const history = new History();
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
    noun: "box",
    plural: "boxes",
    tools: readOnly ? [] : [undoButton, redoButton],
    draw,
    onPress,
    onSelect: (i) => {
      refresh();
      const b = boxes[i];
      if (b) stage.say(`Box ${i + 1} (${name(b)}) selected: ${b.w} × ${b.h} at ${b.x}, ${b.y}.`);
    },
    onLabel: relabel,
    onDelete: remove,
    count: () => boxes.length,
  });
  const how = stage.coarse
    ? "Drag on the image to draw a box with the chosen label; drag a box to move it, its handles to resize; pinch to zoom."
    : "Drag on the image to draw a box with the chosen label; drag a box to move it, its handles to resize. Shift+drag draws over a box. ? lists every key.";
  const help = readOnly ? null : h("p", { class: "lbc-help" }, how);
  root.append(...controlHeader(config, labelId), ...[help].filter(Boolean), stage.el);
  stage.view.setAttribute("aria-describedby", labelId);

  const W = () => stage.width || Infinity;
  const H = () => stage.height || Infinity;
  const clampPoint = (p) => ({ x: clamp(p.x, 0, W()), y: clamp(p.y, 0, H()) });
  const name = (b) => stage.labelOf(b.label);
  const sel = () => stage.selected;

  // --- drawing the shapes ---------------------------------------------------------------------

  function boxEl(b, i, selected) {
    const color = stage.colorOf(b.label);
    const g = svg("g", { class: `lbb${selected ? " is-selected" : ""}${i === null ? " is-draft" : ""}`, "data-index": i, "data-label": b.label });
    g.append(svg("rect", { class: "lbb-rect", x: b.x, y: b.y, width: b.w, height: b.h, stroke: color, fill: color }));
    const text = i === null ? `${name(b)} ${b.w} × ${b.h}` : `${i + 1} ${name(b)}`;
    const fs = stage.px(12);
    const tw = stage.px(textWidth(text) + 10);
    const th = stage.px(18);
    const top = b.y - th >= stage.visible().y ? b.y - th : b.y; // inside the box at the view's top
    const tag = svg("g", { class: "lbb-tag" });
    tag.append(svg("rect", { x: b.x, y: top, width: tw, height: th, fill: color, rx: stage.px(3) }), svg("text", { x: b.x + stage.px(5), y: top + th / 2, "font-size": fs, fill: inkOn(color), "dominant-baseline": "central" }));
    tag.lastChild.textContent = text;
    g.append(tag);
    if (selected && !readOnly) {
      const size = stage.px(stage.coarse ? 16 : 9);
      for (const [handle, fx, fy] of HANDLES) {
        g.append(svg("rect", { class: "lbb-handle", "data-handle": handle, x: b.x + fx * b.w - size / 2, y: b.y + fy * b.h - size / 2, width: size, height: size, stroke: color }));
      }
    }
    return g;
  }

  function draw() {
    const area = (i) => boxes[i].w * boxes[i].h;
    // Larger boxes first, so a small box inside a large one stays reachable; the selected on top.
    const order = boxes.map((_, i) => i).filter((i) => i !== sel()).sort((a, b) => area(b) - area(a));
    const els = order.map((i) => boxEl(boxes[i], i, false));
    if (sel() !== null && boxes[sel()]) els.push(boxEl(boxes[sel()], sel(), true));
    if (draft) els.push(boxEl(draft, null, false));
    stage.layer.replaceChildren(...els);
  }

  function refresh() {
    if (sel() !== null && !boxes[sel()]) stage.select(null);
    draw();
    const n = boxes.length;
    const limits = [config.min_boxes ? `at least ${config.min_boxes}` : "", config.max_boxes != null ? `at most ${config.max_boxes}` : ""].filter(Boolean);
    const bad = n < (config.min_boxes || 0) || (config.max_boxes != null && n > config.max_boxes);
    const rows = boxes.map((b) => ({ label: name(b), color: stage.colorOf(b.label), detail: `${b.w} × ${b.h}`, title: `x ${b.x}, y ${b.y}, ${b.w} × ${b.h} px` }));
    stage.setList(rows, `${n ? plural(n, "box") : "No boxes yet"}${limits.length ? ` · ${limits.join(", ")}` : ""}`, bad);
    undoButton.disabled = !history.canUndo;
    redoButton.disabled = !history.canRedo;
  }

  // --- changes ----------------------------------------------------------------------------------

  /** Keep the state before a change; `tag` joins a run of the same small change into one step. */
  function record(tag = null, state = boxes) {
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

  function add(box) {
    if (config.max_boxes != null && boxes.length >= config.max_boxes) {
      stage.say(`At most ${config.max_boxes} boxes: delete one to add another.`);
      return;
    }
    record();
    boxes = [...boxes, box];
    stage.select(boxes.length - 1);
    changed(`Box ${boxes.length} (${name(box)}) added, ${box.w} × ${box.h}.`);
  }
  function remove(i) {
    if (readOnly || !boxes[i]) return;
    record();
    const gone = boxes[i];
    boxes = boxes.filter((_, j) => j !== i);
    const s = sel();
    if (s !== null) stage.select(s === i ? null : s > i ? s - 1 : s);
    changed(`Box ${i + 1} (${name(gone)}) deleted.`);
  }
  function relabel(labelIndex) {
    const label = config.labels[labelIndex];
    const i = sel();
    if (readOnly || !label) return;
    if (i === null || boxes[i].label === label.value) {
      stage.say(`Label for new boxes: ${label.label}.`);
      return;
    }
    record();
    boxes = boxes.map((b, j) => (j === i ? { ...b, label: label.value } : b));
    changed(`Box ${i + 1} is now ${label.label}.`);
  }
  function replace(i, box, text, tag) {
    record(tag);
    boxes = boxes.map((b, j) => (j === i ? box : b));
    changed(text);
  }
  function addInView() {
    const v = stage.visible();
    if (!stage.width) return;
    const size = Math.max(8, Math.round(Math.min(v.w, v.h) * 0.25));
    let x = Math.round(clamp(v.x + v.w / 2 - size / 2, 0, W() - size));
    let y = Math.round(clamp(v.y + v.h / 2 - size / 2, 0, H() - size));
    while (boxes.some((b) => b.x === x && b.y === y) && x + size + 12 <= W() && y + size + 12 <= H()) {
      x += 12; // a second N: not exactly on top of the first
      y += 12;
    }
    add({ x, y, w: Math.min(size, W()), h: Math.min(size, H()), label: stage.active });
  }
  function nudge([dx, dy], step, resize) {
    const i = sel();
    const b = boxes[i];
    const next = resize
      ? { ...b, w: Math.round(clamp(b.w + dx * step, 1, Math.max(1, W() - b.x))), h: Math.round(clamp(b.h + dy * step, 1, Math.max(1, H() - b.y))) }
      : { ...b, x: Math.round(clamp(b.x + dx * step, 0, Math.max(0, W() - b.w))), y: Math.round(clamp(b.y + dy * step, 0, Math.max(0, H() - b.h))) };
    if (FIELDS.every((key) => next[key] === b[key])) return;
    const text = resize ? `Box ${i + 1} is ${next.w} × ${next.h}.` : `Box ${i + 1} at ${next.x}, ${next.y}.`;
    replace(i, next, text, `${resize ? "size" : "move"}:${i}`);
  }
  function restore(state, text) {
    if (state === undefined) {
      stage.say(`Nothing to ${text.toLowerCase()}.`);
      return;
    }
    boxes = state;
    lastTag = null;
    changed(`${text}.`);
  }
  const undo = () => restore(history.undo(boxes), "Undo");
  const redo = () => restore(history.redo(boxes), "Redo");

  // --- pointer gestures -------------------------------------------------------------------------

  function onPress(p, event) {
    const hit = event.target.closest?.("[data-index]");
    const i = hit && hit.dataset.index !== "" ? Number(hit.dataset.index) : null;
    if (readOnly) {
      if (i !== sel()) stage.select(i);
      return null;
    }
    const handle = event.target.dataset?.handle;
    if (handle && i === sel()) return resizing(i, handle);
    if (i !== null && !event.shiftKey) return moving(i, p);
    return drawing(p);
  }

  function drawing(p0) {
    const a = clampPoint(p0);
    return {
      move(p) {
        const q = clampPoint(p);
        draft = { ...spanned(a.x, a.y, q.x, q.y), label: stage.active };
        draw();
      },
      end() {
        const box = draft;
        draft = null;
        // A tiny drag (under 4 screen pixels either way) is a click that deselects, not a box.
        if (box && box.w * stage.scale >= 4 && box.h * stage.scale >= 4) add(box);
        else if (sel() !== null) stage.select(null);
        else draw();
      },
      cancel() {
        draft = null;
        draw();
      },
    };
  }

  function moving(i, p0) {
    const start = boxes;
    const b = boxes[i];
    let moved = false;
    if (sel() !== i) stage.select(i);
    return {
      move(p, _e, distance) {
        if (!moved && distance < 3) return;
        moved = true;
        const x = Math.round(clamp(b.x + p.x - p0.x, 0, Math.max(0, W() - b.w)));
        const y = Math.round(clamp(b.y + p.y - p0.y, 0, Math.max(0, H() - b.h)));
        boxes = start.map((o, j) => (j === i ? { ...b, x, y } : o));
        draw();
      },
      end() {
        if (!moved) return;
        record(null, start);
        changed(`Box ${i + 1} moved to ${boxes[i].x}, ${boxes[i].y}.`);
      },
      cancel() {
        boxes = start;
        draw();
      },
    };
  }

  function resizing(i, handle) {
    const start = boxes;
    const b = boxes[i];
    let [l, t, r, bottom] = [b.x, b.y, b.x + b.w, b.y + b.h];
    let moved = false;
    return {
      move(p, _e, distance) {
        if (!moved && distance < 2) return;
        moved = true;
        const q = clampPoint(p);
        if (handle.includes("w")) l = q.x;
        if (handle.includes("e")) r = q.x;
        if (handle.includes("n")) t = q.y;
        if (handle.includes("s")) bottom = q.y;
        boxes = start.map((o, j) => (j === i ? { ...spanned(l, t, r, bottom), label: b.label } : o));
        draw();
      },
      end() {
        if (!moved) return;
        record(null, start);
        changed(`Box ${i + 1} resized to ${boxes[i].w} × ${boxes[i].h}.`);
      },
      cancel() {
        boxes = start;
        draw();
      },
    };
  }

  // --- the widget -------------------------------------------------------------------------------

  function getValue() {
    return boxes.length ? boxes.map((b) => ({ x: b.x, y: b.y, w: b.w, h: b.h, label: b.label })) : null;
  }
  function setValue(answer) {
    stage.cancelGesture();
    boxes = boxesOf(answer);
    draft = null;
    history.clear();
    stage.select(null);
  }
  setValue(value);

  return {
    getValue,
    setValue,
    validate: () => problemOf(check, config, getValue(), data),
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
      const onButton = event.target?.tagName === "BUTTON";
      if (onButton && (event.key === "Enter" || event.key === " ")) return false;
      if (!readOnly && !event.altKey) {
        const arrow = ARROWS[event.key];
        if (arrow && sel() !== null && root.contains(event.target)) {
          nudge(arrow, event.shiftKey ? 10 : 1, event.ctrlKey || event.metaKey);
          return true;
        }
        if (!event.ctrlKey && !event.metaKey) {
          if (event.key === "n" || event.key === "N") {
            addInView();
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
