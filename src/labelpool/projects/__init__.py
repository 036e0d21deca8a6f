"""Projects, items, templates, data import and pre-annotations."""
