"""Domain errors raised by services. The web layer turns them into HTTP responses."""

from __future__ import annotations

from typing import Any


class LabelpoolError(Exception):
    """Base class: `code` is stable for clients, `message` is for people."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code


class InvalidInput(LabelpoolError):
    status_code = 422
    code = "invalid_input"


class NotAuthenticated(LabelpoolError):
    status_code = 401
    code = "not_authenticated"


class PermissionDenied(LabelpoolError):
    status_code = 403
    code = "permission_denied"


class NotFound(LabelpoolError):
    status_code = 404
    code = "not_found"


class Conflict(LabelpoolError):
    status_code = 409
    code = "conflict"


class RateLimited(LabelpoolError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message, details={"retry_after_seconds": retry_after_seconds})
        self.retry_after_seconds = retry_after_seconds
