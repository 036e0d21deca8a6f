"""Random secrets for sessions and API tokens, and how they are hashed for storage."""

from __future__ import annotations

import hashlib
import secrets

API_TOKEN_PREFIX = "lp_"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_api_token() -> tuple[str, str]:
    """Return (token, display prefix). The prefix lets people recognise a token in a list."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token[:10]
