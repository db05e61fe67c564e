"""One running app per user and library.

"Open With ArchiveLens" on a zip, or ``archivelens FILE.zip``, while the app already has that
library open, would fail on the library's lock ("in use by another program"). Instead the new
process hands its files to the running one over a local socket (``QLocalServer`` /
``QLocalSocket``, named after the user and the library) and leaves; the running window comes to
the front and imports them. This happens before the new process opens the library, and before
it loads anything heavy.

The first process claims the name as soon as it starts and queues what arrives until its window
is ready. A socket left behind by a crashed app is noticed (nobody answers on it) and replaced.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

CONNECT_MS = 500  # a live app accepts at once (the kernel does, even before its event loop)
ANSWER_MS = 20_000  # an app still starting answers once its event loop runs
OK, GONE = b"ok\n", b"gone\n"


def server_name(library: Path) -> str:
    """The socket's name for *library* and this user: the same for every process of the user
    opening that library (however its path is spelled), different for anyone else."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container): the uid will do
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    key = f"{user}\0{os.path.normcase(str(library.expanduser().resolve()))}"
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    if sys.platform == "win32":  # a named pipe: the name is global, the user is in the digest
        return f"archivelens-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR")  # private to the user (0700), where it exists
    folder = runtime if runtime and os.path.isdir(runtime) else tempfile.gettempdir()
    return os.path.join(folder, f"archivelens-{digest}")


def hand_over(name: str, files: list[Path]) -> bool:
    """Give *files* (maybe none: then just "come to the front") to the app serving *name*.
    True when it took them; False when no app answers there (this process is the first)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    message = json.dumps({"files": [str(f.expanduser().absolute()) for f in files]})
    socket.write(message.encode() + b"\n")
    socket.flush()
    answer = b""
    while not answer.endswith(b"\n") and socket.waitForReadyRead(ANSWER_MS):
        answer += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return answer == OK


class InstanceServer(QObject):
    """Listens on *name*; each message's files go to *deliver* (once :meth:`ready`; queued
    until then). *deliver* returns False when it cannot take them (its window is gone): the
    sender then opens the library itself."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._deliver: Callable[[list[Path]], bool] | None = None
        self._queued: list[list[Path]] = []

    def listen(self) -> bool:
        """Claim the name; a socket file left by a crashed app (nobody answers) is removed."""
        if self.server.listen(self.name):
            return True
        if self.server.serverError() != QAbstractSocket.SocketError.AddressInUseError:
            return False
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(CONNECT_MS):  # alive after all: not ours to take
            probe.abort()
            return False
        QLocalServer.removeServer(self.name)
        return self.server.listen(self.name)

    def ready(self, deliver: Callable[[list[Path]], bool]) -> None:
        """From now on, files go to *deliver*; what arrived while starting goes first."""
        self._deliver = deliver
        queued, self._queued = self._queued, []
        for files in queued:
            deliver(files)

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            buffer = bytearray()
            socket.readyRead.connect(lambda s=socket, b=buffer: self._read(s, b))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket, buffer)

    def _read(self, socket: QLocalSocket, buffer: bytearray) -> None:
        buffer += bytes(socket.readAll().data())
        if not buffer.endswith(b"\n"):
            return
        try:
            files = [Path(f) for f in json.loads(bytes(buffer))["files"]]
        except (ValueError, KeyError, TypeError):
            socket.abort()  # not ours: nothing to answer
            return
        buffer.clear()
        taken = True
        if self._deliver is None:
            self._queued.append(files)
        else:
            taken = self._deliver(files)
        socket.write(OK if taken else GONE)
        socket.flush()
        if not taken:  # the window closed: leave the name to the next app
            QTimer.singleShot(0, self.close)


class Instances(QObject):
    """This process's servers: one per library with a window open (File ▸ Open Library…
    opens another window, on another library: it gets its own name when first focused).
    Files handed over go to that library's window, one import after another."""

    POLL_MS = 300  # how often a queued file checks whether the window is free again

    def __init__(self, first: InstanceServer, library: Path, parent: QObject) -> None:
        super().__init__(parent)
        first.setParent(self)
        self.servers: dict[str, InstanceServer] = {}
        self.waiting: list[tuple[Path, Path]] = []  # (library, file) not yet imported
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self._next)
        self._serve(first, library)
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.focusWindowChanged.connect(self._focus_changed)

    def _focus_changed(self, _window: object) -> None:
        self._claim_open_libraries()

    def _serve(self, server: InstanceServer, library: Path) -> None:
        self.servers[server.name] = server
        server.ready(functools.partial(self.deliver, library))

    def _claim_open_libraries(self) -> None:
        for window in _main_windows():
            name = server_name(window.ctx.path)
            if name in self.servers and self.servers[name].server.isListening():
                continue
            server = InstanceServer(name, self)
            if server.listen():
                self._serve(server, window.ctx.path)

    def deliver(self, library: Path, files: list[Path]) -> bool:
        """Bring *library*'s window to the front and queue *files* for it; False when no
        window has that library open any more."""
        window = _window_for(library)
        if window is None:
            return False
        bring_to_front(window)
        self.waiting += [(library, f) for f in files]
        self._next()
        return True

    def _next(self) -> None:
        """Import the next waiting file once its window is free (one job at a time)."""
        while self.waiting:
            library, path = self.waiting[0]
            window = _window_for(library)
            if window is None:
                self.waiting.pop(0)  # its window closed: nothing to import into
                continue
            if window.worker is not None:
                self._timer.start()
                return
            self.waiting.pop(0)
            window.open_dropped([path])
        self._timer.stop()


def bring_to_front(window: QWidget) -> None:
    """Un-minimise, raise and activate *window* (a window manager may only flash it)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def _main_windows() -> list:
    from archivelens.gui.main_window import MainWindow  # loaded by then: no cost

    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, MainWindow) and w.isVisible() and not w.ctx.closed
    ]


def _window_for(library: Path):
    wanted = server_name(library)
    return next((w for w in _main_windows() if server_name(w.ctx.path) == wanted), None)
