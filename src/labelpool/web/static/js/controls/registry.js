// Every control kind by name, as labelpool/controls/registry.py lists them: kind -> widget
// module. A module exports mount(root, config, {value, onChange, readOnly, data}) returning
// {getValue, setValue, validate, focus, handleKey}, check(config, answer, data) (the server's
// check, same words), shortcuts(config) and, for kinds a condition may depend on, answerValues.
import * as choice from "./choice.js";
import * as json from "./json.js";
import * as pairwise from "./pairwise.js";
import * as ranking from "./ranking.js";
import * as rating from "./rating.js";
import * as text from "./text.js";

export const WIDGETS = {
  choice,
  rating,
  pairwise,
  ranking,
  text,
  // Drawing widgets come next; until then an honest JSON editor (json.js).
  spans: json,
  boxes: json,
  regions: json,
  tracks: json,
};

/** Kinds whose widget is the JSON fallback. */
export const FALLBACK_KINDS = Object.keys(WIDGETS).filter((kind) => WIDGETS[kind] === json);

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
  const widget = module.mount(root, config, options);
  return { root, widget, module };
}
