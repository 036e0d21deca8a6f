"""Temp files a killed process left behind, removed at start-up.

A queued import keeps its upload under `<data dir>/imports/<run id>` until the run ends
(`importing.runs`; a periodic job prunes what no unfinished run needs). What is cleaned here
are the `upload-*` temp entries: media being written (the media folder's `.tmp`) and uploads
spooled to `<data dir>/tmp/uploads` by versions that imported during the request.
"""

from __future__ import annotations

import time
from pathlib import Path

from labelpool.config import Settings
from labelpool.media.storage import clean_stale_temp


def uploads_dir(settings: Settings) -> Path:
    """The folder earlier versions spooled uploads to (nothing writes there now)."""
    return settings.resolved_data_dir / "tmp" / "uploads"


def clean_stale_uploads(settings: Settings, before: float | None = None) -> int:
    """Remove uploads and media writes cut off by a crash or kill -9; return how many.

    Only `upload-*` entries of labelpool's temp folders (`tmp/uploads` and the media folder's
    `.tmp`) that are older than `before` (default: now, i.e. start-up) and that no running
    process holds are removed; stored media are never touched.
    """
    before = time.time() if before is None else before
    media_tmp = settings.resolved_data_dir / "media" / ".tmp"
    return clean_stale_temp(uploads_dir(settings), before) + clean_stale_temp(media_tmp, before)
