// spans: mark stretches of a text with labels (named entities, keywords, grammar errors).
// Mouse: drag over words (snapped out to whole words), double-click one word, click a span to
// select it. Keyboard: ←/→ move a word cursor, Shift extends, Enter or 1–9 marks, [ / ] step
// through spans. Touch: tap words (a second tap extends), then a label. Mirrors
// labelpool/controls/spans.py: offsets count code points (Python len), end exclusive.
import { AnswerError, controlHeader, digitOf, h, isTyping, listing, problemOf, quoted, typeName, uid } from "./common.js";
import { HISTORY_SHORTCUTS, History, keyOf } from "./history.js";

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f", "#bab0ac"];
// A word (letters, digits, marks; inner ' or - joins), an emoji (flags, ZWJ sequences) or any
// other non-space character alone: punctuation stays out of a name ("Paris." → "Paris"), yet a
// lone comma can still be marked.
const UNIT = /[\p{L}\p{N}\p{M}_]+(?:['’-][\p{L}\p{N}\p{M}_]+)*|\p{RI}{2}|\p{Extended_Pictographic}(?:[\uFE0F\p{EMod}]|\u200D\p{Extended_Pictographic})*|\S\p{M}*/gu;
const KEYS = ["start", "end", "label"];
const order = (a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
const cpLength = (s) => [...s].length;
const touch = () => window.matchMedia("(pointer: coarse)").matches;
const shortest = (x, y) => x.end - x.start - (y.end - y.start);

export const showsTarget = true;

export function check(config, answer, data) {
  const name = config.name;
  const fail = (problem) => {
    throw new AnswerError(name, problem);
  };
  if (!Array.isArray(answer)) fail(`expected a list of spans, got ${typeName(answer)}`);
  if (!answer.length) {
    if (config.required) fail("mark at least one span");
    return [];
  }
  const text = typeof data?.[config.target] === "string" ? data[config.target] : null;
  const size = text === null ? null : cpLength(text);
  const labels = config.labels.map((l) => l.value);
  const out = answer.map((span, index) => {
    const what = `span ${index + 1}`;
    if (!span || typeof span !== "object" || Array.isArray(span)) fail(`${what} should be an object, got ${typeName(span)}`);
    const missing = KEYS.filter((k) => !Object.hasOwn(span, k));
    if (missing.length) fail(`${what} is missing ${listing(missing)}`);
    const unknown = Object.keys(span).filter((k) => !KEYS.includes(k)).sort();
    if (unknown.length) fail(`${what} has unknown field(s) ${listing(unknown)} (${listing(KEYS)} allowed)`);
    const { start, end, label } = span;
    for (const [key, v] of [["start", start], ["end", end]]) {
      if (!Number.isInteger(v)) fail(`${what}: ${key} should be a character position, got ${quoted(v)}`);
    }
    if (start < 0) fail(`${what}: start (${start}) cannot be negative`);
    if (end <= start) fail(`${what}: end (${end}) must be after start (${start})`);
    if (size !== null && end > size) {
      fail(`${what} (characters ${start}-${end}) goes past the end of the text, which is ${size} characters long`);
    }
    if (!labels.includes(label)) fail(`${what}: ${quoted(label)} is not one of the labels ${listing(labels)}`);
    return { start, end, label };
  });
  out.sort(order);
  for (let i = 1; i < out.length; i += 1) {
    const [a, b] = [out[i - 1], out[i]];
    if (a.start === b.start && a.end === b.end && a.label === b.label) fail(`the span ${b.start}-${b.end} (${b.label}) is marked twice`);
  }
  if (!config.allow_overlap) {
    for (let i = 0; i + 1 < out.length; i += 1) {
      const [a, b] = [out[i], out[i + 1]]; // sorted by start: only neighbours can overlap first
      if (b.start < a.end) fail(`spans must not overlap: ${a.start}-${a.end} (${a.label}) and ${b.start}-${b.end} (${b.label})`);
    }
  }
  return out;
}

export function shortcuts(config) {
  const n = Math.min(config.labels.length, 9);
  return [
    ["← / →", "move the word cursor in the text"],
    ["Shift+← / →", "select words"],
    ["Home / End", "first / last word"],
    ["Enter", "mark the selected words (or the word at the cursor) with the active label"],
    [n > 1 ? `1–${n}` : "1", "mark the selection with that label; relabel the selected span; or choose the active label"],
    ["[ / ]", "select the previous / next span"],
    ["Delete / Backspace", "delete the selected span"],
    ["Esc", "deselect"],
    ...HISTORY_SHORTCUTS,
  ];
}

/** Dark or white text, whichever reads on a hex colour. */
function inkOn(color) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color || "");
  if (!m) return "#fff";
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 ? "#111722" : "#fff";
}

export function mount(root, config, { value, onChange, readOnly, data } = {}) {
  const labelId = uid("lbc");
  const raw = data?.[config.target];
  const text = typeof raw === "string" ? raw : raw == null ? "" : String(raw);
  const chars = [...text];
  const n = chars.length;
  const u16 = [0]; // u16[i]: where code point i starts in the UTF-16 string
  for (const c of chars) u16.push(u16[u16.length - 1] + c.length);
  const cpAt = new Map(u16.map((v, i) => [v, i]));
  const units = [...text.matchAll(UNIT)].map((m) => ({ s: cpAt.get(m.index), e: cpAt.get(m.index + m[0].length) }));
  const labels = config.labels.map((l, i) => ({ ...l, color: l.color || PALETTE[i % PALETTE.length], key: i < 9 ? i + 1 : null }));
  const labelOf = (v) => labels.find((l) => l.value === v) || { value: v, label: String(v), color: "#9aa5b4" };
  const paintLabel = (el, v) => {
    const l = labelOf(v);
    el.style.setProperty("--c", l.color);
    el.style.setProperty("--ink", inkOn(l.color));
    return el;
  };
  const clip = (p) => Math.max(0, Math.min(n, p));
  const snippet = (s, max = 60) => {
    const t = text.slice(u16[clip(s.start)], u16[clip(s.end)]).replace(/\s+/g, " ").trim();
    return t.length > max ? `${t.slice(0, max - 1)}…` : t;
  };
  const describe = (s) => `${labelOf(s.label).label} “${snippet(s)}”`;

  let spans = [];
  let selected = null; // a span of `spans`
  let cursor = 0; // a unit index
  let anchor = null; // with the cursor, the words selected by keys or taps
  let active = labels[0].value;
  let note = ""; // a refusal, shown until the next action
  let segs = [];
  let pointer = "mouse";
  const history = new History();

  const live = h("p", { class: "sr-only", "aria-live": "polite" });
  const chips = labels.map((l) => {
    const chip = paintLabel(
      h(
        "button",
        { type: "button", class: "lbc-sp-chip", tabindex: "-1", disabled: readOnly, "aria-pressed": "false", "aria-keyshortcuts": l.key ?? false },
        h("span", { class: "lbc-sp-swatch", "aria-hidden": "true" }),
        h("span", {}, l.label),
        l.key ? h("span", { class: "lb-kbd", "aria-hidden": "true" }, String(l.key)) : null,
      ),
      l.value,
    );
    chip.addEventListener("mousedown", (e) => e.preventDefault()); // keep focus and the text selection
    chip.addEventListener("click", () => useLabel(l.value));
    return chip;
  });
  const textEl = h("div", {
    class: "lbc-sp-text",
    tabindex: "0",
    role: "group",
    "aria-labelledby": labelId,
    "aria-describedby": `${labelId}-how`,
  });
  const tools = h("div", { class: "lbc-sp-tools" });
  const count = h("span", { class: "lbc-sp-count" });
  const list = h("ol", { class: "lbc-sp-list", "aria-label": "Marked spans" });
  const listBox = h("div", { class: "lbc-sp-listbox" }, count, list);
  const how = readOnly
    ? "The marked spans (read only)."
    : "Select words with the mouse, or move with ← / → and Shift, then Enter or a number key. Click a span to relabel or delete it.";
  root.append(
    ...controlHeader(config, labelId),
    h("p", { class: "lbc-help sr-only", id: `${labelId}-how` }, how),
    h("div", { class: "lbc-sp-labels", role: "group", "aria-label": "Labels" }, chips),
    tools,
    textEl,
    listBox,
    live,
  );

  function say(words) {
    live.textContent = "";
    live.textContent = words;
  }

  function pending() {
    if (anchor === null || !units.length) return null;
    const [a, b] = [Math.min(anchor, cursor), Math.max(anchor, cursor)];
    return { first: a, last: b, start: units[a].s, end: units[b].e };
  }

  // --- drawing ---------------------------------------------------------------------------

  function build() {
    const cuts = new Set([0, n]);
    for (const u of units) cuts.add(u.s).add(u.e);
    for (const s of spans) cuts.add(clip(s.start)).add(clip(s.end));
    const points = [...cuts].sort((a, b) => a - b);
    textEl.replaceChildren();
    segs = [];
    let unit = 0;
    for (let i = 0; i + 1 < points.length; i += 1) {
      const [a, b] = [points[i], points[i + 1]];
      while (unit < units.length && units[unit].e <= a) unit += 1;
      const seg = h("span", { class: "lbc-sp-seg" }, text.slice(u16[a], u16[b]));
      Object.assign(seg, { s: a, e: b, unit: unit < units.length && units[unit].s <= a ? unit : -1 });
      seg.cover = spans.filter((s) => s.start < b && a < s.end).sort(shortest);
      textEl.append(seg);
      segs.push(seg);
      for (const s of spans.filter((x) => clip(x.end) === b && clip(x.start) < b).sort(shortest)) {
        const tag = paintLabel(h("span", { class: "lbc-sp-tag", "aria-hidden": "true" }, labelOf(s.label).label), s.label);
        Object.assign(tag, { at: b, span: s });
        textEl.append(tag);
      }
    }
    if (!n) textEl.append(h("span", { class: "lbc-sp-empty" }, `This item has no text to mark (field ${config.target}).`));
    paint();
  }

  function paint() {
    const p = pending();
    for (const seg of segs) {
      const sel = selected && seg.cover.includes(selected) ? selected : null;
      const top = sel || seg.cover[0];
      const shadows = seg.cover.map((s, k) => `inset 0 -${(k + 1) * 3}px 0 ${labelOf(s.label).color}`);
      if (sel) {
        const c = labelOf(sel.label).color;
        shadows.unshift(`inset 0 2px 0 ${c}`);
        if (seg.s === clip(sel.start)) shadows.unshift(`inset 2px 0 0 ${c}`);
        if (seg.e === clip(sel.end)) shadows.unshift(`inset -2px 0 0 ${c}`);
      }
      seg.style.boxShadow = shadows.join(", ");
      seg.style.paddingBottom = seg.cover.length > 1 ? `${seg.cover.length * 3 - 2}px` : "";
      if (top) seg.style.setProperty("--c", labelOf(top.label).color);
      seg.className = [
        "lbc-sp-seg",
        top && "is-marked",
        sel && "is-selected",
        p && seg.s >= p.start && seg.e <= p.end && "is-pending",
        seg.unit === cursor && seg.unit >= 0 && "is-cursor",
      ]
        .filter(Boolean)
        .join(" ");
    }
    for (const tag of textEl.querySelectorAll(".lbc-sp-tag")) tag.classList.toggle("is-selected", tag.span === selected);
    chips.forEach((chip, i) => chip.setAttribute("aria-pressed", String(labels[i].value === active)));
    drawTools();
    drawList();
  }

  function button(label, action, key = null, extra = "") {
    const b = h("button", { type: "button", class: `btn btn-small ${extra || "btn-secondary"}`, tabindex: "-1" }, label, key ? h("span", { class: `lb-kbd${extra === "btn-primary" ? " lb-kbd-on-accent" : ""}`, "aria-hidden": "true" }, key) : null);
    b.addEventListener("mousedown", (e) => e.preventDefault());
    b.addEventListener("click", action);
    return b;
  }

  function drawTools() {
    const parts = [];
    const p = pending();
    const n9 = Math.min(labels.length, 9);
    const keys = n9 > 1 ? `1–${n9}` : "1";
    if (note) parts.push(h("span", { class: "lbc-sp-note" }, note));
    if (selected) {
      parts.push(
        paintLabel(h("span", { class: "lbc-sp-pill" }, labelOf(selected.label).label), selected.label),
        h("q", { class: "lbc-sp-quote" }, snippet(selected, 80)),
      );
      if (!readOnly) parts.push(button("Delete", () => remove(selected), "Del", "btn-danger"), h("span", { class: "lbc-sp-hint" }, `${keys} or a label relabels · Esc deselects`));
    } else if (p && !readOnly) {
      parts.push(
        h("q", { class: "lbc-sp-quote" }, snippet(p, 80)),
        button(`Mark as ${labelOf(active).label}`, () => markPending(active), "Enter", "btn-primary"),
        button("Cancel", clear, "Esc", "btn-ghost"),
        h("span", { class: "lbc-sp-hint" }, `or ${keys} / a label`),
      );
    } else if (!note) {
      const l = labelOf(active);
      parts.push(
        h(
          "span",
          { class: "lbc-sp-hint" },
          readOnly
            ? `${spans.length} span${spans.length === 1 ? "" : "s"} marked.`
            : touch()
              ? "Tap a word (a second tap extends), then a label."
              : ["Select words to mark them as ", paintLabel(h("span", { class: "lbc-sp-pill" }, l.label), l.value), " — or ← / →, Shift, Enter."],
        ),
      );
    }
    tools.replaceChildren(...parts);
    tools.dataset.tone = note ? "danger" : "";
  }

  function drawList() {
    listBox.hidden = !spans.length;
    count.textContent = `${spans.length} span${spans.length === 1 ? "" : "s"}`;
    list.replaceChildren(
      ...spans.map((s, i) => {
        const row = h(
          "button",
          { type: "button", class: "lbc-sp-row", tabindex: "-1", "aria-pressed": String(s === selected), "aria-label": `Span ${i + 1}: ${describe(s)}` },
          paintLabel(h("span", { class: "lbc-sp-pill" }, labelOf(s.label).label), s.label),
          h("span", { class: "lbc-sp-snippet" }, snippet(s)),
        );
        row.addEventListener("click", () => select(s, true));
        const del = readOnly ? null : h("button", { type: "button", class: "lbc-sp-del", tabindex: "-1", title: "Delete", "aria-label": `Delete span ${i + 1}: ${describe(s)}` }, "×");
        del?.addEventListener("click", () => remove(s));
        return h("li", { class: s === selected ? "is-selected" : "" }, row, del);
      }),
    );
  }

  function reveal(span) {
    const seg = span ? segs.find((x) => x.cover.includes(span)) : segs.find((x) => x.unit === cursor);
    seg?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  }

  // --- changes -----------------------------------------------------------------------------

  function commit(change, words) {
    history.record(spans);
    change();
    spans.sort(order);
    note = "";
    build();
    say(words);
    onChange?.(getValue());
  }

  function refuse(words, clash = null) {
    note = words;
    if (clash) selected = clash; // the span in the way, ready to relabel or delete
    anchor = null;
    paint();
    say(words);
  }

  function mark(first, last, label) {
    const start = units[first].s;
    const end = units[last].e;
    const quote = `“${snippet({ start, end })}”`;
    const twin = spans.find((s) => s.start === start && s.end === end && s.label === label);
    if (twin) return select(twin); // a double-click on a marked word, Enter on one
    const clashes = config.allow_overlap ? [] : spans.filter((s) => s.start < end && start < s.end);
    if (clashes.length === 1 && clashes[0].start === start && clashes[0].end === end) return relabel(clashes[0], label);
    if (clashes.length) {
      return refuse(`Not marked: ${quote} overlaps ${describe(clashes[0])}, and spans may not overlap. Relabel or delete that span (selected) first.`, clashes[0]);
    }
    selected = null;
    anchor = null;
    cursor = Math.min(last + 1, units.length - 1);
    const span = { start, end, label };
    commit(() => spans.push(span), `Span ${spans.length + 1} (${labelOf(label).label}) added: ${quote}.`);
  }

  function markPending(label) {
    const p = pending();
    if (p) mark(p.first, p.last, label);
  }

  function relabel(span, label) {
    if (span.label === label) return;
    const twin = spans.find((s) => s !== span && s.start === span.start && s.end === span.end && s.label === label);
    if (twin) return refuse(`Already marked: ${describe(twin)}.`, twin);
    const before = describe(span);
    selected = span;
    anchor = null;
    commit(() => (span.label = label), `${before} relabelled ${labelOf(label).label}.`);
  }

  function remove(span) {
    if (!span || readOnly) return;
    const words = `Span deleted: ${describe(span)}.`;
    selected = null;
    commit(() => (spans = spans.filter((s) => s !== span)), words);
    textEl.focus({ preventScroll: true });
  }

  function useLabel(value) {
    if (readOnly) return;
    if (selected) relabel(selected, value);
    else if (pending()) markPending(value);
    else {
      active = value;
      note = "";
      paint();
      say(`Active label: ${labelOf(value).label}.`);
    }
  }

  function select(span, focusText = false) {
    selected = span;
    anchor = null;
    note = "";
    const i = units.findIndex((u) => u.e > span.start);
    if (i >= 0) cursor = i;
    paint();
    reveal(span);
    if (focusText) textEl.focus({ preventScroll: true });
    say(`Span ${spans.indexOf(span) + 1} of ${spans.length}: ${describe(span)}.${readOnly ? "" : " A number relabels it, Delete deletes it."}`);
  }

  function clear() {
    selected = null;
    anchor = null;
    note = "";
    paint();
  }

  function step(direction) {
    if (!spans.length) return say("No spans yet.");
    let i;
    if (selected) i = spans.indexOf(selected) + direction;
    else {
      const at = units[cursor]?.s ?? 0;
      i = direction > 0 ? spans.findIndex((s) => s.start >= at) : spans.findLastIndex((s) => s.start < at);
    }
    if (i < 0 || i >= spans.length) return say(direction > 0 ? "No span after this one." : "No span before this one.");
    select(spans[i]);
  }

  function moveTo(to, extend) {
    if (!units.length) return;
    if (extend && anchor === null) anchor = cursor;
    if (!extend) anchor = null;
    cursor = Math.max(0, Math.min(units.length - 1, to));
    selected = null;
    note = "";
    paint();
    reveal(null);
    const u = units[cursor];
    const inside = spans.filter((s) => s.start < u.e && u.s < s.end).map(describe);
    const p = pending();
    say(p ? `Selected “${snippet(p)}”.` : `“${snippet({ start: u.s, end: u.e })}”${inside.length ? `, in ${inside.join(" and ")}` : ""}.`);
  }

  function undoRedo(which) {
    const state = which === "undo" ? history.undo(spans) : history.redo(spans);
    if (state === undefined) return false;
    spans = state;
    selected = null;
    anchor = null;
    note = "";
    build();
    say(`${which === "undo" ? "Undone" : "Redone"}: ${spans.length} span${spans.length === 1 ? "" : "s"}.`);
    onChange?.(getValue());
    return true;
  }

  // --- the mouse, touch and the DOM selection ---------------------------------------------

  /** The code point offset of a DOM position inside the text. */
  function pointOf(node, offset) {
    if (node === textEl) {
      const child = textEl.childNodes[offset];
      return child ? (child.s ?? child.at ?? n) : n;
    }
    let child = node;
    while (child && child.parentNode !== textEl) child = child.parentNode;
    if (!child) return null;
    if (child.s === undefined) return child.at ?? 0; // a label tag: where its span ends
    if (node.nodeType === Node.TEXT_NODE) return child.s + cpLength(node.data.slice(0, offset));
    return offset === 0 ? child.s : child.e;
  }

  /** The words (first, last unit) a DOM selection touches, or null. */
  function domWords() {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
    const r = sel.getRangeAt(0);
    if (!r.intersectsNode(textEl)) return null;
    const a = textEl.contains(r.startContainer) ? pointOf(r.startContainer, r.startOffset) : 0;
    const b = textEl.contains(r.endContainer) ? pointOf(r.endContainer, r.endOffset) : n;
    const first = units.findIndex((u) => u.e > a);
    const last = units.findLastIndex((u) => u.s < b);
    return first >= 0 && last >= first ? { first, last } : null;
  }

  function clicked(target) {
    const tag = target.closest?.(".lbc-sp-tag");
    if (tag) return select(tag.span);
    const seg = target.closest?.(".lbc-sp-seg");
    if (!seg) return;
    if (seg.cover.length) return select(seg.cover[(seg.cover.indexOf(selected) + 1) % seg.cover.length]); // again: the next overlapping one
    let unit = seg.unit >= 0 ? seg.unit : units.findIndex((u) => u.s >= seg.e);
    if (unit < 0) unit = units.length - 1;
    selected = null;
    note = "";
    if (pointer === "touch" && !readOnly) {
      // A tap picks a word, a second tap extends to another, a tap on the lone pick drops it.
      if (anchor === null) anchor = unit;
      else if (anchor === unit && cursor === unit) anchor = null;
    } else anchor = null;
    cursor = unit;
    paint();
  }

  function onUp(event) {
    const words = domWords();
    if (words) {
      if (pointer === "touch") return; // the handles may still move: the toolbar's Mark does it
      window.getSelection().removeAllRanges();
      if (!readOnly) mark(words.first, words.last, active);
      return;
    }
    if (textEl.contains(event.target)) clicked(event.target);
  }

  textEl.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    pointer = event.pointerType;
    root.classList.remove("is-keys");
    document.addEventListener("pointerup", onUp, { once: true });
  });

  let connected = false;
  const onSelection = () => {
    if (!root.isConnected) {
      if (connected) document.removeEventListener("selectionchange", onSelection); // the task is gone
      return;
    }
    connected = true;
    const words = readOnly ? null : domWords();
    if (!words) return;
    [anchor, cursor, selected, note] = [words.first, words.last, null, ""];
    paint(); // the snapped words show while dragging
  };
  document.addEventListener("selectionchange", onSelection);

  // --- the contract --------------------------------------------------------------------------

  function getValue() {
    return spans.length ? spans.map(({ start, end, label }) => ({ start, end, label })) : null;
  }

  function setValue(answer) {
    const ok = (s) => s && typeof s === "object" && Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start < s.end;
    spans = (Array.isArray(answer) ? answer.filter(ok) : []).map(({ start, end, label }) => ({ start, end, label })).sort(order);
    history.clear();
    selected = null;
    anchor = null;
    note = "";
    build();
  }

  setValue(value);
  return {
    getValue,
    setValue,
    validate: () => problemOf(check, config, getValue(), data),
    focus: () => textEl.focus(),
    handleKey(event) {
      if (readOnly || isTyping(event)) return false;
      const inside = root.contains(event.target);
      const inText = event.target === textEl;
      const which = keyOf(event);
      if (which) return undoRedo(which);
      const digit = digitOf(event);
      if (digit !== null) {
        if (!labels[digit - 1]) return false;
        useLabel(labels[digit - 1].value);
        return true;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return false;
      const key = event.key;
      if (key === "[" || key === "]") {
        step(key === "]" ? 1 : -1);
        return true;
      }
      if (key === "Escape") {
        if (!selected && anchor === null && !note) return false;
        clear();
        say("Deselected.");
        return true;
      }
      if ((key === "Delete" || key === "Backspace") && inside && selected) {
        remove(selected);
        return true;
      }
      if (!inText || !units.length) return false;
      root.classList.add("is-keys");
      const moves = { ArrowLeft: cursor - 1, ArrowRight: cursor + 1, Home: 0, End: units.length - 1 };
      if (key in moves) {
        moveTo(moves[key], event.shiftKey);
        return true;
      }
      if (key === "Enter") {
        if (selected) return true;
        if (pending()) markPending(active);
        else mark(cursor, cursor, active);
        return true;
      }
      return false;
    },
  };
}
