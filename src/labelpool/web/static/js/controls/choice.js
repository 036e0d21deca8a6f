// choice: one option (radio cards) or several (checkboxes); number keys 1-9 pick.
// Mirrors labelpool/controls/choice.py: the same answer shape and the same messages.
import { AnswerError, controlHeader, digitOf, h, listing, problemOf, quoted, typeName, uid } from "./common.js";

const values = (config) => config.options.map((o) => o.value);

/** The server's check of a non-null answer: the normalised answer, or an AnswerError. */
export function check(config, answer) {
  const name = config.name;
  const options = values(config);
  const notAnOption = (v) => new AnswerError(name, `${quoted(v)} is not one of the options ${listing(options)}`);
  if (!config.multiple) {
    if (Array.isArray(answer)) throw new AnswerError(name, "choose one option, not a list");
    if (typeof answer !== "string") throw new AnswerError(name, `expected one of the options, got ${typeName(answer)}`);
    if (answer === "" && !config.required) return null;
    if (answer === "") throw new AnswerError(name, "an answer is required");
    if (!options.includes(answer)) throw notAnOption(answer);
    return answer;
  }
  if (!Array.isArray(answer)) throw new AnswerError(name, `expected a list of selected options, got ${typeName(answer)}`);
  const chosen = new Set();
  for (const v of answer) {
    if (typeof v !== "string" || !options.includes(v)) throw notAnOption(v);
    if (chosen.has(v)) throw new AnswerError(name, `${quoted(v)} is selected more than once`);
    chosen.add(v);
  }
  if (chosen.size === 0) {
    if (config.required) throw new AnswerError(name, "select at least one option");
    return [];
  }
  if (config.min_selected != null && chosen.size < config.min_selected) {
    throw new AnswerError(name, `select at least ${config.min_selected} options (${chosen.size} selected)`);
  }
  if (config.max_selected != null && chosen.size > config.max_selected) {
    throw new AnswerError(name, `select at most ${config.max_selected} options (${chosen.size} selected)`);
  }
  return options.filter((v) => chosen.has(v));
}

/** The values a show_if condition is tested against (choice.answer_values). */
export function answerValues(config, answer) {
  if (answer === null || answer === undefined) return [];
  return Array.isArray(answer) ? answer : [answer];
}

export function shortcuts(config) {
  const n = Math.min(config.options.length, 9);
  return [[`1–${n}`, config.multiple ? "tick or untick an option" : "choose an option"]];
}

export function mount(root, config, { value, onChange, readOnly } = {}) {
  const labelId = uid("lbc");
  const type = config.multiple ? "checkbox" : "radio";
  const group = h("div", { class: "lbc-options", role: config.multiple ? "group" : "radiogroup", "aria-labelledby": labelId });
  const inputs = config.options.map((option, index) => {
    const input = h("input", { type, name: `${config.name}-${labelId}`, value: option.value, disabled: readOnly });
    const key = index < 9 ? h("span", { class: "lb-kbd", "aria-hidden": "true" }, String(index + 1)) : null;
    const card = h(
      "label",
      { class: "lbc-option" },
      input,
      h("span", { class: "lbc-option-text" }, h("strong", {}, option.label), option.hint ? h("span", { class: "lbc-hint" }, option.hint) : null),
      key,
    );
    group.append(card);
    input.addEventListener("change", () => onChange?.(getValue()));
    return input;
  });
  root.append(...controlHeader(config, labelId), group);
  if (config.multiple && (config.min_selected != null || config.max_selected != null)) {
    const limits = [];
    if (config.min_selected != null) limits.push(`at least ${config.min_selected}`);
    if (config.max_selected != null) limits.push(`at most ${config.max_selected}`);
    root.append(h("p", { class: "lbc-help" }, `Select ${limits.join(" and ")}.`));
  }

  function getValue() {
    if (config.multiple) {
      const picked = inputs.filter((i) => i.checked).map((i) => i.value);
      return picked.length ? picked : null;
    }
    const picked = inputs.find((i) => i.checked);
    return picked ? picked.value : null;
  }
  function setValue(answer) {
    const chosen = new Set(answerValues(config, answer));
    for (const input of inputs) input.checked = chosen.has(input.value);
  }
  setValue(value);
  return {
    getValue,
    setValue,
    validate: () => problemOf(check, config, getValue()),
    focus: () => (inputs.find((i) => i.checked) || inputs[0]).focus(),
    /** Number keys: returns "advance" when a single choice was made (focus moves on). */
    handleKey(event) {
      const digit = digitOf(event);
      if (digit === null || digit > inputs.length || readOnly) return false;
      const input = inputs[digit - 1];
      if (config.multiple) input.checked = !input.checked;
      else input.checked = true;
      input.focus();
      onChange?.(getValue());
      return config.multiple ? true : "advance";
    },
  };
}
