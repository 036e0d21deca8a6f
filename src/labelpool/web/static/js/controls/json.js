// The honest fallback for control kinds whose widget is not built yet (spans, boxes, regions,
// tracks): a JSON editor that says so. The server checks the answer and names any problem.
import { controlHeader, h, uid } from "./common.js";

const EXAMPLES = {
  spans: '[{"start": 0, "end": 5, "label": "…"}]',
  boxes: '[{"x": 10, "y": 20, "w": 100, "h": 50, "label": "…"}]',
  regions: '[{"start": 1.5, "end": 3.0, "label": "…"}]',
  tracks: '[{"id": "car-1", "label": "…", "keyframes": [{"frame": 0, "x": 0, "y": 0, "w": 10, "h": 10}]}]',
};

export const fallback = true;

export function check() {
  return undefined; // the server judges these kinds; the browser only checks the JSON parses
}

export function shortcuts() {
  return [];
}

export function mount(root, config, { value, onChange, readOnly } = {}) {
  const labelId = uid("lbc");
  const inputId = `${labelId}-input`;
  const input = h("textarea", { id: inputId, class: "mono lbc-json", rows: "6", "aria-labelledby": labelId, "aria-describedby": `${labelId}-note`, disabled: readOnly, spellcheck: "false" });
  const labels = Array.isArray(config.labels) ? config.labels.map((l) => l.value).join(", ") : "";
  root.append(
    ...controlHeader(config, labelId),
    h(
      "p",
      { class: "lbc-fallback", id: `${labelId}-note` },
      h("strong", {}, `This control's widget is coming; enter JSON. `),
      `A ${config.kind} answer looks like ${EXAMPLES[config.kind] || "a JSON value"}`,
      labels ? `; labels: ${labels}.` : ".",
    ),
    input,
  );
  let parseProblem = null;
  function getValue() {
    const text = input.value.trim();
    parseProblem = null;
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (error) {
      parseProblem = `the answer is not valid JSON (${error.message})`;
      return undefined;
    }
  }
  input.addEventListener("input", () => onChange?.(getValue()));
  function setValue(answer) {
    input.value = answer === null || answer === undefined ? "" : JSON.stringify(answer, null, 2);
  }
  setValue(value);
  return {
    getValue,
    setValue,
    validate() {
      getValue();
      return parseProblem;
    },
    focus: () => input.focus(),
    handleKey: () => false,
  };
}
