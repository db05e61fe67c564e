"""Long operations off the GUI thread: a QRunnable per task, results back by queued signals.

A worker never touches widgets and never loses an error: everything raised in ``run`` becomes a
``failed`` signal with one sentence for the user (and the traceback for "details").
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from archivelens.errors import Cancelled, UserError
from archivelens.progress import CancelToken


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
        except UserError as err:
            self.signals.failed.emit(str(err), "")
        except Exception as err:  # a bug: still one sentence, with details on request
            self.signals.failed.emit(
                f"Something went wrong ({type(err).__name__}); nothing was changed.",
                traceback.format_exc(),
            )
        else:
            self.signals.finished.emit(result)


def start(worker: Worker, pool: QThreadPool | None = None) -> Worker:
    (pool or QThreadPool.globalInstance()).start(worker)
    return worker
