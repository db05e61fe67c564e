"""The follow-back checklist, reviewed by hand with the keyboard.

↑/↓ move; F follow back, D followed back, X not for me, R to review (each saves at once and moves
on); N edits the note; Enter opens the profile in the browser — the only thing that leaves the
machine, and only on that key or button.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QItemSelectionModel, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from archivelens.analysis import network
from archivelens.gui.context import LibraryContext
from archivelens.gui.models import Column, PagedTableModel
from archivelens.gui.widgets import SearchBox

KEYS = {
    Qt.Key.Key_F: "follow_back",
    Qt.Key.Key_D: "followed_back",
    Qt.Key.Key_X: "not_for_me",
    Qt.Key.Key_R: "to_review",
}
COLUMNS = [
    Column("screen_name", "Handle", lambda v: f"@{v}" if v else "handle unknown"),
    Column("display_name", "Name"),
    Column("interactions", "Talked", align_right=True),
    Column("last_interaction", "Last", lambda v: v.strftime("%Y-%m-%d") if v else ""),
    Column("review_status", "Status", lambda v: network.STATUS_LABELS.get(v, v)),
    Column("note", "Note"),
    Column("account_id", "Account id", str),
]


class ChecklistTable(QTableView):
    """Passes the review keys to the view; arrows move as usual."""

    def __init__(self, view: ChecklistView) -> None:
        super().__init__()
        self.view = view

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key in KEYS and not event.modifiers():
            self.view.set_status(KEYS[key])
        elif key == Qt.Key.Key_N and not event.modifiers():
            self.view.edit_note()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.view.open_profile()
        else:
            super().keyPressEvent(event)


class ChecklistView(QWidget):
    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status_filter: str | None = None
        self.search = ""
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.filter = QComboBox()
        self.filter.addItem("All statuses", None)
        for key in network.STATUSES:
            self.filter.addItem(network.STATUS_LABELS[key].capitalize(), key)
        self.filter.currentIndexChanged.connect(self._filter_changed)
        self.search_box = SearchBox("Search handle, name, id or note  (Ctrl+F)")
        self.search_box.search.connect(self._search_changed)
        self.progress_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(False)
        bar.addWidget(QLabel("Filter:"))
        bar.addWidget(self.filter)
        bar.addWidget(self.search_box, 1)
        bar.addWidget(self.progress_label)
        bar.addWidget(self.progress)
        layout.addLayout(bar)
        self.splitter = QSplitter()
        self.model = PagedTableModel(COLUMNS, self._fetch, self._count, parent=self)
        self.table = ChecklistTable(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self._detail_panel())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(
            QLabel(
                "Keys: ↑/↓ move · F follow back · D followed back · X not for me · R to review · "
                "N note · Enter open profile"
            )
        )

    def _detail_panel(self) -> QWidget:
        panel = QWidget()
        box = QVBoxLayout(panel)
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.who.setTextFormat(Qt.TextFormat.RichText)
        self.open_button = QPushButton("Open profile in browser ↗")
        self.open_button.clicked.connect(self.open_profile)
        buttons = QHBoxLayout()
        for label, status in (
            ("Follow back (F)", "follow_back"),
            ("Followed back (D)", "followed_back"),
            ("Not for me (X)", "not_for_me"),
        ):
            b = QPushButton(label)
            b.clicked.connect(lambda _c=False, s=status: self.set_status(s))
            buttons.addWidget(b)
        note = QPushButton("Note… (N)")
        note.clicked.connect(self.edit_note)
        self.history = QTextBrowser()
        box.addWidget(self.who)
        box.addWidget(self.open_button)
        box.addLayout(buttons)
        box.addWidget(note)
        box.addWidget(QLabel("Your words to them, from the archive:"))
        box.addWidget(self.history, 1)
        return panel

    # -- data ------------------------------------------------------------------------------------

    def _fetch(self, offset: int, limit: int, sort: str | None, desc: bool):
        return network.checklist(
            self.ctx.con, self.ctx.scope, self.status_filter, self.search, offset, limit
        )

    def _count(self) -> int:
        if self.ctx.scope is None:
            return 0
        return network.checklist_count(
            self.ctx.con, self.ctx.scope, self.status_filter, self.search
        )

    def refresh(self) -> None:
        self.model.reload()
        self.table.resizeColumnsToContents()
        self._update_progress()
        if self.model.rowCount():
            self.table.selectRow(0)
        self._show_detail()

    def _update_progress(self) -> None:
        if self.ctx.scope is None:
            return
        done, total = network.checklist_progress(self.ctx.con, self.ctx.scope)
        self.progress_label.setText(f"Reviewed {done:,} of {total:,}")
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _filter_changed(self) -> None:
        self.status_filter = self.filter.currentData()
        self.refresh()

    def _search_changed(self, text: str) -> None:
        self.search = text
        self.refresh()

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def current_account(self) -> int | None:
        row = self.current_row()
        return self.model.value(row, "account_id") if row >= 0 else None

    # -- actions ---------------------------------------------------------------------------------

    def set_status(self, status: str) -> None:
        account = self.current_account()
        if account is None or self.ctx.scope is None:
            return
        row = self.current_row()
        network.set_review_status(self.ctx.con, self.ctx.scope.account_id, account, status)
        self._reload_keeping(row + 1)

    def edit_note(self) -> None:
        account = self.current_account()
        if account is None or self.ctx.scope is None:
            return
        row = self.current_row()
        current = self.model.value(row, "note") or ""
        text, ok = QInputDialog.getMultiLineText(
            self, "Note", "Your note about this account:", current
        )
        if ok:
            network.set_note(self.ctx.con, self.ctx.scope.account_id, account, text)
            self._reload_keeping(row)

    def open_profile(self) -> None:
        account = self.current_account()
        if account is not None:
            QDesktopServices.openUrl(QUrl(f"{network.PROFILE_URL}{account}"))

    def _reload_keeping(self, row: int) -> None:
        """Reload after a change, with the cursor on *row* (or the last row)."""
        self.model.reload()
        while row >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        row = min(row, self.model.rowCount() - 1)
        if row >= 0:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._update_progress()
        self._show_detail()

    def _show_detail(self) -> None:
        row = self.current_row()
        if row < 0 or self.ctx.scope is None:
            self.who.setText("<i>Nobody to review here.</i>")
            self.history.clear()
            return
        handle = self.model.value(row, "screen_name")
        name = self.model.value(row, "display_name") or ""
        account = self.model.value(row, "account_id")
        status = network.STATUS_LABELS[self.model.value(row, "review_status")]
        if handle:
            title = f"<h3>@{escape(handle)}</h3><p>{escape(name)}</p>"
        else:
            title = (
                "<h3>Handle unknown</h3><p>The archive lists followers by id only; open the "
                "profile to see who this is.</p>"
            )
        note = self.model.value(row, "note")
        self.who.setText(
            f"{title}<p>id {account} · status: <b>{status}</b></p>"
            + (f"<p>Note: {escape(note)}</p>" if note else "")
        )
        items = network.interactions_with(self.ctx.con, self.ctx.scope, account, limit=30)
        self.history.setHtml(
            "".join(
                f"<p><b>{when:%Y-%m-%d}</b> · {kind.replace('_', ' ')}<br>{escape(text)}</p>"
                for when, kind, text in items
            )
            or "<p><i>You haven't replied to, mentioned, retweeted or quoted this account.</i></p>"
        )
