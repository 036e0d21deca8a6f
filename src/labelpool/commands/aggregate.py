"""`labelpool aggregate`: truth inference over a worker,task,label file.

Only Typer is imported at module level: the command's start-up time is part of its budget, so
NumPy, PyArrow and the aggregation library are imported when the command runs.
"""

from __future__ import annotations

from pathlib import Path

import typer

METHODS: dict[str, str] = {
    "mv": "majority vote: the most frequent answer wins",
    "wawa": "majority vote weighted by each worker's agreement with it",
    "ds": "Dawid-Skene: EM over a confusion matrix per worker",
    "one-coin-ds": "Dawid-Skene with a single accuracy per worker",
    "glad": "GLAD: logistic model of worker ability and task difficulty",
    "mace": "MACE: each worker either knows or spams (uses --seed)",
}

_HELP = (
    "Aggregate crowd labels: read LABELS (CSV or Parquet with columns worker, task, label), "
    "infer one label per task and write OUT with the header task,label,confidence.\n\n"
    "Methods (--method):\n\n"
    + "\n\n".join(f"  {name:<12} {text}" for name, text in METHODS.items())
)


def aggregate(
    labels: Path = typer.Argument(
        ...,
        metavar="LABELS",
        help="Input answers: CSV (worker,task,label; UTF-8) or Parquet (.parquet).",
        show_default=False,
    ),
    method: str = typer.Option(
        "ds",
        "--method",
        "-m",
        metavar="[" + "|".join(METHODS) + "]",
        help="Aggregation method (see above).",
    ),
    out: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="Where to write task,label,confidence (CSV; written atomically).",
        show_default=False,
    ),
    gold: Path | None = typer.Option(
        None, "--gold", help="CSV with task,label: print accuracy against it.", show_default=False
    ),
    workers_out: Path | None = typer.Option(
        None,
        "--workers-out",
        help="Also write per-worker estimates (answers, skill, method extras) to this CSV.",
        show_default=False,
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed for stochastic methods (mace)."),
) -> None:
    if method not in METHODS:
        typer.echo(f"error: unknown method {method!r} (choose from {', '.join(METHODS)})", err=True)
        raise typer.Exit(2)
    from labelpool.commands.aggregate_run import AggregateError, run

    try:
        report = run(labels, method=method, out=out, gold=gold, workers_out=workers_out, seed=seed)
    except AggregateError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for line in report:
        typer.echo(line)


aggregate.__doc__ = _HELP
