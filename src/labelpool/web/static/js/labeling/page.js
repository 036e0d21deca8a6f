// The labeling page: claim or resume an assignment, render the item and its controls, keep
// the draft (localStorage on every change, the server every few seconds), count active time,
// and submit with an Idempotency-Key, retrying on network failures until acknowledged.
import { h, isTyping } from "../controls/common.js";
import { loadWidgets, mountControl, targetsShownByWidgets } from "../controls/registry.js";
import { checkResponse } from "../controls/schema.js";
import { NetworkError, api, errorOf, newKey, setCsrf } from "./api.js";
import { renderItem } from "./item.js";
import * as store from "./store.js";

const SERVER_SAVE_MS = 3000;
const IDLE_AFTER_MS = 30000;
const RETRY_DELAYS = [1, 2, 4, 8, 15, 30];
const POLL_SECONDS = 60;

const $ = (id) => document.getElementById(id);
const root = $("labeling");
const cfg = JSON.parse(root.dataset.config);
const controls = cfg.controls;
const projectId = cfg.project.id;
setCsrf(root.dataset.csrf || "");

const els = {
  status: $("lb-status"),
  loading: $("lb-loading"),
  nowork: $("lb-nowork"),
  task: $("lb-task"),
  item: $("lb-item"),
  controls: $("lb-controls"),
  submit: $("lb-submit"),
  submitState: $("lb-submit-state"),
  lease: $("lb-lease"),
  leaseLeft: $("lb-lease-left"),
  extend: $("lb-extend"),
  help: $("lb-help"),
  skipDialog: $("lb-skip-dialog"),
  reportDialog: $("lb-report-dialog"),
  guidelines: $("lb-guidelines"),
  guidelinesToggle: $("lb-guidelines-toggle"),
  search: $("lb-guidelines-search"),
};

/** The task on screen: its assignment, local record, mounted controls and timers. */
let task = null;
let lastInput = 0;
let noWorkTimer = null;
let claimRetry = 0;

// --- small helpers ------------------------------------------------------------------------

function say(text, tone = "") {
  els.status.textContent = text;
  els.status.dataset.tone = tone;
}

function show(section) {
  for (const el of [els.loading, els.nowork, els.task]) el.hidden = el !== section;
}

function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(hours ? 2 : 1, "0");
  const ss = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

function timeOfDay(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** A server message with its ISO timestamps said as this browser's time of day. */
function localTimes(text) {
  return String(text).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?/g, (iso) =>
    Number.isNaN(Date.parse(iso)) ? iso : timeOfDay(iso),
  );
}

// --- claiming -----------------------------------------------------------------------------

/**
 * Claim (or resume) the next task. `after` ({text, tone}) is what to say about the last one
 * ("Sent."): said together with the next task (or the reason there is none), in one step.
 */
async function claim(after = null) {
  clearTimeout(noWorkTimer);
  const before = after?.text ? `${after.text} ` : "";
  // The task just done stays on screen (locked) until the next one replaces it: no flash.
  if (els.task.hidden) show(els.loading);
  else setLocked(true);
  let result;
  try {
    result = await api("POST", `/projects/${projectId}/assignments`);
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    const wait = RETRY_DELAYS[Math.min(claimRetry, RETRY_DELAYS.length - 1)];
    claimRetry += 1;
    say(`${before}Cannot reach labelpool; trying again in ${wait} s.`, "warning");
    noWorkTimer = setTimeout(() => claim(after), wait * 1000);
    return;
  }
  claimRetry = 0;
  if (result.status === 200 || result.status === 201) {
    await startTask(result.body, result.status === 200, after);
    return;
  }
  if (result.status >= 500 || result.status === 429) {
    const wait = Number(result.headers.get("Retry-After")) || 2;
    say(`${before}labelpool is busy; trying again in ${wait} s.`, "warning");
    noWorkTimer = setTimeout(() => claim(after), wait * 1000);
    return;
  }
  showNoWork(result.status, errorOf(result), after);
}

const NO_WORK_TITLES = {
  leases_held: "Others hold the last tasks right now",
  all_done: "You have done every task open to you",
  paused: "This project is paused",
  cancelled: "This project was cancelled",
  not_eligible: "You cannot work on this project yet",
};

