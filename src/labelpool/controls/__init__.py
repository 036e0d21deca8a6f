"""Control kinds: one pure module per kind (no web, no database imports).

See `base.py` for the interface every kind implements and `registry.py` for the list.
"""
