"""Long operations off the GUI thread: a QRunnable per task, results back by queued signals.

A worker never touches widgets and never loses an error: everything raised in ``run`` becomes a
``failed`` signal with one sentence for the user (and the traceback for "details").
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from archivelens.analysis.scope import Scope
from archivelens.errors import Cancelled, NotPrepared, UserError, from_environment
from archivelens.gui.context import LibraryContext, interrupt
from archivelens.progress import CancelToken
from archivelens.store.library import LibraryDamaged, explain


class WorkerSignals(QObject):
    progress = Signal(str, float)  # stage, fraction (-1 when unknown)
    finished = Signal(object)
    failed = Signal(str, str)  # one sentence, details
    cancelled = Signal()


class Worker(QRunnable):
    """Runs ``fn(progress=…, cancel=…)`` on a pool thread."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = WorkerSignals()
        self.cancel_token = CancelToken()
        self.library: Path | None = None  # the library it works on: damage met is named so
        self.error: BaseException | None = None  # what it failed with, for who asks
        self.setAutoDelete(False)

    def update(self, stage: str, fraction: float | None = None) -> None:
        """The Progress protocol, called from the worker thread."""
        self.signals.progress.emit(stage, -1.0 if fraction is None else float(fraction))

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def run(self) -> None:
        try:
            result = self.fn(progress=self, cancel=self.cancel_token)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as err:
            if self.cancel_token.cancelled:
                # Stopping was asked: what the stop broke off is the stop, not a failure — the
                # window closing interrupts every query, and an error dialog opened then kept
                # the closing app waiting for a click (its work is rolled back either way).
                self.signals.cancelled.emit()
            else:
                self._failed(err)
        else:
            self.signals.finished.emit(result)

    def _failed(self, err: Exception) -> None:
        self.error = err
        if isinstance(err, UserError):
            self.signals.failed.emit(in_app_words(err), "")
            return
        machine = from_environment(err, "saving")  # a full disk from any layer, else a bug
        if machine is None and self.library is not None:
            machine = explain(err, self.library)
        self.signals.failed.emit(
            in_app_words(machine)
            if machine is not None
            else f"Something went wrong ({type(err).__name__}); nothing was changed.",
            traceback.format_exc(),
        )


def in_app_words(err: UserError) -> str:
    """The sentence for the app: a damaged library points to File ▸ Rebuild Library…"""
    if isinstance(err, LibraryDamaged):
        return (
            f"{err.problem}. Rebuild it with File ▸ Rebuild Library… — your reviews, notes and "
            "settings are kept in the journal beside it."
        )
    return str(err)


def start(worker: Worker, pool: QThreadPool | None = None) -> Worker:
    (pool or QThreadPool.globalInstance()).start(worker)
    return worker


class Loader(QObject):
    """A view's queries, off the GUI thread, on the view's own connection; newest request wins.

    Whatever a query prepares on ``cursor`` (a temp table lives on the connection that made it)
    the view then pages through from the GUI thread — only while nothing runs on the cursor,
    which holds because a view empties its model before it asks again. A newer request
    interrupts the one running and waits for it; only the newest answer (or failure) is
    delivered, so quick filter changes never pile up work and a view never shows an answer
    older than what it last asked for.

    Before its query, a request prepares the scope shown when it was made (``ctx.prepare``: the
    classification and clusters, computed the first time a snapshot opens or after the
    settings changed, on this worker; a freshness check after that): the core's readers only
    check that it was done.
    """

    failed = Signal(str, str)  # one sentence, details

    def __init__(self, ctx: LibraryContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cursor = ctx.worker_connection()
        self._generation = 0
        self._pending: tuple[int, Scope | None, Callable[..., Any], Callable[[Any], None]] | None
        self._pending = None
        self._running: Worker | None = None

    def busy(self) -> bool:
        return self._running is not None or self._pending is not None

    def request(
        self,
        query: Callable[[duckdb.DuckDBPyConnection], Any],
        done: Callable[[Any], None],
    ) -> None:
        """Run ``query(cursor)`` on the pool; ``done(result)`` on the GUI thread if it is still
        the newest request when it ends."""
        self._generation += 1
        self._pending = (self._generation, self.ctx.scope, query, done)
        if self._running is None:
            self._start()
        else:
            interrupt(self.cursor)

    def _start(self) -> None:
        assert self._pending is not None
        generation, scope, query, done = self._pending
        self._pending = None
        cursor = self.cursor

        def prepared_then_query(progress, cancel):
            if scope is None:
                return query(cursor)
            try:
                self.ctx.prepare(cursor, scope)
                try:
                    return query(cursor)
                except NotPrepared:  # settings applied meanwhile (another worker): once more
                    self.ctx.prepare(cursor, scope)
                    return query(cursor)
            except Exception:
                # Its archive was removed meanwhile (File ▸ Remove): the answer is moot, not a
                # failure to show; the window shows another scope when the removal ends.
                if self.ctx.gone(cursor, scope):
                    raise Cancelled from None
                raise

        worker = Worker(prepared_then_query)
        worker.library = self.ctx.path
        self._running = worker

        def ended(deliver: Callable[[], None]) -> None:
            self._running = None
            if self.ctx.closed:
                return
            if self._pending is not None:
                self._start()
            elif generation == self._generation:
                deliver()

        worker.signals.finished.connect(lambda r: ended(lambda: done(r)))
        worker.signals.failed.connect(lambda s, d: ended(lambda: self.failed.emit(s, d)))
        worker.signals.cancelled.connect(lambda: ended(lambda: None))
        start(worker, self.ctx.pool)
