"""The `labelpool` command line.

Kept empty on purpose: `labelpool aggregate` (``cli.aggregate``) must start without importing the
Typer app in ``cli.app``, so nothing is imported here.
"""
