// pairwise: which of two responses (shown side by side as A and B) is better, a tie when
// allowed, and how much better when the config asks. Keys: a, b, t (tie), 1-9 strength.
// Mirrors labelpool/controls/pairwise.py: the same answer shape and the same messages.
import { AnswerError, controlHeader, digitOf, h, listing, problemOf, quoted, typeName, uid } from "./common.js";

const winners = (config) => (config.allow_tie ? ["a", "b", "tie"] : ["a", "b"]);
const WINNER_LABEL = { a: "A is better", b: "B is better", tie: "About the same" };

export function check(config, answer) {
  const name = config.name;
  if (answer === null || typeof answer !== "object" || Array.isArray(answer)) {
    throw new AnswerError(name, `the answer should be an object, got ${typeName(answer)}`);
  }
  if (!("winner" in answer)) throw new AnswerError(name, "the answer is missing winner");
  const unknown = Object.keys(answer).filter((k) => k !== "winner" && k !== "strength").sort();
  if (unknown.length) throw new AnswerError(name, `the answer has unknown field(s) ${listing(unknown)} (winner, strength allowed)`);
  const winner = answer.winner;
  if (winner === "tie" && !config.allow_tie) throw new AnswerError(name, "a tie is not allowed here; choose a or b");
  if (!winners(config).includes(winner)) throw new AnswerError(name, `winner ${quoted(winner)} should be one of ${listing(winners(config))}`);
  const out = { winner };
  const strength = answer.strength;
  if (strength !== null && strength !== undefined) {
    if (!config.strength) throw new AnswerError(name, "this comparison does not ask how much better");
    if (winner === "tie") throw new AnswerError(name, "a tie has no strength; leave it out");
    if (!config.strength.includes(strength)) throw new AnswerError(name, `strength ${quoted(strength)} should be one of ${listing(config.strength)}`);
    out.strength = strength;
  }
  return out;
}

export function answerValues(config, answer) {
  return answer && typeof answer === "object" && "winner" in answer ? [answer.winner] : [];
}

export function shortcuts(config) {
  const out = [["a / b", "choose the better response"]];
  if (config.allow_tie) out.push(["t", "about the same (tie)"]);
  if (config.strength) out.push([`1–${Math.min(config.strength.length, 9)}`, "how much better"]);
  return out;
}

export function mount(root, config, { value, onChange, readOnly } = {}) {
  const labelId = uid("lbc");
  const name = `${config.name}-${labelId}`;
  const sides = h("div", { class: "lbc-pair", role: "radiogroup", "aria-labelledby": labelId });
  const winnerInputs = {};
  for (const winner of winners(config)) {
    const input = h("input", { type: "radio", name, value: winner, disabled: readOnly });
    const key = winner === "tie" ? "t" : winner;
    sides.append(h("label", { class: `lbc-side lbc-side-${winner}` }, input, h("strong", {}, WINNER_LABEL[winner]), h("span", { class: "lb-kbd", "aria-hidden": "true" }, key)));
    input.addEventListener("change", changed);
    winnerInputs[winner] = input;
  }
  root.append(...controlHeader(config, labelId), sides);

  const strengthInputs = [];
  let strengthBox = null;
  if (config.strength) {
    const strengthLabel = uid("lbc");
    strengthBox = h("div", { class: "lbc-strength", role: "radiogroup", "aria-labelledby": strengthLabel });
    strengthBox.append(h("span", { class: "lbc-strength-label", id: strengthLabel }, "How much better?"));
    config.strength.forEach((level, index) => {
      const input = h("input", { type: "radio", name: `${name}-strength`, value: level, disabled: readOnly });
      input.addEventListener("change", changed);
      strengthBox.append(h("label", { class: "lbc-chip" }, input, h("span", {}, level), index < 9 ? h("span", { class: "lb-kbd", "aria-hidden": "true" }, String(index + 1)) : null));
      strengthInputs.push(input);
    });
    root.append(strengthBox);
  }

  function syncStrength() {
    if (!strengthBox) return;
    const tie = winnerInputs.tie?.checked;
    const none = !Object.values(winnerInputs).some((i) => i.checked);
    for (const input of strengthInputs) {
      input.disabled = readOnly || tie || none;
      if (tie) input.checked = false;
    }
    strengthBox.classList.toggle("is-off", Boolean(tie || none));
  }
  function changed() {
    syncStrength();
    onChange?.(getValue());
  }
  function getValue() {
    const winner = Object.values(winnerInputs).find((i) => i.checked);
    if (!winner) return null;
    const out = { winner: winner.value };
    const strength = strengthInputs.find((i) => i.checked);
    if (strength && winner.value !== "tie") out.strength = strength.value;
    return out;
  }
  function setValue(answer) {
    for (const input of Object.values(winnerInputs)) input.checked = Boolean(answer) && answer.winner === input.value;
    for (const input of strengthInputs) input.checked = Boolean(answer) && answer.strength === input.value;
    syncStrength();
  }
  setValue(value);
  return {
    getValue,
    setValue,
    validate: () => problemOf(check, config, getValue()),
    focus: () => (Object.values(winnerInputs).find((i) => i.checked) || winnerInputs.a).focus(),
    handleKey(event) {
      if (readOnly || event.ctrlKey || event.metaKey || event.altKey) return false;
      const key = event.key.toLowerCase();
      const winner = key === "a" || key === "b" ? key : key === "t" && config.allow_tie ? "tie" : null;
      if (winner) {
        winnerInputs[winner].checked = true;
        winnerInputs[winner].focus();
        changed();
        return config.strength && winner !== "tie" ? true : "advance";
      }
      const digit = digitOf(event);
      if (digit !== null && digit <= strengthInputs.length && !strengthInputs[digit - 1].disabled) {
        strengthInputs[digit - 1].checked = true;
        strengthInputs[digit - 1].focus();
        changed();
        return "advance";
      }
      return false;
    },
  };
}