function showNoWork(status, error, after = null) {
  stopTask();
  show(els.nowork);
  say(after?.text || "", after?.tone || "");
  const details = error.details;
  const reason = status === 403 && error.code === "not_eligible" ? "not_eligible" : details?.reason || error.code;
  $("lb-nowork-box").dataset.reason = reason || "";
  $("lb-nowork-title").textContent =
    NO_WORK_TITLES[reason] || (status === 401 ? "Your session has ended" : "No task for you right now");
  $("lb-nowork-message").textContent =
    status === 401 ? "Log in again to keep working." : localTimes(error.message || "There is no task for you right now.");
  const rules = $("lb-nowork-rules");
  rules.replaceChildren();
  if (reason === "not_eligible" && Array.isArray(details)) {
    for (const rule of details) {
      const label = rule?.label || rule?.rule || rule?.key || JSON.stringify(rule);
      const parts = [h("strong", {}, String(label))];
      if (rule?.required !== undefined) parts.push(` — needed: ${rule.required}`);
      if (rule?.value !== undefined) parts.push(`; you: ${rule.value}`);
      if (rule?.next_step) parts.push(h("br"), String(rule.next_step));
      rules.append(h("li", {}, parts));
    }
    rules.append(h("li", {}, h("a", { href: "/work" }, "See every rule and your next step on your work page")));
  }
  rules.hidden = !rules.children.length;

  let retryAt = null;
  if (details?.retry_after) retryAt = Date.parse(details.retry_after);
  else if (!["all_done", "cancelled", "not_eligible"].includes(reason) && status === 409) {
    retryAt = Date.now() + POLL_SECONDS * 1000;
  }
  const when = $("lb-nowork-when");
  when.hidden = retryAt === null;
  if (retryAt !== null) {
    const tick = () => {
      const left = (retryAt - Date.now()) / 1000;
      if (left <= 0) {
        claim();
        return;
      }
      $("lb-nowork-countdown").textContent = `${clock(Math.ceil(left))}${details?.retry_after ? ` (at ${timeOfDay(details.retry_after)})` : ""}`;
      noWorkTimer = setTimeout(tick, 1000);
    };
    tick();
  }
  $("lb-nowork-retry").focus();
}

// --- a task -------------------------------------------------------------------------------

async function startTask(assignment, resumed, after = null) {
  stopTask();
  const local = store.load(assignment.id);
  let server = null;
  try {
    const got = await api("GET", `/assignments/${assignment.id}/draft`);
    if (got.ok) server = got.body;
  } catch {
    /* offline: the local draft is what there is */
  }
  const record = local || {
    assignment: assignment.id,
    project: projectId,
    answers: {},
    active: 0,
    changedAt: null,
    syncedAt: null,
    dirty: false,
    key: newKey(),
    pending: null,
  };
  record.key ||= newKey();
  let restored = store.newest(local, server);
  if (!restored && server?.pre_annotations) restored = { answers: server.pre_annotations, from: "prediction" };
  if (restored) record.answers = restored.answers || {};
  task = {
    assignment,
    record,
    data: assignment.item.data || {},
    media: assignment.item.media || {},
    mounted: new Map(),
    expiresAt: Date.parse(assignment.expires_at),
    active: record.active || 0,
    timers: [],
    saving: false,
    closed: false,
    retry: 0,
    retryTimer: null,
  };
  els.item.replaceChildren(renderItem(cfg.fields, controls, assignment.item, targetsShownByWidgets(controls)));
  els.item.hidden = !els.item.querySelector(".lbi > *"); // every field is shown by a widget
  mountControls(record.answers);
  show(els.task);
  setLocked(false);
  els.submitState.textContent = "";
  els.submitState.dataset.tone = "";
  startLease();
  task.timers.push(setInterval(saveToServer, SERVER_SAVE_MS));
  task.timers.push(setInterval(countActive, 1000));
  lastInput = Date.now();
  const note = {
    server: "Your saved draft is back.",
    prediction: "A model's pre-annotation is filled in: check it and correct what is wrong.",
  }[restored?.from] || (restored && Object.keys(restored.answers || {}).length ? "Your draft is back." : "");
  const words = [after?.text, resumed ? "You were working on this task." : "", note].filter(Boolean);
  say(words.join(" "), after?.text ? after.tone : "");
  if (record.pending) {
    setLocked(true);
    sendAnswer();
  } else {
    focusControl(firstVisible());
  }
  if (performance.getEntriesByName("lb:submit", "mark").length) {
    performance.measure("lb:submit-to-next", "lb:submit");
    performance.clearMarks("lb:submit");
  }
}

