"""The use cases both front ends call. Plain Python: no Qt, no terminal handling."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from archivelens.progress import CancelToken, Progress
from archivelens.store import ingest
from archivelens.store.ingest import ImportResult
from archivelens.store.library import connect, resolve_library_path


@contextmanager
def open_library(db: str | os.PathLike[str] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the library chosen by ``--db`` / ``$ARCHIVELENS_DB`` / the per-user default."""
    con = connect(resolve_library_path(db))
    try:
        yield con
    finally:
        con.close()


def import_archive(
    path: str | os.PathLike[str],
    db: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """Import the archive at *path* (zip or folder) into the library as a snapshot."""
    with open_library(db) as con:
        return ingest.import_archive(con, Path(path), progress, cancel)
