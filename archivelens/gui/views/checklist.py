"""The follow-back checklist, reviewed by hand with the keyboard.

↑/↓ move; F follow back, D followed back, X not for me, R to review (each saves at once and moves
on); N edits the note; Enter opens the profile in the browser — the only thing that leaves the
machine, and only on that key or button.

The list is prepared on a worker (seconds for millions of followers); a key changes its row in
place and saves, in milliseconds, without preparing the list again. A row whose new status no
longer matches the status filter stays until the filter changes, so the cursor never jumps.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QItemSelectionModel, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
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
from archivelens.analysis.scope import Scope
from archivelens.errors import UserError
from archivelens.gui.context import LibraryContext
from archivelens.gui.models import Column, PagedTableModel
from archivelens.gui.text_fit import ElidedLabel, breakable, wrapping
from archivelens.gui.widgets import (
    NoteDialog,
    SearchBox,
    View,
    ViewExport,
    compact_table,
    fit_labels,
    show_error,
)
from archivelens.read import tables
from archivelens.store import snapshots
from archivelens.words import number, plural

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
    Column("last_interaction", "Last talked", lambda v: v.strftime("%Y-%m-%d") if v else ""),
    Column(
        "review_status",
        "Status",
        lambda v: network.STATUS_LABELS.get(v, v),
        labels=tuple(network.STATUS_LABELS.values()),
    ),
    Column("note", "Note"),
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


class ChecklistView(View):
    reviewed_one = Signal()  # a status was saved: advice that counts reviews is out of date

    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.status_filter: str | None = None
        self.search = ""
        self.talked = False  # only the followers the owner talked with
        self.browser: network.ChecklistBrowser | None = None
        self.prepared_for: Scope | None = None  # the scope self.browser was prepared for
        self.reviewed = 0
        self.missing_lists: str | None = None  # why there is no checklist, if so
        self.unknown_handles = 0  # rows of the checklist whose handle the archive does not give
        self.loader = self.new_loader()
        self.history_loader = self.new_loader()
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.filter = QComboBox()
        self.filter.addItem("All statuses", None)
        for key in network.STATUSES:
            self.filter.addItem(network.STATUS_LABELS[key].capitalize(), key)
        self.filter.currentIndexChanged.connect(self._filter_changed)
        self.search_field = SearchBox("Search handle, name, id or note  (Ctrl+F)")
        self.search_field.search.connect(self._search_changed)
        self.talked_box = QCheckBox("Talked with")
        self.talked_box.setToolTip("Only the followers you replied to, mentioned or retweeted")
        self.talked_box.toggled.connect(self._talked_changed)
        self.progress_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setFormat("%p%")
        bar.addWidget(QLabel("Filter:"))
        bar.addWidget(self.filter)
        bar.addWidget(self.search_field, 1)
        bar.addWidget(self.talked_box)
        bar.addWidget(self.make_export_button())
        layout.addLayout(bar)
        # Why the list is empty or mostly "handle unknown": said above it, where one looks first.
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.hide()
        layout.addWidget(self.notice)
        self.splitter = QSplitter()
        self.model = PagedTableModel(COLUMNS, self._fetch, parent=self)
        self.table = ChecklistTable(self)
        self.table.setModel(self.model)
        compact_table(self.table)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self._detail_panel())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([620, 380])  # the list first; proportions hold at any width
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self._footer())

    def _footer(self) -> QHBoxLayout:
        """The keys, then the progress through the list: below it, where the search box above
        gets the width it needs at 1024 px."""
        footer = QHBoxLayout()
        keys = ElidedLabel(
            "Keys: ↑/↓ move · F follow back · D followed back · X not for me · R to review · "
            "N note · Enter open profile"
        )
        footer.addWidget(keys, 1)
        footer.addWidget(self.progress_label)
        footer.addWidget(self.progress)
        return footer

    def _detail_panel(self) -> QWidget:
        panel = QWidget()
        box = QVBoxLayout(panel)
        self.who = wrapping(QLabel())
        self.who.setTextFormat(Qt.TextFormat.RichText)
        self.open_button = QPushButton("Open profile in browser ↗")
        self.open_button.clicked.connect(self.open_profile)
        self.row_buttons = [self.open_button]  # what acts on the selected person
        buttons = QGridLayout()  # two by two: the panel stays narrow, the list gets the room
        for i, (label, status) in enumerate(
            (
                ("Follow back (F)", "follow_back"),
                ("Followed back (D)", "followed_back"),
                ("Not for me (X)", "not_for_me"),
            )
        ):
            b = QPushButton(label)
            b.clicked.connect(lambda _c=False, s=status: self.set_status(s))
            buttons.addWidget(b, i // 2, i % 2)
            self.row_buttons.append(b)
        note = QPushButton("Note… (N)")
        note.clicked.connect(self.edit_note)
        buttons.addWidget(note, 1, 1)
        self.row_buttons.append(note)
        self.history = QTextBrowser()
        box.addWidget(self.who)
        box.addWidget(self.open_button)
        box.addLayout(buttons)
        box.addWidget(QLabel("Your words to them, from the archive:"))
        box.addWidget(self.history, 1)
        return panel

    # -- data ------------------------------------------------------------------------------------

    def _fetch(self, offset: int, limit: int):
        assert self.browser is not None
        return self.browser.page(offset, limit)

    def refresh(self) -> None:
        """Prepare the list for the current scope (on a worker), then filter it."""
        scope = self.ctx.scope
        if scope is None:
            return
        status, search, talked = self.status_filter, self.search, self.talked
        if self.browser is not None and self.prepared_for == scope:
            browser, missing, unknown = self.browser, self.missing_lists, self.unknown_handles
            self._ask(
                lambda con: (
                    browser,
                    browser.filter(status, search, talked),
                    browser.reviewed(),
                    missing,
                    unknown,
                )
            )
            return

        def prepare(con):
            snapshot = snapshots.get(con, scope.snapshot_id)
            browser = network.ChecklistBrowser(con, scope)
            missing = None
            if snapshot is not None and not snapshot.holds("follower", "following"):
                missing = snapshots.missing_list_sentence(snapshot, "follower", "following")
            count = browser.filter(status, search, talked)
            return browser, count, browser.reviewed(), missing, browser.unknown_handles()

        self.prepared_for = scope
        self.browser = None
        self._ask(prepare)

    def _ask(self, query) -> None:
        self.model.clear()
        self.progress_label.setText("Preparing the checklist…")
        self._show_detail()
        self.loader.request(query, self._prepared)

    def _prepared(self, result: tuple[network.ChecklistBrowser, int, int, str | None, int]) -> None:
        self.browser, count, self.reviewed, self.missing_lists, self.unknown_handles = result
        self._show_notice()
        self.model.show(count)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.resizeSection(5, min(max(header.sectionSize(5), 80), 180))  # notes: a glimpse
        # The handle is who this is: it keeps its width (handles are at most 15 characters);
        # the display name gives way (eliding) before the numbers do.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        # Every status fits, not just the ones on the first page ("followed back" ≠ "follow …").
        fit_labels(self.table, COLUMNS)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._update_progress()
        if self.model.rowCount():
            self.table.selectRow(0)
        self._show_detail()

    def _update_progress(self) -> None:
        total = self.browser.total if self.browser else 0
        self.progress_label.setText(f"Reviewed {self.reviewed:,} of {total:,}")
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(self.reviewed)
        self.progress.setFormat(done_share(self.reviewed, total))

    def show_only(self, status: str | None = None, talked: bool = False) -> None:
        """Replace the filters (from advice on the Overview) and prepare the rows once."""
        for w in (self.filter, self.search_field, self.talked_box):
            w.blockSignals(True)
        self.filter.setCurrentIndex(max(self.filter.findData(status), 0))
        self.search_field.clear()
        self.talked_box.setChecked(talked)
        for w in (self.filter, self.search_field, self.talked_box):
            w.blockSignals(False)
        self.status_filter, self.search, self.talked = status, "", talked
        self.refresh()
        self.shown_version = self.ctx.version

    def _talked_changed(self, on: bool) -> None:
        self.talked = on
        self.refresh()

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
        """Save *status* for the current row, show it in place, move to the next row."""
        row = self.current_row()
        if row < 0 or self.ctx.scope is None:
            return
        old = self.model.value(row, "review_status")
        try:
            network.set_review_status(
                self.ctx.con, self.ctx.scope.account_id, self.model.value(row, "account_id"), status
            )
        except UserError as err:  # a full disk, a read-only folder: nothing saved, stay here
            show_error(self, str(err))
            return
        self.model.set_value(row, "review_status", status)
        self.reviewed_one.emit()  # the Overview's advice follows
        self.reviewed += (status != "to_review") - (old != "to_review")
        self._update_progress()
        self._select(row + 1)

    def edit_note(self) -> None:
        row = self.current_row()
        if row < 0 or self.ctx.scope is None:
            return
        current = self.model.value(row, "note") or ""
        dialog = NoteDialog(current, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            text = dialog.text()
            account = self.model.value(row, "account_id")
            try:
                network.set_note(self.ctx.con, self.ctx.scope.account_id, account, text)
            except UserError as err:  # the note is not saved: it is in the details to copy
                show_error(self, str(err), f"Your note, not saved:\n{text}")
                return
            self.model.set_value(row, "note", text.strip() or None)
            self._show_detail()

    def open_profile(self) -> None:
        account = self.current_account()
        if account is None:
            return
        url = f"{network.PROFILE_URL}{account}"
        if not QDesktopServices.openUrl(QUrl(url)):
            QApplication.clipboard().setText(url)
            self.message.emit(
                f"No web browser could be opened here; the profile address is copied: {url}"
            )

    def _select(self, row: int) -> None:
        """Put the cursor on *row* (fetching its page if needed), or on the last row."""
        while row >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        row = min(row, self.model.rowCount() - 1)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._show_detail()

    def _show_detail(self) -> None:
        row = self.current_row()
        for button in self.row_buttons:  # nobody selected (or no list): nothing to act on
            button.setEnabled(row >= 0)
            button.setToolTip("" if row >= 0 else self._no_row_reason())
        if row < 0 or self.ctx.scope is None:
            self.who.setText(self._empty_text())
            self._ask_history(None, 0)
            return
        handle = self.model.value(row, "screen_name")
        name = self.model.value(row, "display_name") or ""
        account = self.model.value(row, "account_id")
        status = network.STATUS_LABELS[self.model.value(row, "review_status")]
        if handle:
            title = f"<h3>@{escape(handle)}</h3><p>{escape(breakable(name))}</p>"
        else:
            title = (
                "<h3>Handle unknown</h3><p>The archive lists followers by id only; open the "
                "profile to see who this is.</p>"
            )
        note = self.model.value(row, "note")
        self.who.setText(
            f"{title}<p>id {account} · status: <b>{status}</b></p>"
            + (f"<p>Note: {escape(breakable(note))}</p>" if note else "")
        )
        self._ask_history(account, self.model.value(row, "interactions"))

    def _ask_history(self, account: int | None, interactions: int) -> None:
        """Fetch the owner's words to *account* on a worker: searching millions of tweets takes
        ~0.1 s, too long to hold a key. Every row asks (even one with nothing to fetch), so an
        answer for the row before never lands on this one."""
        scope = self.ctx.scope
        if account is None or scope is None or not interactions:
            self.history_loader.request(lambda con: None, self._show_history)
            return
        self.history_loader.request(
            lambda con: network.interactions_with(con, scope, account, limit=30),
            self._show_history,
        )

    def _show_history(self, items: list | None) -> None:
        if items is None and self.current_row() < 0:
            self.history.clear()
            return
        self.history.setHtml(
            "".join(
                f"<p><b>{when:%Y-%m-%d}</b> · {kind.replace('_', ' ')}<br>{escape(text)}</p>"
                for when, kind, text in items or []
            )
            or "<p><i>You haven't replied to, mentioned, retweeted or quoted this account.</i></p>"
        )

    def search_box(self) -> SearchBox:
        return self.search_field

    def focus_widget(self) -> QWidget:
        return self.table

    def export_query(self) -> ViewExport | None:
        if self.missing_lists:
            return None
        sql, params = tables.not_followed_back(self.status_filter, self.search, self.talked)
        return ViewExport(sql, params, "not-followed-back-view.csv")

    def _missing_text(self) -> str:
        """Why there is no checklist: the lists this archive lacks, and what would bring it."""
        return (
            "The follow-back checklist needs your followers and the accounts you follow: they "
            f"are {self.missing_lists}. Import a complete archive of this account (Twitter's "
            "archives before 2019 had no follower lists) to review your followers."
        )

    def _no_row_reason(self) -> str:
        if self.missing_lists:
            return self._missing_text()
        return "Select a follower in the list first."

    def _show_notice(self) -> None:
        """The line above the list: why it is empty, or why most handles are unknown."""
        total = self.browser.total if self.browser else 0
        if self.missing_lists:
            text = self._missing_text()
        elif total and self.unknown_handles * 2 > total:
            text = (
                f"{plural(self.unknown_handles, 'follower')} of {number(total)} show as "
                "“handle unknown”: this archive lists followers by account id only. Select "
                "one and press Enter (or “Open profile in browser”) to see who it is."
            )
        else:
            text = ""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        missing = self._missing_text() if self.missing_lists else None
        self.set_export_reason(missing)
        for control in (self.filter, self.search_field):  # nothing to filter or search
            control.setEnabled(missing is None)
            control.setToolTip(missing or "")
        self.progress_label.setVisible(missing is None)
        self.progress.setVisible(missing is None)

    def _empty_text(self) -> str:
        if self.loader.busy():
            return "<i>Preparing the checklist…</i>"
        if self.missing_lists:  # the line above the list says why
            return "<p><i>Nobody to review in this archive.</i></p>"
        if self.browser is not None and self.browser.total == 0:
            return "<p>You follow back every follower: nobody is waiting for a review.</p>"
        return "<p><i>Nobody matches this filter.</i></p>"


def done_share(done: int, total: int) -> str:
    """How much of the checklist is reviewed, as people read it: 4 of 1,046 is "<1%", not
    "0%"; 1,045 of 1,046 is ">99%", not "100%" (that is for a finished list)."""
    if total <= 0:
        return "–"
    share = done / total
    if 0 < share < 0.005:
        return "<1%"
    text = f"{share:.0%}"
    return ">99%" if share < 1 and text == "100%" else text
