"""Every tweet: search (debounced), filters, sort, and marking promotional / not promotional.

A paged model keeps scrolling smooth over millions of rows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from archivelens.analysis import browse, promotion
from archivelens.export.csvset import write_csv
from archivelens.gui.context import LibraryContext
from archivelens.gui.models import Column, PagedTableModel
from archivelens.gui.widgets import SearchBox

KIND_LABELS = {
    "reply_to_others": "reply",
    "self_reply": "thread",
    "retweet": "retweet",
    "quote": "quote",
    "mention": "mention",
    "original": "original",
}
COLUMNS = [
    Column("created_at", "Date", lambda v: v.strftime("%Y-%m-%d %H:%M") if v else ""),
    Column("kind", "Kind", lambda v: KIND_LABELS.get(v, v)),
    Column("text", "Text", lambda v: (v or "").replace("\n", " ")),
    Column("promotional", "Promo", lambda v: "promotional" if v else ""),
    Column("matched_terms", "Why"),
    Column("cluster_id", "Cluster", lambda v: "" if v is None else str(v), align_right=True),
    Column("favorite_count", "Likes", align_right=True),
    Column("retweet_count", "RTs", align_right=True),
]


class TweetsView(QWidget):
    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filter = browse.TweetFilter()
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = SearchBox("Search the text of your tweets  (Ctrl+F)")
        self.search.search.connect(lambda _t: self._apply())
        self.kind = QComboBox()
        self.kind.addItem("All kinds", None)
        for key, label in KIND_LABELS.items():
            self.kind.addItem(label.capitalize(), key)
        self.kind.currentIndexChanged.connect(self._apply)
        self.promo = QComboBox()
        self.promo.addItem("Promotional or not", None)
        self.promo.addItem("Promotional", True)
        self.promo.addItem("Not promotional", False)
        self.promo.currentIndexChanged.connect(self._apply)
        self.clustered = QCheckBox("In a duplicate cluster")
        self.clustered.toggled.connect(self._apply)
        self.count = QLabel()
        self.export_button = QPushButton("Export this view…")
        self.export_button.clicked.connect(self._export_dialog)
        for w in (
            self.search,
            self.kind,
            self.promo,
            self.clustered,
            self.count,
            self.export_button,
        ):
            bar.addWidget(w, 1 if w is self.search else 0)
        layout.addLayout(bar)
        self.model = PagedTableModel(
            COLUMNS,
            self._fetch,
            self._count,
            page_size=300,
            parent=self,
            sort=("created_at", False),
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        # Indicator first: enabling sorting then asks for the order the model already has.
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        layout.addWidget(self.table, 1)

    def _fetch(self, offset: int, limit: int, sort: str | None, desc: bool):
        return self.browser.page(offset, limit)

    def _count(self) -> int:
        """Called on every reload: (re)builds the prepared view for the filter and sort."""
        if self.ctx.scope is None:
            return 0
        sort, desc = self.model.sort_state
        self.browser = browse.TweetBrowser(self.ctx.con, self.ctx.scope, self.filter, sort, desc)
        return self.browser.count

    def _apply(self) -> None:
        self.filter = browse.TweetFilter(
            search=self.search.text(),
            kind=self.kind.currentData(),
            promotional=self.promo.currentData(),
            in_cluster=self.clustered.isChecked(),
        )
        self.refresh()

    def refresh(self) -> None:
        self.model.reload()
        self.count.setText(f"{self.model.total():,} tweets")
        # A model reset forgets per-section sizing: narrow columns fit, the text takes the rest.
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the tweets shown", "tweets-view.csv", "CSV (*.csv)"
        )
        if path:
            self.export_view(Path(path))

    def export_view(self, target: Path) -> int:
        """Write exactly the rows this view shows (its filters, all pages) as a CSV file."""
        sql, params = browse.tweets_sql(self.filter)
        return write_csv(self.ctx.con, sql, {**self.ctx.scope.params(), **params}, target)

    def _menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid() or self.ctx.scope is None:
            return
        tweet_id = self.model.value(index.row(), "tweet_id")
        text = self.model.value(index.row(), "text")
        menu = QMenu(self)
        account = self.ctx.scope.account_id
        menu.addAction("Mark promotional", lambda: self._override(account, tweet_id, True))
        menu.addAction("Mark not promotional", lambda: self._override(account, tweet_id, False))
        menu.addAction("Use the automatic verdict", lambda: self._override(account, tweet_id, None))
        menu.addSeparator()
        handle = self.ctx.scope.screen_name or "i/web"
        url = f"https://twitter.com/{handle}/status/{tweet_id}"
        menu.addAction("Open on twitter.com ↗", lambda: QDesktopServices.openUrl(QUrl(url)))
        menu.addAction("Copy text", lambda: QGuiApplication.clipboard().setText(text))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def _override(self, account: int, tweet_id: int, value: bool | None) -> None:
        promotion.set_override(self.ctx.con, account, tweet_id, value)
        self.ctx.changed.emit()
