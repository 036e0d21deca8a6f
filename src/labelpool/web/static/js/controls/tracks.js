// The tracks widget is being built; until then the JSON fallback.
export * from "./json.js";
