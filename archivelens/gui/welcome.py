"""The welcome page of an empty library: where to drop the archive, how to get one, the sample,
and recent libraries."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from archivelens.gui.text_fit import breakable, wrapping


class WelcomePage(QWidget):
    open_archive = Signal()
    try_sample = Signal()
    open_library = Signal(Path)

    def __init__(self, icon: QIcon, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        self.drop_zone = QFrame()
        self.drop_zone.setObjectName("dropZone")  # styled in widgets.STYLE; lit while dragging
        self.drop_zone.setMaximumWidth(720)
        self.drop_zone.setMinimumHeight(360)
        box = QVBoxLayout(self.drop_zone)
        box.setContentsMargins(40, 32, 40, 32)
        box.addStretch(1)
        logo = QLabel()
        logo.setPixmap(icon.pixmap(72, 72))  # the app's icon (none in tests)
        title = QLabel("<h1>Drop your Twitter archive here</h1>")
        text = QLabel(
            "<p>Drop the <b>.zip</b> Twitter/X sent you (or its extracted folder) anywhere on "
            "this window, or use <b>File ▸ Open Archive…</b> (Ctrl+O).</p>"
            "<p>How do I get my archive? On Twitter/X: <i>Settings ▸ Your account ▸ Download "
            "an archive of your data</i>. It arrives by email as a zip.</p>"
            "<p><b>Everything stays on this computer</b>: archivelens never goes online.</p>"
        )
        text.setWordWrap(True)
        for w in (logo, title, text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.addWidget(w)
        box.addLayout(self._buttons())
        self.recent = QLabel()
        self.recent.setAlignment(Qt.AlignmentFlag.AlignCenter)
        wrapping(self.recent)
        self.recent.linkActivated.connect(lambda link: self.open_library.emit(Path(link)))
        box.addWidget(self.recent)
        box.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.drop_zone, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        open_button = QPushButton("Open Archive…")
        open_button.setDefault(True)
        open_button.clicked.connect(self.open_archive)
        sample = QPushButton("Try the sample archive")
        sample.clicked.connect(self.try_sample)
        row.addWidget(open_button)
        row.addWidget(sample)
        row.addStretch(1)
        return row

    def set_recent(self, libraries: list[Path]) -> None:
        links = " · ".join(
            f"<a href='{escape(str(p), quote=True)}'>{escape(breakable(p.name))}</a> "
            f"<small>(in&nbsp;{escape(breakable(p.parent.name or str(p.parent)))})</small>"
            for p in libraries[:4]
        )
        self.recent.setText(f"<p>Or open a recent library: {links}</p>" if links else "")
        self.recent.setVisible(bool(links))

    def set_drop_hover(self, on: bool) -> None:
        self.drop_zone.setProperty("hover", on)
        self.drop_zone.style().unpolish(self.drop_zone)
        self.drop_zone.style().polish(self.drop_zone)
