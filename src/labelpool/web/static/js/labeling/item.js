// Rendering an item: text, images, audio and video from the signed media URLs, two responses
// side by side (a pairwise control's targets, or response_a / response_b), a conversation
// (a list of {role, content}), a search query with its result(s), a list of responses.
import { h } from "../controls/common.js";

const SEARCH_RESULT = ["title", "url", "snippet"];

const humanize = (name) => name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

function isTurns(value) {
  return Array.isArray(value) && value.length > 0 && value.every((t) => t && typeof t === "object" && "role" in t && "content" in t);
}

function isResults(value) {
  return Array.isArray(value) && value.length > 0 && value.every((r) => r && typeof r === "object" && ("title" in r || "url" in r) && !("role" in r));
}

function safeHref(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
}

/**
 * Text as it was written (paragraphs and line breaks); in markdown, fenced code blocks become
 * code blocks. Never HTML from the item: every part is a text node.
 */
function textBlock(value, markdown = false) {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  if (!markdown || !text.includes("```")) return h("div", { class: `lbi-text${markdown ? " lbi-markdown" : ""}` }, text);
  const out = h("div", { class: "lbi-text lbi-markdown" });
  const parts = text.split(/^```[^\n]*\n?/m);
  parts.forEach((part, index) => {
    const code = index % 2 === 1;
    const body = code ? part.replace(/\n$/, "") : part.replace(/^\n+|\n+$/g, "");
    if (body) out.append(code ? h("pre", { class: "lbi-code" }, h("code", {}, body)) : h("span", {}, body));
  });
  return out;
}

function conversation(turns) {
  return h(
    "ol",
    { class: "lbi-turns", "aria-label": "Conversation" },
    turns.map((turn, index) =>
      h(
        "li",
        { class: `lbi-turn lbi-turn-${String(turn.role).toLowerCase() === "user" ? "user" : "other"}`, "aria-label": `Turn ${index + 1}, ${turn.role}` },
        h("span", { class: "lbi-role" }, String(turn.role)),
        h("div", { class: "lbi-turn-text" }, String(turn.content ?? "")),
      ),
    ),
  );
}

function searchResult(result, index = null) {
  const href = safeHref(result.url);
  const title = result.title || result.url || "(no title)";
  return h(
    "article",
    { class: "lbi-result" },
    index !== null ? h("span", { class: "lbi-result-n" }, String(index + 1)) : null,
    h(
      "div",
      {},
      h("h3", { class: "lbi-result-title" }, href ? h("a", { href, target: "_blank", rel: "noopener noreferrer" }, title) : title),
      result.url ? h("p", { class: "lbi-result-url" }, String(result.url)) : null,
      result.snippet ? h("p", { class: "lbi-result-snippet" }, String(result.snippet)) : null,
    ),
  );
}

function responsesList(list) {
  return h(
    "ol",
    { class: "lbi-responses" },
    list.map((entry, index) =>
      h("li", {}, h("span", { class: "lbi-response-n" }, `Response ${index + 1}`), h("div", { class: "lbi-text" }, typeof entry === "string" ? entry : String(entry?.text ?? JSON.stringify(entry)))),
    ),
  );
}

function media(kind, name, url) {
  if (!url) return h("p", { class: "lbi-missing" }, `The ${kind} of this item is missing; report it as broken media.`);
  if (kind === "image") return h("img", { class: "lbi-image", src: url, alt: `Image (${humanize(name)})`, decoding: "async" });
  const el = h(kind, { class: `lbi-${kind}`, src: url, controls: true, preload: "metadata" });
  el.append(`Your browser cannot play this ${kind}.`);
  return el;
}

/** One field's value as the page shows it. */
function fieldView(field, value, mediaUrls) {
  const kind = field.kind;
  if (kind === "image" || kind === "audio" || kind === "video") {
    return media(kind, field.name, mediaUrls[field.name] || safeHref(value));
  }
  if (kind === "conversation" || isTurns(value)) return conversation(value);
  if (kind === "responses" && Array.isArray(value)) return responsesList(value);
  if (isResults(value)) return h("div", { class: "lbi-results" }, value.map((r, i) => searchResult(r, i)));
  if (kind === "url") {
    const href = safeHref(value);
    return href ? h("a", { class: "lbi-url", href, target: "_blank", rel: "noopener noreferrer" }, value) : textBlock(value);
  }
  if (kind === "json" || (value !== null && typeof value === "object")) {
    return h("pre", { class: "lbi-json" }, JSON.stringify(value, null, 2));
  }
  return textBlock(value ?? "", kind === "markdown");
}

function block(field, value, mediaUrls, extraClass = "") {
  return h(
    "section",
    { class: `lbi-field lbi-kind-${field.kind} ${extraClass}`.trim(), "data-field": field.name },
    h("h2", { class: "lbi-label" }, humanize(field.name)),
    fieldView(field, value, mediaUrls),
  );
}

/**
 * The item's fields as one element, laid out for the controls that look at them; fields in
 * `shownByWidgets` are left out (a widget shows them: the text to mark, the image to draw on).
 */
export function renderItem(fields, controls, item, shownByWidgets = new Set()) {
  const data = item.data || {};
  const mediaUrls = item.media || {};
  const byName = new Map(fields.map((f) => [f.name, f]));
  const used = new Set();
  const out = h("div", { class: "lbi" });

  // Two responses side by side: the first pairwise control's targets, else response_a / _b.
  const pairwise = controls.find((c) => c.kind === "pairwise" && Array.isArray(c.targets));
  let pair = pairwise ? pairwise.targets : null;
  if (!pair && byName.has("response_a") && byName.has("response_b")) pair = ["response_a", "response_b"];

  // A search query with its result: query first, then title / url / snippet as one result.
  const isSearch = byName.has("query") && SEARCH_RESULT.filter((n) => byName.has(n)).length >= 2;

  for (const field of fields) {
    if (used.has(field.name) || shownByWidgets.has(field.name) || !(field.name in data)) continue;
    if (pair && field.name === pair[0]) {
      const [a, b] = pair.map((n) => byName.get(n));
      used.add(a.name).add(b.name);
      out.append(
        h(
          "div",
          { class: "lbi-pair", role: "group", "aria-label": "Two responses side by side" },
          h("div", { class: "lbi-side" }, h("span", { class: "lbi-side-tag" }, "A"), block(a, data[a.name], mediaUrls)),
          h("div", { class: "lbi-side" }, h("span", { class: "lbi-side-tag" }, "B"), block(b, data[b.name], mediaUrls)),
        ),
      );
      continue;
    }
    if (isSearch && field.name === "query") {
      used.add("query");
      out.append(h("section", { class: "lbi-query", "data-field": "query" }, h("h2", { class: "lbi-label" }, "Search query"), h("p", { class: "lbi-query-text" }, String(data.query))));
      const result = {};
      for (const n of SEARCH_RESULT) if (byName.has(n)) {
        result[n] = data[n];
        used.add(n);
      }
      out.append(h("section", { class: "lbi-field", "data-field": "result" }, h("h2", { class: "lbi-label" }, "Result"), searchResult(result)));
      continue;
    }
    if (isSearch && SEARCH_RESULT.includes(field.name)) continue;
    used.add(field.name);
    out.append(block(field, data[field.name], mediaUrls));
  }
  if (!out.children.length && !shownByWidgets.size) out.append(h("p", { class: "text-muted" }, "This item has no data to show; report it as unclear."));
  return out;
}
