// The question editor on a test's manage page and a question's edit page.
//  - shows only the fields of the chosen kind of answer     [data-question-kind] radios,
//                                                           [data-kinds="single multi"] parts
//  - rebuilds the correct-answer picker from the options as they are typed
//    (a select for one choice or a rating, checkboxes for several choices)
// Without this script every field shows and the picker follows the options once the form is
// sent; the server reads the same fields either way.

const PLACEHOLDER_EMPTY = "Type the options first";
const PLACEHOLDER = "Choose…";

function lines(textarea) {
  return textarea.value
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

function chosenKind(form) {
  return form.querySelector("[data-question-kind]:checked")?.value || "single";
}

function picked(picker) {
  return new Set(
    [...picker.querySelectorAll("select option:checked, input:checked")]
      .map((el) => el.value)
      .filter((value) => value !== ""),
  );
}

function buildSelect(options, keep) {
  const select = document.createElement("select");
  select.name = "correct";
  select.setAttribute("aria-labelledby", "q-correct-label");
  select.append(new Option(options.length ? PLACEHOLDER : PLACEHOLDER_EMPTY, ""));
  for (const line of options) {
    select.append(new Option(line, line, false, keep.has(line)));
  }
  return select;
}

function buildChecks(options, keep) {
  return options.map((line) => {
    const label = document.createElement("label");
    label.className = "check";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = "correct";
    box.value = line;
    box.checked = keep.has(line);
    const text = document.createElement("span");
    text.textContent = line;
    label.append(box, text);
    return label;
  });
}

function rebuildPicker(form) {
  const picker = form.querySelector("[data-question-correct]");
  const textarea = form.querySelector("[data-question-options]");
  if (!picker || !textarea) return;
  const keep = picked(picker);
  const options = [...new Set(lines(textarea))];
  const parts = chosenKind(form) === "multi" ? buildChecks(options, keep) : [buildSelect(options, keep)];
  picker.replaceChildren(...parts);
}

function showKind(form) {
  const kind = chosenKind(form);
  for (const part of form.querySelectorAll("[data-kinds]")) {
    const shown = part.dataset.kinds.split(" ").includes(kind);
    part.hidden = !shown;
    if (part.tagName === "DETAILS" && shown) part.open = true;
  }
}

function setUp(form) {
  showKind(form);
  rebuildPicker(form);
  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-question-kind]")) {
      showKind(form);
      rebuildPicker(form);
    }
  });
  form.addEventListener("input", (event) => {
    if (event.target.matches("[data-question-options]")) rebuildPicker(form);
  });
}

for (const form of document.querySelectorAll("[data-question-editor]")) setUp(form);
