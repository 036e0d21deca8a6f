"""Pure ASGI middleware (cheap per request): body size limit, CSRF cookie, security headers."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from labelpool.media.sniff import format_bytes

CSRF_COOKIE = "lp_csrf"


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


def _error_body(code: str, message: str, details: Any = None) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "details": details}}).encode()


class BodyLimitsMiddleware:
    """Refuse request bodies over `max_bytes` with 413, whether or not Content-Length is sent,
    and bodies that stall for `read_timeout_seconds` between chunks with 408.

    Without the timeout a client declaring more bytes than it sends holds a connection (and a
    worker) forever.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_max_bytes: int | None = None,
        upload_paths: re.Pattern[str] | None = None,
        read_timeout_seconds: float = 30.0,
        page_uploads: tuple[tuple[re.Pattern[str], str], ...] = (),
    ) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes or max_bytes
        self.upload_paths = upload_paths
        self.read_timeout_seconds = read_timeout_seconds
        self.page_uploads = page_uploads  # (path, what to tell a person; {limit} filled in)

    def limit_for(self, path: str) -> int:
        if self.upload_paths is not None and self.upload_paths.fullmatch(path):
            return self.upload_max_bytes
        return self.default_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope["path"])
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0:
                    await _refuse(
                        scope, send, 400, "bad_request", "Content-Length is not a number."
                    )
                    return
                if declared > max_bytes:
                    await self._too_large(scope, send, max_bytes)
                    return
        received = 0
        body_done = False
        failure: Exception | None = None
        replaced = False

        async def limited_receive() -> Message:
            nonlocal received, body_done, failure
            if body_done:  # afterwards only http.disconnect comes, whenever the client leaves
                return await receive()
            try:
                with anyio.fail_after(self.read_timeout_seconds):
                    message = await receive()
            except TimeoutError:
                failure = BodyTooSlow()
                raise failure from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if received > max_bytes:
                    failure = BodyTooLarge()
                    raise failure
            return message

        async def guarded_send(message: Message) -> None:
            # Frameworks may turn the receive error into their own 400; answer ours instead.
            nonlocal replaced
            if failure is not None:
                if not replaced:
                    replaced = True
                    await self._refuse_for(scope, send, failure, max_bytes)
                return
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except (BodyTooLarge, BodyTooSlow) as exc:
            if not replaced:
                await self._refuse_for(scope, send, exc, max_bytes)

    async def _refuse_for(self, scope: Scope, send: Send, exc: Exception, max_bytes: int) -> None:
        if isinstance(exc, BodyTooSlow):
            await _refuse(
                scope,
                send,
                408,
                "body_timeout",
                f"The request body stopped arriving for {self.read_timeout_seconds:g} seconds; "
                "check your connection and send it again.",
            )
        else:
            await self._too_large(scope, send, max_bytes)

    async def _too_large(self, scope: Scope, send: Send, max_bytes: int) -> None:
        limit = format_bytes(max_bytes)
        if _is_api(scope):
            message = (
                f"The request body is larger than the {limit} limit; "
                "send less data per request (for big files use `labelpool import`)."
            )
            await _refuse(scope, send, 413, "body_too_large", message)
            return
        path: str = scope["path"]
        said = next((m for pattern, m in self.page_uploads if pattern.fullmatch(path)), None)
        message = (said or PAGE_TOO_LARGE).format(limit=limit)
        back = _same_origin_referer(scope)
        if back is None:
            await _refuse(scope, send, 413, "body_too_large", message)
            return
        # Back to the form the upload came from, with the reason in words that fit it.
        from starlette.requests import Request
        from starlette.responses import RedirectResponse

        from labelpool.web.render import set_flash

        response = RedirectResponse(back, status_code=303, headers={"Connection": "close"})
        set_flash(Request(scope), response, "error", message)
        await response(scope, _no_body, send)


PAGE_TOO_LARGE = (
    "What you sent is larger than the {limit} this page accepts; "
    "choose a smaller file (or shorter text) and try again."
)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def _same_origin_referer(scope: Scope) -> str | None:
    """The path of the page a form was sent from, when it is one of ours."""
    headers: dict[bytes, bytes] = dict(scope["headers"])
    referer = headers.get(b"referer", b"").decode("latin-1")
    host = headers.get(b"host", b"").decode("latin-1")
    parts = urlsplit(referer)
    if not referer or parts.netloc != host or parts.path == scope["path"]:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _is_api(scope: Scope) -> bool:
    path: str = scope["path"]
    return path.startswith("/api/") or any(
        name == b"accept" and b"application/json" in value for name, value in scope["headers"]
    )


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    """Answer before the app did: JSON on the API, the error page elsewhere."""
    if _is_api(scope):
        body = _error_body(code, message)
        content_type = b"application/json"
    else:
        body = _error_page(status, message)
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _error_page(status: int, message: str) -> bytes:
    from labelpool.web.render import templates

    titles = {400: "Bad request", 408: "Took too long", 413: "Too large"}
    html = templates.get_template("error.html").render(
        status_code=status,
        title=titles.get(status, "Error"),
        message=message,
        current_user=None,
        nav_items=[],
        flashes=[],
        csrf_token="",
    )
    return html.encode()


class CsrfCookieMiddleware:
    """Give every browser a random CSRF token cookie; forms echo it back (double submit).

    The token is put in `scope["state"]["csrf_token"]` for templates to render.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _cookie(scope, CSRF_COOKIE)
        is_new = token is None or len(token) < 20
        if is_new:
            token = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if is_new and message["type"] == "http.response.start":
                cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
                if secure:
                    cookie += "; Secure"
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookie(scope: Scope, name: str) -> str | None:
    for header, value in scope["headers"]:
        if header == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                if key == name:
                    return str(val)
    return None


RETRY_AS_WRITER = "retry_as_writer"  # scope state: this run of a GET begins as a writer
RETRY_HEADER = b"x-labelpool-retry-as-writer"  # internal: the error handler asks for a rerun


class ReadRetryMiddleware:
    """Run a GET again, as a writer, when it turned out to write and lost the race for the lock.

    GETs begin deferred so readers never queue behind writers. The few that write (a first
    visit creating a profile, grading an attempt whose time ran out) fail at once on SQLite
    when another connection committed since they read. A GET has no body and its transaction
    was rolled back, so it is run again, this time waiting for the write lock.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        retry = False

        async def send_unless_retrying(message: Message) -> None:
            nonlocal retry
            if message["type"] == "http.response.start":
                retry = any(name == RETRY_HEADER for name, _ in message.get("headers", []))
            if not retry:
                await send(message)

        await self.app(scope, receive, send_unless_retrying)
        if retry:
            scope.setdefault("state", {})[RETRY_AS_WRITER] = True
            await self.app(scope, receive, send)


def content_security_policy(media_origins: tuple[str, ...] = ()) -> str:
    """Scripts and styles from labelpool's own files only: no inline script, no eval.

    Style attributes stay allowed (progress bars set their width); media may also come from
    `media_origins` (an object store the media URLs redirect to), to show and to fetch.
    """
    media = " ".join(("'self'", "data:", "blob:", *media_origins))
    connect = " ".join(("'self'", *media_origins))
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "style-src-attr 'unsafe-inline'",
            f"img-src {media}",
            f"media-src {media}",
            # the audio widget fetches the file to draw its waveform
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeadersMiddleware:
    """Headers every response carries: CSP, no framing (clickjacking), referrer, nosniff.

    A header a route set itself is kept.
    """

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"x-content-type-options", b"nosniff"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in self.headers if n not in present]
                if secure and b"strict-transport-security" not in present:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
