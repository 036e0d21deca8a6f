// spans: mark stretches of a text with labels (named entities, keywords, grammar errors).
// Mouse: drag over words (snapped out to whole words), double-click a word, click a span to
// select it. Keys: ←/→ move a word cursor, Shift extends, Enter or 1–9 marks, [ / ] select
// spans. Touch: tap words (a second tap extends), then a label. Mirrors
// labelpool/controls/spans.py: offsets count code points (Python len), end exclusive.
import { AnswerError, controlHeader, digitOf, h, isTyping, listing, problemOf, quoted, typeName, uid } from "./common.js";
import { HISTORY_SHORTCUTS, History, keyOf } from "./history.js";

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f", "#bab0ac"];
// A word (letters, digits, marks; an inner ' or - joins), an emoji (flags, ZWJ sequences) or any
// other non-space character alone: "Paris." marks as "Paris", yet a lone comma can be marked.
const UNIT = /[\p{L}\p{N}\p{M}_]+(?:['’-][\p{L}\p{N}\p{M}_]+)*|\p{RI}{2}|\p{Extended_Pictographic}(?:[\uFE0F\p{EMod}]|\u200D\p{Extended_Pictographic})*|\S\p{M}*/gu;
const KEYS = ["start", "end", "label"];
const order = (a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
const shortest = (a, b) => a.end - a.start - (b.end - b.start);
const plural = (k, word) => `${k} ${word}${k === 1 ? "" : "s"}`;

export const showsTarget = true;

export function check(config, answer, data) {
  const fail = (problem) => {
    throw new AnswerError(config.name, problem);
  };
  if (!Array.isArray(answer)) fail(`expected a list of spans, got ${typeName(answer)}`);
  if (!answer.length) {
    if (config.required) fail("mark at least one span");
    return [];
  }
  const text = data?.[config.target];
  const size = typeof text === "string" ? [...text].length : null;
  const labels = config.labels.map((l) => l.value);
  const out = answer.map((span, i) => {
    const what = `span ${i + 1}`;
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
    if (size !== null && end > size) fail(`${what} (characters ${start}-${end}) goes past the end of the text, which is ${size} characters long`);
    if (!labels.includes(label)) fail(`${what}: ${quoted(label)} is not one of the labels ${listing(labels)}`);
    return { start, end, label };
  });
  out.sort(order);
  const name = (s) => `${s.start}-${s.end} (${s.label})`;
  for (let i = 1; i < out.length; i += 1) if (!order(out[i - 1], out[i])) fail(`the span ${name(out[i])} is marked twice`);
  // Sorted by start, a span overlapping any other overlaps its next one first (as the server finds it).
  for (let i = 1; i < out.length && !config.allow_overlap; i += 1) {
    if (out[i].start < out[i - 1].end) fail(`spans must not overlap: ${name(out[i - 1])} and ${name(out[i])}`);
  }
  return out;
}

export function shortcuts(config) {
  const n = Math.min(config.labels.length, 9);
  return [
    ["← / →", "move the word cursor"],
    ["Shift+← / →", "select words"],
    ["Home / End", "first / last word"],
    ["Enter", "mark the selected words (or the cursor's word) with the active label"],
    [n > 1 ? `1–${n}` : "1", "mark the selection with that label, relabel the selected span, or choose the active label"],
    ["[ / ]", "select the previous / next span"],
    ["Delete / Backspace", "delete the selected span"],
    ["Esc", "deselect"],
    ...HISTORY_SHORTCUTS,
  ];
}

/** Dark or white text, whichever reads on a (hex) colour. */
function inkOn(color) {
  let hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color || "")?.[1];
  if (!hex) return "#fff";
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join("");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 ? "#111722" : "#fff";
}

export function mount(root, config, { value, onChange, readOnly, data } = {}) {
  const labelId = uid("lbc");
  const raw = data?.[config.target];
  const text = typeof raw === "string" ? raw : raw == null ? "" : String(raw);
  const u16 = [0]; // u16[i]: where code point i starts in the (UTF-16) string
  for (const c of text) u16.push(u16[u16.length - 1] + c.length);
  const n = u16.length - 1;
  const cpAt = new Map(u16.map((v, i) => [v, i]));
  const units = [...text.matchAll(UNIT)].map((m) => ({ s: cpAt.get(m.index), e: cpAt.get(m.index + m[0].length) }));
  const labels = config.labels.map((l, i) => ({ ...l, color: l.color || PALETTE[i % PALETTE.length], key: i < 9 ? i + 1 : null }));
  const labelOf = (v) => labels.find((l) => l.value === v) || { value: v, label: String(v), color: "#9aa5b4" };
  const clip = (p) => Math.max(0, Math.min(n, p));
  const snippet = (s, max = 60) => {
    const t = text.slice(u16[clip(s.start)], u16[clip(s.end)]).replace(/\s+/g, " ").trim();
    return t.length > max ? `${t.slice(0, max - 1)}…` : t;
  };
  const describe = (s) => `${labelOf(s.label).label} “${snippet(s)}”`;
  const coloured = (el, v) => {
    el.style.setProperty("--c", labelOf(v).color);
    el.style.setProperty("--ink", inkOn(labelOf(v).color));
    return el;
  };
  const pill = (v) => coloured(h("span", { class: "lbc-sp-pill" }, labelOf(v).label), v);
  const kbd = (key, extra = "") => h("span", { class: `lb-kbd${extra}`, "aria-hidden": "true" }, key);
  const digits = labels.length > 1 ? `1–${Math.min(labels.length, 9)}` : "1";

  let spans = [];
  let selected = null; // one of `spans`
  let cursor = 0; // a unit index
  let anchor = null; // with the cursor: the words selected by keys or taps
  let active = labels[0].value;
  let note = ""; // a refusal, shown until the next action
  let segs = [];
  let pointer = "mouse";
  const history = new History();

  const live = h("p", { class: "sr-only", "aria-live": "polite" });
  // Chips and buttons keep the focus (and the text selection) where it is, and stay out of Tab.
  const button = (attrs, content, action) => {
    const b = h("button", { type: "button", tabindex: "-1", ...attrs }, content);
    b.addEventListener("mousedown", (e) => e.preventDefault());
    b.addEventListener("click", action);
    return b;
  };
  const chips = labels.map((l) =>
    coloured(
      button(
        { class: "lbc-sp-chip", disabled: readOnly, "aria-pressed": "false", "aria-keyshortcuts": l.key ?? false },
        [h("span", { class: "lbc-sp-swatch" }), h("span", {}, l.label), l.key && kbd(String(l.key))],
        () => useLabel(l.value),
      ),
      l.value,
    ),
  );
  const textEl = h("div", { class: "lbc-sp-text", tabindex: "0", role: "group", "aria-labelledby": labelId, "aria-describedby": `${labelId}-how` });
  const tools = h("div", { class: "lbc-sp-tools" });
  const count = h("span", { class: "lbc-sp-count" });
  const list = h("ol", { class: "lbc-sp-list", "aria-label": "Marked spans" });
  const listBox = h("div", { class: "lbc-sp-listbox" }, count, list);
  const how = readOnly ? "Read only." : "Select words with the mouse, or ← / → with Shift, then Enter or a number key. Click a span to relabel or delete it.";
  root.append(
    ...controlHeader(config, labelId),
    h("p", { class: "sr-only", id: `${labelId}-how` }, how),
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
    const [first, last] = [Math.min(anchor, cursor), Math.max(anchor, cursor)];
    return { first, last, start: units[first].s, end: units[last].e };
  }

  // --- drawing: every word and gap is an element with its code point range (s, e) -------------

  function build() {
    const cuts = new Set([0, n]);
    for (const u of units) cuts.add(u.s).add(u.e);
    for (const s of spans) cuts.add(clip(s.start)).add(clip(s.end));
    const points = [...cuts].sort((a, b) => a - b);
    textEl.replaceChildren();
    segs = [];
    let unit = 0;
    for (let i = 1; i < points.length; i += 1) {
      const [a, b] = [points[i - 1], points[i]];
      while (unit < units.length && units[unit].e <= a) unit += 1;
      const seg = Object.assign(h("span", { class: "lbc-sp-seg" }, text.slice(u16[a], u16[b])), {
        s: a,
        e: b,
        unit: units[unit]?.s <= a ? unit : -1,
        cover: spans.filter((s) => s.start < b && a < s.end).sort(shortest),
      });
      textEl.append(seg);
      segs.push(seg);
      // The label tags (innermost first) after a span's end; not part of the text's offsets.
      for (const s of spans.filter((x) => clip(x.end) === b && clip(x.start) < b).sort(shortest)) {
        textEl.append(Object.assign(coloured(h("span", { class: "lbc-sp-tag", "aria-hidden": "true" }, labelOf(s.label).label), s.label), { at: b, span: s }));
      }
    }
    if (!n) textEl.append(h("span", { class: "lbc-sp-empty" }, `This item has no text to mark (field ${config.target}).`));
    paint();
  }

  function paint() {
    const p = pending();
    for (const seg of segs) {
      const sel = seg.cover.includes(selected) ? selected : null;
      const top = sel || seg.cover[0];
      // One underline per covering span, stacked; the selected span boxed in its colour.
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
      seg.classList.toggle("is-marked", Boolean(top));
      seg.classList.toggle("is-selected", Boolean(sel));
      seg.classList.toggle("is-pending", Boolean(p && seg.s >= p.start && seg.e <= p.end));
      seg.classList.toggle("is-cursor", seg.unit >= 0 && seg.unit === cursor);
    }
    for (const tag of textEl.querySelectorAll(".lbc-sp-tag")) tag.classList.toggle("is-selected", tag.span === selected);
    chips.forEach((chip, i) => chip.setAttribute("aria-pressed", String(!readOnly && labels[i].value === active)));
    drawTools(p);
    drawList();
  }

  function drawTools(p) {
    const parts = note ? [h("span", { class: "lbc-sp-note" }, note)] : [];
    const action = (label, run, key, kind) => button({ class: `btn btn-small ${kind}` }, [label, kbd(key, kind === "btn-primary" ? " lb-kbd-on-accent" : "")], run);
    const hint = (...words) => h("span", { class: "lbc-sp-hint" }, ...words);
    if (selected) {
      parts.push(pill(selected.label), h("q", { class: "lbc-sp-quote" }, snippet(selected, 80)));
      if (!readOnly) parts.push(action("Delete", () => remove(selected), "Del", "btn-danger"), hint(`${digits} or a label relabels · Esc deselects`));
    } else if (p && !readOnly) {
      parts.push(
        h("q", { class: "lbc-sp-quote" }, snippet(p, 80)),
        action(`Mark as ${labelOf(active).label}`, () => markPending(active), "Enter", "btn-primary"),
        action("Cancel", clear, "Esc", "btn-ghost"),
        hint(`or ${digits} / a label`),
      );
    } else if (readOnly) parts.push(hint(`${plural(spans.length, "span")} marked.`));
    else if (!note) {
      const touch = window.matchMedia("(pointer: coarse)").matches;
      parts.push(touch ? hint("Tap a word (a second tap extends), then a label.") : hint("Select words to mark them as ", pill(active), " — or ← / →, Shift, Enter."));
    }
    tools.replaceChildren(...parts);
  }

  function drawList() {
    listBox.hidden = !spans.length;
    count.textContent = plural(spans.length, "span");
    list.replaceChildren(
      ...spans.map((s, i) =>
        h(
          "li",
          { class: s === selected ? "is-selected" : "" },
          button({ class: "lbc-sp-row", "aria-pressed": String(s === selected), "aria-label": `Span ${i + 1}: ${describe(s)}` }, [pill(s.label), h("span", { class: "lbc-sp-snippet" }, snippet(s))], () =>
            select(s, true),
          ),
          !readOnly && button({ class: "lbc-sp-del", title: "Delete", "aria-label": `Delete span ${i + 1}: ${describe(s)}` }, "×", () => remove(s)),
        ),
      ),
    );
  }

  function reveal(span) {
    (span ? segs.find((x) => x.cover.includes(span)) : segs.find((x) => x.unit === cursor))?.scrollIntoView({ block: "nearest" });
  }

  // --- changes ---------------------------------------------------------------------------------

  function commit(change, words) {
    history.record(spans);
    change();
    spans.sort(order);
    note = "";
    build();
    say(words);
    onChange?.(getValue());
  }

  function refuse(words, clash) {
    [note, selected, anchor] = [words, clash, null]; // the span in the way: ready to relabel or delete
    paint();
    say(words);
  }

  function mark(first, last, label) {
    const [start, end] = [units[first].s, units[last].e];
    const twin = spans.find((s) => s.start === start && s.end === end && s.label === label);
    if (twin) return select(twin); // a double-click on a marked word, Enter on one
    const clashes = config.allow_overlap ? [] : spans.filter((s) => s.start < end && start < s.end);
    if (clashes.length === 1 && clashes[0].start === start && clashes[0].end === end) return relabel(clashes[0], label);
    const quote = `“${snippet({ start, end })}”`;
    if (clashes.length) return refuse(`Not marked: ${quote} overlaps ${describe(clashes[0])}, and spans may not overlap. Relabel or delete that span (selected) first.`, clashes[0]);
    [selected, anchor, cursor] = [null, null, Math.min(last + 1, units.length - 1)];
    commit(() => spans.push({ start, end, label }), `Span ${spans.length + 1} (${labelOf(label).label}) added: ${quote}.`);
  }

  function markPending(label) {
    const p = pending();
    if (p) mark(p.first, p.last, label);
  }

  function relabel(span, label) {
    if (span.label === label) return;
    const twin = spans.find((s) => s.start === span.start && s.end === span.end && s.label === label);
    if (twin) return refuse(`Already marked: ${describe(twin)}.`, twin);
    const before = describe(span);
    [selected, anchor] = [span, null];
    commit(() => (span.label = label), `${before} relabelled ${labelOf(label).label}.`);
  }

  function remove(span) {
    if (!span || readOnly) return;
    const words = `Span deleted: ${describe(span)}.`;
    selected = null;
    commit(() => (spans = spans.filter((s) => s !== span)), words);
    textEl.focus({ preventScroll: true });
  }

  function useLabel(v) {
    if (readOnly) return;
    if (selected) return relabel(selected, v);
    if (pending()) return markPending(v);
    [active, note] = [v, ""];
    paint();
    say(`Active label: ${labelOf(v).label}.`);
  }

  function select(span, focusText = false) {
    [selected, anchor, note] = [span, null, ""];
    const i = units.findIndex((u) => u.e > span.start);
    if (i >= 0) cursor = i;
    paint();
    reveal(span);
    if (focusText) textEl.focus({ preventScroll: true });
    say(`Span ${spans.indexOf(span) + 1} of ${spans.length}: ${describe(span)}.${readOnly ? "" : " A number relabels it, Delete deletes it."}`);
  }

  function clear() {
    [selected, anchor, note] = [null, null, ""];
    paint();
  }

  function step(direction) {
    if (!spans.length) return say("No spans yet.");
    const at = units[cursor]?.s ?? 0;
    const i = selected ? spans.indexOf(selected) + direction : direction > 0 ? spans.findIndex((s) => s.start >= at) : spans.findLastIndex((s) => s.start < at);
    if (i < 0 || i >= spans.length) return say(direction > 0 ? "No span after this one." : "No span before this one.");
    select(spans[i]);
  }

  function moveTo(to, extend) {
    if (extend && anchor === null) anchor = cursor;
    if (!extend) anchor = null;
    [cursor, selected, note] = [Math.max(0, Math.min(units.length - 1, to)), null, ""];
    paint();
    reveal(null);
    const [u, p] = [units[cursor], pending()];
    const inside = spans.filter((s) => s.start < u.e && u.s < s.end).map(describe);
    say(p ? `Selected “${snippet(p)}”.` : `“${snippet({ start: u.s, end: u.e })}”${inside.length ? `, in ${inside.join(" and ")}` : ""}.`);
  }

  function undoRedo(which) {
    const state = which === "undo" ? history.undo(spans) : history.redo(spans);
    if (state === undefined) return false;
    [spans, selected, anchor, note] = [state, null, null, ""];
    build();
    say(`${which === "undo" ? "Undone" : "Redone"}: ${plural(spans.length, "span")}.`);
    onChange?.(getValue());
    return true;
  }

  // --- the mouse, touch and the DOM selection --------------------------------------------------

  /** The code point offset of a DOM position inside the text. */
  function pointOf(node, offset) {
    if (node === textEl) {
      const child = textEl.childNodes[offset];
      return child ? (child.s ?? child.at ?? n) : n;
    }
    let child = node;
    while (child.parentNode !== textEl) child = child.parentNode;
    if (child.s === undefined) return child.at ?? 0; // in a label tag: where its span ends
    if (node.nodeType === Node.TEXT_NODE) return child.s + [...node.data.slice(0, offset)].length;
    return offset ? child.e : child.s;
  }

  /** The words (first, last unit) a DOM selection touches, or null. */
  function domWords() {
    const sel = window.getSelection();
    if (!sel?.rangeCount || sel.isCollapsed) return null;
    const r = sel.getRangeAt(0);
    if (!r.intersectsNode(textEl)) return null;
    const a = textEl.contains(r.startContainer) ? pointOf(r.startContainer, r.startOffset) : 0;
    const b = textEl.contains(r.endContainer) ? pointOf(r.endContainer, r.endOffset) : n;
    const [first, last] = [units.findIndex((u) => u.e > a), units.findLastIndex((u) => u.s < b)];
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
    [selected, note] = [null, ""];
    // A tap picks a word, a tap on another extends to it, a tap on the lone pick drops it.
    if (pointer !== "touch" || readOnly) anchor = null;
    else if (anchor === null) anchor = unit;
    else if (anchor === unit && cursor === unit) anchor = null;
    cursor = unit;
    paint();
  }

  function onUp(event) {
    const words = domWords();
    if (!words) return textEl.contains(event.target) && clicked(event.target);
    if (pointer === "touch") return; // its handles may still move: the toolbar's Mark marks it
    window.getSelection().removeAllRanges();
    if (!readOnly) mark(words.first, words.last, active);
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

  // --- the contract ----------------------------------------------------------------------------

  function getValue() {
    return spans.length ? spans.map(({ start, end, label }) => ({ start, end, label })) : null;
  }

  function setValue(answer) {
    // Kept even when invalid (past the end, overlapping): validate() then says what the server would.
    const ok = (s) => s && Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start < s.end;
    spans = (Array.isArray(answer) ? answer.filter(ok) : []).map(({ start, end, label }) => ({ start, end, label })).sort(order);
    history.clear();
    [selected, anchor, note] = [null, null, ""];
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
      const which = keyOf(event);
      if (which) return undoRedo(which);
      const digit = digitOf(event);
      if (digit !== null) {
        if (!labels[digit - 1]) return false;
        useLabel(labels[digit - 1].value);
        return true;
      }
      const key = event.key;
      if (event.ctrlKey || event.metaKey || event.altKey) return false;
      if (key === "[" || key === "]") return step(key === "]" ? 1 : -1) || true;
      if (key === "Escape") {
        if (!selected && anchor === null && !note) return false;
        clear();
        say("Deselected.");
        return true;
      }
      if ((key === "Delete" || key === "Backspace") && selected && root.contains(event.target)) return remove(selected) || true;
      // The rest only in the text: elsewhere arrows scroll and Enter presses buttons.
      if (event.target !== textEl || !units.length) return false;
      root.classList.add("is-keys");
      const moves = { ArrowLeft: cursor - 1, ArrowRight: cursor + 1, Home: 0, End: units.length - 1 };
      if (key in moves) return moveTo(moves[key], event.shiftKey) || true;
      if (key !== "Enter") return false;
      if (pending()) markPending(active);
      else if (!selected) mark(cursor, cursor, active);
      return true;
    },
  };
}
