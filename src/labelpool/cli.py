"""The `labelpool` command line. Heavy imports happen inside commands to keep start-up small."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from labelpool.commands.aggregate import aggregate

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

app = typer.Typer(
    name="labelpool",
    help="labelpool: contributors, labeling, quality, aggregation and pay in one program.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.command("aggregate")(aggregate)


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A committed transaction on the configured database, with errors as one-line messages."""
    from sqlalchemy.exc import OperationalError

    from labelpool.config import get_settings
    from labelpool.db.engine import make_engine, make_session_factory, transaction
    from labelpool.errors import LabelpoolError

    settings = get_settings()
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


def _upgrade() -> str:
    from sqlalchemy.exc import OperationalError

    from labelpool.config import get_settings
    from labelpool.db.engine import make_engine
    from labelpool.db.migrate import current_revision, upgrade

    settings = get_settings()
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
    from labelpool.config import get_settings
    from labelpool.db.engine import make_engine
    from labelpool.db.migrate import revision

    engine = make_engine(get_settings().sqlalchemy_url)
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
    """Migrate the database, then serve the web app and API."""
    import uvicorn

    _upgrade()
    typer.echo(f"labelpool is serving on http://{host}:{port}  (API docs: /docs)")
    uvicorn.run(
        "labelpool.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=True,
    )


@app.command()
def demo() -> None:
    """Seed the demo organization and users (safe to run again) and print the logins."""
    from labelpool.demo.seed import seed_demo

    with unit_of_work() as db:
        logins = seed_demo(db)
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
    from labelpool.enums import Role

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
) -> None:
    """Create an API token and print it once (store it safely; it cannot be shown again)."""
    from labelpool.accounts import service

    with unit_of_work() as db:
        user = service.get_user_by_email(db, email)
        if user is None:
            raise fail(f"no user with e-mail {email}; see `labelpool users list`")
        secret, token = service.create_api_token(db, user, name)
        typer.echo(f"token {token.id} for {user.email}:", err=True)
        typer.echo(secret)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


__all__: list[str] = ["app", "main"]
if __name__ == "__main__":
    main()
