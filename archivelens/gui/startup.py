"""The first second after launch: a window at once, the library after.

Loading DuckDB, Arrow, the analysis and the views takes a second or two; a person who clicked
the icon should see the app's window in the blink a bare Qt window takes. So the app shows
this frame first — the window's title, size and place, the icon and "Opening your library…" —
and, once it is on screen, builds the main window and puts it exactly where the frame is.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPaintEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from archivelens.gui import APP_NAME
from archivelens.gui.settings import Settings


def first_size(available: QSize) -> QSize:
    """A first launch fits the screen it opens on (status bar included), up to 1200×780."""
    return QSize(min(1200, int(available.width() * 0.92)), min(780, int(available.height() * 0.9)))


class StartupFrame(QWidget):
    """Where the main window will be, shown before anything heavy is loaded."""

    painted = Signal()  # once, after the first paint: the frame is on screen

    def __init__(self, settings: Settings, icon: QIcon) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        box = QVBoxLayout(self)
        box.addStretch(1)
        logo = QLabel()
        logo.setPixmap(icon.pixmap(72, 72))
        text = QLabel("Opening your library…")
        for label in (logo, text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.addWidget(label)
        box.addStretch(2)
        self.resize(first_size(self.screen().availableGeometry().size()))
        if geometry := settings.geometry():
            self.restoreGeometry(geometry)
        self._shown = False

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._shown:
            self._shown = True
            QTimer.singleShot(0, self.painted.emit)  # after this paint reached the screen

    def replace_with(self, window: QWidget) -> None:
        """Show *window* where the frame is (size, place, maximised or not), then go."""
        window.restoreGeometry(self.saveGeometry())
        window.show()
        self.close()


def when_on_screen(frame: StartupFrame, build: Callable[[], None]) -> None:
    """Run *build* once *frame* has been painted, unless the person closed it meanwhile."""
    frame.painted.connect(lambda: build() if frame.isVisible() else None)
