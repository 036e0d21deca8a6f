// The label schema in the browser: which controls are shown (show_if) and the whole
// response's check, in the order and words of labelpool/controls/schema.py. The server
// stays the judge; this only says the same things sooner.
import { AnswerError, REQUIRED, isEmpty, listing, sameValue } from "./common.js";
import { widgetFor } from "./registry.js";

const DISCRETE = new Set(["choice", "rating", "pairwise"]);

function conditionText(config) {
  const values = config.show_if.in.map(String);
  return `${config.show_if.control} ${values.length === 1 ? "is" : "is one of"} ${listing(values)}`;
}

/**
 * True if shown, false if hidden, null if unknown (the control it depends on is invalid).
 * `result` holds the valid answers so far (schema._visibility).
 */
function visibility(byName, config, result, invalid) {
  const condition = config.show_if;
  if (!condition) return true;
  if (invalid.has(condition.control)) return null;
  if (!(condition.control in result)) return false;
  const source = byName.get(condition.control);
  if (!source || !DISCRETE.has(source.kind)) return false;
  const values = widgetFor(source.kind).answerValues(source, result[condition.control]);
  return values.some((v) => condition.in.some((wanted) => sameValue(v, wanted)));
}

/**
 * Check answers ({name: answer}; a key present with null means answered null, e.g. rating N/A).
 * Returns {answers (the normalised answers of the visible controls), errors {name: [problems]},
 * visible (Set of names shown)}.
 */
export function checkResponse(controls, answers, data) {
  const byName = new Map(controls.map((c) => [c.name, c]));
  const errors = {};
  const add = (name, problem) => (errors[name] ||= []).push(problem);
  for (const key of Object.keys(answers)) {
    if (!byName.has(key)) add(key, "there is no question with this name in the label schema");
  }
  const result = {};
  const invalid = new Set();
  const visible = new Set();
  for (const config of controls) {
    const name = config.name;
    const shown = visibility(byName, config, result, invalid);
    const present = name in answers;
    if (shown === false) {
      if (present && !isEmpty(answers[name])) {
        add(name, `this question is only asked when ${conditionText(config)}, so leave it unanswered`);
      }
      continue;
    }
    visible.add(name);
    if (!present) {
      if (shown && config.required) add(name, REQUIRED);
      continue;
    }
    const answer = answers[name];
    if (answer === null) {
      // SimpleKind.validate_answer(None): missing (rating with na_option accepts it).
      if (config.required && !(config.kind === "rating" && config.na_option)) {
        add(name, REQUIRED);
        invalid.add(name);
      } else result[name] = null;
      continue;
    }
    try {
      const checked = widgetFor(config.kind).check(config, answer, data);
      result[name] = checked === undefined ? answer : checked;
    } catch (error) {
      if (!(error instanceof AnswerError)) throw error;
      add(name, error.problem);
      invalid.add(name);
    }
  }
  return { answers: result, errors, visible };
}

/** Names of the controls shown for these answers, in order (schema.visible_controls). */
export function visibleControls(controls, answers, data) {
  return checkResponse(controls, answers, data).visible;
}
