"""Folder and zip import: media found and classified; unsafe archives refused naming the entry."""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from collections.abc import Generator
from pathlib import Path

import pytest

from labelpool.errors import InvalidInput
from labelpool.media.archives import ArchiveLimits, MediaFileProblem, iter_media_files
from labelpool.media.kinds import MediaKind

from .helpers import jpeg_bytes, png_bytes, wav_bytes


def make_zip(path: Path, entries: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_zip_lists_media_sorted_and_skips_junk(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "media.zip",
        {
            "b/cat.jpg": jpeg_bytes(),
            "a/dog.png": png_bytes(),
            "sound.wav": wav_bytes(),
            "__MACOSX/a/._dog.png": b"\x00\x05\x16\x07junk",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "a/.hidden.png": png_bytes(),
            "empty-dir/": b"",
        },
    )
    entries = list(iter_media_files(archive))
    assert [(e.relative_path, e.kind, e.content_type) for e in entries] == [
        ("a/dog.png", MediaKind.IMAGE, "image/png"),
        ("b/cat.jpg", MediaKind.IMAGE, "image/jpeg"),
        ("sound.wav", MediaKind.AUDIO, "audio/wav"),
    ]
    assert entries[0].size == len(png_bytes())


def test_zip_openers_give_the_bytes(tmp_path: Path) -> None:
    data = png_bytes(30, 20)
    archive = make_zip(tmp_path / "m.zip", {"x.png": data}, zipfile.ZIP_DEFLATED)
    for entry in iter_media_files(archive):
        with entry.opener() as handle:
            assert handle.read() == data


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../evil.png", "path traversal"),
        ("images/../../evil.png", "path traversal"),
        ("..\\evil.png", "path traversal"),
        ("/etc/evil.png", "absolute path"),
        ("C:/Windows/evil.png", "absolute path"),
    ],
)
def test_zip_path_traversal_refused(tmp_path: Path, name: str, problem: str) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ok.png", png_bytes())
        info = zipfile.ZipInfo("placeholder")
        info.filename = name  # ZipInfo() would normalise some of these; a hostile tool won't
        zf.writestr(info, png_bytes())
    with pytest.raises(InvalidInput) as caught:
        list(iter_media_files(archive))
    assert problem in caught.value.message
    assert repr(name) in caught.value.message
    assert caught.value.code == "unsafe_archive"


def test_zip_symlink_refused(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("photo.png")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(InvalidInput, match=r"'photo\.png' is a symbolic link"):
        list(iter_media_files(archive))


def test_zip_bomb_refused(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "bomb.zip",
        {"ok.png": png_bytes(), "huge.wav": b"\x00" * (20 * 1024 * 1024)},
        zipfile.ZIP_DEFLATED,
    )
    with pytest.raises(InvalidInput) as caught:
        list(iter_media_files(archive))
    assert "'huge.wav'" in caught.value.message
    assert "zip bomb" in caught.value.message
    assert caught.value.code == "zip_bomb"


def test_small_compressible_files_are_not_bombs(tmp_path: Path) -> None:
    silence = wav_bytes(seconds=5.0)  # compresses > 100:1 but is small and harmless
    archive = make_zip(tmp_path / "quiet.zip", {"quiet.wav": silence}, zipfile.ZIP_DEFLATED)
    assert [e.relative_path for e in iter_media_files(archive)] == ["quiet.wav"]


def test_zip_total_size_and_entry_count_limits(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "m.zip", {f"{i}.png": png_bytes() for i in range(5)})
    with pytest.raises(InvalidInput, match="5 entries, more than the limit of 4"):
        list(iter_media_files(archive, archive_limits=ArchiveLimits(max_entries=4)))
    with pytest.raises(InvalidInput, match="uncompressed total above the limit"):
        list(iter_media_files(archive, archive_limits=ArchiveLimits(max_total_bytes=200)))


def test_zip_duplicate_names_refused(tmp_path: Path) -> None:
    archive = tmp_path / "dup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.png", png_bytes())
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("a.png", jpeg_bytes())
    with pytest.raises(InvalidInput, match="appears more than once"):
        list(iter_media_files(archive))


def test_unsupported_file_in_zip_named_or_reported(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "m.zip", {"a.png": png_bytes(), "notes/readme.jpg": b"just text\n"}
    )
    with pytest.raises(InvalidInput, match=r"notes/readme\.jpg: not a supported media file"):
        list(iter_media_files(archive))
    problems: list[MediaFileProblem] = []
    entries = list(iter_media_files(archive, problems=problems))
    assert [e.relative_path for e in entries] == ["a.png"]
    assert [(p.relative_path, p.code) for p in problems] == [
        ("notes/readme.jpg", "unsupported_media_type")
    ]


def test_size_limit_in_archive(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "m.zip", {"big.png": png_bytes(200, 200)})
    limits = {MediaKind.IMAGE: 100, MediaKind.AUDIO: 100, MediaKind.VIDEO: 100}
    with pytest.raises(InvalidInput, match=r"big\.png: this image file is larger"):
        list(iter_media_files(archive, limits=limits))