function stopTask() {
  if (!task) return;
  for (const timer of task.timers) clearInterval(timer);
  clearTimeout(task.retryTimer);
  task.closed = true;
  task = null;
}

function mountControls(answers) {
  els.controls.replaceChildren();
  for (const config of controls) {
    const has = Object.hasOwn(answers, config.name);
    const mounted = mountControl(config, {
      value: has ? answers[config.name] : null,
      onChange: () => changed(config.name),
      data: task.data,
      media: task.media,
    });
    const error = h("p", { class: "lbc-error", id: `lbc-error-${config.name}`, hidden: true });
    mounted.root.append(error);
    mounted.error = error;
    mounted.config = config;
    if (has && answers[config.name] === null) mounted.widget.setAnsweredNa?.();
    els.controls.append(mounted.root);
    task.mounted.set(config.name, mounted);
  }
  refreshVisibility();
}

/** Every control's answer as the draft keeps it (hidden ones too, to come back if shown). */
function draftAnswers() {
  const out = {};
  for (const [name, m] of task.mounted) {
    const value = m.widget.getValue();
    if (value !== null && value !== undefined) out[name] = value;
    else if (m.widget.answered?.()) out[name] = null;
  }
  return out;
}

/** The answers of the shown controls: what is submitted. */
function submitAnswers(visible) {
  const all = draftAnswers();
  const out = {};
  for (const name of Object.keys(all)) if (visible.has(name)) out[name] = all[name];
  return out;
}

function visibleNow() {
  return checkResponse(controls, draftAnswers(), task.data).visible;
}

function refreshVisibility() {
  const visible = visibleNow();
  for (const [name, m] of task.mounted) m.root.hidden = !visible.has(name);
  return visible;
}

function changed(name) {
  if (!task) return;
  const m = task.mounted.get(name);
  if (m) setError(m, null);
  refreshVisibility();
  const record = task.record;
  record.answers = draftAnswers();
  record.changedAt = Date.now();
  record.dirty = true;
  record.active = task.active;
  store.save(record);
}

async function saveToServer() {
  if (!task || task.saving || !task.record.dirty || task.record.pending) return;
  const current = task;
  const sentAt = Date.now();
  current.saving = true;
  try {
    const result = await api("PUT", `/assignments/${current.assignment.id}/draft`, { answers: current.record.answers });
    if (result.ok) {
      current.record.syncedAt = result.body.saved_at;
      if ((current.record.changedAt || 0) <= sentAt) current.record.dirty = false;
      if (!current.closed) store.save(current.record);
    }
  } catch {
    /* offline: kept locally, sent on a later tick */
  } finally {
    current.saving = false;
  }
}

// --- lease and active time ----------------------------------------------------------------

function startLease() {
  els.lease.hidden = false;
  els.extend.hidden = false;
  const tick = () => {
    if (!task) return;
    const left = (task.expiresAt - Date.now()) / 1000;
    els.leaseLeft.textContent = left > 0 ? clock(left) : "ended";
    els.leaseLeft.setAttribute("datetime", task.assignment.expires_at);
    els.lease.title = `Your lease ends at ${timeOfDay(task.expiresAt)}`;
    els.lease.dataset.state = left <= 0 ? "ended" : left < 60 ? "soon" : "";
    if (left <= 0 && !task.leaseEndedSaid) {
      task.leaseEndedSaid = true;
      say("Your lease has ended. You can still submit: the answer counts if the item still needs it.", "warning");
    }
  };
  tick();
  task.timers.push(setInterval(tick, 1000));
}

async function extendLease() {
  if (!task) return;
  try {
    const result = await api("POST", `/assignments/${task.assignment.id}/extend`, {});
    if (result.ok) {
      task.expiresAt = Date.parse(result.body.expires_at);
      task.assignment.expires_at = result.body.expires_at;
      task.leaseEndedSaid = false;
      say(`Lease extended: it ends at ${timeOfDay(result.body.expires_at)}.`, "success");
    } else {
      say(errorOf(result).message, "warning");
    }
  } catch {
    say("Cannot reach labelpool to extend the lease; try again in a moment.", "warning");
  }
}

function countActive() {
  if (!task || task.record.pending) return;
  if (document.visibilityState === "visible" && Date.now() - lastInput < IDLE_AFTER_MS) {
    task.active += 1;
    if (task.active % 5 === 0) {
      task.record.active = task.active;
      store.save(task.record);
    }
  }
}

