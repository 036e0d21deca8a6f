// text: free text with a character count and the config's minimum and maximum length.
// Mirrors labelpool/controls/text.py: the answer is the text stripped, the same messages.
import { AnswerError, controlHeader, h, problemOf, typeName, uid } from "./common.js";

/** Characters as Python counts them (code points, not UTF-16 units). */
const length = (text) => [...text].length;

export function check(config, answer) {
  if (typeof answer !== "string") throw new AnswerError(config.name, `expected text, got ${typeName(answer)}`);
  const text = answer.trim();
  if (!text) {
    if (config.required) throw new AnswerError(config.name, "an answer is required; the text is empty");
    return "";
  }
  const n = length(text);
  const min = config.min_length ?? 0;
  const max = config.max_length ?? 10000;
  if (n < min) throw new AnswerError(config.name, `the text is ${n} characters long; write at least ${min}`);
  if (n > max) throw new AnswerError(config.name, `the text is ${n} characters long; the limit is ${max}`);
  if (!config.multiline && /[\n\r]/.test(text)) throw new AnswerError(config.name, "the answer should be a single line");
  return text;
}

export function shortcuts() {
  return [];
}

export function mount(root, config, { value, onChange, readOnly, data } = {}) {
  const labelId = uid("lbc");
  const countId = `${labelId}-count`;
  const attrs = { id: `${labelId}-input`, "aria-labelledby": labelId, "aria-describedby": countId, placeholder: config.placeholder || false, disabled: readOnly, spellcheck: "true" };
  const input = config.multiline ? h("textarea", { ...attrs, rows: "4" }) : h("input", { ...attrs, type: "text", autocomplete: "off" });
  const count = h("p", { class: "lbc-count", id: countId, "aria-live": "polite" });
  root.append(...controlHeader(config, labelId), input, count);
  const source = config.editable_target && typeof data?.[config.target] === "string" ? data[config.target] : null;
  if (source !== null && !readOnly) {
    // A correction starts from the text itself (which a marking widget may not let one copy).
    const copy = h("button", { type: "button", class: "btn btn-ghost btn-small lbc-copy-target" }, "Start from the text");
    copy.addEventListener("click", () => {
      if (input.value.trim() && input.value !== source && !window.confirm("Replace what you typed with the original text?")) return;
      input.value = source;
      drawCount();
      onChange?.(getValue());
      input.focus();
    });
    count.before(copy);
  }
  const min = config.min_length ?? 0;
  const max = config.max_length ?? 10000;

  function drawCount() {
    const n = length(input.value.trim());
    const limits = [];
    if (min > 0) limits.push(`at least ${min}`);
    limits.push(`at most ${max}`);
    count.textContent = `${n} character${n === 1 ? "" : "s"} (${limits.join(", ")})`;
    count.classList.toggle("is-over", n > max);
    count.classList.toggle("is-under", n > 0 && n < min);
  }
  input.addEventListener("input", () => {
    drawCount();
    onChange?.(getValue());
  });
  if (!config.multiline) {
    // Enter in a one-line answer must not submit the page's form by accident.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) event.preventDefault();
    });
  }

  function getValue() {
    return input.value.trim() === "" ? null : input.value;
  }
  function setValue(answer) {
    input.value = typeof answer === "string" ? answer : "";
    drawCount();
  }
  setValue(value);
  return {
    getValue,
    setValue,
    validate: () => problemOf(check, config, getValue()),
    focus: () => input.focus(),
    handleKey: () => false,
  };
}
