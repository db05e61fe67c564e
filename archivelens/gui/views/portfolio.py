"""Portfolio: a consultant's clients side by side, one row per account of several libraries
(``metrics.md``, "Portfolio").

The libraries are read by the core, read-only, on a worker with progress and Cancel; the one
this window holds open is read through its own connection (DuckDB will not attach a file the
same process has open). A library that cannot be read keeps its row, saying why in one
sentence; the others are shown all the same. A row opens its account, in its library.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from archivelens.analysis import portfolio
from archivelens.analysis.portfolio import Entry
from archivelens.gui.context import LibraryContext
from archivelens.gui.models import Column, RowsModel, SortProxy
from archivelens.gui.text_fit import ElidedLabel, breakable, wrapping
from archivelens.gui.widgets import View, compact_table
from archivelens.gui.workers import Worker, start
from archivelens.progress import CancelToken, Progress
from archivelens.words import number, percent, plural

EMPTY = (
    "Compare the accounts of several libraries — each client may keep their own — side by "
    "side: File ▸ Open Portfolio… or “Open libraries…” above. This library is offered first; "
    "Delete leaves the library of a row out again. Nothing in any library is changed."
)


@dataclass(frozen=True, order=True)
class Reviewed:
    """The follow-back checklist reviewed so far: sorts by the share done, reads "N of M"."""

    share: float
    done: int
    of: int

    def __str__(self) -> str:
        return f"{self.done:,} of {self.of:,}"


def shown(value: Any) -> str:
    return "–" if value is None else str(value)


def count(value: int | None) -> str:
    return "–" if value is None else number(value)


# The sketch's columns (ux.md): what fits beside the sidebar at 1024 px without scrolling
# sideways. The library comes last and takes the room left; an unreadable one says why there.
COLUMNS = [
    Column("handle", "Account", tooltip=lambda row: row["library"]),
    Column("archive_date", "Archive", shown),
    Column("tweets", "Tweets", count, align_right=True),
    Column("conversation_share", "Conversation", percent, align_right=True),
    Column("promotion_share", "Promotion", percent, align_right=True),
    Column("repetition_share", "Repetition", percent, align_right=True),
    Column("actions", "Actions", count, align_right=True),
    Column("reviewed", "Reviewed", shown, align_right=True),
    Column("where", "Library", shown, tooltip=lambda row: row["about"]),
]


def as_row(entry: Entry) -> dict[str, Any]:
    """One table row of an entry: the raw values sort, the columns format them."""
    row = asdict(entry)
    row["handle"] = (
        f"@{entry.account}"
        if entry.account
        else (str(entry.account_id) if entry.account_id else None)
    )
    path = Path(entry.library)
    row["where"] = f"{path.parent.name}/{path.name}" + (
        f" — {entry.status}" if entry.status else ""
    )
    row["about"] = f"{entry.library}\n{entry.status}" if entry.status else entry.library
    row["reviewed"] = None
    if entry.checklist is not None and entry.reviewed is not None:
        share = entry.reviewed / entry.checklist if entry.checklist else 1.0
        row["reviewed"] = Reviewed(share, entry.reviewed, entry.checklist)
    return row


def read_all(
    ctx: LibraryContext, libraries: list[Path], progress: Progress, cancel: CancelToken
) -> list[Entry]:
    """Every account of *libraries*, in their order: this window's own library through a
    connection of its own, the others attached read-only by the core."""
    here = ctx.path.resolve()
    entries: list[Entry] = []
    total = len(libraries)
    for n, path in enumerate(libraries):
        cancel.check()
        progress.update(f"Reading library {n + 1} of {total}: {path.name}", n / total)
        if path.resolve() == here:
            cursor = ctx.worker_connection()
            try:
                entries += portfolio.read_open(cursor, ctx.path)
            finally:
                ctx.release(cursor)
        else:
            entries += portfolio.read([path], workers=1, cancel=cancel)
    return entries


class PortfolioView(View):
    open_account = Signal(object, int)  # the library (Path) and the account id of a row
    choose_libraries = Signal()  # "Open libraries…": the window asks which
    libraries_set = Signal(list)  # the libraries shown now (str paths): the window keeps them
    export_csv = Signal()  # "Export portfolio.csv…": the window asks where

    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.libraries: list[Path] = []
        self.entries: list[Entry] = []
        self.worker: Worker | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.title = ElidedLabel("Portfolio")
        self.open_button = QPushButton("Open libraries…")
        self.open_button.clicked.connect(self.choose_libraries)
        self.add_here = QPushButton("Add this library")
        self.add_here.setToolTip("Show the accounts of the library this window has open too")
        self.add_here.clicked.connect(lambda: self.set_libraries([*self.libraries, ctx.path]))
        self.export_csv_button = QPushButton("Export portfolio.csv…")
        self.export_csv_button.setToolTip("The rows shown, as the command line writes them")
        self.export_csv_button.clicked.connect(self.export_csv)
        bar.addWidget(self.title, 1)
        for button in (self.open_button, self.add_here, self.export_csv_button):
            bar.addWidget(button)
        layout.addLayout(bar)
        self.loading = QWidget()
        row = QHBoxLayout(self.loading)
        row.setContentsMargins(0, 0, 0, 0)
        self.stage = ElidedLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.stage, 1)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        self.loading.hide()
        layout.addWidget(self.loading)
        self.empty = wrapping(QLabel(EMPTY))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.empty, 1)  # in place of the table: at the top, not mid-page
        self.model = RowsModel(COLUMNS, self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        compact_table(self.table)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setToolTip("Double-click or press Enter to open that account")
        self.table.activated.connect(self._activated)
        leave_out = QAction("Leave this library out of the portfolio", self.table)
        leave_out.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        leave_out.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        leave_out.triggered.connect(self.leave_out_current)
        self.table.addAction(leave_out)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        layout.addWidget(self.table, 1)
        self.problems = wrapping(QLabel())
        self.problems.hide()
        layout.addWidget(self.problems)
        self.set_export_reason("Use “Export portfolio.csv…” above the table.")

    # -- which libraries ---------------------------------------------------------------------------

    def set_libraries(self, libraries: list[Path]) -> None:
        """Show the accounts of *libraries* (duplicates dropped, order kept); read them now."""
        seen: set[Path] = set()
        self.libraries = []
        for path in libraries:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                self.libraries.append(path)
        self.libraries_set.emit([str(p) for p in self.libraries])
        self.refresh()

    def leave_out_current(self) -> None:
        """Delete (or the right-click menu) on a row: its library leaves the portfolio; the
        library itself is not touched."""
        index = self.table.currentIndex()
        if not index.isValid():
            return
        gone = Path(self.model.value(self.proxy.mapToSource(index).row(), "library"))
        self.set_libraries([p for p in self.libraries if p.resolve() != gone.resolve()])

    def focus_widget(self) -> QWidget | None:
        return self.table

    # -- reading -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read every library on a worker; a newer request cancels the one running."""
        self.cancel()
        here = self.ctx.path.resolve()
        self.add_here.setVisible(all(p.resolve() != here for p in self.libraries))
        self.empty.setVisible(not self.libraries)
        self.table.setVisible(bool(self.libraries))
        if not self.libraries:
            self._show([])
            return
        libraries, ctx = list(self.libraries), self.ctx
        worker = Worker(lambda progress, cancel: read_all(ctx, libraries, progress, cancel))
        worker.library = ctx.path  # damage elsewhere is that library's row; here, it is named
        self.worker = worker
        self.stage.setText("Reading the libraries…")
        self.bar.setValue(0)
        self.loading.show()
        worker.signals.progress.connect(lambda stage, f: self._progress(worker, stage, f))
        worker.signals.finished.connect(lambda found: self._ended(worker, found))
        worker.signals.failed.connect(lambda s, d: self._ended(worker, None, (s, d)))
        worker.signals.cancelled.connect(lambda: self._ended(worker, None))
        start(worker, ctx.pool)

    def busy(self) -> bool:
        return self.worker is not None

    def cancel(self) -> None:
        """Stop the reading running, if any (before the next library); its rows never show."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker = None
            self.loading.hide()

    def _progress(self, worker: Worker, stage: str, fraction: float) -> None:
        if worker is self.worker and not self.ctx.closed:
            self.stage.setText(stage)
            self.bar.setValue(int(max(fraction, 0) * 1000))

    def _ended(
        self, worker: Worker, found: list[Entry] | None, failure: tuple[str, str] | None = None
    ) -> None:
        if worker is not self.worker or self.ctx.closed:
            return  # cancelled, replaced by a newer reading, or the window is closing
        self.worker = None
        self.loading.hide()
        if failure is not None:
            self.tell(*failure)
        if found is not None:
            self._show(found)

    def _show(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.model.set_rows([as_row(e) for e in entries])
        accounts = sum(1 for e in entries if e.account_id is not None)
        self.title.setText(
            f"Portfolio — {plural(accounts, 'account')} in {plural(len(self.libraries), 'library')}"
            " · a double-click or Enter opens one"
            if self.libraries
            else "Portfolio"
        )
        self.export_csv_button.setEnabled(bool(entries))
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        unread = [e for e in entries if e.status]
        self.problems.setVisible(bool(unread))
        self.problems.setText(
            " ".join(breakable(f"{Path(e.library).name}: {e.status}") for e in unread[:3])
            + (f" (and {len(unread) - 3} more)" if len(unread) > 3 else "")
        )

    # -- opening -----------------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row(self.proxy.mapToSource(index).row())
        if row["account_id"] is None:
            self.message.emit(row["status"] or "This row has no account to open.")
            return
        self.open_account.emit(Path(row["library"]), int(row["account_id"]))
