"""Bulk import of items from CSV, JSONL, JSON, Parquet, URL lists, folders and zips of media."""
