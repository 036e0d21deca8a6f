// rating: a scale of labelled points (rubric text per point), optional N/A; number keys pick.
// Mirrors labelpool/controls/rating.py: the same answer shape and the same messages.
import { AnswerError, controlHeader, digitOf, h, problemOf, quoted, uid } from "./common.js";

const INT_TEXT = /^\s*-?\d+\s*$/;
const NA = "__na__";

const scaleValues = (config) => config.scale.map((p) => p.value);
const describeScale = (config) => config.scale.map((p) => `${p.value} (${p.label})`).join(", ");

/** Digits pick the point of that value when every value is 0-9, else the point at that place. */
function keyOf(config, index) {
  const values = scaleValues(config);
  const byValue = values.every((v) => v >= 0 && v <= 9);
  const key = byValue ? values[index] : index + 1;
  return key >= 1 && key <= 9 ? key : null;
}

export function check(config, answer) {
  let value = null;
  if (Number.isInteger(answer) && typeof answer !== "boolean") value = answer;
  else if (typeof answer === "string" && INT_TEXT.test(answer)) value = parseInt(answer, 10);
  else if (typeof answer === "string" && !answer.trim()) {
    if (config.na_option || !config.required) return null;
    throw new AnswerError(config.name, "an answer is required");
  }
  if (value === null) {
    throw new AnswerError(config.name, `expected a point on the scale ${describeScale(config)}, got ${quoted(answer)}`);
  }
  if (!scaleValues(config).includes(value)) {
    throw new AnswerError(config.name, `${value} is not on the scale; choose one of ${describeScale(config)}`);
  }
  return value;
}

export function answerValues(config, answer) {
  return answer === null || answer === undefined ? [] : [answer];
}

export function shortcuts(config) {
  const keys = config.scale.map((_, i) => keyOf(config, i)).filter((k) => k !== null);
  const out = keys.length ? [[`${Math.min(...keys)}–${Math.max(...keys)}`, "choose a point on the scale"]] : [];
  if (config.na_option) out.push(["n", `answer ${config.na_label}`]);
  return out;
}

export function mount(root, config, { value, onChange, readOnly } = {}) {
  const labelId = uid("lbc");
  const group = h("div", { class: "lbc-scale", role: "radiogroup", "aria-labelledby": labelId });
  const name = `${config.name}-${labelId}`;
  const inputs = [];
  const keys = new Map();
  config.scale.forEach((point, index) => {
    const input = h("input", { type: "radio", name, value: String(point.value), disabled: readOnly });
    const key = keyOf(config, index);
    if (key !== null) keys.set(key, input);
    group.append(
      h(
        "label",
        { class: "lbc-point" },
        input,
        h("span", { class: "lbc-point-value", "aria-hidden": "true" }, String(point.value)),
        h("span", { class: "lbc-option-text" }, h("strong", {}, point.label), point.description ? h("span", { class: "lbc-hint" }, point.description) : null),
        key !== null && String(key) !== String(point.value) ? h("span", { class: "lb-kbd", "aria-hidden": "true" }, String(key)) : null,
      ),
    );
    inputs.push(input);
  });
  let naInput = null;
  if (config.na_option) {
    naInput = h("input", { type: "radio", name, value: NA, disabled: readOnly });
    group.append(h("label", { class: "lbc-point lbc-point-na" }, naInput, h("span", { class: "lbc-option-text" }, h("strong", {}, config.na_label)), h("span", { class: "lb-kbd", "aria-hidden": "true" }, "n")));
    inputs.push(naInput);
  }
  for (const input of inputs) input.addEventListener("change", () => onChange?.(getValue()));
  root.append(...controlHeader(config, labelId), group);

  // N/A is answered as null, like "not answered": `answered()` tells the two apart.
  function getValue() {
    const picked = inputs.find((i) => i.checked);
    if (!picked || picked === naInput) return null;
    return Number(picked.value);
  }
  function setValue(answer) {
    for (const input of inputs) input.checked = answer !== null && answer !== undefined && input.value === String(answer);
  }
  setValue(value);
  return {
    getValue,
    setValue,
    /** N/A is an answer: the page sends null for it (rating.missing with na_option). */
    answered: () => inputs.some((i) => i.checked),
    setAnsweredNa() {
      if (naInput) naInput.checked = true;
    },
    isNa: () => Boolean(naInput?.checked),
    validate: () => problemOf(check, config, getValue()),
    focus: () => (inputs.find((i) => i.checked) || inputs[0]).focus(),
    handleKey(event) {
      if (readOnly) return false;
      let input = null;
      const digit = digitOf(event);
      if (digit !== null) input = keys.get(digit) || null;
      else if (naInput && event.key.toLowerCase() === "n" && !event.ctrlKey && !event.metaKey && !event.altKey) input = naInput;
      if (!input) return false;
      input.checked = true;
      input.focus();
      onChange?.(getValue());
      return "advance";
    },
  };
}
