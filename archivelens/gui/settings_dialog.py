"""Tools ▸ Analysis Settings: the sales phrases, the owner's own websites, the duplicate threshold.

For a person, not a programmer: the sales lexicon is a list of phrases to add to and remove
from, each with how many tweets of the archive shown it matches (counted on a worker); the
patterns (``re:`` lines) are apart, under "Advanced", for those who write regular expressions.
Each page says whom it applies to: the phrases and the threshold are the library's, the own
websites belong to the account.

The dialog only edits values, the same ones the core stores (``AnalysisSettings``); the window
applies them on a worker (reclassifying and re-clustering can take a while), all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from archivelens.analysis.promotion import Lexicon, clean_domain
from archivelens.gui.workers import Worker, start
from archivelens.pipeline import AnalysisSettings
from archivelens.words import plural

# Called on the GUI thread with the phrases to count: returns the job to run on a worker (it
# takes its own connection first), which returns how many tweets each phrase matches.
CountMatches = Callable[[list[str]], Callable[[], dict[str, "int | None"]]]

LIBRARY_WIDE = "<b>For every account in this library.</b> "


def _explain(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def split_lexicon(text: str) -> tuple[str, list[str], list[str]]:
    """(the comment lines that head it, its phrases, its patterns without ``re:``)."""
    lines = text.splitlines()
    head = []
    for line in lines:
        if line.strip() and not line.strip().startswith("#"):
            break
        head.append(line)
    entries = Lexicon(text).entries
    phrases = [e for e in entries if not e.startswith("re:")]
    patterns = [e[3:].strip() for e in entries if e.startswith("re:")]
    return "\n".join(head).rstrip() + "\n\n" if any(head) else "", phrases, patterns


class _Counted(QObject):
    """Carries a worker's counts to the GUI thread."""

    done = Signal(object)


