"""The cold start: a window at once, DuckDB, Arrow and the library after it is on screen."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QWidget

from archivelens.gui.startup import StartupFrame, when_on_screen


def test_nothing_heavy_loads_before_the_first_window():
    """What ``archivelens`` imports before it shows its first window: no DuckDB, no Arrow,
    no numpy, no analysis, no views (they are most of the second a cold start took)."""
    code = (
        "import sys, archivelens.__main__, archivelens.cli, archivelens.gui.app;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('duckdb', 'pyarrow', 'numpy', 'rapidfuzz', 'xlsxwriter') or m.startswith("
        "('archivelens.pipeline', 'archivelens.analysis', 'archivelens.gui.views', "
        "'archivelens.gui.main_window', 'PySide6.QtCharts'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_main_window_is_built_once_the_frame_is_on_screen(qtbot, settings):
    frame = StartupFrame(settings, QIcon())
    qtbot.addWidget(frame)
    built: list[QWidget] = []

    def build() -> None:
        window = QWidget()
        qtbot.addWidget(window)
        built.append(window)
        frame.replace_with(window)

    when_on_screen(frame, build)
    frame.move(40, 30)
    frame.resize(640, 470)
    frame.show()
    qtbot.waitUntil(lambda: bool(built), timeout=5_000)
    window = built[0]
    assert window.isVisible() and not frame.isVisible()
    assert window.size() == frame.size() and window.pos() == frame.pos()


def test_a_frame_closed_while_starting_builds_nothing(qtbot, settings):
    frame = StartupFrame(settings, QIcon())
    qtbot.addWidget(frame)
    built: list[int] = []
    when_on_screen(frame, lambda: built.append(1))
    frame.show()
    frame.close()  # before the queued "painted" arrives
    qtbot.wait(200)
    assert built == []


def test_the_frame_takes_the_remembered_place(qtbot, settings):
    """Where the window was last time is where the frame (and so the window) opens."""
    first = QWidget()
    qtbot.addWidget(first)
    first.resize(620, 450)
    settings.set_geometry(first.saveGeometry())
    frame = StartupFrame(settings, QIcon())
    qtbot.addWidget(frame)
    assert frame.size() == first.size()