for (const type of ["keydown", "pointerdown", "input", "wheel", "touchstart"]) {
  document.addEventListener(type, () => (lastInput = Date.now()), { capture: true, passive: true });
}

// --- submitting ---------------------------------------------------------------------------

function setError(m, problems) {
  const text = problems && problems.length ? problems.join("; ") : "";
  m.error.textContent = text;
  m.error.hidden = !text;
  m.root.classList.toggle("is-invalid", Boolean(text));
  if (text) {
    m.root.setAttribute("aria-invalid", "true");
    m.root.setAttribute("aria-describedby", m.error.id);
  } else {
    m.root.removeAttribute("aria-invalid");
    m.root.removeAttribute("aria-describedby");
  }
}

function showErrors(errors) {
  let first = null;
  for (const [name, m] of task.mounted) {
    const problems = errors[name] || null;
    setError(m, problems);
    if (problems && !first) first = m;
  }
  const unknown = Object.keys(errors).filter((name) => !task.mounted.has(name));
  if (unknown.length) say(unknown.map((n) => `${n}: ${errors[n].join("; ")}`).join(" · "), "danger");
  if (first) focusControl(first);
  return first !== null || unknown.length > 0;
}

function setLocked(locked) {
  els.submit.disabled = locked;
  $("lb-skip").disabled = locked;
  $("lb-report").disabled = locked;
  els.controls.toggleAttribute("inert", locked);
  els.controls.classList.toggle("is-locked", locked);
}

function submit() {
  if (!task) return;
  if (task.record.pending) {
    // Already on its way: try again now instead of waiting for the next retry.
    clearTimeout(task.retryTimer);
    sendAnswer();
    return;
  }
  const visible = refreshVisibility();
  const answers = submitAnswers(visible);
  const checked = checkResponse(controls, answers, task.data);
  for (const [name, m] of task.mounted) {
    if (!visible.has(name)) continue;
    const problem = m.widget.validate();
    const known = checked.errors[name] || [];
    if (problem && !known.includes(problem)) checked.errors[name] = [problem, ...known];
  }
  if (Object.keys(checked.errors).length) {
    showErrors(checked.errors);
    const n = Object.keys(checked.errors).length;
    els.submitState.textContent = `${n} answer${n === 1 ? " needs" : "s need"} a look before sending.`;
    els.submitState.dataset.tone = "danger";
    return;
  }
  for (const m of task.mounted.values()) setError(m, null);
  performance.mark("lb:submit"); // submit-to-next is measured (User Timing) for the benchmark
  task.record.pending = { answers, active_seconds: Math.round(task.active) };
  store.save(task.record);
  setLocked(true);
  sendAnswer();
}

async function sendAnswer() {
  const current = task;
  if (!current?.record.pending) return;
  els.submitState.textContent = current.retry ? "Not sent yet — retrying…" : "Sending…";
  els.submitState.dataset.tone = current.retry ? "warning" : "";
  let result;
  try {
    result = await api("POST", `/assignments/${current.assignment.id}/response`, current.record.pending, {
      "Idempotency-Key": current.record.key,
    });
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    retryLater(current, "Not sent yet — retrying");
    return;
  }
  if (current.closed) return;
  if (result.status >= 500 || result.status === 429 || result.status === 401) {
    retryLater(current, result.status === 401 ? "Not sent yet: your session ended; log in again in another tab — retrying" : "Not sent yet — retrying");
    return;
  }
  const error = errorOf(result);
  if (result.ok || (result.status === 409 && error.code === "lease_expired")) {
    store.remove(current.assignment.id);
    current.record.pending = null;
    const text = result.ok ? "Sent." : error.message;
    stopTask();
    await claim({ text, tone: result.ok ? "success" : "warning" });
    return;
  }
  current.record.pending = null;
  current.retry = 0;
  store.save(current.record);
  setLocked(false);
  if (result.status === 422) {
    const byControl = error.details?.controls || {};
    showErrors(byControl);
    els.submitState.textContent = `Not accepted: ${error.message}`;
    els.submitState.dataset.tone = "danger";
    return;
  }
  if (result.status === 409 && ["already_submitted", "assignment_closed", "project_cancelled"].includes(error.code)) {
    store.remove(current.assignment.id);
    stopTask();
    await claim({ text: error.message, tone: "warning" });
    return;
  }
  if (error.code === "idempotency_key_reused") current.record.key = newKey();
  els.submitState.textContent = error.message;
  els.submitState.dataset.tone = "danger";
}

