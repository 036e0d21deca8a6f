// A test question answered with the labeling page's widget (the same module per control kind,
// keys included) instead of the server's form, which stays for pages without JavaScript. The
// widget's answer is posted as `answer_widget`; the browser checks it first with the server's
// words. In training mode, once answered, the taker's answer is shown read-only and the
// correct answer beside it in a second read-only widget.
import { h, isTyping } from "../controls/common.js";
import { loadWidgets, mountControl, targetsShownByWidgets } from "../controls/registry.js";

const holder = document.getElementById("question-widget");
const cfg = JSON.parse(holder.dataset.question);
const form = holder.closest("form");
const fallback = document.getElementById("question-fallback");
await loadWidgets([cfg.control.kind]);

for (const name of targetsShownByWidgets([cfg.control])) {
  const field = document.querySelector(`.item-field[data-field="${CSS.escape(name)}"]`);
  field?.remove(); // the widget shows it (the text to mark, the image to draw on)
}

const mounted = mountControl(cfg.control, { value: cfg.answer, data: cfg.data, media: cfg.media, readOnly: cfg.locked, onChange: () => showError(null) });
if (cfg.answered && cfg.answer === null) mounted.widget.setAnsweredNa?.(); // rated "not applicable"
const error = h("p", { class: "lbc-error", id: "question-widget-error", role: "alert", hidden: true });
mounted.root.append(error);
holder.replaceChildren(mounted.root);
holder.hidden = false;
fallback.remove(); // only the widget's answer is posted

function showError(problem) {
  error.textContent = problem || "";
  error.hidden = !problem;
  if (problem) mounted.root.setAttribute("aria-invalid", "true");
  else mounted.root.removeAttribute("aria-invalid");
}

form.addEventListener("submit", (event) => {
  const answer = mounted.widget.getValue();
  const missing = answer === null && !mounted.widget.answered?.() && cfg.control.required !== false;
  const problem = missing ? "an answer is required" : mounted.widget.validate();
  if (problem) {
    event.preventDefault();
    showError(problem);
    mounted.widget.focus();
    return;
  }
  form.querySelector("input[name=answer_widget]")?.remove();
  form.append(h("input", { type: "hidden", name: "answer_widget", value: JSON.stringify(answer) }));
});

holder.addEventListener("keydown", (event) => {
  if (event.ctrlKey && event.key === "Enter") {
    event.preventDefault();
    form.requestSubmit();
    return;
  }
  if (!isTyping(event) && mounted.widget.handleKey(event)) event.preventDefault();
});

const correctHolder = document.getElementById("question-correct");
if (correctHolder && "correct" in cfg) {
  const correct = mountControl({ ...cfg.control, title: "Correct answer" }, { value: cfg.correct, data: cfg.data, media: cfg.media, readOnly: true });
  correctHolder.replaceChildren(correct.root);
  correctHolder.hidden = false;
  document.getElementById("question-correct-text").hidden = true;
}
