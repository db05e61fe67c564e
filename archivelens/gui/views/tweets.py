"""Every tweet: search (debounced), filters, sort, and marking promotional / not promotional.

A paged model keeps scrolling smooth over millions of rows.
"""

from __future__ import annotations

from functools import partial
from html import escape

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from archivelens.analysis import browse, promotion
from archivelens.errors import UserError
from archivelens.gui.context import LibraryContext
from archivelens.gui.models import Column, PagedTableModel, plain
from archivelens.gui.widgets import (
    SearchBox,
    View,
    ViewExport,
    compact_table,
    fit_labels,
    show_error,
)
from archivelens.read import tables
from archivelens.words import plural

KIND_LABELS = {
    "reply_to_others": "reply",
    "self_reply": "thread",
    "retweet": "retweet",
    "quote": "quote",
    "mention": "mention",
    "original": "original",
}
YOUR_MARK = {True: "promotional", False: "not promotional"}
# Why a tweet's like and retweet counts are unknown (NULL in the library, never 0).
UNKNOWN_COUNTS = (
    "Unknown: this archive keeps no like or retweet counts (classic archives have none)."
)


def count_or_dash(value: int | None) -> str:
    """A like or retweet count; "–" when the archive does not say (never 0)."""
    return "–" if value is None else plain(value)


def unknown_count(value: int | None) -> str | None:
    return UNKNOWN_COUNTS if value is None else None


COLUMNS = [
    Column("created_at", "Date", lambda v: v.strftime("%Y-%m-%d %H:%M") if v else ""),
    Column("kind", "Kind", lambda v: KIND_LABELS.get(v, v), labels=tuple(KIND_LABELS.values())),
    Column("text", "Text", lambda v: (v or "").replace("\n", " ")),
    Column("promotional", "Promo", lambda v: "promotional" if v else "", labels=("promotional",)),
    # The user's own word, apart from the automatic verdict it overrules.
    Column(
        "override",
        "Your mark",
        lambda v: YOUR_MARK.get(v, ""),
        sortable=False,
        labels=tuple(YOUR_MARK.values()),
    ),
    Column("matched_terms", "Why"),
    Column("cluster_id", "Cluster", lambda v: "" if v is None else str(v), align_right=True),
    Column("favorite_count", "Likes", count_or_dash, align_right=True, tooltip=unknown_count),
    Column("retweet_count", "RTs", count_or_dash, align_right=True, tooltip=unknown_count),
]


# The columns that give way to the text in a narrow window, in turn (the preview says them).
GIVE_WAY = ("matched_terms", "cluster_id")


