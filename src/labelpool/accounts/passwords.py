"""Argon2id password hashing."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


UNUSABLE_PASSWORD_PREFIX = "!unusable:"


def unusable_password_hash() -> str:
    """A stored hash no password verifies: the account logs in only after a password reset."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(16)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters long."
    if len(password) > 1024:
        return "Password must be at most 1024 characters long."
    if password.strip() == "" or len(set(password)) < 4:
        return "Password is too simple: use at least 4 different characters."
    return None


# A fixed hash to verify against when the account does not exist, so timing does not reveal it.
DUMMY_HASH = _hasher.hash("labelpool-dummy-password")
