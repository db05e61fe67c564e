"""The Overview's before and after: two periods of the account, figure by figure
(``metrics.md``, "Before and after").

Off until asked for (a comparison costs two reports). Then the last 12 months of the archive
against the 12 before, or the 12 months before a date the consultant picks against the time
from it. The core decides the periods, the verdicts and, for a period under 30 tweets, that
there is no verdict: this panel shows its figures and its words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from archivelens import pipeline
from archivelens.analysis import report
from archivelens.analysis.comparison import Comparison, Row
from archivelens.analysis.scope import Scope
from archivelens.gui.context import LibraryContext
from archivelens.gui.scope_bar import DateBox
from archivelens.gui.text_fit import wrapping
from archivelens.gui.workers import Loader
from archivelens.words import number, percent

OFF, LAST_YEAR, BASELINE = "off", "last_year", "baseline"
MODES = (
    (OFF, "No comparison"),
    (LAST_YEAR, "Last 12 months against the 12 before"),
    (BASELINE, "Before and after a date"),
)
VERDICT_MARKS = {"better": "▲ better", "worse": "▼ worse", "same": "= about the same"}
Followers = tuple[dict[str, int], list[str]] | None


@dataclass(frozen=True)
class Asked:
    """What the panel compares, so an export can compare the same: the day the work began
    (``--baseline``), or None for the last 12 months against the 12 before (``--compare``);
    and the comparison in words, for the question that offers it."""

    baseline: str | None
    words: str


def figure(value: object, kind: str) -> str:
    """One period's value: shares as percentages, other numbers as people read them."""
    if value is None:
        return "–"
    if kind == "share":
        return percent(value)  # type: ignore[arg-type]
    return number(value)  # type: ignore[arg-type]


def change(row: Row) -> str:
    """The change after − before: percentage points for shares, a signed number else."""
    if row.change is None:
        return "–"
    if abs(row.change) < 0.05:  # "+0" reads as a gain
        return "0 pt" if row.kind == "share" else "0"
    if row.kind == "share":
        text = f"{row.change:+.1f} pt"
    else:
        text = f"{row.change:+,.0f}" if row.kind == "count" else f"{row.change:+,.1f}"
    return text.replace("-", "\u2212")  # a minus sign, as wide as the plus


def rows_table(result: Comparison) -> str:
    """Every compared figure as a rich-text table: before, after, change and the verdict."""
    head = "".join(
        f"<th align={a}>{t}</th>"
        for t, a in (
            ("", "left"),
            ("before", "right"),
            ("after", "right"),
            ("change", "right"),
            ("", "left"),
        )
    )
    rows = "".join(
        f"<tr><td>{escape(report.label(r.metric))}</td>"
        f"<td align=right>{figure(r.before, r.kind)}</td>"
        f"<td align=right><b>{figure(r.after, r.kind)}</b></td>"
        f"<td align=right>{change(r)}</td>"
        f"<td>{VERDICT_MARKS.get(r.verdict or '', '')}</td></tr>"
        for r in result.rows
    )
    return f"<table cellpadding=3><tr>{head}</tr>{rows}</table>"


def periods_line(result: Comparison) -> str:
    b, a = result.before, result.after
    return (
        f"Before: {b.start} to {b.end} ({number(result.before_tweets)} tweets) · "
        f"After: {a.start} to {a.end} ({number(result.after_tweets)} tweets)"
    )


def followers_line(followers: Followers) -> str:
    """Followers gained and lost between the archives nearest each period's end, and any list
    that could not be compared; empty with a single archive."""
    if followers is None:
        return ""
    counts, missing = followers
    said = (
        f"Followers gained {number(counts.get('gained_follower', 0))}, lost "
        f"{number(counts.get('lost_follower', 0))} between the archives nearest each "
        "period's end."
    )
    return " ".join([said, *missing])


