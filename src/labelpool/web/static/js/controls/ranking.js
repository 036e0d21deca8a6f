// ranking: order the item's responses, best first. Mouse: drag, or the up/down buttons.
// Keyboard: arrows move between responses; space picks one up, arrows move it, space drops.
// Mirrors labelpool/controls/ranking.py: the answer is 0-based response indices, best first.
import { AnswerError, controlHeader, h, isTyping, listing, problemOf, quoted, typeName, uid } from "./common.js";

function expectedSize(config, data) {
  const list = data?.[config.target];
  if (Array.isArray(list)) return list.length;
  return config.size ?? null;
}

export function check(config, answer, data) {
  const name = config.name;
  if (!Array.isArray(answer)) throw new AnswerError(name, `expected a list of response positions (best first), got ${typeName(answer)}`);
  for (const v of answer) {
    if (!Number.isInteger(v)) throw new AnswerError(name, `${quoted(v)} is not a response position (0, 1, 2, ...)`);
  }
  if (!answer.length) {
    if (config.required) throw new AnswerError(name, "an answer is required; rank the responses");
    return [];
  }
  const size = expectedSize(config, data);
  const n = size ?? answer.length;
  const outOfRange = [...new Set(answer.filter((v) => v < 0 || v >= n))].sort((a, b) => a - b);
  if (outOfRange.length) {
    throw new AnswerError(name, `there are ${n} responses, numbered 0 to ${n - 1}; ${listing(outOfRange)} is not one of them`);
  }
  const repeated = [...new Set(answer.filter((v, i) => answer.indexOf(v) !== i))].sort((a, b) => a - b);
  if (repeated.length) throw new AnswerError(name, `response ${listing(repeated)} is ranked more than once`);
  const missing = [];
  for (let i = 0; i < n; i += 1) if (!answer.includes(i)) missing.push(i);
  if (missing.length) throw new AnswerError(name, `rank all ${n} responses; response ${listing(missing)} is not ranked`);
  return answer;
}

export const showsTarget = true; // the responses are shown in the list being ranked

export function shortcuts() {
  return [
    ["↑ / ↓", "move between responses"],
    ["Space", "pick up or drop a response (then ↑ / ↓ moves it)"],
  ];
}

function textOf(entry) {
  if (typeof entry === "string") return entry;
  if (entry && typeof entry === "object") return String(entry.text ?? entry.content ?? JSON.stringify(entry));
  return String(entry);
}

