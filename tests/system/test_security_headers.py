"""Pages cannot be framed, run only labelpool's own scripts, and leak no referrer."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from labelpool.web.middleware import content_security_policy
from labelpool.web.render import STATIC_DIR

TEMPLATES = Path(STATIC_DIR).parent / "templates"


def _policy(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_pages_and_api_carry_the_security_headers(client: TestClient) -> None:
    for path in ("/login", "/api/v1/health", "/no-such-page", "/static/css/app.css"):
        response = client.get(path)
        policy = _policy(response.headers["content-security-policy"])
        assert policy["script-src"] == "'self'", path
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        assert policy["form-action"] == "'self'" and policy["base-uri"] == "'none'"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in response.headers  # plain http


def test_https_responses_ask_browsers_to_stay_on_https(client: TestClient) -> None:
    response = client.get("https://testserver/login")
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_media_from_an_object_store_is_allowed_by_the_policy() -> None:
    policy = _policy(content_security_policy(("http://minio.local:9000",)))
    assert "http://minio.local:9000" in policy["img-src"].split()
    assert "http://minio.local:9000" in policy["media-src"].split()
    assert policy["connect-src"].split() == ["'self'", "http://minio.local:9000"]  # waveforms
    assert "http://minio.local:9000" not in policy["script-src"]


def test_no_template_has_inline_script_or_event_handlers() -> None:
    """The CSP refuses them, so a page using one would silently break."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append((template.name, match.group(0)))
        offenders += [(template.name, m) for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [(template.name, m) for m in re.findall(r"javascript:", text)]
    assert offenders == []


def test_api_docs_come_from_vendored_files(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    vendor = Path(STATIC_DIR) / "vendor" / "swagger-ui"
    assert "Apache License" in (vendor / "LICENSE").read_text()
