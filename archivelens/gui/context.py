"""What every view needs: the library connection (GUI thread), the current scope, and a signal
when either changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
from PySide6.QtCore import QObject, Signal

from archivelens import pipeline
from archivelens.analysis.scope import Scope
from archivelens.store.library import connect


class LibraryContext(QObject):
    changed = Signal()  # scope or data changed: views refresh

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.con: duckdb.DuckDBPyConnection = connect(path)
        self.scope: Scope | None = None
        self.reload_scope()

    def close(self) -> None:
        self.con.close()

    def worker_connection(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for a worker thread (DuckDB's rule: one per thread)."""
        return self.con.cursor()

    def reload_scope(self, account: str | None = None, snapshot: str | None = None) -> None:
        """Pick the newest snapshot (or the given one), keeping the chosen dates."""
        old = self.scope
        try:
            scope = pipeline.resolve_scope(self.con, account, snapshot)
        except Exception:  # an empty library has no scope yet
            self.scope = None
        else:
            self.scope = scope.with_dates(old.date_from, old.date_to) if old else scope
        self.changed.emit()

    def set_dates(self, date_from: date | None, date_to: date | None) -> None:
        if self.scope is not None:
            self.scope = replace(self.scope, date_from=date_from, date_to=date_to)
            self.changed.emit()

    def snapshots(self) -> list[tuple[int, str, str]]:
        """(snapshot id, account handle, generation date) of every snapshot, newest first."""
        rows = self.con.execute(
            """SELECT snapshot_id, coalesce(screen_name, account_id::VARCHAR),
                      strftime(generated_at, '%Y-%m-%d')
               FROM snapshots ORDER BY generated_at DESC, snapshot_id DESC"""
        ).fetchall()
        return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]
