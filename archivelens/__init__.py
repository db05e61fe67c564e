"""archivelens: an honest picture of how an account uses Twitter/X, from its data archive."""

__version__ = "0.1.0"
