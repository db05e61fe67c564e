"""The main window: welcome and drop zone, the views, import and export in the background."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, Qt, QThreadPool, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from archivelens import __version__, pipeline
from archivelens.errors import UserError
from archivelens.export import csvset
from archivelens.gui import workers
from archivelens.gui.context import LibraryContext
from archivelens.gui.settings import Settings
from archivelens.gui.settings_dialog import AnalysisSettingsDialog
from archivelens.gui.views.changes import ChangesView
from archivelens.gui.views.checklist import ChecklistView
from archivelens.gui.views.duplicates import DuplicatesView
from archivelens.gui.views.overview import OverviewView
from archivelens.gui.views.tweets import TweetsView
from archivelens.gui.widgets import STYLE, View, ViewExport, show_error

VIEWS = ("Overview", "Follow-back", "Duplicates", "Tweets", "Changes")


# Windows opened from another (File ▸ Open Library…) live until closed: Qt owns no reference.
_OPEN_WINDOWS: set[MainWindow] = set()


class MainWindow(QMainWindow):
    """One library per window. *remember* adds it to File ▸ Recent Libraries (not the demo's
    throwaway library)."""

    def __init__(
        self,
        library: Path,
        settings: Settings | None = None,
        pool: QThreadPool | None = None,
        remember: bool = True,
    ) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.pool = pool or QThreadPool.globalInstance()
        self.ctx = LibraryContext(library, self.pool, self)
        if remember:
            self.settings.add_recent_library(str(library))
        self.worker: workers.Worker | None = None
        self.setWindowTitle("archivelens")
        self.setAcceptDrops(True)
        self.setStyleSheet(STYLE)
        self.stack = QStackedWidget()
        self.welcome = self._welcome_page()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self._main_page())
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self._import_panel())
        self.setCentralWidget(central)
        self._menus()
        self.resize(1200, 780)
        if geometry := self.settings.geometry():
            self.restoreGeometry(geometry)
        for name, splitter in self._splitters().items():
            if state := self.settings.splitter(name):
                splitter.restoreState(state)
        self.ctx.changed.connect(self.refresh)
        self.refresh()

    # -- layout ----------------------------------------------------------------------------------

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.addStretch(1)
        self.drop_zone = QFrame()
        self.drop_zone.setObjectName("dropZone")
        self.drop_zone.setMaximumWidth(720)
        self.drop_zone.setMinimumHeight(360)
        box = QVBoxLayout(self.drop_zone)
        box.setContentsMargins(40, 32, 40, 32)
        icon = QLabel()
        icon.setPixmap(self.windowIcon().pixmap(72, 72))  # the app's icon (none in tests)
        title = QLabel("<h1>Drop your Twitter archive here</h1>")
        text = QLabel(
            "<p>Drop the <b>.zip</b> Twitter/X sent you (or its extracted folder) anywhere on "
            "this window, or use <b>File ▸ Open Archive…</b> (Ctrl+O).</p>"
            "<p>How do I get my archive? On Twitter/X: <i>Settings ▸ Your account ▸ Download "
            "an archive of your data</i>. It arrives by email as a zip.</p>"
            "<p><b>Everything stays on this computer</b>: archivelens never goes online.</p>"
        )
        for w in (icon, title, text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.addWidget(w)
        text.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        open_button = QPushButton("Open Archive…")
        open_button.setDefault(True)
        open_button.clicked.connect(self.open_archive)
        sample = QPushButton("Try the sample archive")
        sample.clicked.connect(self.import_sample)
        buttons.addWidget(open_button)
        buttons.addWidget(sample)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.recent_label = QLabel()
        self.recent_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.recent_label.setWordWrap(True)
        self.recent_label.linkActivated.connect(lambda link: self.switch_library(Path(link)))
        box.addWidget(self.recent_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.drop_zone, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        return page

    def _set_drop_hover(self, on: bool) -> None:
        self.drop_zone.setProperty("hover", on)
        self.drop_zone.style().unpolish(self.drop_zone)
        self.drop_zone.style().polish(self.drop_zone)

    def _main_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addLayout(self._scope_bar())
        self.splitter = QSplitter()
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.addItems(VIEWS)
        self.sidebar.setMinimumWidth(150)
        self.views_stack = QStackedWidget()
        self.views = {
            "Overview": OverviewView(self.ctx),
            "Follow-back": ChecklistView(self.ctx),
            "Duplicates": DuplicatesView(self.ctx),
            "Tweets": TweetsView(self.ctx),
            "Changes": ChangesView(self.ctx),
        }
        for view in self.views.values():
            self.views_stack.addWidget(view)
            view.export_requested.connect(lambda v=view: self.export_view(v))
            view.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._wire_drill_downs()
        self.sidebar.setCurrentRow(0)  # before connecting: the first refresh comes once, below
        self.sidebar.currentRowChanged.connect(self._show_view)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.views_stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([190, 1010])
        box.addWidget(self.splitter, 1)
        return page

    def _wire_drill_downs(self) -> None:
        """Every headline number leads to the rows behind it."""
        overview = self.views["Overview"]
        cards = overview.cards
        drills = {
            "conversation": ("Show your replies to others", {"kind": "reply_to_others"}),
            "promotion": ("Show your promotional tweets", {"promotional": True}),
            "amplification": ("Show your retweets", {"kind": "retweet"}),
            "repetition": ("Show the tweets in duplicate clusters", {"in_cluster": True}),
        }
        for key, (tip, filters) in drills.items():
            cards[key].link(tip)
            cards[key].clicked.connect(lambda f=filters: self.show_tweets(**f))
        cards["reciprocity"].link("Open the follow-back checklist")
        cards["reciprocity"].clicked.connect(lambda: self.sidebar.setCurrentRow(1))
        overview.reported.connect(self._show_counts)
        self.views["Duplicates"].show_tweets.connect(lambda c: self.show_tweets(cluster=c))

    def find(self) -> None:
        """Ctrl+F: the current view's search field, or the Tweets search where it has none."""
        view = self.views[VIEWS[self.sidebar.currentRow()]]
        if view.search_box() is None:
            self.sidebar.setCurrentRow(VIEWS.index("Tweets"))
            view = self.views["Tweets"]
        box = view.search_box()
        assert box is not None
        box.setFocus()
        box.selectAll()

    def show_tweets(self, **filters) -> None:
        self.views["Tweets"].show_only(**filters)
        self.sidebar.setCurrentRow(VIEWS.index("Tweets"))

    def _show_counts(self, rep) -> None:
        """The sidebar shows how much each view holds, from the Overview's report."""
        counts = {
            "Follow-back": rep.value("not_followed_back"),
            "Duplicates": rep.value("duplicate_clusters"),
            "Tweets": rep.value("tweets"),
        }
        for row, name in enumerate(VIEWS):
            n = counts.get(name)
            self.sidebar.item(row).setText(f"{name}  ({n:,})" if isinstance(n, int) else name)

    def _scope_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.all_time = QCheckBox("All time")
        self.all_time.setChecked(True)
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(lambda _d: self._date_timer.start())
        # Typing a date changes it digit by digit: apply once the user pauses.
        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(400)
        self._date_timer.timeout.connect(self._dates_changed)
        self.all_time.toggled.connect(self._dates_changed)
        self.snapshot = QComboBox()
        self.snapshot.activated.connect(self._snapshot_chosen)
        bar.addWidget(self.all_time)
        bar.addWidget(QLabel("from"))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.date_to)
        bar.addStretch(1)
        bar.addWidget(QLabel("Archive:"))
        bar.addWidget(self.snapshot)
        return bar

    def _import_panel(self) -> QWidget:
        self.panel = QWidget()
        row = QHBoxLayout(self.panel)
        self.stage = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_work)
        row.addWidget(self.stage)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        self.panel.hide()
        return self.panel

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Open Archive…", QKeySequence.StandardKey.Open, self.open_archive)
        file_menu.addSeparator()
        self._action(file_menu, "Open &Library…", "Ctrl+Shift+O", self.open_library)
        self._action(file_menu, "&New Library…", None, self.new_library)
        self.recent_menu = file_menu.addMenu("&Recent Libraries")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.export_action = self._action(
            file_menu, "&Export for Consultant…", "Ctrl+E", self.export_csv
        )
        self.export_view_action = self._action(
            file_menu,
            "Export &This View…",
            "Ctrl+Shift+E",
            lambda: self.export_view(self.views[VIEWS[self.sidebar.currentRow()]]),
        )
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        tools_menu = self.menuBar().addMenu("&Tools")
        self.settings_action = self._action(
            tools_menu,
            "Analysis &Settings…",
            QKeySequence.StandardKey.Preferences,
            self.open_settings,
        )
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        view_menu = self.menuBar().addMenu("&View")
        self.find_action = self._action(
            view_menu, "&Find…", QKeySequence.StandardKey.Find, self.find
        )
        view_menu.addSeparator()
        for i, name in enumerate(VIEWS):
            self._action(
                view_menu,
                name,
                f"Ctrl+{i + 1}",
                lambda _c=False, r=i: self.sidebar.setCurrentRow(r),
            )
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About archivelens", None, self.about)

    def _action(self, menu, text, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- state -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        has_data = self.ctx.scope is not None
        self.stack.setCurrentIndex(1 if has_data else 0)
        for action in (
            self.export_action,
            self.export_view_action,
            self.settings_action,
            self.find_action,
        ):
            action.setEnabled(has_data)
        if not has_data:
            self._show_recent_on_welcome()
            self.statusBar().showMessage(f"Library: {self.ctx.path}")
            return
        scope = self.ctx.scope
        handle = f"@{scope.screen_name}" if scope.screen_name else str(scope.account_id)
        self.setWindowTitle(f"archivelens — {handle} · archive of {scope.generated_at:%d %b %Y}")
        if self.all_time.isChecked():
            self.set_date_bounds()  # the date pickers start from this snapshot's first tweet
        self.snapshot.clear()
        for sid, name, day in self.ctx.snapshots():
            self.snapshot.addItem(f"@{name} · {day}", (name, day))
            if sid == scope.snapshot_id:
                self.snapshot.setCurrentIndex(self.snapshot.count() - 1)
        self._show_view(self.sidebar.currentRow())
        self.statusBar().showMessage(f"{scope.label} · library: {self.ctx.path}")

    def _show_view(self, row: int) -> None:
        if row < 0 or self.ctx.scope is None:
            return
        self.views_stack.setCurrentIndex(row)
        view = self.views[VIEWS[row]]
        if view.shown_version != self.ctx.version:
            view.shown_version = self.ctx.version
            view.refresh()

    def _dates_changed(self) -> None:
        self._date_timer.stop()
        custom = not self.all_time.isChecked()
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        if not custom:
            self.ctx.set_dates(None, None)
            return
        start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
        if start > end:
            self.statusBar().showMessage("The start date is after the end date.", 5000)
            return
        self.ctx.set_dates(start, end)

    def _snapshot_chosen(self, index: int) -> None:
        name, day = self.snapshot.itemData(index)
        self.ctx.reload_scope(name, day)

    def set_date_bounds(self) -> None:
        first = self.ctx.con.execute(
            "SELECT min(created_at), max(created_at) FROM tweets WHERE snapshot_id = ?",
            [self.ctx.scope.snapshot_id],
        ).fetchone()
        if first and first[0]:
            for edit in (self.date_from, self.date_to):
                edit.blockSignals(True)
            self.date_from.setDate(QDate(first[0].year, first[0].month, first[0].day))
            self.date_to.setDate(QDate(first[1].year, first[1].month, first[1].day))
            for edit in (self.date_from, self.date_to):
                edit.blockSignals(False)

    # -- libraries -------------------------------------------------------------------------------

    def open_library(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open library",
            str(self.ctx.path.parent),
            "archivelens library (*.duckdb);;All files (*)",
        )
        if path:
            self.switch_library(Path(path))

    def new_library(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "New library",
            str(self.ctx.path.parent / "library.duckdb"),
            "archivelens library (*.duckdb)",
        )
        if path:
            target = Path(path)
            if target.exists():  # the dialog asked to replace it: only ever by opening it
                show_error(self, f"{target.name} already exists; use Open Library… to open it.")
                return
            self.switch_library(target)

    def switch_library(self, path: Path) -> MainWindow | None:
        """Open *path* in a window of its own, in place of this one."""
        if path.resolve() == self.ctx.path.resolve():
            return self
        try:
            window = MainWindow(path, self.settings, self.pool)
        except UserError as err:
            show_error(self, str(err))
            return None
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _OPEN_WINDOWS.add(window)
        window.destroyed.connect(lambda _=None, w=window: _OPEN_WINDOWS.discard(w))
        window.show()
        self.close()
        return window

    def _other_libraries(self) -> list[Path]:
        """Recent libraries that still exist, this one left out."""
        current = self.ctx.path.resolve()
        paths = [Path(item) for item in self.settings.recent_libraries()]
        return [p for p in paths if p.exists() and p.resolve() != current]

    def _show_recent_on_welcome(self) -> None:
        links = " · ".join(
            f"<a href='{escape(str(p), quote=True)}'>{escape(p.name)}</a> "
            f"<small>({escape(str(p.parent))})</small>"
            for p in self._other_libraries()[:4]
        )
        self.recent_label.setText(f"<p>Or open a recent library: {links}</p>" if links else "")

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self._other_libraries():
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.switch_library(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No other libraries yet").setEnabled(False)

    # -- import and export -----------------------------------------------------------------------

    def open_archive(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open Twitter archive", str(Path.home()), "Twitter archive (*.zip);;All files (*)"
        )
        if path:
            self.import_archive(Path(path))

    def import_sample(self) -> None:
        from importlib import resources

        sample = resources.files("archivelens.resources").joinpath("sample-archive.zip")
        self.import_archive(Path(str(sample)))

    def import_archive(self, path: Path) -> workers.Worker | None:
        if self.worker is not None:
            show_error(self, "An import or export is still running; wait for it or cancel it.")
            return None
        connection = self.ctx.worker_connection()

        def job(progress, cancel):
            try:
                return pipeline.import_into(connection, path, progress, cancel)
            finally:
                self.ctx.release(connection)

        return self._run(job, f"Importing {path.name}", self._imported)

    def _imported(self, result) -> None:
        self.ctx.reload_scope()
        verb = "was already in the library" if result.already_imported else "is imported"
        self.statusBar().showMessage(f"The archive of {result.generated_at:%Y-%m-%d} {verb}.", 8000)
        if result.warnings:
            QMessageBox.information(
                self,
                "archivelens",
                "The archive was imported, with notes:"
                "\n\n" + "\n".join(f"• {w}" for w in result.warnings),
            )

    def export_csv(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self,
            "Export the CSV set to folder",
            self.settings.last_export_folder() or str(Path.home()),
        )
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> workers.Worker | None:
        scope = self.ctx.scope
        connection = self.ctx.worker_connection()
        self.settings.set_last_export_folder(str(folder))

        def job(progress, cancel):
            try:
                return pipeline.export_csv(connection, scope, folder, True, progress, cancel)
            finally:
                self.ctx.release(connection)

        return self._run(
            job,
            "Exporting",
            lambda r: self.statusBar().showMessage(
                f"Wrote {len(r.files)} CSV files to {r.folder}.", 8000
            ),
        )

    def export_view(self, view: View) -> None:
        query = view.export_query()
        if query is None:
            self.statusBar().showMessage("This view has no table to export.", 5000)
            return
        folder = self.settings.last_export_folder() or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(
            self, "Export this view", str(Path(folder) / query.file_name), "CSV (*.csv)"
        )
        if path:
            self.export_view_to(query, Path(path))

    def export_view_to(self, query: ViewExport, target: Path) -> workers.Worker | None:
        """Write *query* (a view's rows) to *target* on a worker."""
        if self.worker is not None:
            show_error(self, "An import or export is still running; wait for it or cancel it.")
            return None
        scope = self.ctx.scope
        assert scope is not None
        self.settings.set_last_export_folder(str(target.parent))
        connection = self.ctx.worker_connection()

        def job(progress, cancel):
            progress.update(f"Writing {target.name}", None)
            try:
                return csvset.write_csv(
                    connection, query.sql, {**scope.params(), **query.params}, target
                )
            finally:
                self.ctx.release(connection)

        return self._run(
            job,
            f"Exporting {target.name}",
            lambda rows: self.statusBar().showMessage(f"Wrote {rows:,} rows to {target}.", 8000),
        )

    def open_settings(self) -> None:
        if self.ctx.scope is None:
            return
        dialog = self.settings_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.settings() != dialog.current:
            self.apply_settings(dialog.settings())

    def settings_dialog(self) -> AnalysisSettingsDialog:
        """The dialog on the current settings (the scope's account and snapshot)."""
        from archivelens.analysis import duplicates, promotion

        scope = self.ctx.scope
        assert scope is not None
        return AnalysisSettingsDialog(
            pipeline.analysis_settings(self.ctx.con, scope.account_id),
            promotion.default_lexicon_text(),
            promotion.suggested_own_domains(self.ctx.con, scope.snapshot_id),
            duplicates.DEFAULT_THRESHOLD,
            self,
        )

    def apply_settings(self, settings: pipeline.AnalysisSettings) -> workers.Worker | None:
        """Save the analysis settings and recompute on a worker; the views follow when done."""
        if self.worker is not None:
            show_error(self, "An import or export is still running; wait for it or cancel it.")
            return None
        scope = self.ctx.scope
        assert scope is not None
        connection = self.ctx.worker_connection()

        def job(progress, cancel):
            try:
                pipeline.apply_analysis_settings(connection, scope, settings, progress, cancel)
            finally:
                self.ctx.release(connection)

        def done(_result) -> None:
            self.ctx.reload_scope()
            self.statusBar().showMessage("The new settings are applied.", 8000)

        return self._run(job, "Applying settings", done)

    def _run(self, job, title: str, done) -> workers.Worker:
        worker = workers.Worker(job)
        self.worker = worker
        self.stage.setText(title)
        self.bar.setValue(0)
        self.panel.show()
        worker.signals.progress.connect(self._progress)
        worker.signals.finished.connect(lambda r: (self._work_ended(), done(r)))
        worker.signals.failed.connect(lambda s, d: (self._work_ended(), show_error(self, s, d)))
        worker.signals.cancelled.connect(
            lambda: (
                self._work_ended(),
                self.statusBar().showMessage("Cancelled; nothing was changed.", 8000),
            )
        )
        return workers.start(worker, self.pool)

    def _progress(self, stage: str, fraction: float) -> None:
        self.stage.setText(stage)
        if fraction < 0:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))

    def cancel_work(self) -> None:
        if self.worker is not None:
            self.stage.setText("Cancelling…")
            self.worker.cancel()

    def _work_ended(self) -> None:
        self.worker = None
        self.panel.hide()

    # -- desktop manners -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
            self._set_drop_hover(True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop_hover(False)
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.import_archive(Path(urls[0].toLocalFile()))

    def _splitters(self) -> dict[str, QSplitter]:
        """Every splitter whose sizes the window remembers between runs."""
        return {
            "main": self.splitter,
            "checklist": self.views["Follow-back"].splitter,
            "duplicates": self.views["Duplicates"].splitter,
        }

    def changeEvent(self, event: QEvent) -> None:
        """The system switched light/dark: style sheets and the chart follow the new palette."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.setStyleSheet("")
            self.setStyleSheet(STYLE)
            self.views["Overview"].follow_palette()
        super().changeEvent(event)

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About archivelens",
            f"<h3>archivelens {__version__}</h3><p>An honest picture of how you use "
            "Twitter/X, from your data archive.</p><p>Works offline: nothing you "
            "import leaves this computer.</p><p>MIT licence.</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.worker is not None:
            self.worker.cancel()
        self.settings.set_geometry(self.saveGeometry())
        for name, splitter in self._splitters().items():
            self.settings.set_splitter(name, splitter.saveState())
        self.ctx.close()
        super().closeEvent(event)
