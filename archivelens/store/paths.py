"""Where the library lives, without opening it (no DuckDB): what the app needs to know before
its first window, and before it asks a running app to take an archive instead."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "ARCHIVELENS_DB"


def default_library_path() -> Path:
    return platformdirs.user_data_path("archivelens", appauthor=False) / "library.duckdb"


def resolve_library_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` beats ``$ARCHIVELENS_DB`` beats the per-user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    return default_library_path()