function retryLater(current, text) {
  const wait = RETRY_DELAYS[Math.min(current.retry, RETRY_DELAYS.length - 1)];
  current.retry += 1;
  els.submitState.textContent = `${text} in ${wait} s. Your answer is kept on this device.`;
  els.submitState.dataset.tone = "warning";
  current.retryTimer = setTimeout(() => {
    if (!current.closed) sendAnswer();
  }, wait * 1000);
}

/** Answers of earlier assignments left unsent (a crash mid-retry): send them now. */
async function sendLeftovers(exceptId) {
  for (const record of store.pendingOf(projectId)) {
    if (record.assignment === exceptId) continue;
    try {
      const result = await api("POST", `/assignments/${record.assignment}/response`, record.pending, {
        "Idempotency-Key": record.key,
      });
      if (result.status < 500 && result.status !== 401 && result.status !== 429) store.remove(record.assignment);
    } catch {
      /* still offline: tried again on the next load */
    }
  }
}

// --- skip and report ----------------------------------------------------------------------

async function closeWith(path, body, done) {
  if (!task) return;
  const current = task;
  try {
    const result = await api("POST", `/assignments/${current.assignment.id}/${path}`, body);
    if (!result.ok && result.status !== 409) {
      say(errorOf(result).message, "danger");
      return;
    }
    store.remove(current.assignment.id);
    stopTask();
    await claim({ text: result.ok ? done : errorOf(result).message, tone: result.ok ? "success" : "warning" });
  } catch {
    say("Cannot reach labelpool; try again in a moment.", "warning");
  }
}

function openDialog(dialog) {
  if (!dialog.open) dialog.showModal();
}

els.skipDialog.addEventListener("close", () => {
  if (els.skipDialog.returnValue === "skip") {
    closeWith("skip", { reason: $("lb-skip-reason").value.trim() }, "Skipped.");
  }
  els.skipDialog.returnValue = "";
  $("lb-skip-reason").value = "";
});

els.reportDialog.addEventListener("close", () => {
  if (els.reportDialog.returnValue === "report") {
    const form = $("lb-report-form");
    const reason = form.querySelector("input[name=reason]:checked")?.value || "other";
    closeWith("report", { reason, comment: $("lb-report-comment").value.trim() }, "Reported; thank you.");
  }
  els.reportDialog.returnValue = "";
  $("lb-report-comment").value = "";
});

for (const dialog of [els.help, els.skipDialog, els.reportDialog]) {
  dialog.addEventListener("click", (event) => {
    if (event.target.closest("[data-close]") || event.target === dialog) dialog.close();
  });
}

// --- guidelines ---------------------------------------------------------------------------

function setGuidelinesOpen(open) {
  if (!els.guidelines || !els.guidelinesToggle) return;
  root.classList.toggle("is-guidelines-closed", !open);
  els.guidelinesToggle.setAttribute("aria-expanded", String(open));
}

function openSection(number, { focus = false } = {}) {
  const section = document.getElementById(`guideline-${number}`);
  if (!section) return;
  if (els.search?.value) filterGuidelines("");
  setGuidelinesOpen(true);
  const body = $("lb-guidelines-body");
  body.scrollTop = section.offsetTop - body.offsetTop;
  for (const el of body.querySelectorAll(".is-current")) el.classList.remove("is-current");
  section.classList.add("is-current");
  if (focus) {
    if (window.matchMedia("(max-width: 900px)").matches) section.scrollIntoView({ block: "start" });
    section.focus({ preventScroll: !window.matchMedia("(max-width: 900px)").matches });
  }
}

function filterGuidelines(query) {
  if (!els.search) return;
  els.search.value = query;
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const sections = [...document.querySelectorAll(".lb-gsec")];
  let shown = 0;
  for (const section of sections) {
    const text = section.textContent.toLowerCase();
    const match = words.every((w) => text.includes(w));
    section.hidden = !match;
    if (match) shown += 1;
  }
  $("lb-guidelines-none").hidden = shown > 0;
  $("lb-guidelines-count").textContent = words.length ? `${shown} of ${sections.length} sections match.` : "";
}

