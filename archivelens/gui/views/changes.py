"""Changes between two snapshots of the account: followers gained and lost, follows made and
dropped."""

from __future__ import annotations

import duckdb
import pyarrow as pa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from archivelens.analysis import changes
from archivelens.gui.context import LibraryContext
from archivelens.gui.models import Column, PagedTableModel
from archivelens.gui.text_fit import wrapping
from archivelens.gui.widgets import View, ViewExport, compact_table, fit_labels
from archivelens.gui.workers import in_app_words
from archivelens.read import tables
from archivelens.store.library import explain
from archivelens.words import plural

LABELS = {
    "gained_follower": "new follower",
    "lost_follower": "stopped following you",
    "followed": "you followed",
    "unfollowed": "you unfollowed",
}
# The summary line: "{n} new followers", "{n} stopped following you", …
SUMMARY = {
    "gained_follower": ("new follower", "new followers"),
    "lost_follower": ("stopped following you", "stopped following you"),
    "followed": ("you followed", "you followed"),
    "unfollowed": ("you unfollowed", "you unfollowed"),
}
ONE_ARCHIVE = (
    "Changes compares two archives of this account. Import another archive of it, older or "
    "newer, to see who followed and unfollowed you in between, and whom you followed and "
    "unfollowed."
)
NO_LISTS = (
    "Changes compares the follower lists of two archives of this account, and this archive "
    "has none (Twitter's archives before 2019 had no follower lists). Import archives of it "
    "from 2019 or later to see who followed and unfollowed you in between."
)
COLUMNS = [
    Column(
        "change",
        "Change",
        lambda v: LABELS.get(v, v),
        sortable=False,
        labels=tuple(LABELS.values()),
    ),
    Column("screen_name", "Handle", lambda v: f"@{v}" if v else "handle unknown", sortable=False),
    Column("display_name", "Name", sortable=False),
    Column("account_id", "Account id", str, sortable=False),
]


class ChangesView(View):
    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._table: pa.Table | None = None
        self.loader = self.new_loader()
        layout = QVBoxLayout(self)
        self.bar = QWidget()
        bar = QHBoxLayout(self.bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self.old = QComboBox()
        self.new = QComboBox()
        for combo in (self.old, self.new):  # a whole day, never "2023-12·"
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(len("2023-12-31") + 1)
        self.old.currentIndexChanged.connect(self._compare)
        self.new.currentIndexChanged.connect(self._compare)
        bar.addWidget(QLabel("From"))
        bar.addWidget(self.old)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.new)
        self.summary = wrapping(QLabel())  # sentences on archives lacking a list: long
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.make_export_button())
        layout.addWidget(self.bar)
        # Which lists could not be compared, and why: sentences, so they wrap.
        self.lacking = QLabel()
        self.lacking.setWordWrap(True)
        self.lacking.hide()
        layout.addWidget(self.lacking)
        self.model = PagedTableModel(COLUMNS, self._fetch, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact_table(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.empty = QLabel(ONE_ARCHIVE)
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty, 1, Qt.AlignmentFlag.AlignTop)  # read first, at the top

    def refresh(self) -> None:
        scope = self.ctx.scope
        refs = [] if scope is None else self._snapshots(scope.account_id)
        self.empty.setVisible(len(refs) < 2)
        listless = len(refs) == 1 and not refs[0].lists & {"follower", "following"}
        self.empty.setText(NO_LISTS if listless else ONE_ARCHIVE)
        for widget in (self.bar, self.table):  # one archive: nothing to compare, nothing shown
            widget.setVisible(len(refs) >= 2)
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

    def _snapshots(self, account_id: int) -> list[changes.SnapshotRef]:
        """The archives of *account_id*; damage met reading them is said as any view says it (with
        File ▸ Rebuild Library…), and the view shows none."""
        try:
            return changes.snapshots_of(self.ctx.con, account_id)
        except duckdb.Error as err:
            damaged = explain(err, self.ctx.path)
            if damaged is None:
                raise
            self.tell(in_app_words(damaged))
            return []

    def _compare(self) -> None:
        old, new = self.old.currentData(), self.new.currentData()
        self._table = None
        self.model.clear()
        self.summary.setText("")
        self.lacking.hide()
        if old is None or new is None or old.snapshot_id == new.snapshot_id:
            return
        self.summary.setText("<i>Comparing…</i>")
        self.loader.request(lambda con: changes.diff(con, old, new), self._compared)

    def _compared(self, table: pa.Table) -> None:
        self._table = table
        old, new = self.old.currentData(), self.new.currentData()
        counts = changes.summary_counts(table)
        kinds = changes.compared(old, new)
        parts = [plural(counts[k], *SUMMARY[k]) for k in kinds]
        self.summary.setText(" · ".join(parts) if kinds else "Nothing to compare")
        lacking = changes.not_compared(old, new)
        if not kinds:
            lacking.append(
                "Import an archive of this account that holds its follower and following "
                "lists (Twitter's archives since 2019 do) to compare them."
            )
        self.lacking.setText(" ".join(lacking))
        self.lacking.setVisible(bool(lacking))
        self.model.show(table.num_rows)
        self.table.resizeColumnsToContents()
        fit_labels(self.table, COLUMNS)

    def export_query(self) -> ViewExport | None:
        old, new = self.old.currentData(), self.new.currentData()
        if old is None or new is None or old.snapshot_id == new.snapshot_id:
            return None
        sql, params = tables.follower_changes(old, new)
        return ViewExport(sql, params, "follower-changes-view.csv")

    def _fetch(self, offset: int, limit: int) -> pa.Table:
        assert self._table is not None
        return self._table.slice(offset, limit)
