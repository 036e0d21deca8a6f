"""Media files: content checks, storage (local folder or S3), archives and signed URLs."""
