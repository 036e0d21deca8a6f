"""Media files from a folder or a zip archive, with zip safety checks (pure; no web or DB).

A zip is checked as a whole before any entry is yielded: absolute paths, `..` components,
symbolic links, encrypted entries, duplicate names, too many entries, a too large total, and
entries or a whole archive compressed suspiciously well (zip bombs) are refused with an error
naming the entry. The headers are not trusted: while entries are read, the bytes they actually
give are counted against the same total, and a damaged entry (its content does not match its
header) is refused naming it.
"""

from __future__ import annotations

import lzma
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
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
#: Most bytes the entries of one archive may unpack to (LABELPOOL_MAX_ARCHIVE_BYTES).
DEFAULT_MAX_ARCHIVE_BYTES = 4 * GB
DEFAULT_MAX_ARCHIVE_ENTRIES = 100_000
# What reading a damaged entry raises: bad CRC or sizes, broken deflate/bzip2/LZMA streams.
_DAMAGE = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError)
JUNK_NAMES = frozenset({"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"})
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = DEFAULT_MAX_ARCHIVE_ENTRIES
    #: Declared by the headers (checked first) and actually read (counted while unpacking).
    max_total_bytes: int = DEFAULT_MAX_ARCHIVE_BYTES
    #: Uncompressed to compressed, for each entry and for the archive as a whole.
    max_ratio: float = 100.0
    #: Entries (and archives) smaller than this uncompressed are not ratio-checked: a few
    #: seconds of silent WAV compress 1000:1 and are harmless; a bomb needs size.
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


def _check_archive_ratio(total: int, archive_bytes: int, limits: ArchiveLimits) -> None:
    """Many small entries that each pass the per-entry check can still make a bomb together."""
    if total < limits.ratio_check_min_bytes or total <= limits.max_ratio * max(1, archive_bytes):
        return
    ratio = total / max(1, archive_bytes)
    raise InvalidInput(
        f"Refusing the archive: it expands {ratio:,.0f} times ({format_bytes(archive_bytes)} to "
        f"{format_bytes(total)}), more than the limit of {limits.max_ratio:,.0f}:1; this looks "
        "like a zip bomb.",
        code="zip_bomb",
        details={"compressed_bytes": archive_bytes, "uncompressed_bytes": total},
    )


def _check_zip(infos: list[zipfile.ZipInfo], limits: ArchiveLimits, archive_bytes: int) -> None:
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
    _check_archive_ratio(total, archive_bytes, limits)


class _ByteBudget:
    """The bytes one archive may still give; shared by its entries, counted as they are read."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            raise InvalidInput(
                f"Refusing the archive: it unpacks to more than {format_bytes(self.limit)}, the "
                "limit for one upload; split it into smaller archives.",
                code="zip_bomb",
                details={"limit_bytes": self.limit},
            )


def _damaged(entry: str, exc: BaseException) -> InvalidInput:
    return _refuse(
        entry,
        f"is damaged: its content does not match its header ({exc}); "
        "make the archive again from the original files",
        code="damaged_archive",
    )


class _ZipEntryReader:
    """Reads one zip entry, counting the bytes it actually gives (the header is not trusted)
    and turning a damaged entry's errors (bad CRC, broken stream) into `InvalidInput`."""

    def __init__(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _ByteBudget | None
    ) -> None:
        self._name = info.filename
        self._declared = info.file_size
        self._budget = budget
        self._count = 0
        try:
            self._handle = archive.open(info)
        except NotImplementedError as exc:  # e.g. an unsupported compression method
            raise _refuse(self._name, f"cannot be read ({exc})", code="damaged_archive") from None
        except _DAMAGE as exc:
            raise _damaged(self._name, exc) from None

    def read(self, size: int = -1, /) -> bytes:
        try:
            chunk = self._handle.read(size)
        except _DAMAGE as exc:
            raise _damaged(self._name, exc) from None
        self._count += len(chunk)
        if self._count > self._declared:
            raise _damaged(self._name, ValueError("more bytes than declared"))
        if self._budget is not None:
            self._budget.spend(len(chunk))
        return chunk

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> _ZipEntryReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def read_zip_entry(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """Up to `limit` bytes of entry `name`; `InvalidInput` naming it when it is damaged."""
    with _ZipEntryReader(archive, archive.getinfo(name), None) as handle:
        return handle.read(limit)


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError) as exc:
        raise InvalidInput(f"{path.name}: not a readable zip archive ({exc}).") from exc


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
    with _open_zip(path) as archive:
        infos = archive.infolist()
        _check_zip(infos, limits, path.stat().st_size)
        budget = _ByteBudget(limits.max_total_bytes)
        entries = sorted(
            ((_safe_zip_path(info.filename), info) for info in infos if not info.is_dir()),
            key=lambda pair: pair[0],
        )
        for relative, info in entries:
            if not relative or is_junk(relative):
                continue
            with _ZipEntryReader(archive, info, None) as handle:
                head = handle.read(SNIFF_BYTES)
            verdict = _classify(relative, head, info.file_size, limits, problems)
            if verdict is None:
                continue

            def opener(info: zipfile.ZipInfo = info) -> BinaryIO:
                # Counts what the entry really gives against the archive's budget.
                return cast(BinaryIO, _ZipEntryReader(archive, info, budget))

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
        archive_limits = replace(archive_limits, size_limits=dict(limits))
    if path.is_dir():
        yield from _iter_folder(path, archive_limits, problems)
    elif path.is_file() and zipfile.is_zipfile(path):
        yield from _iter_zip(path, archive_limits, problems)
    elif path.exists():
        raise InvalidInput(f"{path.name}: expected a folder or a .zip archive of media files.")
    else:
        raise InvalidInput(f"{path}: no such file or folder.")
