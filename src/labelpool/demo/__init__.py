"""The demo data `make run` seeds."""
