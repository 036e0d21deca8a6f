// labelpool — live countdowns beside dates in the future (the /work page). No build step.
//
//   <time datetime="2026-12-03T14:00:00+00:00" data-countdown="opens in"
//         data-countdown-href="/tests/3" data-countdown-done="Open now">3 Dec 14:00 UTC</time>
//
// The server-rendered date stays as it is (it is what the page says without JavaScript); a
// countdown ("opens in 2 h 14 min") is added after it and kept current. When it reaches zero it
// turns into a link: to data-countdown-href when given, else a reload of the page (the server
// then says what is open); so does a date that passed before the page's script ran.

const SELECTOR = "time[data-countdown]";
const timers = new Set();

/** The instant a `datetime` attribute names; one without an offset is UTC (as the server means). */
export function parseInstant(text) {
  if (!text) return NaN;
  const hasZone = /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(text);
  return Date.parse(hasZone ? text : `${text}Z`);
}

/** "2 d 3 h", "2 h 14 min", "14 min", "45 s": two units at most, never "0 min". */
export function formatRemaining(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes >= 5) return `${minutes} min`;
  if (minutes > 0) return `${minutes} min ${seconds % 60} s`;
  return `${seconds} s`;
}

function finish(time, holder) {
  const link = document.createElement("a");
  const href = time.getAttribute("data-countdown-href");
  link.className = "countdown-done";
  link.textContent = time.getAttribute("data-countdown-done") || "Refresh";
  if (href) {
    link.href = href;
  } else {
    link.href = window.location.href;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      window.location.reload();
    });
  }
  holder.replaceChildren(link);
  holder.classList.add("is-done");
}

function start(time) {
  if (time.dataset.countdownStarted) return;
  const at = parseInstant(time.getAttribute("datetime"));
  if (Number.isNaN(at)) return;
  time.dataset.countdownStarted = "1";
  const holder = document.createElement("span");
  holder.className = "countdown";
  time.after(holder);
  if (at <= Date.now()) {
    finish(time, holder); // it passed between the server's answer and now
    return;
  }
  const prefix = time.getAttribute("data-countdown") || "in";
  // The page says UTC; a hover also gives the contributor's own clock. The ticking text is not
  // a live region: it would be read out every second.
  time.setAttribute("title", `Your time: ${new Date(at).toLocaleString()}`);

  const tick = () => {
    const left = at - Date.now();
    if (left <= 0) {
      clearInterval(timer);
      timers.delete(timer);
      finish(time, holder);
      return;
    }
    holder.textContent = `${prefix} ${formatRemaining(left)}`;
  };
  const timer = setInterval(tick, 1000);
  timers.add(timer);
  tick();
}

/** Start every countdown under `root` (the whole page by default; HTMX swaps call it too). */
export function startCountdowns(root = document) {
  root.querySelectorAll(SELECTOR).forEach(start);
}

startCountdowns();
document.addEventListener("htmx:afterSwap", (event) => startCountdowns(event.target));
