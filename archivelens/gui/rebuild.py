"""The window shown instead of an empty one when the library is damaged: what happened, and
"Rebuild Library" — the archives it came from re-imported and every review, note and setting
replayed from the journal beside it, on a worker with progress (:mod:`archivelens.recovery`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from archivelens import pipeline
from archivelens.gui.widgets import APP_NAME
from archivelens.gui.workers import Worker, start
from archivelens.recovery import MissingArchives, RebuildResult
from archivelens.store.library import LibraryDamaged

_HOW = (
    "Your reviews, notes, marks and settings are kept in a journal beside the library. "
    "Rebuilding imports again the archives this library came from and replays that journal "
    "into a new library; the damaged file is kept beside it."
)


class RebuildDialog(QDialog):
    """Offers to rebuild the damaged library *err* names; accepted once it is rebuilt."""

    def __init__(
        self, err: LibraryDamaged, pool: QThreadPool | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.path = err.path
        self.pool = pool or QThreadPool.globalInstance()
        self.archives: list[Path] = []
        self.skip_missing = False
        self.rebuilt: RebuildResult | None = None
        self.worker: Worker | None = None
        self.setWindowTitle(f"{APP_NAME} — the library is damaged")
        layout = QVBoxLayout(self)
        self.message = QLabel(f"{err.problem}.")
        self.message.setWordWrap(True)
        self.how = QLabel(_HOW)
        self.how.setWordWrap(True)
        self.stage = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.hide()
        buttons = QDialogButtonBox()
        self.rebuild_button = buttons.addButton(
            "Rebuild Library", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.locate_button = QPushButton("Locate Archive…")
        self.skip_button = QPushButton("Rebuild Without Them")
        for button in (self.locate_button, self.skip_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            button.hide()
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.rebuild_button.clicked.connect(self.rebuild)
        self.locate_button.clicked.connect(self.locate)
        self.skip_button.clicked.connect(self.rebuild_without_missing)
        buttons.rejected.connect(self.reject)
        for widget in (self.message, self.how, self.stage, self.bar, buttons):
            layout.addWidget(widget)
        self.resize(560, self.sizeHint().height())

    def rebuild(self) -> Worker | None:
        """Rebuild on a worker; the dialog closes (accepted) when the new library is in place."""
        if self.worker is not None:
            return None
        path, archives, skip = self.path, list(self.archives), self.skip_missing

        def job(progress, cancel):
            return pipeline.rebuild_library(path, archives, skip, progress, cancel)

        worker = Worker(job)
        self.worker = worker
        worker.signals.progress.connect(self._progress)
        worker.signals.finished.connect(self._rebuilt)
        worker.signals.failed.connect(lambda sentence, _d: self._failed(sentence, worker))
        worker.signals.cancelled.connect(lambda: self._failed("Cancelled.", worker))
        for button in (self.rebuild_button, self.locate_button, self.skip_button):
            button.setEnabled(False)
        self.bar.show()
        self.stage.setText("Rebuilding…")
        return start(worker, self.pool)

    def locate(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Locate an archive", str(Path.home()), "Archive (*.zip);;All files (*)"
        )
        if path:
            self.add_archive(Path(path))

    def add_archive(self, path: Path) -> Worker | None:
        """An archive that moved, then rebuild again with it."""
        self.archives.append(path)
        return self.rebuild()

    def rebuild_without_missing(self) -> Worker | None:
        self.skip_missing = True
        return self.rebuild()

    def _progress(self, stage: str, fraction: float) -> None:
        self.stage.setText(stage)
        if fraction >= 0:
            self.bar.setValue(int(fraction * 1000))

    def _rebuilt(self, result: RebuildResult) -> None:
        self.worker = None
        self.rebuilt = result
        self.accept()

    def _failed(self, sentence: str, worker: Worker) -> None:
        self.worker = None
        self.bar.hide()
        self.stage.setText("")
        for button in (self.rebuild_button, self.locate_button, self.skip_button):
            button.setEnabled(True)
        missing = isinstance(getattr(worker, "error", None), MissingArchives)
        if missing:
            records = worker.error.missing  # type: ignore[union-attr]
            listed = "\n".join(f"• {r.label}" for r in records)
            sentence = (
                f"These archives the library came from cannot be found:\n{listed}\n"
                "Locate them, or rebuild without them (your reviews and notes are kept)."
            )
        self.locate_button.setVisible(missing)
        self.skip_button.setVisible(missing)
        self.message.setText(sentence)

    def closeEvent(self, event) -> None:  # a rebuild runs to its end or its cancel
        if self.worker is not None:
            self.worker.cancel()
            self.pool.waitForDone()
        super().closeEvent(event)

    def reject(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.pool.waitForDone()
        super().reject()
