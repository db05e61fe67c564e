"""Starting the desktop app: ``archivelens`` (your library) or ``archivelens --demo``."""

from __future__ import annotations

import signal
import socket
import sys
import traceback
from contextlib import suppress
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication

from archivelens import scratch
from archivelens.errors import UserError
from archivelens.gui.widgets import APP_NAME
from archivelens.store.library import resolve_library_path

if TYPE_CHECKING:
    from archivelens.gui.main_window import MainWindow


def app_icon() -> QIcon:
    """The icon in every size shipped (rendered from resources/archivelens.svg)."""
    icon = QIcon()
    folder = resources.files("archivelens.resources").joinpath("icons")
    for entry in folder.iterdir():
        if entry.name.endswith(".png"):
            icon.addPixmap(QPixmap.fromImage(QImage.fromData(entry.read_bytes())))
    return icon


def report_unexpected(exc_type, exc, tb) -> None:
    """A bug in a slot: one sentence to the user, the traceback behind "Show Details…" (and on
    stderr), and the app carries on — never a bare traceback, never a silent failure."""
    from archivelens.gui.widgets import show_error

    if issubclass(exc_type, UserError):  # a full disk or a read-only folder met by a slot
        show_error(QApplication.activeWindow(), str(exc))  # type: ignore[arg-type]
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    sys.stderr.write(details)
    show_error(
        QApplication.activeWindow(),  # type: ignore[arg-type]
        f"Something went wrong ({exc_type.__name__}); what you saved is safe.",
        details,
    )


def open_window(path: Path, **options) -> MainWindow | None:
    """A window on the library at *path*; a damaged library first offers to be rebuilt (None:
    the person closed that offer)."""
    from archivelens.gui.main_window import MainWindow
    from archivelens.gui.rebuild import RebuildDialog
    from archivelens.store.library import LibraryDamaged

    try:
        return MainWindow(path, **options)
    except LibraryDamaged as err:
        dialog = RebuildDialog(err, options.get("pool"))
        if dialog.exec() != RebuildDialog.DialogCode.Accepted:
            return None
        return MainWindow(path, **options)


def run(demo: bool = False, library: str | None = None, archive: str | None = None) -> int:
    from archivelens.gui.widgets import show_error

    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Settings live under "archivelens" (as ever); people see "ArchiveLens".
    app.setApplicationName("archivelens")
    app.setOrganizationName("archivelens")
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("archivelens")  # the .desktop entry: Wayland and taskbars group by it
    app.setWindowIcon(app_icon())
    sys.excepthook = report_unexpected
    _close_on_signals(app)
    # The demo's throwaway library: removed when the app ends, and named after this process so
    # that the next run removes it if this one is killed.
    temp = scratch.make("archivelens-demo-") if demo else None
    path = temp / "demo.duckdb" if temp else resolve_library_path(library)
    try:
        try:
            window = open_window(path, remember=not demo)
        except UserError as err:
            show_error(None, str(err))  # type: ignore[arg-type]
            return 2
        if window is None:
            return 2
        window.show()
        if demo:
            sample = resources.files("archivelens.resources").joinpath("sample-archive.zip")
            window.import_archive(Path(str(sample)))
        elif archive:
            window.import_archive(Path(archive).expanduser())
        return app.exec()
    finally:
        if temp:
            scratch.discard(temp)


def _close_on_signals(app: QApplication) -> None:
    """SIGTERM (a logout, ``kill``), SIGHUP (a closed terminal) and Ctrl+C close every window
    as its close button does, without asking: running work is cancelled (the library stays as
    it was), and the demo's throwaway library is removed.

    Python runs a signal handler only between its own bytecodes, never while Qt's loop waits:
    the signal also writes to a socket Qt watches, which brings Python back at once."""
    from archivelens.gui.main_window import MainWindow

    def close_all() -> None:
        for widget in app.topLevelWidgets():
            if isinstance(widget, MainWindow):
                widget.ask_before_quitting = False
        app.closeAllWindows()

    def stop(*_: object) -> None:
        QTimer.singleShot(0, close_all)  # in the loop: a signal before it starts waits for it

    wake, woken = socket.socketpair()
    for end in (wake, woken):
        end.setblocking(False)
    notifier = QSocketNotifier(woken.fileno(), QSocketNotifier.Type.Read, app)
    notifier.activated.connect(lambda *_: _drain(woken))
    signal.set_wakeup_fd(wake.fileno())
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    _KEEP.extend([wake, woken, notifier])  # alive as long as the app


_KEEP: list[object] = []


def _drain(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.recv(512)