def test_folder_import(tmp_path: Path) -> None:
    root = tmp_path / "upload"
    (root / "cats").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "cats" / "tom.jpg").write_bytes(jpeg_bytes())
    (root / "cats" / "rename-me.mp3").write_bytes(png_bytes())  # a PNG, whatever the name
    (root / "clip.wav").write_bytes(wav_bytes())
    (root / ".DS_Store").write_bytes(b"junk")
    (root / ".git" / "HEAD").write_bytes(b"ref: refs/heads/main\n")
    entries = list(iter_media_files(root))
    assert [(e.relative_path, e.content_type) for e in entries] == [
        ("cats/rename-me.mp3", "image/png"),
        ("cats/tom.jpg", "image/jpeg"),
        ("clip.wav", "audio/wav"),
    ]
    with entries[2].opener() as handle:
        assert handle.read() == wav_bytes()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks here")
def test_folder_symlink_refused(tmp_path: Path) -> None:
    root = tmp_path / "upload"
    root.mkdir()
    (tmp_path / "secret.png").write_bytes(png_bytes())
    (root / "link.png").symlink_to(tmp_path / "secret.png")
    with pytest.raises(InvalidInput, match=r"'link\.png' is a symbolic link"):
        list(iter_media_files(root))


def test_not_a_folder_or_zip(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n")
    with pytest.raises(InvalidInput, match=r"expected a folder or a \.zip"):
        list(iter_media_files(path))
    with pytest.raises(InvalidInput, match="no such file"):
        list(iter_media_files(tmp_path / "missing.zip"))


def lying_zip(path: Path, name: str, data: bytes, declared_size: int) -> Path:
    """A zip whose central directory says `name` holds `declared_size` bytes."""
    make_zip(path, {name: data})
    raw = bytearray(path.read_bytes())
    at = raw.index(b"PK\x01\x02")  # the central directory entry
    raw[at + 24 : at + 28] = struct.pack("<I", declared_size)
    path.write_bytes(bytes(raw))
    return path


def test_many_small_entries_are_a_bomb_together(tmp_path: Path) -> None:
    # Each entry is below the per-entry ratio check; the archive as a whole expands ~700 times.
    entries = {f"clip{i}.wav": b"\x00" * (256 * 1024) for i in range(8)}
    archive = make_zip(tmp_path / "many.zip", entries, zipfile.ZIP_DEFLATED)
    assert archive.stat().st_size < 8 * 1024
    with pytest.raises(InvalidInput) as caught:
        list(iter_media_files(archive))
    assert caught.value.code == "zip_bomb"
    assert "Refusing the archive: it expands" in caught.value.message
    assert "more than the limit of 100:1" in caught.value.message


def test_a_small_archive_of_compressible_files_is_fine(tmp_path: Path) -> None:
    entries = {f"quiet{i}.wav": wav_bytes(seconds=1.0) for i in range(4)}  # 64 KB in all
    archive = make_zip(tmp_path / "quiet.zip", entries, zipfile.ZIP_DEFLATED)
    assert len(list(iter_media_files(archive))) == 4


def test_bytes_actually_read_are_counted_against_the_archive_limit(tmp_path: Path) -> None:
    data = png_bytes(40, 40)
    archive = make_zip(tmp_path / "m.zip", {"a.png": data})
    limits = ArchiveLimits(max_total_bytes=len(data) + 10)
    assert len(list(iter_media_files(archive, archive_limits=limits))) == 1  # headers pass
    entries = iter_media_files(archive, archive_limits=limits)
    assert isinstance(entries, Generator), "closed below, which closes the zip"
    entry = next(entries)
    with entry.opener() as handle:
        assert handle.read() == data
    with entry.opener() as handle, pytest.raises(InvalidInput) as caught:
        handle.read()  # the same bytes again: over the archive's budget
    assert caught.value.code == "zip_bomb"
    assert "unpacks to more than" in caught.value.message
    entries.close()


@pytest.mark.parametrize("declared", [100, 20])
def test_an_entry_whose_header_lies_about_its_size_is_refused_naming_it(
    tmp_path: Path, declared: int
) -> None:
    archive = lying_zip(tmp_path / "liar.zip", "photos/a.png", png_bytes(300, 300), declared)
    with pytest.raises(InvalidInput) as caught:
        list(iter_media_files(archive))
    assert caught.value.code == "damaged_archive"
    assert caught.value.message.startswith("Refusing the archive: entry 'photos/a.png' is damaged")
    assert caught.value.details == {"entry": "photos/a.png"}


def test_a_damaged_large_entry_is_refused_while_it_is_read(tmp_path: Path) -> None:
    data = png_bytes(40, 40) + bytes(range(256)) * 512  # bigger than the sniffed head
    archive = make_zip(tmp_path / "m.zip", {"big.png": data})
    raw = bytearray(archive.read_bytes())
    raw[raw.index(b"PK\x01\x02") + 16] ^= 0xFF  # the recorded CRC-32
    archive.write_bytes(bytes(raw))
    entries = iter_media_files(archive)
    assert isinstance(entries, Generator), "closed below, which closes the zip"
    entry = next(entries)
    with entry.opener() as handle, pytest.raises(InvalidInput, match=r"'big\.png' is damaged"):
        while handle.read(64 * 1024):
            pass
    entries.close()
