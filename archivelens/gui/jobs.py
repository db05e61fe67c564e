"""The one long job a window runs at a time — an import, an export, applying settings — with
its stage, a progress bar and Cancel at the bottom of the window; hidden when idle."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from archivelens.gui.text_fit import ElidedLabel
from archivelens.gui.workers import Worker, start


class JobPanel(QWidget):
    failed = Signal(str, str)  # one sentence, details
    cancelled = Signal()

    def __init__(self, pool: QThreadPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self.worker: Worker | None = None
        self.library: Path | None = None  # the window's library: damage a job meets is named so
        row = QHBoxLayout(self)
        self.stage = ElidedLabel()  # "Importing <a file name of any length>"
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.stage)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        self.hide()

    def run(self, job: Callable[..., Any], title: str, done: Callable[[Any], None]) -> Worker:
        """Start ``job(progress, cancel)``; ``done(result)`` when it finishes."""
        assert self.worker is None, "one job at a time"
        worker = Worker(job)
        worker.library = self.library
        self.worker = worker
        self.stage.setText(title)
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.show()
        worker.signals.progress.connect(self._progress)

        def finished(result: Any) -> None:
            self._ended()
            done(result)

        def failed(sentence: str, details: str) -> None:
            self._ended()
            self.failed.emit(sentence, details)

        def cancelled() -> None:
            self._ended()
            self.cancelled.emit()

        worker.signals.finished.connect(finished)
        worker.signals.failed.connect(failed)
        worker.signals.cancelled.connect(cancelled)
        return start(worker, self.pool)

    def cancel(self) -> None:
        if self.worker is not None:
            self.stage.setText("Cancelling…")
            self.worker.cancel()

    def _progress(self, stage: str, fraction: float) -> None:
        self.stage.setText(stage)
        if fraction < 0:
            self.bar.setRange(0, 0)  # busy, no measure
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))

    def _ended(self) -> None:
        self.worker = None
        self.hide()
