"""The main window: welcome and drop zone, the views, import and export in the background."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, Qt, QThreadPool
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from archivelens import __version__, pipeline, scratch
from archivelens.errors import UserError
from archivelens.gui import finished
from archivelens.gui.context import LibraryContext
from archivelens.gui.jobs import JobPanel
from archivelens.gui.scope_bar import ScopeBar
from archivelens.gui.settings import Settings
from archivelens.gui.settings_dialog import AnalysisSettingsDialog
from archivelens.gui.startup import first_size
from archivelens.gui.text_fit import ElidedLabel
from archivelens.gui.views.changes import ChangesView
from archivelens.gui.views.checklist import ChecklistView
from archivelens.gui.views.comparison_panel import Asked
from archivelens.gui.views.duplicates import DuplicatesView
from archivelens.gui.views.overview import OverviewView
from archivelens.gui.views.portfolio import PortfolioView
from archivelens.gui.views.tweets import TweetsView
from archivelens.gui.welcome import WelcomePage
from archivelens.gui.widgets import APP_NAME, STYLE, View, ViewExport, show_error
from archivelens.gui.workers import Worker
from archivelens.words import plural

if TYPE_CHECKING:
    import duckdb

    from archivelens.analysis.comparison import Compared
    from archivelens.analysis.scope import Scope
    from archivelens.progress import CancelToken, Progress

Result = TypeVar("Result")  # what an export's worker returns, for its "done" sentence

VIEWS = ("Overview", "Follow-back", "Duplicates", "Tweets", "Changes", "Portfolio")


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
        shown = self.settings.shown_archive(library) if remember else None
        self.ctx = LibraryContext(library, self.pool, self, shown)
        self.remember = remember  # False for the demo's and the sample's throwaway library
        self.scratch_folder: Path | None = None  # a throwaway library's folder, gone on close
        self.ask_before_quitting = True  # False once a signal (SIGTERM …) closes the app
        if remember:
            self.settings.add_recent_library(str(library))
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.setStyleSheet(STYLE)
        self.stack = QStackedWidget()
        self.welcome = WelcomePage(self.windowIcon())
        self.welcome.open_archive.connect(self.open_archive)
        self.welcome.try_sample.connect(self.import_sample)
        self.welcome.open_library.connect(self.switch_library)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self._main_page())
        self.jobs = JobPanel(self.pool)
        self.jobs.library = library
        self.jobs.failed.connect(lambda sentence, details: show_error(self, sentence, details))
        self.jobs.cancelled.connect(
            lambda: self.statusBar().showMessage("Cancelled; nothing was changed.", 8000)
        )
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.jobs)
        self.setCentralWidget(central)
        # What the window shows, always in view; passing messages go left of it.
        self.summary = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)
        self.statusBar().addPermanentWidget(self.summary)
        self._menus()
        self.resize(first_size(self.screen().availableGeometry().size()))
        if geometry := self.settings.geometry():
            self.restoreGeometry(geometry)
        for name, splitter in self._splitters().items():
            if state := self.settings.splitter(name):
                splitter.restoreState(state)
        self.ctx.changed.connect(self.refresh)
        self.refresh()

    # -- layout ----------------------------------------------------------------------------------

    def _main_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.scope_bar = ScopeBar()
        self.scope_bar.dates_chosen.connect(self.ctx.set_dates)
        self.scope_bar.refused.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.scope_bar.snapshot_chosen.connect(self.ctx.reload_scope)
        box.addWidget(self.scope_bar)
        self.splitter = QSplitter()
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.addItems(VIEWS)
        self.sidebar.setMinimumWidth(150)
        self.views_stack = QStackedWidget()
        # Each view by name, as its own class: what the window asks of one view alone (the
        # Overview's cards, the Tweets filter) is checked against that view.
        self.overview = OverviewView(self.ctx)
        self.checklist = ChecklistView(self.ctx)
        self.duplicates = DuplicatesView(self.ctx)
        self.tweets = TweetsView(self.ctx)
        self.changes = ChangesView(self.ctx)
        self.portfolio = PortfolioView(self.ctx)
        # The same views by sidebar name, in sidebar order: what every view does alike
        # (refresh, export, focus) goes through here.
        self.views: dict[str, View] = {
            "Overview": self.overview,
            "Follow-back": self.checklist,
            "Duplicates": self.duplicates,
            "Tweets": self.tweets,
            "Changes": self.changes,
            "Portfolio": self.portfolio,
        }
        for view in self.views.values():
            self.views_stack.addWidget(view)
            view.export_requested.connect(lambda v=view: self.export_view(v))
            view.export_changed.connect(self._update_export_action)
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
        cards = self.overview.cards
        drills = {
            "conversation": ("Show your replies to others", {"kind": "reply_to_others"}),
            "promotion": ("Show your promotional tweets", {"promotional": True}),
            "amplification": ("Show your retweets", {"kind": "retweet"}),
        }
        for key, (tip, filters) in drills.items():
            cards[key].link(tip)
            cards[key].clicked.connect(lambda f=filters: self.show_tweets(**f))
        cards["reciprocity"].link("Open the follow-back checklist")
        cards["reciprocity"].clicked.connect(lambda: self.sidebar.setCurrentRow(1))
        # The Duplicates view tells sales blasts from template messages.
        cards["repetition"].link("Open the re-sent messages")
        cards["repetition"].clicked.connect(lambda: self.sidebar.setCurrentRow(2))
        self.overview.figures_shown.connect(self._show_counts)
        self.overview.own_domains_answered.connect(self.answer_own_domains)
        self.overview.advice_opened.connect(self.open_advice)
        self.overview.engagement.show_top.connect(self.show_most_liked)
        self.duplicates.show_tweets.connect(lambda c: self.show_tweets(cluster=c))
        self.checklist.reviewed_one.connect(self._advice_stale)
        self.portfolio.libraries = [Path(p) for p in self.settings.portfolio_libraries()]
        self.portfolio.libraries_set.connect(self.settings.set_portfolio_libraries)
        self.portfolio.choose_libraries.connect(self.choose_portfolio)
        self.portfolio.open_account.connect(self.open_account)
        self.portfolio.export_csv.connect(self.export_portfolio)

    def _advice_stale(self) -> None:
        """A review changes the follow-back advice: the Overview asks again when next shown."""
        self.overview.shown_version = -1

    def find_in_view(self) -> None:
        """Ctrl+F: the current view's search field, or the Tweets search where it has none."""
        view = self.views[VIEWS[self.sidebar.currentRow()]]
        if view.search_box() is None:
            self.sidebar.setCurrentRow(VIEWS.index("Tweets"))
            view = self.tweets
        box = view.search_box()
        assert box is not None
        box.setFocus()
        box.selectAll()

    def show_tweets(self, **filters) -> None:
        self.tweets.show_only(**filters)
        self.sidebar.setCurrentRow(VIEWS.index("Tweets"))

    def show_most_liked(self) -> None:
        """Every tweet, the most liked first: the top ten of the Overview and all the rest."""
        self.tweets.show_only()
        self.tweets.sort_by("favorite_count", descending=True)
        self.sidebar.setCurrentRow(VIEWS.index("Tweets"))

    def _show_counts(self, rep) -> None:
        """How much each view holds (sidebar) and the archive's size (status bar), from the
        Overview's figures (a ``report.Headline``)."""
        counts = {
            "Follow-back": rep.value("not_followed_back"),
            "Duplicates": rep.value("duplicate_clusters"),
            "Tweets": rep.value("tweets"),
        }
        for row, name in enumerate(VIEWS):
            n = counts.get(name)
            self.sidebar.item(row).setText(f"{name}  ({n:,})" if isinstance(n, int) else name)
        # As wide as its longest entry ("Follow-back  (12,345)"): never clipped, never scrolled.
        needed = self.sidebar.sizeHintForColumn(0) + 2 * self.sidebar.frameWidth() + 24
        self.sidebar.setMinimumWidth(max(150, needed))
        sizes = [
            plural(n, noun, many)
            for what, noun, many in (
                ("tweets", "tweet", None),
                ("followers", "follower", None),
                ("following", "following", "following"),
            )
            if isinstance(n := rep.value(what), int)
        ]
        self.summary.setText(" · ".join([*sizes, f"{rep.scope.label} · library: {self.ctx.path}"]))

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Open Archive…", QKeySequence.StandardKey.Open, self.open_archive)
        self._action(file_menu, "Open Archive &Folder…", "Ctrl+Shift+F", self.open_archive_folder)
        file_menu.addSeparator()
        self._action(file_menu, "Open &Library…", "Ctrl+Shift+O", self.open_library)
        self._action(file_menu, "&New Library…", None, self.new_library)
        self.recent_menu = file_menu.addMenu("&Recent Libraries")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(file_menu, "Re&build Library…", None, self.rebuild_library)
        self.portfolio_action = self._action(
            file_menu, "Open &Portfolio…", None, self.choose_portfolio
        )
        file_menu.addSeparator()
        self.export_action = self._action(
            file_menu, "&Export for Consultant…", "Ctrl+E", self.export_csv
        )
        self.workbook_action = self._action(
            file_menu, "Export Excel &Workbook…", "Ctrl+Alt+E", self.export_workbook
        )
        self.pdf_action = self._action(file_menu, "Export &PDF Report…", None, self.export_pdf)
        self.export_view_action = self._action(
            file_menu,
            "Export &This View…",
            "Ctrl+Shift+E",
            lambda: self.export_view(self.views[VIEWS[self.sidebar.currentRow()]]),
        )
        file_menu.addSeparator()
        self.remove_action = self._action(
            file_menu, "&Remove This Archive…", None, self.remove_snapshot
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
        self._action(tools_menu, "Report &Branding…", None, self.open_branding)
        view_menu = self.menuBar().addMenu("&View")
        self.find_action = self._action(
            view_menu, "&Find…", QKeySequence.StandardKey.Find, self.find_in_view
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
        self._action(help_menu, f"&About {APP_NAME}", None, self.about)

    def _action(self, menu, text, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- state -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        scope = self.ctx.scope
        has_data = scope is not None
        self.stack.setCurrentIndex(1 if has_data else 0)
        for action in (
            self.export_action,
            self.workbook_action,
            self.pdf_action,
            self.export_view_action,
            self.settings_action,
            self.find_action,
            self.remove_action,
            self.portfolio_action,
        ):
            action.setEnabled(has_data)
        if scope is None:  # an empty library: the welcome page
            self.welcome.set_recent(self._other_libraries())
            self.summary.setText(f"Library: {self.ctx.path}")
            return
        handle = f"@{scope.screen_name}" if scope.screen_name else str(scope.account_id)
        sample = "" if self.remember else " · sample, not saved"
        # "Document — App", the app named once: a title ending in the application's display
        # name is left as it is (Qt appends the name on X11 and Windows otherwise).
        self.setWindowTitle(
            f"{handle} · archive of {scope.generated_at:%d %b %Y}{sample} — {APP_NAME}"
        )
        if self.scope_bar.all_time.isChecked() and (span := self.ctx.date_span()):
            self.scope_bar.set_span(span[0].date(), span[1].date())
        self.scope_bar.show_snapshots(self.ctx.snapshots(), scope.snapshot_id)
        self._show_view(self.sidebar.currentRow())
        self.summary.setText(f"{scope.label} · library: {self.ctx.path}")
        # The Overview's report feeds the sidebar counts and the totals: keep it current.
        if self.overview.shown_version != self.ctx.version:
            self.overview.shown_version = self.ctx.version
            self.overview.refresh()

    def _show_view(self, row: int) -> None:
        if row < 0 or self.ctx.scope is None:
            return
        self.views_stack.setCurrentIndex(row)
        view = self.views[VIEWS[row]]
        self._update_export_action()
        if view.shown_version != self.ctx.version:
            view.shown_version = self.ctx.version
            view.refresh()
        if (target := view.focus_widget()) is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)  # review keys work at once

    def _update_export_action(self) -> None:
        """File ▸ Export This View is there when the view on screen can export, else it says
        why (in the status bar, when pointed at)."""
        view = self.views[VIEWS[max(self.sidebar.currentRow(), 0)]]
        reason = view.export_reason
        self.export_view_action.setEnabled(self.ctx.scope is not None and reason is None)
        self.export_view_action.setStatusTip(reason or "")

    # -- libraries -------------------------------------------------------------------------------

    def open_library(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open library",
            str(self.ctx.path.parent),
            f"{APP_NAME} library (*.duckdb);;All files (*)",
        )
        if path:
            self.switch_library(Path(path))

    def new_library(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "New library",
            str(self.ctx.path.parent / "library.duckdb"),
            f"{APP_NAME} library (*.duckdb)",
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
        from archivelens.gui.app import open_window

        try:
            window = open_window(path, settings=self.settings, pool=self.pool)
        except UserError as err:
            show_error(self, str(err))
            return None
        if window is None:
            return None
        return self._replace_by(window)

    def _replace_by(self, window: MainWindow) -> MainWindow:
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _OPEN_WINDOWS.add(window)
        window.destroyed.connect(lambda _=None, w=window: _OPEN_WINDOWS.discard(w))
        window.show()
        self.close()
        return window

    def choose_portfolio(self) -> None:
        """File ▸ Open Portfolio…: the library files to compare; this one is offered first."""
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Open libraries for the portfolio (this library is included)",
            str(self.ctx.path.parent),
            f"{APP_NAME} library (*.duckdb);;All files (*)",
        )
        if paths:
            self.open_portfolio([self.ctx.path, *(Path(p) for p in paths)])

    def open_portfolio(self, libraries: list[Path]) -> PortfolioView:
        """Every account of *libraries* side by side, in the Portfolio view."""
        self.portfolio.set_libraries(libraries)
        self.portfolio.shown_version = self.ctx.version  # read just now: no second read
        self.sidebar.setCurrentRow(VIEWS.index("Portfolio"))
        return self.portfolio

    def open_account(self, library: Path, account_id: int) -> MainWindow | None:
        """A portfolio row: its account's newest archive, in a window on its library (this
        one, or a new one in its place)."""
        window = (
            self if library.resolve() == self.ctx.path.resolve() else self.switch_library(library)
        )
        if window is not None:
            window.show_account(account_id)
        return window

    def show_account(self, account_id: int) -> None:
        """Show the newest archive of *account_id* on the Overview; the dates chosen stay."""
        try:
            scope = pipeline.resolve_scope(self.ctx.con, account=str(account_id))
        except UserError as err:
            show_error(self, str(err))
            return
        self.ctx.reload_scope(scope.snapshot_id)
        self.sidebar.setCurrentRow(VIEWS.index("Overview"))

    def export_portfolio(self) -> None:
        """The portfolio's rows as ``portfolio.csv``, as ``archivelens portfolio --out``
        writes it (a few hundred rows: no worker needed)."""
        from archivelens.export import portfolio_csv

        if folder := self._export_folder("Choose a folder for portfolio.csv"):
            self.settings.set_last_export_folder(str(folder))
            try:
                written = portfolio_csv.write(self.portfolio.entries, folder)
            except UserError as err:
                show_error(self, str(err))
                return
            self.statusBar().showMessage(f"Wrote {written}.", 8000)

    def rebuild_library(self) -> MainWindow | None:
        """Rebuild this library from its archives and the journal beside it (a view met a
        damaged block), then show it in a new window."""
        from archivelens.gui.rebuild import RebuildDialog
        from archivelens.store.library import LibraryDamaged

        if self._refuse_if_busy():
            return None
        path = self.ctx.path
        offer = LibraryDamaged(path, f"Rebuild the library {path}")
        self.ctx.close()  # the rebuild swaps the file: nothing may hold it open
        RebuildDialog(offer, self.pool, self).exec()
        try:
            window = MainWindow(path, self.settings, self.pool)
        except UserError as err:
            show_error(self, str(err))
            self.close()
            return None
        return self._replace_by(window)

    def _other_libraries(self) -> list[Path]:
        """Recent libraries that still exist, this one left out."""
        current = self.ctx.path.resolve()
        paths = [Path(item) for item in self.settings.recent_libraries()]
        return [p for p in paths if p.exists() and p.resolve() != current]

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
            self,
            "Open Twitter archive",
            self._archive_folder(),
            "Twitter archive (*.zip);;All files (*)",
        )
        if path:
            self.import_archive(Path(path))

    def open_archive_folder(self) -> None:
        """The folder an archive's zip extracts to (the welcome page offers that too)."""
        path = QFileDialog.getExistingDirectory(
            self, "Open the folder your Twitter archive extracted to", self._archive_folder()
        )
        if path:
            self.import_archive(Path(path))

    def _archive_folder(self) -> str:
        """Where to look first: beside the last archive opened, else Downloads, else home."""
        last = self.settings.last_archive_folder()
        downloads = Path.home() / "Downloads"
        for folder in (last, str(downloads)):
            if folder and Path(folder).is_dir():
                return folder
        return str(Path.home())

    def import_sample(self) -> MainWindow:
        """The sample archive in a window of its own, on a throwaway library: a stranger's
        account never lands in the user's library (it goes when that window closes)."""
        from importlib import resources

        folder = scratch.make("archivelens-sample-")  # removed by the next run if killed
        window = MainWindow(folder / "sample.duckdb", self.settings, self.pool, remember=False)
        window.scratch_folder = folder
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _OPEN_WINDOWS.add(window)
        window.destroyed.connect(lambda _=None, w=window: _OPEN_WINDOWS.discard(w))
        window.show()
        sample = resources.files("archivelens.resources").joinpath("sample-archive.zip")
        window.import_archive(Path(str(sample)))
        return window

    @property
    def worker(self) -> Worker | None:
        """The running import, export or settings job, if any."""
        return self.jobs.worker

    def _refuse_if_busy(self) -> bool:
        if self.jobs.worker is None:
            return False
        show_error(self, "An import or export is still running; wait for it or cancel it.")
        return True

    def import_archive(self, path: Path) -> Worker | None:
        if self._refuse_if_busy():
            return None
        if self.remember:
            self.settings.set_last_archive_folder(str(path.parent))
        connection = self.ctx.worker_connection()

        def job(progress, cancel):
            try:
                return pipeline.import_into(connection, path, progress, cancel)
            finally:
                self.ctx.release(connection)

        return self.jobs.run(job, f"Importing {path.name}", self._imported)

    def _imported(self, result) -> None:
        self.ctx.reload_scope(result.snapshot_id)  # what was just imported, not the newest
        verb = "was already in the library" if result.already_imported else "is imported"
        self.statusBar().showMessage(f"The archive of {result.generated_at:%Y-%m-%d} {verb}.", 8000)
        if result.warnings:
            self.show_import_notes(result.warnings)

    def show_import_notes(self, warnings: list[str]) -> QMessageBox:
        return finished.import_notes(self, warnings)

    def export_csv(self) -> None:
        if folder := self._export_folder("Choose a folder for the consultant's CSV files"):
            self.export_to(folder, self.comparison_for_export())

    def export_to(self, folder: Path, compare: Asked | None = None) -> Worker | None:
        """The consultant's CSV set (and report.html) into *folder*, on a worker; with
        *compare*, comparison.csv too."""
        return self._export(
            folder,
            "Exporting",
            lambda con, scope, progress, cancel: pipeline.export_csv(
                con, scope, folder, True, progress, cancel, _compared(con, scope, compare)
            ),
            finished.csv_written,
        )

    def export_workbook(self) -> None:
        if folder := self._export_folder("Choose a folder for the Excel workbook"):
            self.export_workbook_to(folder, self.comparison_for_export())

    def export_workbook_to(self, folder: Path, compare: Asked | None = None) -> Worker | None:
        """The consultant's Excel workbook (summary, recommendations, chart, every list; with
        *compare*, a Comparison sheet)."""
        return self._export(
            folder,
            "Writing the workbook",
            lambda con, scope, progress, cancel: pipeline.export_xlsx(
                con, scope, folder, progress, cancel, _compared(con, scope, compare)
            ),
            finished.workbook_written,
        )

    def export_pdf(self) -> None:
        if folder := self._export_folder("Choose a folder for the PDF report"):
            self.export_pdf_to(folder, self.comparison_for_export())

    def export_pdf_to(self, folder: Path, compare: Asked | None = None) -> Worker | None:
        """The one-page report as PDF (made here, no browser), on a worker; with *compare*,
        its before → after lines."""
        return self._export(
            folder,
            "Writing the PDF report",
            lambda con, scope, progress, cancel: pipeline.export_pdf(
                con, scope, folder, compared=_compared(con, scope, compare)
            ),
            finished.pdf_written,
        )

    def comparison_for_export(self) -> Asked | None:
        """When the Overview shows a before and after, ask whether the export should hold it
        too (the same periods); None when it shows none or the answer is no."""
        asked = self.overview.comparison.asked()
        if asked is None:
            return None
        answer = QMessageBox.question(
            self,
            "Include the before and after?",
            f"The Overview compares {asked.words}. Include this comparison in the export "
            "(comparison.csv, the workbook's Comparison sheet, the report's before → after)?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return asked if answer == QMessageBox.StandardButton.Yes else None

    def open_branding(self) -> None:
        from archivelens.gui.branding_dialog import BrandingDialog

        dialog = BrandingDialog(pipeline.branding(self.ctx.con), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.save_branding(dialog.changes())

    def save_branding(self, changes: dict) -> bool:
        """Store the branding (one small row: no worker needed); one sentence if refused."""
        try:
            pipeline.set_branding(self.ctx.con, **changes)
        except UserError as err:
            show_error(self, str(err))
            return False
        self.statusBar().showMessage("The report branding is saved.", 8000)
        return True

    def _export_folder(self, title: str) -> Path | None:
        folder = QFileDialog.getExistingDirectory(
            self, title, self.settings.last_export_folder() or str(Path.home())
        )
        return Path(folder) if folder else None

    def _export(
        self,
        folder: Path,
        title: str,
        write: Callable[[duckdb.DuckDBPyConnection, Scope, Progress, CancelToken], Result],
        describe: Callable[[Result], finished.Written],
    ) -> Worker | None:
        """Run *write* (connection, scope, progress, cancel) on a worker with its own
        connection; when done, say what *describe*(result) tells was written, and offer to
        open it."""
        if self._refuse_if_busy():
            return None
        scope = self.ctx.scope
        assert scope is not None  # the export actions are disabled on an empty library
        connection = self.ctx.worker_connection()
        self.settings.set_last_export_folder(str(folder))

        def job(progress: Progress, cancel: CancelToken) -> Result:
            try:
                return write(connection, scope, progress, cancel)
            finally:
                self.ctx.release(connection)

        def done(result: Result) -> None:
            written = describe(result)
            self.statusBar().showMessage(written.text, 8000)
            self.offer_files(written, folder)

        return self.jobs.run(job, title, done)

    def offer_files(self, written: finished.Written, folder: Path) -> QMessageBox:
        return finished.offer_files(self, written, folder)

    def open_local(self, path: Path, program: str) -> bool:
        return finished.open_local(self, path, program)

    def export_view(self, view: View) -> None:
        if view.export_reason:
            self.statusBar().showMessage(view.export_reason, 8000)
            return
        query = view.export_query()
        if query is None:
            self.statusBar().showMessage("This view has no table to export.", 5000)
            return
        folder = self.settings.last_export_folder() or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(
            self, "Save this view as a CSV file", str(Path(folder) / query.file_name), "CSV (*.csv)"
        )
        if path:
            self.export_view_to(query, Path(path))

    def export_view_to(self, query: ViewExport, target: Path) -> Worker | None:
        """Write *query* (a view's rows) to *target* on a worker."""
        if self._refuse_if_busy():
            return None
        scope = self.ctx.scope
        assert scope is not None
        self.settings.set_last_export_folder(str(target.parent))
        connection = self.ctx.worker_connection()

        def job(progress, cancel):
            progress.update(f"Writing {target.name}", None)
            try:
                return pipeline.export_table(
                    connection, scope, (query.sql, query.params), target, cancel
                )
            finally:
                self.ctx.release(connection)

        return self.jobs.run(
            job,
            f"Exporting {target.name}",
            lambda rows: self.statusBar().showMessage(
                f"Wrote {plural(rows, 'row')} to {target}.", 8000
            ),
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

        def count_matches(entries: list[str]):
            """What each phrase marks in the archive shown, on a worker's own connection."""
            connection = self.ctx.worker_connection()

            def job():
                try:
                    return promotion.entry_counts(connection, scope.snapshot_id, entries)
                finally:
                    self.ctx.release(connection)

            return job

        handle = f"@{scope.screen_name}" if scope.screen_name else f"account {scope.account_id}"
        return AnalysisSettingsDialog(
            pipeline.analysis_settings(self.ctx.con, scope.account_id),
            promotion.default_lexicon_text(),
            promotion.suggested_own_domains(self.ctx.con, scope.snapshot_id),
            duplicates.DEFAULT_THRESHOLD,
            self,
            account=handle,
            count_matches=count_matches,
            pool=self.pool,
        )

    def open_advice(self, advice) -> None:
        """A recommendation's rows: its view, filtered as the recommendation says."""
        if advice.view == "Tweets":
            self.show_tweets(**advice.filters)
        elif advice.view == "Follow-back":
            self.checklist.show_only(**advice.filters)
            self.sidebar.setCurrentRow(VIEWS.index(advice.view))
        elif advice.view in VIEWS:
            self.sidebar.setCurrentRow(VIEWS.index(advice.view))

    def answer_own_domains(self, domains: list[str]) -> None:
        """The user confirmed the suggested own websites, or said none of them is theirs."""
        if self.ctx.scope is None:
            return
        current = pipeline.analysis_settings(self.ctx.con, self.ctx.scope.account_id)
        self.apply_settings(dataclasses.replace(current, own_domains=domains))

    def apply_settings(self, settings: pipeline.AnalysisSettings) -> Worker | None:
        """Save the analysis settings and recompute on a worker; the views follow when done."""
        if self._refuse_if_busy():
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

        return self.jobs.run(job, "Applying settings", done)

    def remove_snapshot(self) -> Worker | None:
        """Take the archive shown out of the library, after saying what goes and what stays."""
        scope = self.ctx.scope
        if scope is None or self._refuse_if_busy():
            return None
        handle = f"@{scope.screen_name}" if scope.screen_name else f"account {scope.account_id}"
        answer = QMessageBox.question(
            self,
            "Remove this archive?",
            f"Remove the archive of {scope.generated_at:%d %b %Y} ({handle}) from this library?"
            "\n\nIts tweets, followers, following and likes go. Your review statuses, notes and "
            "promotional marks stay: they belong to the people and tweets, and show again with "
            "any archive of this account. The archive file itself is not touched.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        connection = self.ctx.worker_connection()

        def job(progress, cancel):
            try:
                progress.update("Removing the archive", None)
                pipeline.remove_snapshot(connection, scope.snapshot_id)
            finally:
                self.ctx.release(connection)

        def done(_result) -> None:
            self.ctx.reload_scope()
            self.statusBar().showMessage(
                f"The archive of {scope.generated_at:%Y-%m-%d} is removed from the library.", 8000
            )

        return self.jobs.run(job, "Removing the archive", done)

    # -- desktop manners -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
            self.welcome.set_drop_hover(True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.welcome.set_drop_hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self.welcome.set_drop_hover(False)
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.open_dropped(paths)

    def open_dropped(self, paths: list[Path]) -> None:
        """An archive (zip or folder) is imported; a library file (.duckdb) is opened."""
        path = paths[0]
        if len(paths) > 1:
            self.statusBar().showMessage(f"One archive at a time: opening {path.name}.", 8000)
        if path.suffix.lower() == ".duckdb":
            self.switch_library(path)
        else:
            self.import_archive(path)

    def _splitters(self) -> dict[str, QSplitter]:
        """Every splitter whose sizes the window remembers between runs."""
        return {
            "main": self.splitter,
            "checklist": self.checklist.splitter,
            "duplicates": self.duplicates.splitter,
            "tweets": self.tweets.splitter,
        }

    def changeEvent(self, event: QEvent) -> None:
        """The system switched light/dark: style sheets and the chart follow the new palette."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.setStyleSheet("")
            self.setStyleSheet(STYLE)
            self.overview.follow_palette()
        super().changeEvent(event)

    def _confirm_stop(self) -> bool:
        """Quitting during an import or export cancels it: ask first."""
        answer = QMessageBox.question(
            self,
            "Quit while working?",
            "Work is still running. Quit and cancel it? (The library stays as it was before "
            "it started.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3><p>An honest picture of how you use "
            "Twitter/X, from your data archive.</p><p>Works offline: nothing you "
            "import leaves this computer.</p><p>MIT licence.</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.jobs.worker is not None and self.ask_before_quitting and not self._confirm_stop():
            event.ignore()
            return
        self.jobs.cancel()
        self.portfolio.cancel()
        self.settings.set_geometry(self.saveGeometry())
        if self.remember and self.ctx.scope is not None:
            scope = self.ctx.scope
            self.settings.set_shown_archive(self.ctx.path, scope.snapshot_id, scope.account_id)
        for name, splitter in self._splitters().items():
            self.settings.set_splitter(name, splitter.saveState())
        self.ctx.close()
        if self.scratch_folder is not None:
            shutil.rmtree(self.scratch_folder, ignore_errors=True)
        super().closeEvent(event)


def _compared(
    con: duckdb.DuckDBPyConnection, scope: Scope, compare: Asked | None
) -> Compared | None:
    """The comparison an export was asked to hold, made on the export's worker the way the
    command line makes it (``--compare`` or ``--baseline DATE``)."""
    if compare is None:
        return None
    return pipeline.compare(con, scope, baseline=compare.baseline)
