"""`labelpool aggregate`: truth inference over a worker,task,label file. (Being built.)"""

from __future__ import annotations

import typer


def aggregate() -> None:
    """Aggregate crowd labels (not yet available)."""
    typer.echo("labelpool aggregate is not available yet", err=True)
    raise typer.Exit(2)
