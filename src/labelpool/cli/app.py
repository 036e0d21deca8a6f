"""The `labelpool` command line. Heavy imports happen inside commands to keep start-up small."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from labelpool.cli.aggregate import SUMMARY as AGGREGATE_SUMMARY

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from labelpool.config import Settings

app = typer.Typer(
    name="labelpool",
    help=(
        "labelpool: contributors, account review, qualification tests, projects, imports and "
        "truth inference today; labeling, quality and pay are being built."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)
templates_app = typer.Typer(help="Project templates.", no_args_is_help=True)
projects_app = typer.Typer(help="Projects.", no_args_is_help=True)
contributors_app = typer.Typer(help="Contributor accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(templates_app, name="templates")
app.add_typer(projects_app, name="projects")
app.add_typer(contributors_app, name="contributors")


@app.command(
    "aggregate",
    help=AGGREGATE_SUMMARY + " See `labelpool aggregate --help`.",
    add_help_option=False,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def aggregate(ctx: typer.Context) -> None:
    # The console script (labelpool.cli.console) runs this command without Typer; this entry
    # lists it in `labelpool --help` and serves `labelpool.cli.app` callers (tests, python -m).
    from labelpool.cli.aggregate import main as aggregate_main

    raise typer.Exit(aggregate_main(ctx.args))


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def load_settings() -> Settings:
    """The command's one `Settings`, read from the environment (bad values: a one-line error).

    Each command reads it once and hands it (and what is built from it) down.
    """
    from pydantic import ValidationError

    from labelpool.config import get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            str(e.get("msg", "")).removeprefix("Value error, ") for e in exc.errors()
        )
        raise fail(f"bad setting: {problems}") from None


@contextmanager
def unit_of_work(settings: Settings | None = None) -> Iterator[Session]:
    """A committed transaction on the configured database, with errors as one-line messages.

    `settings`: the command's settings, when it needs them for more than the database.
    """
    from sqlalchemy.exc import OperationalError

    from labelpool.db.engine import make_engine, make_session_factory, transaction
    from labelpool.errors import LabelpoolError

    settings = settings if settings is not None else load_settings()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            yield session
    except LabelpoolError as exc:
        raise fail(exc.message) from None
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        hint = " Run `labelpool db upgrade` first." if "no such table" in reason else ""
        raise fail(f"database error: {reason}.{hint}") from None
    finally:
        engine.dispose()


def _upgrade(settings: Settings | None = None) -> str:
    from sqlalchemy.exc import OperationalError

    from labelpool.db.engine import make_engine
    from labelpool.db.migrate import current_revision, upgrade

    settings = settings if settings is not None else load_settings()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        upgrade(engine)
        return current_revision(engine) or "empty"
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise fail(
            f"cannot reach the database ({engine.url.render_as_string()}): {reason}"
        ) from None
    finally:
        engine.dispose()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    revision = _upgrade()
    typer.echo(f"database is at revision {revision}")


@db_app.command("revision")
def db_revision(
    message: Annotated[str, typer.Option("-m", "--message", help="What the migration does.")],
) -> None:
    """Write a new migration from the model changes (run `db upgrade` first)."""
    from labelpool.db.engine import make_engine
    from labelpool.db.migrate import revision

    engine = make_engine(load_settings().sqlalchemy_url)
    try:
        typer.echo(f"wrote {revision(engine, message)}")
    finally:
        engine.dispose()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
) -> None:
    """Migrate the database, then serve the web app and API.

    X-Forwarded-For and X-Forwarded-Proto are believed only from LABELPOOL_TRUSTED_PROXIES
    (none by default), never from every local client.
    """
    import uvicorn

    settings = load_settings()  # checked here; each worker process reads its own
    trusted = settings.trusted_proxies
    _upgrade(settings)
    typer.echo(f"labelpool is serving on http://{host}:{port}  (API docs: /docs)")
    uvicorn.run(
        "labelpool.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
    )


@app.command()
def demo() -> None:
    """Seed the demo organization, users and projects (safe to run again); print the logins."""
    from labelpool.demo.seed import seed_demo

    settings = load_settings()
    with unit_of_work(settings) as db:
        logins = seed_demo(db, settings)
    typer.echo("Demo logins (open http://127.0.0.1:8000):")
    for login in logins:
        typer.echo(f"  {login.role.value:<12} {login.email:<32} {login.password}")


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Argument(help="E-mail address, used to log in.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
    role: Annotated[
        str, typer.Option(help="contributor, reviewer, requester or admin.")
    ] = "contributor",
    password: Annotated[
        str | None,
        typer.Option(help="Password (at least 10 characters); prompted when left out."),
    ] = None,
    organization: Annotated[
        str | None, typer.Option(help="Organization name to add the user to (created if new).")
    ] = None,
) -> None:
    """Create a user account."""
    from sqlalchemy import select

    from labelpool.accounts import service
    from labelpool.accounts.models import Organization
    from labelpool.accounts.roles import Role

    roles = [r.value for r in Role]
    if role not in roles:
        raise fail(f"unknown role '{role}'; choose one of {', '.join(roles)}")
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with unit_of_work() as db:
        user = service.create_user(
            db,
            email=email,
            password=password,
            display_name=name or email.split("@")[0],
            role=Role(role),
        )
        if organization:
            org = db.scalar(select(Organization).where(Organization.name == organization))
            org = org or service.create_organization(db, organization)
            org_role = Role(role) if role != "contributor" else Role.REQUESTER
            service.add_membership(db, user, org, org_role)
        typer.echo(f"created user {user.id} {user.email} ({user.role.value})")


@users_app.command("list")
def users_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List user accounts."""
    from labelpool.accounts import service

    with unit_of_work() as db:
        rows = [
            {
                "id": u.id,
                "email": u.email,
                "name": u.display_name,
                "role": u.role.value,
                "active": u.is_active,
                "created_at": u.created_at.isoformat(),
            }
            for u in service.list_users(db)
        ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "email", "name", "role", "active", "created")
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["email"]),
            str(r["name"]),
            str(r["role"]),
            "yes" if r["active"] else "no",
            str(r["created_at"])[:10],
        )
    Console().print(table)


