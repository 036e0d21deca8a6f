// Every control kind by name, as labelpool/controls/registry.py lists them: kind -> widget
// module. A module exports mount(root, config, {value, onChange, readOnly, data}) returning
// {getValue, setValue, validate, focus, handleKey}, check(config, answer, data) (the server's
// check, same words), shortcuts(config) and, for kinds a condition may depend on, answerValues.
// mount's options also carry `media` (signed URLs by data field). A widget that shows its
// target field itself (the text to mark, the image to draw on, the media to play) exports
// showsTarget = true, and the item view leaves that field out.
import * as boxes from "./boxes.js";
import * as choice from "./choice.js";
import * as json from "./json.js";
import * as pairwise from "./pairwise.js";
import * as ranking from "./ranking.js";
import * as rating from "./rating.js";
import * as regions from "./regions.js";
import * as spans from "./spans.js";
import * as text from "./text.js";
import * as tracks from "./tracks.js";

export const WIDGETS = {
  choice,
  rating,
  pairwise,
  ranking,
  text,
  spans,
  boxes,
  regions,
  tracks,
};

/** Kinds whose widget is the JSON fallback (json.js, which says so on screen). */
export const FALLBACK_KINDS = Object.keys(WIDGETS).filter((kind) => WIDGETS[kind].fallback);

/** The data fields that widgets of these controls show themselves. */
export function targetsShownByWidgets(controls) {
  return new Set(controls.filter((c) => c.target && widgetFor(c.kind).showsTarget).map((c) => c.target));
}

/** The widget module of a kind (the JSON fallback for one this page does not know). */
export function widgetFor(kind) {
  return WIDGETS[kind] || json;
}

/**
 * Mount a control: a root element carrying data-control and data-kind, the widget in it.
 * Returns {root, widget, module}.
 */
export function mountControl(config, options = {}) {
  const module = widgetFor(config.kind);
  const root = document.createElement("fieldset");
  root.className = `lbc lbc-${config.kind}`;
  root.dataset.control = config.name;
  root.dataset.kind = config.kind;
  if (options.readOnly) root.dataset.readonly = "";
  const widget = module.mount(root, config, options);
  return { root, widget, module };
}
