"""`labelpool templates`, `labelpool projects` and `labelpool import`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from labelpool.cli.common import fail, load_settings, progress_bar, unit_of_work

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

templates_app = typer.Typer(help="Project templates.", no_args_is_help=True)
projects_app = typer.Typer(help="Projects.", no_args_is_help=True)


@templates_app.command("list")
def templates_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    family: Annotated[str | None, typer.Option(help="Only this task family.")] = None,
) -> None:
    """List project templates with their keys, task family, data fields and controls."""
    from labelpool.projects.templates import list_templates, template_summary

    try:
        templates = list_templates(family)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps([template_summary(t) for t in templates], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("key", "family", "title", "data fields", "controls")
    for t in templates:
        table.add_row(
            t.key,
            t.family.value,
            t.title,
            ", ".join(f.name for f in t.data_fields),
            ", ".join(f"{c['name']} ({c['kind']})" for c in t.controls),
        )
    Console().print(table)


def _organization_id(db: Session, name_or_id: str) -> int:
    from sqlalchemy import select

    from labelpool.accounts.models import Organization

    query = select(Organization.id).where(
        (Organization.slug == name_or_id) | (Organization.name == name_or_id)
    )
    if name_or_id.isdigit():
        query = select(Organization.id).where(Organization.id == int(name_or_id))
    found = db.scalar(query)
    if found is None:
        raise fail(f"no organization '{name_or_id}'")
    return found


def _system_admin(db: Session) -> object:
    """The CLI acts with an admin's rights: the first admin account."""
    from sqlalchemy import select

    from labelpool.accounts.models import User
    from labelpool.accounts.roles import Role

    admin = db.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
    if admin is None:
        raise fail("create an admin first: labelpool users create EMAIL --role admin")
    return admin


@projects_app.command("create")
def projects_create(
    name: Annotated[str, typer.Argument(help="Project name.")],
    template: Annotated[str, typer.Option(help="Template key; see `labelpool templates list`.")],
    organization: Annotated[str, typer.Option(help="Organization name, slug or id.")],
    overlap: Annotated[int, typer.Option(help="Answers wanted per item.")] = 3,
) -> None:
    """Create a draft project from a template."""
    from labelpool.projects import service

    with unit_of_work() as db:
        project = service.create_project(
            db,
            _system_admin(db),  # type: ignore[arg-type]
            _organization_id(db, organization),
            name=name,
            template_key=template,
            overlap=overlap,
        )
        typer.echo(
            f"created project {project.id} '{project.name}' ({project.template_key})", err=True
        )
        typer.echo(project.id)  # alone on stdout: PROJECT=$(labelpool projects create ...)


@projects_app.command("list")
def projects_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every project."""
    from sqlalchemy import select

    from labelpool.projects.models import Project
    from labelpool.text import plural

    with unit_of_work(write=False) as db:
        rows = [
            {
                "id": p.id,
                "organization_id": p.organization_id,
                "name": p.name,
                "template": p.template_key,
                "status": p.status.value,
                "items": p.item_count,
            }
            for p in db.scalars(select(Project).order_by(Project.id))
        ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        typer.echo(
            f"{r['id']:>5}  {r['status']:<10} {plural(int(r['items'] or 0), 'item'):>15}  "
            f"{r['name']} ({r['template']})"
        )


@projects_app.command("status")
def projects_status(
    project_id: Annotated[int, typer.Argument(help="Project id.")],
    status: Annotated[str, typer.Argument(help="active, paused, completed or cancelled.")],
    reason: Annotated[str | None, typer.Option(help="Why (kept in the history).")] = None,
) -> None:
    """Move a project through its lifecycle."""
    from labelpool.projects import service
    from labelpool.projects.models import Project, ProjectStatus

    statuses = [s.value for s in ProjectStatus]
    if status not in statuses:
        raise fail(f"unknown status '{status}'; choose one of {', '.join(statuses)}")
    with unit_of_work() as db:
        project = db.get(Project, project_id)
        if project is None:
            raise fail(f"no project with id {project_id}; see `labelpool projects list`")
        service.change_status(db, _system_admin(db), project, ProjectStatus(status), reason)  # type: ignore[arg-type]
        typer.echo(f"project {project.id} is now {project.status.value}")


def import_command(
    project_id: Annotated[int, typer.Argument(help="Project id (see `labelpool projects list`).")],
    file: Annotated[
        Path, typer.Argument(help="CSV, TSV, JSONL, JSON, Parquet, URL list (.txt), zip or folder.")
    ],
    format: Annotated[
        str | None, typer.Option("--format", help="Format, when the file name does not say.")
    ] = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the good rows and report the rest.")
    ] = False,
) -> None:
    """Import items into a project. By default a file with any bad row imports nothing.

    The import runs here, with a progress bar, as uploads run in the job runner: every row is
    checked first, then items are stored batch by batch; a failure (or Ctrl-C) keeps none.
    """
    from rich.console import Console

    from labelpool.db.engine import make_engine, make_session_factory
    from labelpool.media.storage import storage_from_settings
    from labelpool.projects.importing.runs import fail_import, new_run, run_import
    from labelpool.projects.models import ImportStage, ImportStatus, Project

    if not file.exists():
        raise fail(f"{file} does not exist")
    console = Console(stderr=True)
    total = file.stat().st_size if file.is_file() else None
    settings = load_settings()
    storage = storage_from_settings(settings)
    with unit_of_work(settings) as db:
        project = db.get(Project, project_id)
        if project is None:
            raise fail(f"no project with id {project_id}; see `labelpool projects list`")
        run_id = new_run(db, project, file, fmt=format, skip_invalid=skip_invalid).id
    engine = make_engine(settings.sqlalchemy_url)
    sessions = make_session_factory(engine)
    with progress_bar(console, in_bytes=True) as bar:
        task = bar.add_task(f"checking {file.name}", total=total)

        def progress(stage: ImportStage, done: int) -> None:
            doing = "checking" if stage == ImportStage.CHECKING else "importing"
            bar.update(task, description=f"{doing} {file.name}", completed=done)

        try:
            run = run_import(
                sessions, settings, storage, run_id, path=file, progress=progress, max_attempts=1
            )
        except KeyboardInterrupt:
            fail_import(sessions, settings, run_id, "Stopped (interrupted); nothing was kept.")
            raise fail("interrupted; nothing was imported") from None
        finally:
            engine.dispose()
        bar.update(task, completed=total)
    if run is None:
        raise fail("the import was taken over by another process")
    status, message, errors = run.status, run.message, list(run.errors)
    for error in errors[:20]:
        where = f"row {error['row']}" if error.get("row") else "file"
        field = f", field '{error['field']}'" if error.get("field") else ""
        console.print(f"  {where}{field}: {error['problem']}", highlight=False)
    if len(errors) > 20:
        console.print(f"  ... and more; see the import run for the first {len(errors)}.")
    if status == ImportStatus.FAILED:
        raise fail(message or "import failed")
    typer.echo(message)
