"""Text that never widens its window.

A QLabel asks for the width of its text (a word-wrapped one, for its longest word): a long path,
file name, note or sentence then grows the whole window past the screen. Labels showing
data-dependent text use one of these instead: one line that elides (the whole text in its
tooltip), or wrapping text whose long runs may break anywhere.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ZWSP = "\u200b"  # a break opportunity, unseen
_LONG_RUN = re.compile(r"\S{24,}")


class ElidedLabel(QLabel):
    """One line of plain text: as much as fits, ending in "…"; the whole text in the tooltip
    when it does not fit. It asks for its full width but accepts as little as a few letters."""

    MIN_CHARS = 6

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
    ) -> None:
        super().__init__(parent)
        self._mode = mode
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tooltip()

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        width = min(metrics.horizontalAdvance("x" * self.MIN_CHARS + "…"), self.sizeHint().width())
        return QSize(width, super().minimumSizeHint().height())

    def elided(self) -> str:
        """The text as shown at the label's present width."""
        room = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), self._mode, room)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        self.setToolTip("" if self.elided() == self.text() else self.text())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment()) | int(Qt.AlignmentFlag.AlignVCenter),
            self.palette(),
            self.isEnabled(),
            self.elided(),
            self.foregroundRole(),
        )


def wrapping(label: QLabel) -> QLabel:
    """Word-wrap *label* and let it be as narrow as its layout needs (its height follows)."""
    label.setWordWrap(True)
    policy = label.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    label.setSizePolicy(policy)
    label.setMinimumWidth(label.fontMetrics().horizontalAdvance("x" * 16))
    return label


def breakable(text: str) -> str:
    """*text* with an unseen break opportunity every 20 characters of a long unbroken run (a
    URL, a name without spaces), so a word-wrapped label can wrap it instead of widening."""
    return _LONG_RUN.sub(lambda m: ZWSP.join(_chunks(m.group(0), 20)), text)


def _chunks(run: str, size: int) -> list[str]:
    return [run[i : i + size] for i in range(0, len(run), size)]
