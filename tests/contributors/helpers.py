"""Shared arrangements for contributor tests."""

from __future__ import annotations

import io
from typing import Any

from labelpool.contributors.enums import DeviceKind, OperatingSystem, Proficiency
from labelpool.contributors.review import ProfileFacts
from labelpool.contributors.service import ProfileInput

EXPERIENCE = "Five years of search quality rating and two years of data labeling for NLP teams."
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def complete_input(**changes: Any) -> ProfileInput:
    values: dict[str, Any] = {
        "country": "DE",
        "languages": [("de", Proficiency.NATIVE), ("en", Proficiency.FLUENT)],
        "primary_domain": "search-evaluation",
        "secondary_skills": ["linguistics"],
        "experience": EXPERIENCE,
        "devices": [(DeviceKind.LAPTOP, OperatingSystem.LINUX)],
        "headphones": True,
        "microphone": False,
        "weekly_hours": 20,
        "time_zone": "Europe/Berlin",
    }
    values.update(changes)
    return ProfileInput(**values)


def complete_facts(**changes: Any) -> ProfileFacts:
    data = complete_input(**changes)
    return ProfileFacts(
        country=data.country,
        languages=tuple(data.languages),
        primary_domain=data.primary_domain,
        secondary_skills=tuple(data.secondary_skills),
        experience=data.experience,
        devices=tuple(data.devices),
        headphones=data.headphones,
        microphone=data.microphone,
        weekly_hours=data.weekly_hours,
        time_zone=data.time_zone,
    )


def complete_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "country": "DE",
        "languages": [
            {"code": "de", "proficiency": "native"},
            {"code": "en", "proficiency": "fluent"},
        ],
        "primary_domain": "search-evaluation",
        "secondary_skills": ["linguistics"],
        "experience": EXPERIENCE,
        "devices": [{"kind": "laptop", "os": "linux"}],
        "headphones": True,
        "microphone": False,
        "weekly_hours": 20,
        "time_zone": "Europe/Berlin",
    }
    body.update(changes)
    return body


def png_file() -> io.BytesIO:
    return io.BytesIO(PNG)
