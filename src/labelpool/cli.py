"""The `labelpool` command line. Heavy imports happen inside commands to keep start-up small."""

from __future__ import annotations

import typer

from labelpool.commands.aggregate import aggregate

app = typer.Typer(
    name="labelpool",
    help="labelpool: contributors, labeling, quality, aggregation and pay in one program.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("aggregate")(aggregate)


def main() -> None:
    """Console-script entry point."""
    app()
