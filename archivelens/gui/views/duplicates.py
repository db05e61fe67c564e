"""Duplicate blasts: the clusters, and each cluster's tweets with what changed highlighted."""

from __future__ import annotations

import difflib
from html import escape

import pyarrow as pa
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from archivelens.analysis import duplicates
from archivelens.gui.context import LibraryContext
from archivelens.gui.models import Column, PagedTableModel
from archivelens.gui.text_fit import wrapping
from archivelens.gui.widgets import View, ViewExport, compact_table
from archivelens.read import tables
from archivelens.words import plural

KIND_LABELS = {"sales_blast": "sales blast", "template": "template message"}
COLUMNS = [
    Column("cluster_id", "#", str, align_right=True, sortable=False),
    Column("size", "Tweets", align_right=True, sortable=False),
    Column("representative", "Message", lambda v: (v or "").replace("\n", " "), sortable=False),
    Column("first_at", "First", lambda v: v.strftime("%Y-%m-%d") if v else "", sortable=False),
    Column("last_at", "Last", lambda v: v.strftime("%Y-%m-%d") if v else "", sortable=False),
    Column(
        "median_gap_days",
        "Median gap (days)",
        lambda v: "" if v is None else f"{v:.0f}",
        align_right=True,
        sortable=False,
    ),
    Column("cluster_kind", "Kind", lambda v: KIND_LABELS.get(v, v or ""), sortable=False),
]


# Marked words keep dark text on their yellow in a dark palette too.
CHANGED = "background:#ffe08a; color:#202020"


def highlight(reference: str, text: str) -> str:
    """*text* as HTML with the words that differ from *reference* marked."""
    ref, words = reference.split(), text.split()
    out = []
    for op, _a1, _a2, b1, b2 in difflib.SequenceMatcher(a=ref, b=words).get_opcodes():
        chunk = escape(" ".join(words[b1:b2]))
        if not chunk:
            continue
        out.append(chunk if op == "equal" else f"<span style='{CHANGED}'>{chunk}</span>")
    return " ".join(out)


class DuplicatesView(View):
    show_tweets = Signal(int)  # a cluster's tweets, in the Tweets view

    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.summary = wrapping(QLabel())
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        self.tweets_button = QPushButton("Show in Tweets")
        self.tweets_button.setToolTip("The selected cluster's tweets, to read, sort or mark")
        self.tweets_button.clicked.connect(self._show_in_tweets)
        top.addWidget(self.tweets_button)
        top.addWidget(self.make_export_button())
        layout.addLayout(top)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self._table: pa.Table | None = None
        self.loader = self.new_loader()
        self.members_loader = self.new_loader()
        self.model = PagedTableModel(COLUMNS, self._fetch, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        compact_table(self.table)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_members())
        self.members = QTextBrowser()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.members)
        layout.addWidget(self.splitter, 1)

    def _fetch(self, offset: int, limit: int) -> pa.Table:
        assert self._table is not None
        return self._table.slice(offset, limit)

    def refresh(self) -> None:
        """Ask for the clusters on a worker (the first time, that also finds them)."""
        scope = self.ctx.scope
        if scope is None:
            return
        self.model.clear()
        self.summary.setText("<i>Looking for re-sent messages…</i>")
        self._show_members()
        self.loader.request(
            lambda con: (
                duplicates.clusters(con, scope),
                duplicates.repetition(con, scope),
                duplicates.threshold(con),
            ),
            self._prepared,
        )

    def _prepared(self, result: tuple[pa.Table, duplicates.Repetition, float]) -> None:
        self._table, rep, threshold = result
        self.model.show(self._table.num_rows)
        self.table.resizeColumnsToContents()  # then the message takes what is left
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.summary.setText(
            f"<b>{plural(rep.sales_blasts, 'sales blast')}</b> (sales messages re-sent with "
            f"small edits) in <b>{plural(rep.sales_blast_tweets, 'tweet')}</b>"
            + (f", {rep.share:.1%} of your own tweets" if rep.share is not None else "")
            + f"; <b>{plural(rep.templates, 'template message')}</b> that "
            f"{'does' if rep.templates == 1 else 'do'}n't sell (the same words to many people) "
            f"in {plural(rep.template_tweets, 'tweet')}. Only tweets of five words or "
            f"more count; similarity threshold {threshold:g}."
        )
        if self.model.rowCount():
            self.table.selectRow(0)
        self._show_members()

    def _show_in_tweets(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.show_tweets.emit(self.model.value(index.row(), "cluster_id"))

    def export_query(self) -> ViewExport | None:
        if self.ctx.scope is None:
            return None
        sql, params = tables.duplicate_blasts(self.ctx.scope)
        return ViewExport(sql, params, "duplicate-blasts-view.csv")

    def _show_members(self) -> None:
        """Ask for the selected cluster's tweets on a worker (0.1 s on a 2M-tweet library: too
        long to hold ↓). Every selection asks, so a slow answer never lands on the next one."""
        index = self.table.currentIndex()
        scope = self.ctx.scope
        if not index.isValid() or scope is None:
            self.members_loader.request(lambda con: None, self._show_member_rows)
            return
        cluster = self.model.value(index.row(), "cluster_id")
        self.members_loader.request(
            lambda con: duplicates.members(con, scope, cluster).to_pylist(),
            self._show_member_rows,
        )

    def _show_member_rows(self, rows: list[dict] | None) -> None:
        if rows is None:
            self.members.setHtml(
                "" if self.loader.busy() else "<p><i>No re-sent messages in this period.</i></p>"
            )
            return
        if not rows:
            self.members.clear()
            return
        reference = rows[0]["text"]
        parts = []
        for r in rows:
            gap = r["days_since_previous"]
            meta = f"{r['created_at']:%Y-%m-%d} · similarity {r['similarity']:.0f}" + (
                f" · {plural(round(gap), 'day')} after the previous one"
                if gap is not None
                else " · the first"
            )
            parts.append(f"<p><small>{meta}</small><br>{highlight(reference, r['text'])}</p>")
        self.members.setHtml("".join(parts))
