"""Health and version endpoints."""
