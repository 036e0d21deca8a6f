"""`python -m labelpool.cli ...`, the same as the `labelpool` console script."""

from labelpool.cli.console import main

main()
