"""Signed, expiring media URLs: the signature is the capability to see one file until a time.

`sig` = HMAC-SHA256 over the media id and the expiry (Unix seconds), keyed by a key derived
from the application's signing key, so media signatures cannot be replayed as anything else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from labelpool.errors import PermissionDenied

_PURPOSE = b"labelpool.media-url.v1"


class InvalidMediaSignature(PermissionDenied):
    code = "invalid_media_signature"


class MediaUrlExpired(PermissionDenied):
    code = "media_url_expired"


def _derived_key(key: str) -> bytes:
    return hmac.new(key.encode(), _PURPOSE, hashlib.sha256).digest()


def _expiry_seconds(expires_at: datetime | int) -> int:
    if isinstance(expires_at, datetime):
        if expires_at.tzinfo is None:
            raise ValueError("expires_at must be timezone-aware")
        return int(expires_at.timestamp())
    return int(expires_at)


def media_signature(media_id: int, key: str, expires_at: datetime | int) -> str:
    message = f"{int(media_id)}:{_expiry_seconds(expires_at)}".encode()
    digest = hmac.new(_derived_key(key), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_media_url(media_id: int, key: str, expires_at: datetime | int) -> str:
    """`/media/{id}?exp=...&sig=...`, valid until `expires_at` (aware datetime or Unix seconds)."""
    exp = _expiry_seconds(expires_at)
    return f"/media/{int(media_id)}?exp={exp}&sig={media_signature(media_id, key, exp)}"


def signed_media_url(
    media_id: int, key: str, ttl_seconds: int, *, now: datetime | None = None
) -> str:
    """A signed URL valid for `ttl_seconds` from now."""
    now = now or datetime.now(UTC)
    return sign_media_url(media_id, key, now + timedelta(seconds=ttl_seconds))


def verify_media_signature(
    media_id: int, exp: int | None, sig: str | None, key: str, *, now: datetime | None = None
) -> int:
    """Check a signed URL's parameters; return the seconds left. Raise `PermissionDenied` else."""
    if exp is None or not sig:
        raise InvalidMediaSignature(
            "This media link is not signed. Media are only served through the signed links "
            "labelpool puts on the page; reload the page to get a fresh one."
        )
    expected = media_signature(media_id, key, exp)
    if not hmac.compare_digest(expected.encode(), sig.encode()):
        raise InvalidMediaSignature(
            "This media link's signature is not valid (the link was changed or belongs to "
            "another file). Reload the page to get a fresh link."
        )
    now_seconds = int((now or datetime.now(UTC)).timestamp())
    if exp <= now_seconds:
        raise MediaUrlExpired(
            "This media link has expired. Reload the page to get a fresh link.",
            details={"expired_at": datetime.fromtimestamp(exp, UTC).isoformat()},
        )
    return exp - now_seconds
