"""Media files from a folder or a zip archive, with zip safety checks (pure; no web or DB).

A zip is checked as a whole before any entry is yielded: absolute paths, `..` components,
symbolic links, encrypted entries, duplicate names, too many entries, a too large total and
entries compressed suspiciously well (zip bombs) are refused with an error naming the entry.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NamedTuple, cast

from labelpool.errors import InvalidInput, LabelpoolError
from labelpool.media.kinds import MediaKind
from labelpool.media.sniff import (
    DEFAULT_MAX_BYTES,
    SNIFF_BYTES,
    check_size,
    format_bytes,
    sniff,
)

GB = 1024 * 1024 * 1024
JUNK_NAMES = frozenset({"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"})
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 100_000
    max_total_bytes: int = 20 * GB
    max_ratio: float = 100.0
    #: Entries smaller than this (uncompressed) are not ratio-checked: a few seconds of silent
    #: WAV compress 1000:1 and are harmless; a bomb needs size.
    ratio_check_min_bytes: int = 1024 * 1024
    size_limits: dict[MediaKind, int] = field(default_factory=lambda: dict(DEFAULT_MAX_BYTES))


class MediaEntry(NamedTuple):
    """One media file found in a folder or zip. `opener` is valid only during the iteration."""

    relative_path: str
    kind: MediaKind
    content_type: str
    size: int
    opener: Callable[[], BinaryIO]


@dataclass(frozen=True)
class MediaFileProblem:
    """A file skipped because of its content (unsupported type, too large)."""

    relative_path: str
    code: str
    message: str


def _refuse(entry: str, problem: str, code: str = "unsafe_archive") -> InvalidInput:
    return InvalidInput(
        f"Refusing the archive: entry {entry!r} {problem}.",
        code=code,
        details={"entry": entry},
    )


def is_junk(relative_path: str) -> bool:
    """macOS resource forks, Finder/Explorer droppings and hidden files are skipped."""
    parts = relative_path.split("/")
    return any(part in JUNK_NAMES or part.startswith(".") for part in parts)


def _safe_zip_path(name: str) -> str:
    """The entry's relative POSIX path; `InvalidInput` for paths that could escape."""
    if "\x00" in name:
        raise _refuse(name, "has a NUL character in its name")
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise _refuse(name, "has an absolute path")
    parts = re.split(r"[/\\]", name)
    if ".." in parts:
        raise _refuse(name, "has a '..' path component (path traversal)")
    return "/".join(part for part in parts if part not in ("", "."))


