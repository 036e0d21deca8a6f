"""The `labelpool` command line. Heavy imports happen inside commands to keep start-up small."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from labelpool.cli.accounts import tokens_app, users_app
from labelpool.cli.aggregate import SUMMARY as AGGREGATE_SUMMARY
from labelpool.cli.common import fail, load_settings, unit_of_work
from labelpool.cli.contributors import contributors_app
from labelpool.cli.projects import import_command, projects_app, templates_app

if TYPE_CHECKING:
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
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(templates_app, name="templates")
app.add_typer(projects_app, name="projects")
app.add_typer(contributors_app, name="contributors")
app.command("import")(import_command)


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
