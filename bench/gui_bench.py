"""The desktop app's responsiveness, offscreen.

    QT_QPA_PLATFORM=offscreen python bench/gui_bench.py

1. **Launch**: a fresh process from start to the main window shown on an existing library.
2. **Event-loop stalls during an import**: a 5 ms QTimer heartbeat while the window imports the
   200k-tweet / 300k-follower archive on its worker and then shows its Overview; the longest
   gap between beats (target ≤ 100 ms).
3. **Scrolling the Tweets view over a 2M-tweet library**: median time of ``data()`` for display
   cells (target ≤ 50 µs) and of a page fetch (``fetchMore``, target ≤ 30 ms).
4. **Views over the 2M-tweet / 5M-follower library**: for each view and common action, how long
   the GUI thread is blocked and how long until the answer shows (work runs on workers).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LAUNCH = """
import time, sys, os
start = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QApplication
from archivelens.gui.main_window import MainWindow
from archivelens.gui.settings import Settings
app = QApplication([])
settings = Settings(QSettings({ini!r}, QSettings.Format.IniFormat))
window = MainWindow(Path({db!r}), settings, QThreadPool())
window.show()
app.processEvents()
print("LAUNCH", time.perf_counter() - start)
window.close()
"""


def launch(db: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        script = LAUNCH.format(ini=str(Path(tmp) / "s.ini"), db=str(db))
        times = []
        for _ in range(3):
            start = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT
            )
            wall = time.perf_counter() - start
            inner = float(
                next(ln.split()[1] for ln in out.stdout.splitlines() if ln.startswith("LAUNCH"))
            )
            times.append((wall, inner))
    wall, inner = sorted(times)[1]
    print(
        f"1. launch to first window (2M library): {wall:.2f} s for the process, "
        f"{inner:.2f} s of it after Python started (median of 3)"
    )


def _window(tmp: str, library: Path):
    """A main window on *library* with settings kept in *tmp*, and the QApplication."""
    from PySide6.QtCore import QSettings, QThreadPool
    from PySide6.QtWidgets import QApplication

    from archivelens.gui.main_window import MainWindow
    from archivelens.gui.settings import Settings

    app = QApplication.instance() or QApplication([])
    settings = Settings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
    return app, MainWindow(library, settings, QThreadPool())


def stalls(archive: Path) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer

    with tempfile.TemporaryDirectory() as tmp:
        app, window = _window(tmp, Path(tmp) / "lib.duckdb")
        window.show()
        clock = QElapsedTimer()
        gaps: list[float] = []
        last = [0.0]

        def beat() -> None:
            now = clock.nsecsElapsed() / 1e6
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(beat)
        clock.start()
        timer.start()
        start = time.perf_counter()
        worker = window.import_archive(archive)
        assert worker is not None
        overview = window.views["Overview"]
        while window.worker is not None or overview.loader.busy():
            app.processEvents()
            time.sleep(0.001)
        took = time.perf_counter() - start
        timer.stop()
        window.close()
    print(
        f"2. import of {archive.name} through the window, to its Overview shown: {took:.1f} s; "
        "longest event-loop "
        f"gap {max(gaps):.0f} ms (heartbeat 5 ms; median {statistics.median(gaps):.1f} ms; "
        f"{sum(g > 100 for g in gaps)} gaps over 100 ms)"
    )


def scrolling(db: Path) -> None:
    from PySide6.QtCore import QModelIndex, Qt

    with tempfile.TemporaryDirectory() as tmp:
        app, window = _window(tmp, db)
        window.sidebar.setCurrentRow(3)
        view = window.views["Tweets"]
        wait(app, view)
        model = view.model
        fetches = []
        for _ in range(20):
            start = time.perf_counter()
            model.fetchMore(QModelIndex())
            fetches.append(time.perf_counter() - start)
        rows, cols = model.rowCount(), model.columnCount()
        indexes = [model.index(r, c) for r in range(0, rows, 3) for c in range(cols)]
        cells = []
        for index in indexes:
            start = time.perf_counter_ns()
            model.data(index, Qt.ItemDataRole.DisplayRole)
            cells.append(time.perf_counter_ns() - start)
        window.close()
    print(
        f"3. Tweets view over {model.total():,} tweets: page fetch ({model.page_size} rows) "
        f"median {statistics.median(fetches) * 1000:.1f} ms, max {max(fetches) * 1000:.1f} ms; "
        f"data() median {statistics.median(cells) / 1000:.1f} µs over {len(cells):,} cells"
    )


def wait(app, view) -> None:
    while view.loader.busy():
        app.processEvents()
        time.sleep(0.001)


def views(db: Path) -> None:
    from PySide6.QtCore import Qt

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "library.duckdb"  # review keys write: keep the cached library as is
        shutil.copy(db, copy)
        app, window = _window(tmp, copy)
        window.show()
        v = window.views

        def act(label: str, fn, view) -> None:
            start = time.perf_counter()
            fn()
            blocked = time.perf_counter() - start
            wait(app, view)
            ready = time.perf_counter() - start
            print(f"   {label:34s} GUI blocked {blocked * 1000:6.1f} ms, shown after {ready:.2f} s")

        print("4. views over the 2M-tweet / 5M-follower library:")
        for row, name in enumerate(("Overview", "Follow-back", "Duplicates", "Tweets")):
            act(f"open {name}", lambda r=row: window.sidebar.setCurrentRow(r), v[name])
        tweets = v["Tweets"]
        act("Tweets: filter by kind", lambda: tweets.kind.setCurrentIndex(2), tweets)
        act(
            "Tweets: sort by likes",
            lambda: tweets.model.sort(6, Qt.SortOrder.DescendingOrder),
            tweets,
        )
        checklist = v["Follow-back"]
        window.sidebar.setCurrentRow(1)
        wait(app, checklist)
        keys = []
        for _ in range(20):
            start = time.perf_counter()
            checklist.set_status("not_for_me")
            keys.append(time.perf_counter() - start)
            wait(app, checklist)
        print(
            f"   {'Follow-back: a review key':34s} GUI blocked "
            f"{statistics.median(keys) * 1000:6.1f} ms median, {max(keys) * 1000:.1f} ms max"
        )
        act("Follow-back: filter by status", lambda: checklist.filter.setCurrentIndex(1), checklist)
        act(
            "date range (Follow-back shown)",
            lambda: window.scope_bar.all_time.setChecked(False),
            checklist,
        )
        window.close()


def main() -> None:
    from bench import analysis_bench, import_bench

    big = analysis_bench.library(2_000_000, 5_000_000)
    launch(big)
    stalls(import_bench.archive("current", 200_000, 300_000))
    scrolling(big)
    views(big)


if __name__ == "__main__":
    main()
