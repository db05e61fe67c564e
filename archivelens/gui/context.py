"""What every view needs: the library connection (GUI thread), the current scope, and a signal
when either changes."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import duckdb
from PySide6.QtCore import QObject, QThreadPool, Signal

from archivelens import pipeline
from archivelens.analysis import scope as scopes
from archivelens.analysis.scope import Scope
from archivelens.store import snapshots, tweets
from archivelens.store.library import connect, explain


class LibraryContext(QObject):
    """``version`` counts changes of scope or data; a view that showed an older version
    prepares its rows again when it is next shown."""

    changed = Signal()  # scope or data changed: the view on screen refreshes

    def __init__(
        self,
        path: Path,
        pool: QThreadPool | None = None,
        parent: QObject | None = None,
        shown: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.pool = pool or QThreadPool.globalInstance()
        self.con: duckdb.DuckDBPyConnection = connect(path)
        self._cursors: set[duckdb.DuckDBPyConnection] = set()
        self.closed = False
        self.version = 0
        self.scope: Scope | None = None
        self.reload_scope(*(shown or ()))  # (snapshot, account) shown last time, if any

    def close(self) -> None:
        """Stop what workers are still asking the library, wait for them, then close it."""
        if self.closed:
            return
        self.closed = True
        for cursor in list(self._cursors):
            interrupt(cursor)
        self.pool.waitForDone()
        for cursor in list(self._cursors):
            self.release(cursor)
        self.con.close()

    def edited(self) -> int:
        """The user changed data the views show; returns the new version (the editing view
        is up to date with it, the others refresh when shown)."""
        self.version += 1
        return self.version

    def _changed(self) -> None:
        self.version += 1
        self.changed.emit()

    def worker_connection(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for a worker thread (DuckDB's rule: one per thread).

        Give it back with :meth:`release` when the work is done."""
        cursor = self.con.cursor()
        self._cursors.add(cursor)
        return cursor

    def prepare(self, cursor: duckdb.DuckDBPyConnection, scope: Scope) -> str:
        """Bring *scope*'s derived state up to date on *cursor* (a worker's own connection:
        never the GUI thread's, the first time takes seconds); returns its fingerprint. The
        views' loaders call it before every query (:class:`~archivelens.gui.workers.Loader`),
        so the first view shown after a library or snapshot opens, or after the settings
        change, prepares it; the others find it current."""
        return pipeline.prepare(cursor, scope)

    def gone(self, cursor: duckdb.DuckDBPyConnection, scope: Scope) -> bool:
        """Whether *scope*'s snapshot has been removed from the library (asked on *cursor*, a
        worker's connection, after what it read there failed)."""
        try:
            return snapshots.get(cursor, scope.snapshot_id) is None
        except duckdb.Error:  # an interrupted or closing connection: not known to be gone
            return False

    def release(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursors.discard(cursor)
        cursor.close()

    def reload_scope(self, snapshot_id: int | None = None, account_id: int | None = None) -> None:
        """Show snapshot *snapshot_id*; without one, keep the snapshot shown (or the newest of
        its account — *account_id* or the one shown — if it was removed); the chosen dates
        stay. Data changed: views follow."""
        old = self.scope
        scope = None
        wanted = snapshot_id if snapshot_id is not None else old.snapshot_id if old else None
        account = account_id if account_id is not None else old.account_id if old else None
        try:
            if wanted is not None:
                scope = scopes.resolve_kept(self.con, wanted, account)
            if scope is None:
                scope = pipeline.resolve_scope(self.con)
        except Exception as err:  # an empty library has no scope yet; a damaged one says so
            damaged = explain(err, self.path)
            if damaged is not None:
                raise damaged from None
            scope = None
        self.scope = scope.with_dates(old.date_from, old.date_to) if scope and old else scope
        self._changed()

    def set_dates(self, date_from: date | None, date_to: date | None) -> None:
        if self.scope is not None:
            self.scope = replace(self.scope, date_from=date_from, date_to=date_to)
            self._changed()

    def snapshots(self) -> list[tuple[int, str, str]]:
        """(snapshot id, account handle, generation day) of every snapshot, newest first."""
        return snapshots.listing(self.con)

    def date_span(self) -> tuple[datetime, datetime] | None:
        """First and last tweet of the current snapshot."""
        return None if self.scope is None else tweets.date_span(self.con, self.scope.snapshot_id)


def interrupt(cursor: duckdb.DuckDBPyConnection) -> None:
    """Stop the query running on *cursor*, if any (it may have finished and closed meanwhile)."""
    with contextlib.suppress(duckdb.Error):
        cursor.interrupt()
