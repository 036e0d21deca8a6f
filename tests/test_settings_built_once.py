"""Settings are read from the environment once per entry point and handed down.

`create_app` and each CLI command build the one `Settings` (with its `media` and `review`
parts) and the media storage; services, routes and jobs take them as parameters or from
`app.state`. This scan keeps anything else from reading the environment again.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "labelpool"

# Classes whose construction reads the environment.
SETTINGS_CLASSES = {"Settings", "MediaSettings", "ReviewSettings"}
# Modules that may build settings from the environment: where they are defined, and the
# process entry points (the app factory, the CLI, Alembic's env script).
MAY_READ_SETTINGS = {
    "config.py",
    "media/settings.py",
    "contributors/settings.py",
    "app.py",
    "cli/common.py",
    "db/migrations/env.py",
}
# Modules that may build a media storage from settings: where it is defined, the entry points,
# the job runner's context (built once per runner) and the demo seeder (once per seeding).
MAY_BUILD_STORAGE = {
    "media/storage.py",
    "app.py",
    "cli/app.py",
    "cli/contributors.py",
    "cli/projects.py",
    "jobs/context.py",
    "demo/seed.py",
}


def _modules() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        found.append((relative, ast.parse(path.read_text(), filename=str(path))))
    return found


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _settings_reads(tree: ast.Module) -> list[str]:
    """Where a module builds settings from the environment, as `line: what`."""
    reads = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "labelpool.config"
            and any(alias.name == "get_settings" for alias in node.names)
        ):
            reads.append(f"{node.lineno}: imports labelpool.config.get_settings")
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        if name in SETTINGS_CLASSES:
            reads.append(f"{node.lineno}: {name}(...)")
        # config.get_settings takes nothing (web.deps.get_settings takes the request).
        if name == "get_settings" and not node.args and not node.keywords:
            reads.append(f"{node.lineno}: get_settings()")
    return reads


def _storage_builds(tree: ast.Module) -> list[str]:
    return [
        f"{node.lineno}: storage_from_settings(...)"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _called_name(node) == "storage_from_settings"
    ]


def test_only_entry_points_read_settings_from_the_environment() -> None:
    offenders = {
        module: reads
        for module, tree in _modules()
        if module not in MAY_READ_SETTINGS and (reads := _settings_reads(tree))
    }
    assert offenders == {}, (
        "Take the settings as a parameter (services), `SettingsDep` / `ReviewSettingsDep` "
        "(routes) or `JobContext.settings` (jobs) instead of reading the environment again; "
        "media and review settings are `settings.media` and `settings.review`."
    )


def test_only_entry_points_build_the_media_storage() -> None:
    offenders = {
        module: builds
        for module, tree in _modules()
        if module not in MAY_BUILD_STORAGE and (builds := _storage_builds(tree))
    }
    assert offenders == {}, (
        "Take the storage as a parameter, `StorageDep` (routes: `app.state.storage`) or "
        "`JobContext.storage` (jobs) instead of building another one."
    )


def test_the_scan_finds_what_it_looks_for() -> None:
    tree = ast.parse(
        "from labelpool.config import get_settings\n"
        "a = get_settings()\n"
        "b = MediaSettings()\n"
        "c = settings_module.ReviewSettings(identity_retention_days=1)\n"
        "d = deps.get_settings(request)\n"
        "e = storage_from_settings(a)\n"
    )
    assert _settings_reads(tree) == [
        "1: imports labelpool.config.get_settings",
        "2: get_settings()",
        "3: MediaSettings(...)",
        "4: ReviewSettings(...)",
    ]
    assert _storage_builds(tree) == ["6: storage_from_settings(...)"]


def test_the_allowed_modules_exist() -> None:
    """A moved entry point must be moved here too, not silently allowed under an old name."""
    for module in MAY_READ_SETTINGS | MAY_BUILD_STORAGE:
        assert (SRC / module).is_file(), module