@tokens_app.command("create")
def tokens_create(
    email: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "cli",
    scope: Annotated[
        str, typer.Option("--scope", help="read (GET only), write (also changes) or admin.")
    ] = "write",
) -> None:
    """Create an API token and print it once (store it safely; it cannot be shown again)."""
    from labelpool.accounts import service

    with unit_of_work() as db:
        user = service.get_user_by_email(db, email)
        if user is None:
            raise fail(f"no user with e-mail {email}; see `labelpool users list`")
        secret, token = service.create_api_token(db, user, name, service.token_scope(scope))
        typer.echo(f"token {token.id} for {user.email}:", err=True)
        typer.echo(secret)


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

    with unit_of_work() as db:
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


@app.command("import")
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
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

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
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
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


@contributors_app.command("purge-documents")
def contributors_purge_documents() -> None:
    """Delete identity documents whose retention period has ended now (the job runner also
    does this every hour)."""
    from labelpool.contributors.service import purge_expired_documents
    from labelpool.db.types import utcnow
    from labelpool.media.storage import storage_from_settings

    settings = load_settings()
    storage = storage_from_settings(settings)
    with unit_of_work(settings) as db:
        deleted = purge_expired_documents(db, storage, utcnow())
    typer.echo(f"deleted {deleted} identity document(s)")


@app.command()
def worker(
    poll: Annotated[float, typer.Option(help="Seconds between looks when idle.", min=0.1)] = 1.0,
    once: Annotated[bool, typer.Option("--once", help="Run what is due now, then exit.")] = False,
) -> None:
    """Run background jobs: the outbox (work the app enqueued) and the periodic jobs.

    `labelpool serve` runs them in a thread already; start workers when you serve with
    LABELPOOL_JOBS_IN_PROCESS=false (any number of them can run side by side).
    """
    import signal

    from labelpool.db.engine import make_engine, make_session_factory
    from labelpool.jobs.builtin import load_handlers
    from labelpool.jobs.context import JobContext
    from labelpool.jobs.runner import Worker, run_due
    from labelpool.media.storage import storage_from_settings

    settings = load_settings()
    _upgrade(settings)
    load_handlers()
    engine = make_engine(
        settings.sqlalchemy_url, lock_timeout_seconds=settings.lock_timeout_seconds
    )
    factory = make_session_factory(engine)
    context = JobContext(settings, storage_from_settings(settings))
    try:
        if once:
            report = run_due(factory, context)
            typer.echo(
                f"ran {report.ran} job(s), {report.failed} failed; "
                f"scheduled: {', '.join(report.scheduled) or 'none'}"
            )
            return
        runner = Worker(factory, context, poll_seconds=poll)
        signal.signal(signal.SIGTERM, lambda *_: runner.stopping.set())
        signal.signal(signal.SIGINT, lambda *_: runner.stopping.set())
        typer.echo("labelpool worker running; Ctrl+C to stop")
        runner.start()
        while runner.is_alive():
            runner.join(0.5)
        typer.echo("labelpool worker stopped")
    finally:
        engine.dispose()


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


__all__: list[str] = ["app", "main"]
if __name__ == "__main__":
    main()