export function mount(root, config, { value, onChange, readOnly, data } = {}) {
  const labelId = uid("lbc");
  const source = Array.isArray(data?.[config.target]) ? data[config.target] : [];
  const n = source.length || config.size || 0;
  let order = [...Array(n).keys()];
  let ranked = false;
  let grabbed = null;
  const list = h("ol", { class: "lbc-rank", "aria-labelledby": labelId, "aria-describedby": `${labelId}-how` });
  const live = h("p", { class: "sr-only", "aria-live": "assertive" });
  const state = h("p", { class: "lbc-help", id: `${labelId}-state` });
  const confirm = h("button", { type: "button", class: "btn btn-secondary btn-small", disabled: readOnly }, "Keep this order");
  confirm.addEventListener("click", () => {
    ranked = true;
    draw();
    onChange?.(getValue());
  });
  root.append(
    ...controlHeader(config, labelId),
    h("p", { class: "lbc-help", id: `${labelId}-how`, hidden: readOnly }, "Best first. Drag a response, use its arrows, or focus it and press Space, then ↑ / ↓."),
    list,
    ...(readOnly ? [] : [h("div", { class: "cluster cluster-sm" }, confirm, state)]),
    live,
  );

  function move(from, to, focusIt = true) {
    if (to < 0 || to >= order.length || from === to) return;
    const [entry] = order.splice(from, 1);
    order.splice(to, 0, entry);
    ranked = true;
    draw(focusIt ? to : null);
    live.textContent = `Response ${entry + 1} moved to place ${to + 1} of ${order.length}.`;
    onChange?.(getValue());
  }

  function draw(focusAt = null) {
    list.replaceChildren();
    order.forEach((entry, place) => {
      const up = h("button", { type: "button", class: "btn btn-ghost btn-small", "aria-label": `Move response ${entry + 1} up`, disabled: readOnly || place === 0, tabindex: "-1" }, "↑");
      const down = h("button", { type: "button", class: "btn btn-ghost btn-small", "aria-label": `Move response ${entry + 1} down`, disabled: readOnly || place === order.length - 1, tabindex: "-1" }, "↓");
      up.addEventListener("click", () => move(place, place - 1));
      down.addEventListener("click", () => move(place, place + 1));
      const li = h(
        "li",
        {
          class: `lbc-rank-item${grabbed === place ? " is-grabbed" : ""}`,
          tabindex: focusAt === place || (focusAt === null && place === 0) ? "0" : "-1",
          draggable: readOnly ? "false" : "true",
          "data-response": String(entry),
          "aria-label": `Place ${place + 1}: response ${entry + 1}${grabbed === place ? ", picked up" : ""}`,
        },
        h("span", { class: "lbc-rank-place", "aria-hidden": "true" }, String(place + 1)),
        h("span", { class: "lbc-rank-text" }, h("span", { class: "lbc-rank-n" }, `Response ${entry + 1}`), textOf(source[entry] ?? "")),
        readOnly ? null : h("span", { class: "lbc-rank-moves" }, up, down),
      );
      li.addEventListener("keydown", (event) => onItemKey(event, place));
      li.addEventListener("dragstart", (event) => {
        event.dataTransfer.setData("text/plain", String(place));
        event.dataTransfer.effectAllowed = "move";
        li.classList.add("is-dragging");
      });
      li.addEventListener("dragend", () => li.classList.remove("is-dragging"));
      li.addEventListener("dragover", (event) => {
        event.preventDefault();
        li.classList.add("is-drop");
      });
      li.addEventListener("dragleave", () => li.classList.remove("is-drop"));
      li.addEventListener("drop", (event) => {
        event.preventDefault();
        const from = Number(event.dataTransfer.getData("text/plain"));
        if (Number.isInteger(from)) move(from, place, true);
      });
      list.append(li);
    });
    state.textContent = ranked ? "Ranked." : "Not ranked yet: move a response, or keep the order shown.";
    confirm.hidden = ranked;
    if (focusAt !== null) list.children[focusAt]?.focus();
  }

  function onItemKey(event, place) {
    if (readOnly || isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === " " || event.key === "Enter") {
      if (event.key === "Enter" && grabbed === null) return; // Enter alone: leave it to the form
      event.preventDefault();
      event.stopPropagation();
      if (grabbed === null) {
        grabbed = place;
        live.textContent = `Response ${order[place] + 1} picked up, place ${place + 1}. ↑ / ↓ to move, Space to drop.`;
      } else {
        live.textContent = `Response ${order[grabbed] + 1} dropped at place ${grabbed + 1}.`;
        grabbed = null;
        ranked = true;
        onChange?.(getValue());
      }
      draw(place);
      return;
    }
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      event.stopPropagation();
      const to = place + (event.key === "ArrowUp" ? -1 : 1);
      if (to < 0 || to >= order.length) return;
      if (grabbed === null) {
        list.children[to]?.focus();
        for (const [i, li] of [...list.children].entries()) li.tabIndex = i === to ? 0 : -1;
      } else {
        grabbed = to;
        move(place, to);
      }
    } else if (event.key === "Escape" && grabbed !== null) {
      event.stopPropagation();
      grabbed = null;
      draw(place);
    }
  }

  function getValue() {
    return ranked ? [...order] : null;
  }
  function setValue(answer) {
    if (Array.isArray(answer) && answer.length === n && answer.every((v) => Number.isInteger(v) && v >= 0 && v < n)) {
      order = [...answer];
      ranked = true;
    } else {
      order = [...Array(n).keys()];
      ranked = false;
    }
    grabbed = null;
    draw();
  }
  setValue(value);
  return {
    getValue,
    setValue,
    validate: () => problemOf(check, config, getValue(), data),
    focus: () => (list.querySelector('[tabindex="0"]') || list.firstElementChild)?.focus(),
    handleKey: () => false,
  };
}
