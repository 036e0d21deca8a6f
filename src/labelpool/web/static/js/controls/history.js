// Undo and redo for the drawing widgets: snapshots of the answer (plain JSON) taken before each
// change. Ctrl+Z undoes, Ctrl+Shift+Z or Ctrl+Y redoes (keyOf tells which a key event asks).

const copy = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

export class History {
  constructor(limit = 200) {
    this.limit = limit;
    this.past = [];
    this.future = [];
  }

  /** Call before a change with the state it changes from. */
  record(state) {
    this.past.push(copy(state));
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }

  /** The state to go back to (given the current one), or undefined when there is none. */
  undo(current) {
    if (!this.past.length) return undefined;
    this.future.push(copy(current));
    return this.past.pop();
  }

  /** The state to go forward to, or undefined. */
  redo(current) {
    if (!this.future.length) return undefined;
    this.past.push(copy(current));
    return this.future.pop();
  }

  clear() {
    this.past = [];
    this.future = [];
  }

  get canUndo() {
    return this.past.length > 0;
  }

  get canRedo() {
    return this.future.length > 0;
  }
}

/** "undo", "redo" or null for a key event (Ctrl or Cmd with Z, Shift+Z or Y). */
export function keyOf(event) {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  if (key === "z") return event.shiftKey ? "redo" : "undo";
  if (key === "y" && !event.shiftKey) return "redo";
  return null;
}

/** The shortcut rows every drawing widget lists in the help overlay. */
export const HISTORY_SHORTCUTS = [
  ["Ctrl+Z", "undo"],
  ["Ctrl+Shift+Z / Ctrl+Y", "redo"],
];