class ComparisonPanel(QWidget):
    """A mode box, a baseline date box, and the comparison the core made for them."""

    def __init__(self, ctx: LibraryContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scope: Scope | None = None
        self.result: Comparison | None = None
        self.followers: Followers = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.mode = QComboBox()
        for key, text in MODES:
            self.mode.addItem(text, key)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.baseline = DateBox()
        self.baseline.setToolTip("The day your work with this account began")
        self.baseline.hide()
        self.baseline_label = QLabel("work began on")
        self.baseline_label.hide()
        self._typing = QTimer(self)  # a typed date changes digit by digit: wait for a pause
        self._typing.setSingleShot(True)
        self._typing.setInterval(400)
        self._typing.timeout.connect(self._compare)
        self.baseline.dateChanged.connect(lambda _d: self._typing.start())
        for w in (QLabel("<b>Before and after:</b>"), self.mode, self.baseline_label):
            bar.addWidget(w)
        bar.addWidget(self.baseline)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.periods = wrapping(QLabel())
        self.table = wrapping(QLabel())
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.followers_label = wrapping(QLabel())
        self.note = wrapping(QLabel())
        for w in (self.periods, self.table, self.followers_label, self.note):
            layout.addWidget(w)
        self.loader = Loader(ctx, self)
        self.loader.failed.connect(lambda sentence, _details: self._say(sentence))
        self._clear()

    def active(self) -> bool:
        return self.mode.currentData() != OFF

    def asked(self) -> Asked | None:
        """The comparison shown (or being made), None when off: the periods when known, else
        the mode in words."""
        if self.scope is None or not self.active():
            return None
        baseline = None
        if self.mode.currentData() == BASELINE:
            baseline = self.baseline.date().toString("yyyy-MM-dd")
        if self.result is not None:
            b, a = self.result.before, self.result.after
            words = f"{b.start} to {b.end} with {a.start} to {a.end}"
        elif baseline is None:
            words = "the last 12 months with the 12 before"
        else:
            words = f"the 12 months before {baseline} with the time from it"
        return Asked(baseline, words)

    def set_mode(self, mode: str, baseline: date | None = None) -> None:
        """Choose a mode (and the baseline date) as a person would in the boxes."""
        if baseline is not None:
            self.baseline.blockSignals(True)
            self.baseline.setDate(QDate(baseline.year, baseline.month, baseline.day))
            self.baseline.blockSignals(False)
        if self.mode.currentData() == mode:
            self._compare()
        else:
            self.mode.setCurrentIndex(self.mode.findData(mode))

    def refresh(self, scope: Scope) -> None:
        """The scope changed: compare again if a comparison is shown."""
        new_account = self.scope is None or self.scope.snapshot_id != scope.snapshot_id
        self.scope = scope
        if new_account:
            self._default_baseline(scope)
        self._compare()

    def _default_baseline(self, scope: Scope) -> None:
        """Start the date box a year before the archive's date, its last day the latest."""
        end = scope.generated_at.date()
        last = QDate(end.year, end.month, end.day)
        self.baseline.blockSignals(True)
        self.baseline.setMaximumDate(last)
        self.baseline.setDate(last.addYears(-1))
        self.baseline.blockSignals(False)

    def _mode_changed(self) -> None:
        dated = self.mode.currentData() == BASELINE
        self.baseline.setVisible(dated)
        self.baseline_label.setVisible(dated)
        self._compare()

    def _compare(self) -> None:
        self._typing.stop()
        scope = self.scope
        self.result = None  # the periods shown are no longer those asked for
        asked = self.asked()
        if scope is None or asked is None:
            self._clear()
            return
        baseline = asked.baseline
        self.periods.setText("Comparing…")
        self.periods.show()
        self.loader.request(lambda con: pipeline.compare(con, scope, baseline=baseline), self._show)

    def _show(self, found: tuple[Comparison, Followers]) -> None:
        if not self.active():
            return
        self.result, self.followers = found
        self.periods.setText(periods_line(self.result))
        self.table.setText(rows_table(self.result))
        self.table.show()
        line = followers_line(self.followers)
        self.followers_label.setText(line)
        self.followers_label.setVisible(bool(line))
        # The periods are said above; the core's note matters when it withholds the verdicts.
        self.note.setText("" if self.result.judged else self.result.note)
        self.note.setVisible(not self.result.judged)

    def _say(self, sentence: str) -> None:
        """A comparison that cannot be made (a baseline after the archive's last day): said
        here, in place of the table, not in a dialog."""
        self._clear()
        self.note.setText(sentence)
        self.note.show()

    def _clear(self) -> None:
        self.result, self.followers = None, None
        for w in (self.periods, self.table, self.followers_label, self.note):
            w.clear()
            w.hide()
