"""What a database error means for the caller: wait and retry, or a conflicting write."""

from __future__ import annotations

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

# PostgreSQL: serialization failure, deadlock, lock not available, statement/lock timeout.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57014"})
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")
RETRY_AFTER_SECONDS = 2


def is_busy(exc: BaseException) -> bool:
    """True when the database was too busy (locked, deadlocked, timed out): try again shortly."""
    if not isinstance(exc, DBAPIError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    return isinstance(exc, OperationalError) and any(
        text in str(exc.orig).lower() for text in SQLITE_BUSY_MESSAGES
    )


def is_conflict(exc: BaseException) -> bool:
    """True when a write broke a constraint, e.g. two requests inserted the same unique row."""
    return isinstance(exc, IntegrityError)


def is_unstorable_value(exc: BaseException) -> bool:
    """True when a value could not be stored as given (SQLSTATE class 22: out of range, ...)."""
    if not isinstance(exc, DBAPIError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None) or ""
    return isinstance(exc, DataError) or sqlstate.startswith("22")
