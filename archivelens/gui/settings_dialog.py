"""Tools ▸ Analysis Settings: the sales words, the owner's own websites, the duplicate threshold.

The dialog only edits values; the window applies them on a worker (reclassifying and
re-clustering can take a while on a big archive), all or nothing.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from archivelens.analysis import promotion
from archivelens.pipeline import AnalysisSettings


def _explain(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class AnalysisSettingsDialog(QDialog):
    def __init__(
        self,
        current: AnalysisSettings,
        default_lexicon: str,
        suggested_domains: list[str],
        default_threshold: float,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Analysis Settings")
        self.current = current
        self.default_lexicon = default_lexicon
        self.suggested = suggested_domains
        self.default_threshold = default_threshold
        tabs = QTabWidget()
        tabs.addTab(self._lexicon_tab(current.lexicon), "Sales words")
        tabs.addTab(self._domains_tab(current.own_domains), "Your websites")
        tabs.addTab(self._threshold_tab(current.threshold), "Duplicates")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addWidget(
            _explain(
                "<small>Applying recomputes which tweets are promotional and which are "
                "re-sent messages; your reviews, notes and per-tweet choices are kept.</small>"
            )
        )
        layout.addWidget(buttons)
        self.resize(620, 520)

    def _lexicon_tab(self, lexicon: str | None) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(
            _explain(
                "A tweet that contains any of these words or phrases counts as promotional "
                "(retweets never do). One per line; a line starting with # is a comment, one "
                "starting with <code>re:</code> is a pattern. Up to "
                f"{promotion.MAX_ENTRIES:,} lines of up to {promotion.MAX_LINE:,} characters "
                f"({promotion.MAX_PATTERNS:,} patterns)."
            )
        )
        self.lexicon = QPlainTextEdit(lexicon if lexicon is not None else self.default_lexicon)
        self.lexicon.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        box.addWidget(self.lexicon, 1)
        restore = QPushButton("Restore the built-in list")
        restore.clicked.connect(lambda: self.lexicon.setPlainText(self.default_lexicon))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(restore)
        box.addLayout(row)
        return page

    def _domains_tab(self, domains: list[str] | None) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(
            _explain(
                "Tweets that link to your own websites (shop, booking page, newsletter) count "
                "as promotional. One domain per line, e.g. <code>myshop.com</code>; its "
                "subdomains count too."
            )
        )
        self.suggest = QCheckBox("Suggest them from my tweets")
        self.suggest.setToolTip("The domains you link most often from tweets that use sales words")
        self.domains = QPlainTextEdit()
        self.domains.setPlaceholderText("No own websites: links never make a tweet promotional.")
        self.suggest.toggled.connect(self._suggest_toggled)
        self.suggest.setChecked(domains is None)
        self._suggest_toggled(domains is None)
        if domains is not None:
            self.domains.setPlainText("\n".join(domains))
        box.addWidget(self.suggest)
        box.addWidget(self.domains, 1)
        return page

    def _suggest_toggled(self, on: bool) -> None:
        self.domains.setReadOnly(on)
        self.domains.setEnabled(not on)
        if on:
            self.domains.setPlainText("\n".join(self.suggested))

    def _threshold_tab(self, threshold: float) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(
            _explain(
                "How alike two tweets must be to count as the same message sent again. Lower "
                "finds more, and looser, matches; higher only near-copies. Tweets under five "
                f"words only match exactly. The default, {self.default_threshold:g}, was "
                "chosen by measurement on archives with known re-sent messages."
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

    def settings(self) -> AnalysisSettings:
        """What the dialog holds; a lexicon equal to the built-in one means the built-in one."""
        text = self.lexicon.toPlainText()
        lexicon = None if text.strip() == self.default_lexicon.strip() else text
        domains = None
        if not self.suggest.isChecked():
            domains = [d.strip() for d in self.domains.toPlainText().splitlines() if d.strip()]
        return AnalysisSettings(lexicon, domains, float(self.threshold.value()))
