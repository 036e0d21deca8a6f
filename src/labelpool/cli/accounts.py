"""`labelpool users` and `labelpool tokens`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from labelpool.cli.common import fail, unit_of_work

users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)


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

    with unit_of_work(write=False) as db:
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
