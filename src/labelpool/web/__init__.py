"""The web layer: app wiring, middleware, error handling, page helpers, templates and static."""
