"""Starting the desktop app: ``archivelens`` (your library) or ``archivelens --demo``."""

from __future__ import annotations

import sys
import tempfile
import traceback
from importlib import resources
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

from archivelens.errors import UserError
from archivelens.store.library import resolve_library_path


def app_icon() -> QIcon:
    """A drawn icon (a lens over a speech bubble), so no image file has to ship."""
    icon = QIcon()
    for size in (16, 32, 64, 128, 256):
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(QColor("#2E86AB"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(0, 0, size, size, size * 0.2, size * 0.2)
        p.setPen(QColor("white"))
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 0.6))
        p.setFont(font)
        p.drawText(pix.rect(), Qt.AlignmentFlag.AlignCenter, "a")
        p.end()
        icon.addPixmap(pix)
    return icon


def report_unexpected(exc_type, exc, tb) -> None:
    """A bug in a slot: one sentence to the user, the traceback behind "Show Details…" (and on
    stderr), and the app carries on — never a bare traceback, never a silent failure."""
    from archivelens.gui.widgets import show_error

    details = "".join(traceback.format_exception(exc_type, exc, tb))
    sys.stderr.write(details)
    show_error(
        QApplication.activeWindow(),  # type: ignore[arg-type]
        f"Something went wrong ({exc_type.__name__}); what you saved is safe.",
        details,
    )


def run(demo: bool = False, library: str | None = None) -> int:
    from archivelens.gui.main_window import MainWindow
    from archivelens.gui.widgets import show_error

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("archivelens")
    app.setOrganizationName("archivelens")
    app.setWindowIcon(app_icon())
    sys.excepthook = report_unexpected
    temp = tempfile.TemporaryDirectory(prefix="archivelens-demo-") if demo else None
    path = Path(temp.name) / "demo.duckdb" if temp else resolve_library_path(library)
    try:
        window = MainWindow(path, remember=not demo)
    except UserError as err:
        show_error(None, str(err))  # type: ignore[arg-type]
        return 2
    window.show()
    if demo:
        sample = resources.files("archivelens.resources").joinpath("sample-archive.zip")
        window.import_archive(Path(str(sample)))
    code = app.exec()
    if temp:
        temp.cleanup()
    return code
