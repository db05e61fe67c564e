"""Duplicate blasts: the clusters, and each cluster's tweets with what changed highlighted."""

from __future__ import annotations

import difflib
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QTextBrowser, QVBoxLayout, QWidget

from archivelens.analysis import duplicates
from archivelens.gui.context import LibraryContext
from archivelens.gui.models import Column, PagedTableModel

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
    Column("is_promotional", "Promotional", lambda v: "promotional" if v else "", sortable=False),
]


def highlight(reference: str, text: str) -> str:
    """*text* as HTML with the words that differ from *reference* marked."""
    ref, words = reference.split(), text.split()
    out = []
    for op, _a1, _a2, b1, b2 in difflib.SequenceMatcher(a=ref, b=words).get_opcodes():
        chunk = escape(" ".join(words[b1:b2]))
        if not chunk:
            continue
        out.append(chunk if op == "equal" else f"<span style='background:#ffe08a'>{chunk}</span>")
    return " ".join(out)


class DuplicatesView(QWidget):
    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self._table = None
        self.model = PagedTableModel(COLUMNS, self._fetch, self._count, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(
            2, self.table.horizontalHeader().ResizeMode.Stretch
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_members())
        self.members = QTextBrowser()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.members)
        layout.addWidget(self.splitter, 1)

    def _fetch(self, offset: int, limit: int, sort: str | None, desc: bool):
        table = self._clusters()
        return table.slice(offset, limit)

    def _count(self) -> int:
        return 0 if self.ctx.scope is None else self._clusters().num_rows

    def _clusters(self):
        if self._table is None:
            self._table = duplicates.clusters(self.ctx.con, self.ctx.scope)
        return self._table

    def refresh(self) -> None:
        self._table = None
        if self.ctx.scope is None:
            return
        self.model.reload()
        rep = duplicates.repetition(self.ctx.con, self.ctx.scope)
        self.summary.setText(
            f"<b>{rep.clusters:,}</b> messages re-sent with small edits, in "
            f"<b>{rep.tweets:,}</b> tweets"
            + (f" ({rep.share:.1%} of your own tweets)" if rep.share is not None else "")
            + f". Similarity threshold {duplicates.threshold(self.ctx.con):g} "
            "(a clustering setting; short tweets only match exactly)."
        )
        if self.model.rowCount():
            self.table.selectRow(0)
        self._show_members()

    def _show_members(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() or self.ctx.scope is None:
            self.members.setHtml("<p><i>No re-sent messages in this period.</i></p>")
            return
        cluster = self.model.value(index.row(), "cluster_id")
        rows = duplicates.members(self.ctx.con, self.ctx.scope, cluster).to_pylist()
        if not rows:
            return
        reference = rows[0]["text"]
        parts = []
        for r in rows:
            gap = r["days_since_previous"]
            meta = f"{r['created_at']:%Y-%m-%d} · similarity {r['similarity']:.0f}" + (
                f" · {gap:.0f} days after the previous one" if gap is not None else " · the first"
            )
            parts.append(f"<p><small>{meta}</small><br>{highlight(reference, r['text'])}</p>")
        self.members.setHtml("".join(parts))
