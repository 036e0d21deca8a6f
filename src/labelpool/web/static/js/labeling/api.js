// Calling the JSON API from the page: the session cookie plus the CSRF header (web/deps.py
// asks for X-CSRF-Token on cookie-authenticated writes). A fetch that never got an answer
// throws NetworkError; any answer (2xx or an error body) comes back as {status, body}.

export class NetworkError extends Error {}

let csrfToken = "";
export function setCsrf(token) {
  csrfToken = token;
}

export async function api(method, path, body = undefined, headers = {}) {
  const init = {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", ...headers },
  };
  if (method !== "GET") init.headers["X-CSRF-Token"] = csrfToken;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch (error) {
    throw new NetworkError(error?.message || "network error");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, ok: response.ok, body: data, headers: response.headers };
}

/** The error body's parts: {code, message, details} (empty when the answer was not one). */
export function errorOf(result) {
  const error = result?.body?.error;
  return error && typeof error === "object" ? error : { code: "", message: `The server answered ${result?.status}.`, details: null };
}

/** A UUID for Idempotency-Key (crypto.randomUUID needs a secure context: fall back). */
export function newKey() {
  if (window.crypto?.randomUUID) {
    try {
      return window.crypto.randomUUID();
    } catch {
      /* not a secure context */
    }
  }
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
