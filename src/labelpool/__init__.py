"""labelpool: the human side of AI training data."""

__version__ = "0.1.0"
