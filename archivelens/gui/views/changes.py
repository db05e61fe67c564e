"""Changes between two snapshots of the account: followers gained and lost, follows made and
dropped."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from archivelens.analysis import changes
from archivelens.gui.context import LibraryContext
from archivelens.gui.models import Column, PagedTableModel

LABELS = {
    "gained_follower": "new follower",
    "lost_follower": "stopped following you",
    "followed": "you followed",
    "unfollowed": "you unfollowed",
}
COLUMNS = [
    Column("change", "Change", lambda v: LABELS.get(v, v), sortable=False),
    Column("screen_name", "Handle", lambda v: f"@{v}" if v else "handle unknown", sortable=False),
    Column("display_name", "Name", sortable=False),
    Column("account_id", "Account id", str, sortable=False),
]


class ChangesView(QWidget):
    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._table = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.old = QComboBox()
        self.new = QComboBox()
        self.old.currentIndexChanged.connect(self._compare)
        self.new.currentIndexChanged.connect(self._compare)
        bar.addWidget(QLabel("From"))
        bar.addWidget(self.old)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.new)
        self.summary = QLabel()
        bar.addWidget(self.summary, 1)
        layout.addLayout(bar)
        self.model = PagedTableModel(COLUMNS, self._fetch, self._count, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.empty = QLabel(
            "Import a newer archive of this account to see who followed and unfollowed in between."
        )
        layout.addWidget(self.empty)

    def refresh(self) -> None:
        refs = (
            []
            if self.ctx.scope is None
            else changes.snapshots_of(self.ctx.con, self.ctx.scope.account_id)
        )
        self.empty.setVisible(len(refs) < 2)
        for combo in (self.old, self.new):
            combo.blockSignals(True)
            combo.clear()
            for ref in refs:
                combo.addItem(f"{ref.generated_at:%Y-%m-%d}", ref)
            combo.blockSignals(False)
        if len(refs) >= 2:
            self.old.setCurrentIndex(len(refs) - 2)
            self.new.setCurrentIndex(len(refs) - 1)
        self._compare()

    def _compare(self) -> None:
        old, new = self.old.currentData(), self.new.currentData()
        self._table = None
        if old is not None and new is not None and old.snapshot_id != new.snapshot_id:
            self._table = changes.diff(self.ctx.con, old, new)
            counts = changes.summary_counts(self._table)
            self.summary.setText(", ".join(f"{n:,} {LABELS[k]}" for k, n in counts.items()))
        else:
            self.summary.setText("")
        self.model.reload()

    def _fetch(self, offset: int, limit: int, sort: str | None, desc: bool):
        return self._table.slice(offset, limit)

    def _count(self) -> int:
        return 0 if self._table is None else self._table.num_rows
