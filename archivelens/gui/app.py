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

from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication

from archivelens import scratch
from archivelens.errors import UserError
from archivelens.gui import APP_NAME, single_instance
from archivelens.gui.settings import Settings
from archivelens.gui.startup import StartupFrame, when_on_screen
from archivelens.store.paths import resolve_library_path

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


def claim(
    library: Path, files: list[Path], parent: QObject | None = None
) -> single_instance.InstanceServer | None:
    """Hand *files* to the app already running on *library* (None: it took them), or become
    that app: the name is ours, requests queue until the window is ready. Either way before
    the library is opened, so a second launch never meets the library's lock."""
    name = single_instance.server_name(library)
    for _attempt in range(2):  # twice: another launch may claim the name in between
        if single_instance.hand_over(name, files):
            return None
        server = single_instance.InstanceServer(name, parent or QApplication.instance())
        if server.listen():
            return server
    return server  # not listening: this app still runs, the library's lock has the last word


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
    """The app: a window at once (the startup frame), the library and the views after."""
    existing = QApplication.instance()  # typed as the QCoreApplication it may be: check
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
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
    files = [Path(archive).expanduser()] if archive and not demo else []
    server = None
    if not demo:  # the demo's library is its own: no other process can want it
        claimed = claim(path, files)
        if claimed is None:
            return 0  # the app already running on this library took the files
        server = claimed
    frame = StartupFrame(Settings(), app.windowIcon())
    opened: list = []  # the main window (kept referenced), or the exit code if it could not

    def build() -> None:
        from archivelens import pipeline
        from archivelens.gui.widgets import show_error

        pipeline.remove_leftovers()  # what killed runs left, as every run does first
        try:
            window = open_window(path, remember=not demo)
        except UserError as err:
            window = None
            frame.hide()
            show_error(None, str(err))  # type: ignore[arg-type]
        if window is None:  # could not open, or the person closed the offer to rebuild
            opened.append(2)
            app.exit(2)
            return
        opened.append(window)
        frame.replace_with(window)
        if server is not None:
            single_instance.Instances(server, path, app)  # lives as long as the app
        if demo:
            sample = resources.files("archivelens.resources").joinpath("sample-archive.zip")
            window.import_archive(Path(str(sample)))
        elif archive:
            window.import_archive(files[0])

    try:
        when_on_screen(frame, build)
        frame.show()
        code = app.exec()
        return 2 if 2 in opened else code
    finally:
        if temp:
            scratch.discard(temp)


def _close_on_signals(app: QApplication) -> None:
    """SIGTERM (a logout, ``kill``), SIGHUP (a closed terminal) and Ctrl+C close every window
    as its close button does, without asking: running work is cancelled (the library stays as
    it was), and the demo's throwaway library is removed.

    Python runs a signal handler only between its own bytecodes, never while Qt's loop waits:
    the signal also writes to a socket Qt watches, which brings Python back at once."""

    def close_all() -> None:
        from archivelens.gui.main_window import MainWindow  # loaded by then; not before the frame

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
