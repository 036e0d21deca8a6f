"""Every error becomes `{"error": {"code", "message", "details"}}` on the API, a page elsewhere."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from labelpool.db.errors import RETRY_AFTER_SECONDS, is_busy, is_conflict, is_unstorable_value
from labelpool.errors import LabelpoolError, RateLimited
from labelpool.web.db_turns import DatabaseTurnTimeout
from labelpool.web.deps import LoginRequired, page_user_of, request_writes
from labelpool.web.middleware import RETRY_HEADER
from labelpool.web.render import render
from labelpool.web.routes import allowed_methods

log = logging.getLogger(__name__)
FORM_LIMIT = re.compile(r"exceeded maximum size|Too many (fields|files)")

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    503: "unavailable",
}
TITLES = {
    400: "Bad request",
    401: "Please log in",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed here",
    409: "Conflict",
    413: "Too large",
    422: "Check your input",
    429: "Slow down",
    500: "Something went wrong",
    503: "Busy, try again",
}


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, for programs: e.g. not_found, invalid_input.")
    message: str = Field(description="For people: what went wrong and what to do.")
    details: Any = Field(default=None, description="Per-field problems, ids, limits.")


class ErrorOut(BaseModel):
    """The body of every error the API answers."""

    error: ErrorDetail


def _documented(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


# Documented on every API route (what any of them may answer).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("Malformed request, e.g. a body that is not JSON"),
    401: _documented("Not logged in, or the API token is invalid"),
    403: _documented("Logged in, but not allowed to do this"),
    404: _documented("No such resource, or not one you can see"),
    409: _documented("Conflicts with the current state; reload and retry"),
    413: _documented("The body is over the size limit"),
    422: _documented("Invalid input; `details` lists each field's problem"),
    503: _documented("The database is busy; retry after the Retry-After header's seconds"),
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if wants_json(request):
        return JSONResponse(
            {"error": {"code": code, "message": message, "details": details}},
            status_code=status,
            headers=headers,
        )
    user = page_user_of(request)
    response = render(
        request,
        "error.html",
        {"status_code": status, "title": TITLES.get(status, "Error"), "message": message},
        user=user,
        status_code=status,
    )
    if headers:
        response.headers.update(headers)
    return response


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or "body"


def describe_validation_error(error: dict[str, Any]) -> dict[str, str]:
    """One pydantic error as {field, problem} with a sentence a person can act on."""
    loc = tuple(error.get("loc", ()))
    field = _field_name(loc)
    kind = error.get("type", "")
    where = loc[0] if loc else "body"
    given = error.get("input")
    if kind == "extra_forbidden":
        problem = f"Unknown field '{field}'; remove it (check the spelling against /docs)."
    elif kind == "missing":
        problem = f"'{field}' is required in the {where}."
    elif where == "path" and (kind.startswith("int") or kind.endswith(("_equal", "_than"))):
        problem = f"'{given}' is not a valid id: {field} must be a whole number from 1 to 2^63-1."
    else:
        reason = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
        problem = f"'{field}': {reason}."
    return {"field": field, "problem": problem}


def _busy_headers(request: Request) -> dict[str, str]:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if not request_writes(request):  # a GET that wrote: ReadRetryMiddleware runs it as a writer
        headers[RETRY_HEADER.decode()] = "1"
    return headers


def _busy_response(request: Request) -> Response:
    """503 with Retry-After: the database's lock (or a connection, or this process's turn to
    write) did not come free within the lock timeout."""
    return error_response(
        request,
        503,
        "database_busy",
        "The server is busy with other changes right now and nothing was saved; "
        f"try again in {RETRY_AFTER_SECONDS} seconds.",
        headers=_busy_headers(request),
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(LabelpoolError)
    async def domain_error(request: Request, exc: LabelpoolError) -> Response:
        headers = None
        if isinstance(exc, RateLimited):
            headers = {"Retry-After": str(exc.retry_after_seconds)}
        return error_response(request, exc.status_code, exc.code, exc.message, exc.details, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = list(exc.errors())
        json_error = next((e for e in errors if e.get("type") == "json_invalid"), None)
        if json_error is not None:
            reason = (json_error.get("ctx") or {}).get("error", "invalid JSON")
            position = json_error.get("loc", ("body", "?"))[-1]
            return error_response(
                request,
                400,
                "malformed_json",
                f"The request body is not valid JSON ({reason} at character {position}).",
            )
        problems = [describe_validation_error(e) for e in errors]
        message = (
            problems[0]["problem"]
            if len(problems) == 1
            else (
                f"{len(problems)} problems with the request: "
                + " ".join(p["problem"] for p in problems[:3])
            )
        )
        return error_response(request, 422, "invalid_input", message, problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "")
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = f"There is nothing at {request.url.path}; check the address."
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 405:
            allowed = allowed_methods(request.app.state.route_table, request.url.path)
            message = (
                f"{request.method} is not allowed on {request.url.path}; use {', '.join(allowed)}."
            )
            headers = {**(headers or {}), "Allow": ", ".join(allowed)}
        if exc.status_code == 400 and FORM_LIMIT.search(message):
            # Starlette's form parser refuses an over-long field or too many parts with 400.
            return error_response(
                request,
                413,
                "body_too_large",
                f"The form is too large ({message.rstrip('.')}); send less and try again.",
            )
        return error_response(request, exc.status_code, code, message, None, headers)

    @app.exception_handler(DatabaseTurnTimeout)
    @app.exception_handler(PoolTimeout)
    async def server_busy(request: Request, exc: Exception) -> Response:
        log.warning("busy on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return _busy_response(request)

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> Response:
        if is_busy(exc):
            log.warning("database busy on %s %s: %s", request.method, request.url.path, exc.orig)
            return _busy_response(request)
        if is_conflict(exc):
            log.warning("write conflict on %s %s", request.method, request.url.path, exc_info=exc)
            return error_response(
                request,
                409,
                "conflict",
                "This changed at the same time as another request and nothing was saved; "
                "reload and try again.",
            )
        if is_unstorable_value(exc):
            log.warning("unstorable value on %s %s: %s", request.method, request.url.path, exc.orig)
            return error_response(
                request,
                422,
                "invalid_input",
                "A value in the request cannot be stored (a number out of range or text with a "
                "character the database refuses); check the values and try again.",
            )
        return await unexpected_error(request, exc)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(
            request,
            500,
            "internal_error",
            "Something went wrong on our side; the error has been logged. Try again later.",
        )
