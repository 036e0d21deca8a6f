// Helpers shared by the control widgets: building DOM, and the words of the server's messages
// (labelpool/controls/common.py: listing, quoted, type_name) so the browser says the same.

/** h("div", {class: "x", "data-a": 1}, child, "text") — attributes set, children appended. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let counter = 0;
/** A unique id for labels and aria references. */
export function uid(prefix = "lb") {
  counter += 1;
  return `${prefix}-${counter}`;
}

export function listing(values) {
  return values.map(String).join(", ");
}

export function quoted(value) {
  if (typeof value === "string") return value.length <= 60 ? `'${value}'` : `'${value.slice(0, 57)}...'`;
  if (value === null || value === undefined) return "nothing (null)";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return String(value);
}

export function typeName(value) {
  if (value === null || value === undefined) return "nothing (null)";
  if (typeof value === "boolean") return "true/false";
  if (typeof value === "number") return "a number";
  if (typeof value === "string") return "text";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return typeof value;
}

/** None, blank text, an empty list or object: nothing was answered (common.is_empty). */
export function isEmpty(answer) {
  if (answer === null || answer === undefined) return true;
  if (typeof answer === "string") return answer.trim() === "";
  if (Array.isArray(answer)) return answer.length === 0;
  if (typeof answer === "object") return Object.keys(answer).length === 0;
  return false;
}

/** Equality keeping true/false apart from 1/0 and text apart from numbers (common.same_value). */
export function sameValue(a, b) {
  if (typeof a === "boolean" || typeof b === "boolean") return typeof a === typeof b && a === b;
  if ((typeof a === "string") !== (typeof b === "string")) return false;
  return a === b;
}

export const REQUIRED = "an answer is required";

/** An AnswerError as the server words it: the control name and the problem. */
export class AnswerError extends Error {
  constructor(control, problem) {
    super(`${control}: ${problem}`);
    this.control = control;
    this.problem = problem;
  }
}

/** Whether a key event should be left to a text field (typing, not a shortcut). */
export function isTyping(event) {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
  if (target.tagName === "INPUT") {
    return !["radio", "checkbox", "button", "submit", "range"].includes(target.type);
  }
  return false;
}

/** The 1-9 digit of a key event (no modifiers), else null. */
export function digitOf(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  return /^[1-9]$/.test(event.key) ? Number(event.key) : null;
}

/** The header every widget starts with: title, required mark, description, guidelines link. */
export function controlHeader(config, labelId) {
  const head = h("div", { class: "lbc-head" });
  const title = h("span", { class: "lbc-title", id: labelId }, config.title);
  if (config.required) title.append(h("span", { class: "lbc-required", title: "Required" }, " *"));
  else if (!/\(optional\)\s*$/i.test(config.title)) title.append(h("span", { class: "lbc-optional" }, " (optional)"));
  head.append(title);
  if (config.guideline_section) {
    head.append(
      h(
        "button",
        { type: "button", class: "lbc-guide", "data-section": config.guideline_section, "aria-label": `Guidelines section ${config.guideline_section}` },
        `§ ${config.guideline_section}`,
      ),
    );
  }
  const parts = [head];
  if (config.description) parts.push(h("p", { class: "lbc-help" }, config.description));
  return parts;
}

/** The problem `check` finds in a given answer, or null (nothing given: the schema decides). */
export function problemOf(check, config, answer, data) {
  if (answer === null || answer === undefined) return null;
  try {
    check(config, answer, data);
    return null;
  } catch (error) {
    if (error instanceof AnswerError) return error.problem;
    throw error;
  }
}
