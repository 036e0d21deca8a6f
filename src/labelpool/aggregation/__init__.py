"""Truth inference: pure NumPy/SciPy aggregation algorithms (no web, no database)."""