els.search?.addEventListener("input", () => filterGuidelines(els.search.value));
els.guidelinesToggle?.addEventListener("click", () => setGuidelinesOpen(root.classList.contains("is-guidelines-closed")));
// At phone and tablet width the guidelines start closed (they would push the work down);
// turning a device or narrowing the window closes them the same way.
const narrow = window.matchMedia("(max-width: 900px)");
if (narrow.matches) setGuidelinesOpen(false);
narrow.addEventListener("change", () => setGuidelinesOpen(!narrow.matches));

els.controls.addEventListener("click", (event) => {
  const link = event.target.closest(".lbc-guide");
  if (link) openSection(link.dataset.section, { focus: true });
});

els.controls.addEventListener("focusin", (event) => {
  const name = event.target.closest("[data-control]")?.dataset.control;
  const section = name && task?.mounted.get(name)?.config.guideline_section;
  if (section && !root.classList.contains("is-guidelines-closed") && !els.search?.value) openSection(section);
});

// --- keyboard -----------------------------------------------------------------------------

const GLOBAL_SHORTCUTS = [
  ["Ctrl+Enter", "submit the answer"],
  ["Tab / Shift+Tab", "next / previous control"],
  ["?", "this help"],
  ["/", "search the guidelines"],
  ["Alt+Shift+G", "show or hide the guidelines"],
  ["Alt+Shift+S", "skip the task"],
  ["Alt+Shift+R", "report the item"],
  ["Alt+Shift+E", "extend the lease"],
  ["Esc", "close a dialog"],
];

function openHelp() {
  const list = $("lb-shortcuts");
  list.replaceChildren();
  const group = (title, rows) => {
    if (!rows.length) return;
    list.append(h("dt", { class: "lb-shortcuts-group" }, title), h("dd", {}));
    for (const [keys, what] of rows) list.append(h("dt", {}, h("kbd", { class: "lb-kbd" }, keys)), h("dd", {}, what));
  };
  group("Everywhere", GLOBAL_SHORTCUTS);
  for (const config of controls) {
    const m = task?.mounted.get(config.name);
    const module = m?.module;
    if (module?.shortcuts) group(`${config.title} (when it has focus)`, module.shortcuts(config));
  }
  openDialog(els.help);
}

function firstVisible() {
  if (!task) return null;
  const shown = [...task.mounted.values()].filter((m) => !m.root.hidden);
  return shown.find((m) => m.widget.getValue() === null && !m.widget.answered?.()) || shown[0] || null;
}

function focusControl(m) {
  if (m) m.widget.focus();
  else els.submit.focus();
}

function activeControl() {
  const name = document.activeElement?.closest?.("[data-control]")?.dataset.control;
  return (name && task?.mounted.get(name)) || firstVisible();
}

function nextAfter(m) {
  const shown = [...task.mounted.values()].filter((x) => !x.root.hidden);
  const index = shown.indexOf(m);
  return shown[index + 1] || null;
}

document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    event.preventDefault();
    if (!els.task.hidden && !document.querySelector("dialog[open]")) submit();
    return;
  }
  if (document.querySelector("dialog[open]")) return;
  if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey) {
    const action = { KeyG: () => setGuidelinesOpen(root.classList.contains("is-guidelines-closed")), KeyS: () => task && !task.record.pending && openDialog(els.skipDialog), KeyR: () => task && !task.record.pending && openDialog(els.reportDialog), KeyE: extendLease }[event.code];
    if (action) {
      event.preventDefault();
      action();
    }
    return;
  }
  if (isTyping(event)) return;
  if (event.key === "?") {
    event.preventDefault();
    openHelp();
    return;
  }
  if (event.key === "/" && els.search) {
    event.preventDefault();
    setGuidelinesOpen(true);
    els.search.focus();
    return;
  }
  if (!task || task.record.pending || els.task.hidden) return;
  const m = activeControl();
  if (!m) return;
  const handled = m.widget.handleKey(event);
  if (!handled) return;
  event.preventDefault();
  if (handled === "advance") {
    refreshVisibility();
    focusControl(nextAfter(m));
  }
});

// --- buttons and start ----------------------------------------------------------------------

els.task.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});
$("lb-skip").addEventListener("click", () => openDialog(els.skipDialog));
$("lb-report").addEventListener("click", () => openDialog(els.reportDialog));
$("lb-help-open").addEventListener("click", openHelp);
els.extend.addEventListener("click", extendLease);
$("lb-nowork-retry").addEventListener("click", () => claim());
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") saveToServer();
});

loadWidgets(controls.map((c) => c.kind))
  .then(() => claim())
  .then(() => sendLeftovers(task?.assignment.id));
