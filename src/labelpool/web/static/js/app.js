// labelpool — small progressive enhancements. Every page works without this.
//  - marks <html class="js"> so JS-only controls (.js-only) appear
//  - dismiss buttons on flash messages          [data-dismiss="flash"]
//  - copy-to-clipboard buttons                  [data-copy="#element-id"]
//  - confirm before submitting a form           <form data-confirm="Sure?">
//  - confirm per submit button                  <button data-confirm-status="Sure?">
//  - phone menu (<details class="nav-mobile">) closes on Escape / outside click
// Uses event delegation, so content swapped in by HTMX works too.

document.documentElement.classList.add("js");

document.addEventListener("click", (event) => {
  const dismiss = event.target.closest('[data-dismiss="flash"]');
  if (dismiss) {
    const flash = dismiss.closest(".flash");
    if (flash) {
      flash.classList.add("is-hiding");
      setTimeout(() => flash.remove(), 160);
    }
    return;
  }

  const copy = event.target.closest("[data-copy]");
  if (copy) {
    copyFrom(copy);
    return;
  }

  const menu = document.querySelector(".nav-mobile[open]");
  if (menu && !menu.contains(event.target)) menu.open = false;
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const menu = document.querySelector(".nav-mobile[open]");
  if (menu) {
    menu.open = false;
    menu.querySelector("summary")?.focus();
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  const message =
    event.submitter?.getAttribute("data-confirm-status") || form.getAttribute?.("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});

async function copyFrom(button) {
  const target = document.querySelector(button.getAttribute("data-copy"));
  if (!target) return;
  const text = ("value" in target ? target.value : target.textContent).trim();
  const label = button.querySelector("[data-copy-label]") || button;
  const original = label.textContent;
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // Clipboard API needs a secure context; fall back to selecting the text.
    const range = document.createRange();
    range.selectNodeContents(target);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    ok = document.execCommand?.("copy") ?? false;
  }
  label.textContent = ok ? "Copied" : "Press Ctrl+C";
  button.classList.add("is-copied");
  setTimeout(() => {
    label.textContent = original;
    button.classList.remove("is-copied");
  }, 1800);
}