def _check_zip(infos: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(infos) > limits.max_entries:
        raise InvalidInput(
            f"Refusing the archive: it has {len(infos):,} entries, more than the limit of "
            f"{limits.max_entries:,}.",
            code="unsafe_archive",
        )
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        relative = _safe_zip_path(name)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise _refuse(name, "is a symbolic link")
        if info.flag_bits & 0x1:
            raise _refuse(name, "is encrypted")
        if relative in seen and not info.is_dir():
            raise _refuse(name, "appears more than once")
        seen.add(relative)
        if (
            info.file_size >= limits.ratio_check_min_bytes
            and info.file_size > limits.max_ratio * max(1, info.compress_size)
        ):
            ratio = info.file_size / max(1, info.compress_size)
            raise _refuse(
                name,
                f"expands {ratio:,.0f} times ({format_bytes(info.compress_size)} to "
                f"{format_bytes(info.file_size)}), more than the limit of "
                f"{limits.max_ratio:,.0f}:1; this looks like a zip bomb",
                code="zip_bomb",
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise _refuse(
                name,
                f"brings the uncompressed total above the limit of "
                f"{format_bytes(limits.max_total_bytes)}",
                code="zip_bomb",
            )


def _classify(
    relative: str,
    head: bytes,
    size: int,
    limits: ArchiveLimits,
    problems: list[MediaFileProblem] | None,
) -> tuple[MediaKind, str] | None:
    try:
        found = sniff(head, relative)
        check_size(relative, found.kind, size, limits.size_limits)
    except LabelpoolError as exc:
        if problems is None:
            raise
        problems.append(MediaFileProblem(relative, exc.code, exc.message))
        return None
    return found.kind, found.content_type


def _iter_zip(
    path: Path, limits: ArchiveLimits, problems: list[MediaFileProblem] | None
) -> Iterator[MediaEntry]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"{path.name}: not a readable zip archive ({exc}).") from exc
    with archive:
        infos = archive.infolist()
        _check_zip(infos, limits)
        entries = sorted(
            ((_safe_zip_path(info.filename), info) for info in infos if not info.is_dir()),
            key=lambda pair: pair[0],
        )
        for relative, info in entries:
            if not relative or is_junk(relative):
                continue
            with archive.open(info) as handle:
                head = handle.read(SNIFF_BYTES)
            verdict = _classify(relative, head, info.file_size, limits, problems)
            if verdict is None:
                continue

            def opener(info: zipfile.ZipInfo = info) -> BinaryIO:
                # ZipExtFile never yields more than the declared size and checks the CRC.
                return cast(BinaryIO, archive.open(info))

            yield MediaEntry(relative, verdict[0], verdict[1], info.file_size, opener)


def _folder_files(root: Path, limits: ArchiveLimits) -> list[tuple[str, Path]]:
    """Every non-junk file under `root` as (relative POSIX path, path), sorted; no symlinks."""
    found: list[tuple[str, Path]] = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(directory)
        for name in [*dirnames, *filenames]:
            if (base / name).is_symlink() and not is_junk(name):
                relative = (base / name).relative_to(root).as_posix()
                raise _refuse(relative, "is a symbolic link", code="unsafe_folder")
        dirnames[:] = [d for d in dirnames if not is_junk(d)]
        for name in filenames:
            if is_junk(name):
                continue
            found.append(((base / name).relative_to(root).as_posix(), base / name))
            if len(found) > limits.max_entries:
                raise InvalidInput(
                    f"Refusing the folder: it has more than {limits.max_entries:,} files.",
                    code="unsafe_folder",
                )
    return sorted(found)


def _iter_folder(
    root: Path, limits: ArchiveLimits, problems: list[MediaFileProblem] | None
) -> Iterator[MediaEntry]:
    for relative, file_path in _folder_files(root, limits):
        size = file_path.stat().st_size
        with file_path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
        verdict = _classify(relative, head, size, limits, problems)
        if verdict is None:
            continue

        def opener(file_path: Path = file_path) -> BinaryIO:
            return file_path.open("rb")

        yield MediaEntry(relative, verdict[0], verdict[1], size, opener)


def iter_media_files(
    path: Path | str,
    *,
    limits: dict[MediaKind, int] | None = None,
    archive_limits: ArchiveLimits | None = None,
    problems: list[MediaFileProblem] | None = None,
) -> Iterator[MediaEntry]:
    """Yield (relative_path, kind, content_type, size, opener) for each media file, sorted.

    `path` is a folder or a zip file. Unsafe archives raise `InvalidInput` before anything is
    yielded. Files of an unsupported type or over the size limit raise `InvalidInput` naming
    them, unless `problems` is given: then they are skipped and appended to it.
    """
    path = Path(path)
    archive_limits = archive_limits or ArchiveLimits()
    if limits is not None:
        archive_limits = ArchiveLimits(
            max_entries=archive_limits.max_entries,
            max_total_bytes=archive_limits.max_total_bytes,
            max_ratio=archive_limits.max_ratio,
            ratio_check_min_bytes=archive_limits.ratio_check_min_bytes,
            size_limits=dict(limits),
        )
    if path.is_dir():
        yield from _iter_folder(path, archive_limits, problems)
    elif path.is_file() and zipfile.is_zipfile(path):
        yield from _iter_zip(path, archive_limits, problems)
    elif path.exists():
        raise InvalidInput(f"{path.name}: expected a folder or a .zip archive of media files.")
    else:
        raise InvalidInput(f"{path}: no such file or folder.")
