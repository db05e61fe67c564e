"""Data files shipped with archivelens (read with importlib.resources)."""