class TweetsView(View):
    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.filter = browse.TweetFilter()
        self.browser: browse.TweetBrowser | None = None
        self.loader = self.new_loader()
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
        self.cluster: int | None = None  # one cluster, chosen from the Duplicates view
        self.cluster_chip = QPushButton()
        self.cluster_chip.setToolTip("Stop showing only this cluster")
        self.cluster_chip.clicked.connect(self._clear_cluster)
        self.cluster_chip.hide()
        self.count = QLabel()
        self.export_button = self.make_export_button()
        for w in (
            self.search,
            self.kind,
            self.promo,
            self.clustered,
            self.cluster_chip,
            self.count,
            self.export_button,
        ):
            bar.addWidget(w, 1 if w is self.search else 0)
        layout.addLayout(bar)
        self.model = PagedTableModel(
            COLUMNS, self._fetch, page_size=300, parent=self, sort=("created_at", False)
        )
        self.model.sort_changed.connect(self.refresh)
        self.table = QTableView()
        self.table.setModel(self.model)
        # Indicator first: enabling sorting then asks for the order the model already has.
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        compact_table(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.natural: dict[str, int] = {}  # GIVE_WAY columns' widths fitting their texts
        self.table.viewport().installEventFilter(self)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.verdict_actions = self._verdict_actions()
        # The selected tweet in full: the table shows one line of each.
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setPlaceholderText("Select a tweet to read it in full here.")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_preview())
        self.model.modelReset.connect(self.preview.clear)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([600, 120])
        layout.addWidget(self.splitter, 1)

    def _fetch(self, offset: int, limit: int):
        assert self.browser is not None
        return self.browser.page(offset, limit)

    def _show_preview(self) -> None:
        """The current row's whole text and what archivelens knows of it (no query: the page
        holds it)."""
        index = self.table.currentIndex()
        if not index.isValid():
            self.preview.clear()
            return
        value = partial(self.model.value, index.row())
        facts = [
            f"{value('created_at'):%Y-%m-%d %H:%M} UTC",
            KIND_LABELS.get(value("kind"), value("kind")),
        ]
        if value("promotional"):
            why = value("matched_terms")
            facts.append(f"promotional{f' ({why})' if why else ''}")
        if value("cluster_id") is not None:
            facts.append(f"duplicate cluster {value('cluster_id')}")
        likes, retweets = value("favorite_count"), value("retweet_count")
        if likes is None:
            facts.append("likes and retweets unknown (the archive keeps no counts)")
        else:
            facts.append(f"{plural(likes, 'like')} · {plural(retweets or 0, 'retweet')}")
        text = escape(value("text") or "").replace("\n", "<br>")
        self.preview.setHtml(f"<p><small>{escape(' · '.join(facts))}</small></p><p>{text}</p>")

    def _apply(self) -> None:
        self.filter = browse.TweetFilter(
            search=self.search.text(),
            kind=self.kind.currentData(),
            promotional=self.promo.currentData(),
            in_cluster=self.clustered.isChecked(),
            cluster_id=self.cluster,
        )
        self.cluster_chip.setVisible(self.cluster is not None)
        self.cluster_chip.setText(f"Cluster {self.cluster} ✕")
        self.refresh()

    def _clear_cluster(self) -> None:
        self.cluster = None
        self._apply()

    def show_only(
        self,
        kind: str | None = None,
        promotional: bool | None = None,
        in_cluster: bool = False,
        cluster: int | None = None,
    ) -> None:
        """Replace the filters (a drill-down from another view) and prepare the rows once."""
        controls = (self.search, self.kind, self.promo, self.clustered)
        for w in controls:
            w.blockSignals(True)
        self.search.clear()
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0) if kind else 0)
        self.promo.setCurrentIndex(0 if promotional is None else self.promo.findData(promotional))
        self.clustered.setChecked(in_cluster)
        for w in controls:
            w.blockSignals(False)
        self.cluster = cluster
        self._apply()
        self.shown_version = self.ctx.version

    def sort_by(self, key: str, descending: bool) -> None:
        """Order the rows by column *key*, as a click on its header would (the Overview's
        "most liked first"); the rows are prepared again in that order."""
        column = [c.key for c in self.model.columns].index(key)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(column, order)

    def refresh(self) -> None:
        """Prepare the rows for the filter and sort on a worker, then show the first page."""
        scope = self.ctx.scope
        if scope is None:
            return
        filt, (sort, desc) = self.filter, self.model.sort_state
        self.model.clear()
        self.count.setText("Searching…" if filt.search else "Loading…")
        self.loader.request(
            lambda con: browse.TweetBrowser(con, scope, filt, sort, desc), self._prepared
        )

    def _prepared(self, browser: browse.TweetBrowser) -> None:
        self.browser = browser
        self.model.show(browser.count)
        self.count.setText(plural(browser.count, "tweet"))
        # A model reset forgets per-section sizing: narrow columns fit, the text takes the rest.
        self.table.resizeColumnsToContents()
        fit_labels(self.table, self.model.columns)
        header = self.table.horizontalHeader()
        self.natural = {key: header.sectionSize(self._section(key)) for key in GIVE_WAY}
        self._fit_columns()

    def _section(self, key: str) -> int:
        return [c.key for c in self.model.columns].index(key)

    def _fit_columns(self) -> None:
        """While the text would have less than a third of the table, "Why" narrows (to 60 px),
        then it and "Cluster" hide in turn (the preview below says both): at 1024×700 the
        text is no sliver beside the narrow columns."""
        header = self.table.horizontalHeader()
        for key in GIVE_WAY:
            header.setSectionHidden(self._section(key), False)
            header.resizeSection(self._section(key), min(self.natural[key], 170))
        width = self.table.viewport().width()
        text = self._section("text")
        for key in GIVE_WAY:
            others = [i for i in range(header.count()) if i != text]
            used = sum(header.sectionSize(i) for i in others if not header.isSectionHidden(i))
            spare = width - width // 3 - used
            if spare >= 0:
                break
            section = self._section(key)
            narrowed = header.sectionSize(section) + spare
            if key == "matched_terms" and narrowed >= min(self.natural[key], 60):
                header.resizeSection(section, narrowed)
                break
            header.setSectionHidden(section, True)
        header.setSectionResizeMode(text, QHeaderView.ResizeMode.Stretch)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        resized = watched is self.table.viewport() and event.type() == QEvent.Type.Resize
        if resized and self.browser is not None:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def search_box(self) -> SearchBox:
        return self.search

    def export_query(self) -> ViewExport | None:
        if self.ctx.scope is None:
            return None
        sql, params = tables.tweets(self.ctx.scope, self.filter, *self.model.sort_state)
        return ViewExport(sql, params, "tweets-view.csv")

    def _verdict_actions(self) -> list[QAction]:
        """Mark the selected tweets: P promotional, N not promotional, A automatic again."""
        actions = []
        for text, key, value in (
            ("Mark promotional", "P", True),
            ("Mark not promotional", "N", False),
            ("Use the automatic verdict", "A", None),
        ):
            action = QAction(text, self.table)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _c=False, v=value: self.mark_selected(v))
            self.table.addAction(action)
            actions.append(action)
        return actions

    def mark_selected(self, value: bool | None) -> None:
        """Overrule the verdict on the selected tweets (None: back to automatic): saved at once,
        shown in place; the other views follow when next shown."""
        scope = self.ctx.scope
        rows = [index.row() for index in self.table.selectionModel().selectedRows()]
        if scope is None or not rows:
            return
        ids = [self.model.value(row, "tweet_id") for row in rows]
        try:
            promotion.set_overrides(self.ctx.con, scope.account_id, ids, value)
        except UserError as err:  # a full disk, a read-only folder: nothing saved
            show_error(self, str(err))
            return
        verdicts = promotion.verdicts(self.ctx.con, scope, ids)
        for row, tweet_id in zip(rows, ids, strict=True):
            self.model.set_value(row, "promotional", verdicts.get(tweet_id, False))
            self.model.set_value(row, "override", value)
        self.shown_version = self.ctx.edited()
        self._show_preview()
        if value and any(self.model.value(row, "kind") == "retweet" for row in rows):
            self.message.emit("Retweets are other people's words: they never count as promotional.")

    def _menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid() or self.ctx.scope is None:
            return
        if not self.table.selectionModel().isRowSelected(index.row()):
            self.table.selectRow(index.row())  # the menu acts on the row under the pointer
        tweet_id = self.model.value(index.row(), "tweet_id")
        text = self.model.value(index.row(), "text")
        menu = QMenu(self)
        for action in self.verdict_actions:
            menu.addAction(action)
        menu.addSeparator()
        handle = self.ctx.scope.screen_name or "i/web"
        url = f"https://twitter.com/{handle}/status/{tweet_id}"
        menu.addAction("Open on twitter.com ↗", lambda: QDesktopServices.openUrl(QUrl(url)))
        menu.addAction("Copy text", lambda: QGuiApplication.clipboard().setText(text))
        menu.exec(self.table.viewport().mapToGlobal(pos))
