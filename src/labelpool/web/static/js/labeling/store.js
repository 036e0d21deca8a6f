// What survives a reload or a crash, in localStorage, keyed by assignment id:
//   {assignment, project, answers, active, changedAt, syncedAt, dirty, key, pending}
// `changedAt` is this browser's clock at the last change, `syncedAt` the server's saved_at of
// the last draft it acknowledged, `dirty` true while changes wait to reach the server, `key`
// the Idempotency-Key of this assignment's answer, `pending` the answer being sent
// ({answers, active_seconds}) until the server acknowledges it.

const PREFIX = "labelpool:assignment:";

function read(key) {
  try {
    const raw = window.localStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

export function load(assignmentId) {
  return read(PREFIX + assignmentId);
}

export function save(record) {
  try {
    window.localStorage.setItem(PREFIX + record.assignment, JSON.stringify(record));
    return true;
  } catch {
    return false; // full or disabled: the server draft still keeps the work
  }
}

export function remove(assignmentId) {
  try {
    window.localStorage.removeItem(PREFIX + assignmentId);
  } catch {
    /* nothing to do */
  }
}

/** Records of a project with an answer still waiting to be acknowledged. */
export function pendingOf(projectId) {
  const out = [];
  try {
    for (let i = 0; i < window.localStorage.length; i += 1) {
      const key = window.localStorage.key(i);
      if (!key?.startsWith(PREFIX)) continue;
      const record = read(key);
      if (record?.project === projectId && record.pending) out.push(record);
    }
  } catch {
    /* storage unavailable */
  }
  return out;
}

/**
 * The newest of the local record and the server draft ({answers, saved_at} or null).
 * Local edits not yet acknowledged are compared by this browser's time of the change.
 */
export function newest(local, server) {
  const serverTime = server?.saved_at ? Date.parse(server.saved_at) : null;
  if (!local) return server?.answers ? { answers: server.answers, from: "server" } : null;
  const localTime = local.dirty ? local.changedAt : local.syncedAt ? Date.parse(local.syncedAt) : local.changedAt;
  if (server?.answers && serverTime !== null && (localTime === null || serverTime > localTime)) {
    return { answers: server.answers, from: "server" };
  }
  return { answers: local.answers || {}, from: "local" };
}
