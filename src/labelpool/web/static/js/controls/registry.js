// Every control kind by name, as labelpool/controls/registry.py lists them: kind -> widget
// module. A module exports mount(root, config, {value, onChange, readOnly, data}) returning
// {getValue, setValue, validate, focus, handleKey}, check(config, answer, data) (the server's
// check, same words), shortcuts(config) and, for kinds a condition may depend on, answerValues.
// mount's options also carry `media` (signed URLs by data field). A widget that shows its
// target field itself (the text to mark, the image to draw on, the media to play) exports
// showsTarget = true, and the item view leaves that field out.
// Widgets are loaded on demand (`loadWidgets`): a page loads only the modules, and the
// stylesheets (css/controls/<kind>.css), of the kinds its controls use.
import * as json from "./json.js";

export const KINDS = ["choice", "rating", "pairwise", "ranking", "text", "spans", "boxes", "polygons", "keypoints", "regions", "tracks"];
// kind -> its stylesheet in css/controls/ (the image kinds share the stage's, boxes.css)
const STYLESHEETS = { spans: "spans", boxes: "boxes", polygons: "boxes", keypoints: "boxes", regions: "regions", tracks: "tracks" };
const loaded = new Map();

function stylesheet(name) {
  const href = `/static/css/controls/${name}.css`;
  if (document.querySelector(`link[href="${href}"]`)) return Promise.resolve();
  const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href });
  const ready = new Promise((resolve) => {
    link.addEventListener("load", resolve);
    link.addEventListener("error", resolve); // unstyled beats not at all
  });
  document.head.append(link);
  return ready;
}

/** Load the widget modules (and stylesheets) of these kinds; call before mounting them. */
export async function loadWidgets(kinds) {
  const wanted = [...new Set(kinds)].filter((kind) => KINDS.includes(kind) && !loaded.has(kind));
  await Promise.all(
    wanted.map(async (kind) => {
      try {
        const sheet = STYLESHEETS[kind];
        const [module] = await Promise.all([import(`./${kind}.js`), sheet ? stylesheet(sheet) : null]);
        loaded.set(kind, module);
      } catch (error) {
        console.error(`The ${kind} widget did not load; its answer is typed as JSON.`, error);
      }
    }),
  );
}

/** The data fields that widgets of these controls show themselves. */
export function targetsShownByWidgets(controls) {
  return new Set(controls.filter((c) => c.target && widgetFor(c.kind).showsTarget).map((c) => c.target));
}

/** The loaded widget module of a kind (the JSON fallback for one this page does not know). */
export function widgetFor(kind) {
  return loaded.get(kind) || json;
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