class AnalysisSettingsDialog(QDialog):
    def __init__(
        self,
        current: AnalysisSettings,
        default_lexicon: str,
        suggested_domains: list[str],
        default_threshold: float,
        parent: QWidget | None = None,
        account: str = "this account",
        count_matches: CountMatches | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Analysis Settings")
        self.current = current
        self.default_lexicon = default_lexicon
        self.suggested = suggested_domains
        self.default_threshold = default_threshold
        self.account = account
        self.count_matches = count_matches
        self.pool = pool or QThreadPool.globalInstance()
        self.counts: dict[str, int | None] = {}
        self.counting: Worker | None = None
        self._workers: list[Worker] = []  # kept until the dialog goes: the pool may touch them
        self._counted = _Counted(self)
        self._counted.done.connect(self._show_counts)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._lexicon_tab(current.lexicon), "Sales phrases")
        self.tabs.addTab(self._domains_tab(current.own_domains), "Your websites")
        self.tabs.addTab(self._threshold_tab(current.threshold), "Re-sent messages")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(
            _explain(
                "<small>Applying recomputes which tweets are promotional and which are "
                "re-sent messages; your reviews, notes and per-tweet choices are kept.</small>"
            )
        )
        layout.addWidget(buttons)
        # Tall enough for a dozen phrases with the patterns open, on a 700-pixel screen too.
        room = self.screen().availableGeometry().height() - 80
        self.resize(640, max(480, min(620, room)))
        self._count()

    # -- sales phrases ---------------------------------------------------------------------------

    def _lexicon_tab(self, lexicon: str | None) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(
            _explain(
                LIBRARY_WIDE + "A tweet that contains one of these phrases counts as "
                "promotional (retweets never do). Capitals don't matter, and a phrase matches "
                "whole words only: “on sale” is not found in “person salesman”."
            )
        )
        self.phrase_list = QTreeWidget()
        self.phrase_list.setRootIsDecorated(False)
        self.phrase_list.setHeaderLabels(["Phrase", "Tweets it marks here"])
        self.phrase_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.phrase_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.phrase_list.itemSelectionChanged.connect(self._selection_changed)
        box.addWidget(self.phrase_list, 1)
        add_row = QHBoxLayout()
        self.new_phrase = QLineEdit()
        self.new_phrase.setPlaceholderText("A phrase to add, e.g. “book a call”")
        self.new_phrase.returnPressed.connect(self._add_typed)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self._add_typed)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_selected)
        restore = QPushButton("Restore the built-in list")
        restore.clicked.connect(self.restore_built_in)
        for w in (self.new_phrase, self.add_button, self.remove_button):
            add_row.addWidget(w)
        add_row.setStretch(0, 1)
        box.addLayout(add_row)
        self.count_status = QLabel()
        status_row = QHBoxLayout()
        status_row.addWidget(self.count_status, 1)
        status_row.addWidget(restore)
        box.addLayout(status_row)
        box.addWidget(self._advanced())
        self._fill_lexicon(lexicon if lexicon is not None else self.default_lexicon)
        return page

    def _advanced(self) -> QWidget:
        """The patterns, for those who write regular expressions: out of the way until asked."""
        self.advanced_toggle = QPushButton("Advanced: patterns ▸")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setFlat(True)
        self.advanced = QGroupBox()
        inner = QVBoxLayout(self.advanced)
        inner.addWidget(
            _explain(
                "For experts: one regular expression (RE2) per line, e.g. "
                "<code>\\d+% off</code> for any percentage off. A tweet matching any of them "
                "counts as promotional too."
            )
        )
        self.patterns = QPlainTextEdit()
        self.patterns.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.patterns.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        # A few lines: the phrases stay the main thing on the page.
        self.patterns.setMaximumHeight(self.patterns.fontMetrics().lineSpacing() * 4 + 12)
        inner.addWidget(self.patterns)
        self.advanced.hide()
        self.advanced_toggle.toggled.connect(self._show_advanced)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.advanced_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.advanced)
        return holder

    def _show_advanced(self, on: bool) -> None:
        self.advanced.setVisible(on)
        self.advanced_toggle.setText("Advanced: patterns ▾" if on else "Advanced: patterns ▸")

    def _fill_lexicon(self, text: str) -> None:
        self.lexicon_head, phrases, patterns = split_lexicon(text)
        self.phrase_list.clear()
        for phrase in phrases:
            self._append(phrase)
        self.patterns.setPlainText("\n".join(patterns))

    def _append(self, phrase: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([phrase, self._count_text(phrase)])
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.phrase_list.addTopLevelItem(item)
        return item

    def _count_text(self, phrase: str) -> str:
        n = self.counts.get(phrase)
        return "" if n is None else plural(n, "tweet")

    def phrases(self) -> list[str]:
        return [item.text(0) for item in self._phrase_items()]

    def _phrase_items(self) -> list[QTreeWidgetItem]:
        """The list's rows (Qt types each lookup as possibly missing; below the count none is)."""
        items = (
            self.phrase_list.topLevelItem(i) for i in range(self.phrase_list.topLevelItemCount())
        )
        return [item for item in items if item is not None]

    def add_phrase(self, text: str) -> bool:
        """Add *text* as a phrase (a line starting with ``re:`` goes to the patterns); False
        for an empty one or one already there."""
        text = " ".join(text.split())
        if text.startswith("re:"):
            lines = [*self.patterns.toPlainText().splitlines(), text[3:].strip()]
            self.patterns.setPlainText("\n".join(line for line in lines if line.strip()))
            self._show_advanced(True)
            self.advanced_toggle.setChecked(True)
            return True
        text = text.lstrip("#").strip()
        if not text or text.lower() in (p.lower() for p in self.phrases()):
            return False
        self.phrase_list.scrollToItem(self._append(text))
        self._count()
        return True

    def _add_typed(self) -> None:
        if self.add_phrase(self.new_phrase.text()):
            self.new_phrase.clear()
        else:
            self.count_status.setText("That phrase is empty or already in the list.")

    def remove_selected(self) -> None:
        for item in self.phrase_list.selectedItems():
            self.phrase_list.takeTopLevelItem(self.phrase_list.indexOfTopLevelItem(item))

    def restore_built_in(self) -> None:
        self._fill_lexicon(self.default_lexicon)
        self._count()

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(bool(self.phrase_list.selectedItems()))

    # -- counting, on a worker ------------------------------------------------------------------

    def _count(self) -> None:
        """Count what every phrase matches in the archive shown (all at once, in one pass)."""
        if self.count_matches is None:
            return
        missing = [p for p in self.phrases() if p not in self.counts]
        if not missing or self.counting is not None:  # one count at a time; the next follows
            return
        self.count_status.setText("Counting the tweets each phrase marks…")
        job = self.count_matches(missing)
        worker = Worker(lambda progress, cancel: job())
        worker.signals.finished.connect(self._counted.done)
        worker.signals.failed.connect(self._count_failed)
        self.counting = worker
        self._workers.append(worker)
        start(worker, self.pool)

    def _count_failed(self, sentence: str, _details: str) -> None:
        """The counts are a help, not the settings: say why they are missing, nothing more."""
        self.counting = None
        self.count_status.setText(sentence)

    def _show_counts(self, counts: dict[str, int | None]) -> None:
        self.counting = None
        self.counts.update(counts)
        for item in self._phrase_items():
            item.setText(1, self._count_text(item.text(0)))
        unused = sum(1 for p in self.phrases() if self.counts.get(p) == 0)
        self.count_status.setText(
            f"{plural(unused, 'phrase')} of {len(self.phrases())} "
            f"{'marks' if unused == 1 else 'mark'} no tweet of this archive."
            if unused
            else ""
        )
        self._count()  # phrases added while counting

    # -- own websites, threshold ------------------------------------------------------------------

    def _domains_tab(self, domains: list[str] | None) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(
            _explain(
                f"<b>For {self.account} only</b> (each account in this library has its own). "
                "Tweets that link to your own websites (shop, booking page, newsletter) count "
                "as promotional; their subdomains count too."
            )
        )
        self.suggest = QCheckBox("Suggest them from my tweets")
        self.suggest.setToolTip("The domains you link most often from tweets that use sales words")
        box.addWidget(self.suggest)
        self.domain_list = QListWidget()
        self.domain_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.domain_list.itemSelectionChanged.connect(self._domain_selection_changed)
        box.addWidget(self.domain_list, 1)
        self.no_domains = QLabel("No own websites: links never make a tweet promotional.")
        self.no_domains.setWordWrap(True)
        box.addWidget(self.no_domains)
        box.addLayout(self._domain_add_row())
        self.suggest.toggled.connect(self._suggest_toggled)
        self.suggest.setChecked(domains is None)
        self._suggest_toggled(domains is None)
        if domains is not None:
            self._fill_domains(domains)
        return page

    def _domain_add_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.new_domain = QLineEdit()
        self.new_domain.setPlaceholderText("A website to add, e.g. myshop.com")
        self.new_domain.returnPressed.connect(self._add_typed_domain)
        self.add_domain_button = QPushButton("Add")
        self.add_domain_button.clicked.connect(self._add_typed_domain)
        self.remove_domain_button = QPushButton("Remove")
        self.remove_domain_button.setEnabled(False)
        self.remove_domain_button.clicked.connect(self.remove_selected_domains)
        for w in (self.new_domain, self.add_domain_button, self.remove_domain_button):
            row.addWidget(w)
        row.setStretch(0, 1)
        return row

    def _fill_domains(self, domains: list[str]) -> None:
        self.domain_list.clear()
        self.domain_list.addItems(domains)
        self.no_domains.setVisible(not domains)

    def domains(self) -> list[str]:
        return [self.domain_list.item(i).text() for i in range(self.domain_list.count())]

    def add_domain(self, text: str) -> bool:
        """Add the website *text* names (a pasted address counts by its domain); False for
        an empty one or one already there."""
        domain = clean_domain(text)
        if not domain or "." not in domain or domain in self.domains():
            return False
        self.domain_list.addItem(domain)
        self.no_domains.hide()
        return True

    def _add_typed_domain(self) -> None:
        if self.add_domain(self.new_domain.text()):
            self.new_domain.clear()
        else:
            self.new_domain.selectAll()
            self.no_domains.setText("That is not a website address, or it is already listed.")
            self.no_domains.show()

    def remove_selected_domains(self) -> None:
        for item in self.domain_list.selectedItems():
            self.domain_list.takeItem(self.domain_list.row(item))
        self.no_domains.setText("No own websites: links never make a tweet promotional.")
        self.no_domains.setVisible(not self.domains())

    def _domain_selection_changed(self) -> None:
        editable = not self.suggest.isChecked()
        self.remove_domain_button.setEnabled(editable and bool(self.domain_list.selectedItems()))

    def _suggest_toggled(self, on: bool) -> None:
        """The suggestion is shown as it is (read only); unticked, the list is the person's."""
        self.domain_list.setEnabled(not on)
        for w in (self.new_domain, self.add_domain_button):
            w.setEnabled(not on)
        if on:
            self._fill_domains(self.suggested)
        self._domain_selection_changed()

    def _threshold_tab(self, threshold: float) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(
            _explain(
                LIBRARY_WIDE + "How alike two tweets must be to count as the same message sent "
                "again. Lower finds more, and looser, matches; higher only near-copies. Tweets "
                f"under five words only match exactly. The default, {self.default_threshold:g}, "
                "was chosen by measurement on archives with known re-sent messages."
            )
        )
        row = QHBoxLayout()
        row.addWidget(QLabel("Similarity threshold:"))
        self.threshold = QSpinBox()
        self.threshold.setRange(50, 100)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(round(threshold))
        row.addWidget(self.threshold)
        default = QPushButton("Default")
        default.clicked.connect(lambda: self.threshold.setValue(round(self.default_threshold)))
        row.addWidget(default)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)
        return page

    # -- the result ------------------------------------------------------------------------------

    def lexicon_text(self) -> str | None:
        """The lexicon as the core stores it: None for the built-in one; the text it was
        opened with when its entries are unchanged; else the head comments, the phrases and
        the patterns, one a line."""
        patterns = [p.strip() for p in self.patterns.toPlainText().splitlines() if p.strip()]
        entries = [*self.phrases(), *(f"re:{p}" for p in patterns)]
        # Order does not matter (the longest phrase is tried first anyway).
        if sorted(entries) == sorted(Lexicon(self.default_lexicon).entries):
            return None
        opened = self.current.lexicon
        if opened is not None and sorted(entries) == sorted(Lexicon(opened).entries):
            return opened
        return self.lexicon_head + "\n".join(entries) + "\n"

    def settings(self) -> AnalysisSettings:
        """What the dialog holds, in the terms the core stores."""
        domains = None
        if not self.suggest.isChecked():
            domains = self.domains()
        return AnalysisSettings(self.lexicon_text(), domains, float(self.threshold.value()))

    def done(self, result: int) -> None:
        """Closing stops a count still running (its answer has nowhere to go)."""
        if self.counting is not None:
            self.counting.cancel()
        super().done(result)
