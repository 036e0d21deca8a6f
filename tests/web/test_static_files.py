"""Static files go gzipped to browsers that accept it, byte for byte the file, with the same
validators (a revalidation still gets 304) and `Vary: Accept-Encoding` for caches."""

from __future__ import annotations

import gzip
from pathlib import Path

from fastapi.testclient import TestClient

from labelpool.web.render import STATIC_DIR
from labelpool.web.static_files import CompressedStaticFiles

SCRIPT = "/static/js/labeling/page.js"


def _raw(client: TestClient, path: str, encoding: str) -> tuple[int, dict[str, str], bytes]:
    with client.stream("GET", path, headers={"Accept-Encoding": encoding}) as answer:
        body = b"".join(answer.iter_raw())
        return answer.status_code, dict(answer.headers), body


def test_a_script_is_gzipped_for_a_browser_that_accepts_it(client: TestClient) -> None:
    on_disk = (STATIC_DIR / "js" / "labeling" / "page.js").read_bytes()
    status, headers, body = _raw(client, SCRIPT, "gzip, deflate, br")
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert "javascript" in headers["content-type"]
    assert int(headers["content-length"]) == len(body) < len(on_disk) / 2
    assert gzip.decompress(body) == on_disk


def test_without_gzip_the_file_goes_as_it_is(client: TestClient) -> None:
    on_disk = (STATIC_DIR / "js" / "labeling" / "page.js").read_bytes()
    status, headers, body = _raw(client, SCRIPT, "identity")
    assert status == 200 and "content-encoding" not in headers
    assert headers["vary"] == "Accept-Encoding"
    assert body == on_disk


def test_a_revalidation_still_gets_304(client: TestClient) -> None:
    first = client.get(SCRIPT, headers={"Accept-Encoding": "gzip"})
    etag = first.headers["etag"]
    again = client.get(SCRIPT, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_images_and_small_files_are_not_recompressed(tmp_path: Path) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    (tmp_path / "tiny.js").write_text("export const x = 1;\n")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG" + bytes(4000))
    (tmp_path / "big.css").write_text("body { color: red; }\n" * 200)
    app = Starlette(routes=[Mount("/s", CompressedStaticFiles(directory=tmp_path))])
    with TestClient(app) as client:
        for name, compressed in (("tiny.js", False), ("picture.png", False), ("big.css", True)):
            status, headers, body = _raw(client, f"/s/{name}", "gzip")
            assert status == 200, name
            assert ("content-encoding" in headers) is compressed, name
            on_disk = (tmp_path / name).read_bytes()
            assert (gzip.decompress(body) if compressed else body) == on_disk, name
        head = client.head("/s/big.css", headers={"Accept-Encoding": "gzip"})
        assert head.status_code == 200 and "content-encoding" not in head.headers
        missing = client.get("/s/no-such-file.js", headers={"Accept-Encoding": "gzip"})
        assert missing.status_code == 404
