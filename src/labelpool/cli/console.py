"""Console-script entry point (`labelpool ...`).

`labelpool aggregate` goes straight to its own argparse front end: loading the Typer app first
would add 0.15 s to a command whose whole million-label run takes about a second. Every other
command goes through the Typer app in ``labelpool.cli``.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["aggregate"]:
        from labelpool.cli.aggregate import main as aggregate

        try:
            status = aggregate(sys.argv[2:])
        except KeyboardInterrupt:
            status = 130
        sys.exit(status)

    from labelpool.cli.app import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
