"""Render every view of the demo (the bundled sample archive) to PNG files.

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \
        python scripts/screenshots.py [OUT_DIR]

On a real X display (Xvfb, Qt's xcb platform: the fonts and metrics a Linux desktop has), writes
docs/screenshots/<view>.png at 1366×768 and <view>-1024x700.png at 1024×700 for every view (the
sizes people's screens have), plus the welcome page, the analysis settings dialog, the Changes
view after a newer archive of the same account (made with the project's generator) and the
Overview in a dark palette, the Overview scrolled to before and after (the last 12 months against
the 12 before) and to what each kind of tweet earned, and the Portfolio of the sample and two
generated clients' libraries. QT_QPA_PLATFORM=offscreen works too, with offscreen metrics.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from datetime import datetime
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archivelens import pipeline  # noqa: E402
from archivelens.gui.app import app_icon  # noqa: E402
from archivelens.gui.main_window import VIEWS, MainWindow  # noqa: E402
from archivelens.gui.settings import Settings  # noqa: E402
from archivelens.gui.views.comparison_panel import LAST_YEAR, OFF  # noqa: E402
from archivelens.gui.workers import Loader  # noqa: E402
from testkit.archivegen import Options, build_story, write_archive  # noqa: E402
from testkit.archivegen.__main__ import SAMPLE  # noqa: E402

SIZES = ((1366, 768), (1024, 700))  # a common laptop screen, and the smallest we design for


def settle(app: QApplication, window: MainWindow) -> None:
    """Let the views' workers finish and their answers land."""
    while (
        window.worker is not None
        or window.views["Portfolio"].busy()
        or any(
            loader.busy() for view in window.views.values() for loader in view.findChildren(Loader)
        )
    ):
        app.processEvents()
    app.processEvents()


def save(widget: QWidget, file: Path) -> None:
    widget.grab().save(str(file))
    print("wrote", file)


def dark_palette() -> QPalette:
    """A dark palette like the desktop's own dark mode (offscreen has no desktop to ask)."""
    p = QPalette()
    for role, color in {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f1f1f",
        QPalette.ColorRole.AlternateBase: "#2b2b2b",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Light: "#505050",
        QPalette.ColorRole.Midlight: "#454545",
        QPalette.ColorRole.Mid: "#9a9a9a",
        QPalette.ColorRole.Dark: "#1a1a1a",
        QPalette.ColorRole.PlaceholderText: "#8a8a8a",
        QPalette.ColorRole.Link: "#7fb2ff",
    }.items():
        p.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return p


def client_libraries(folder: Path) -> list[Path]:
    """Two clients' libraries beside the sample's, made with the project's generator."""
    made = []
    for n, (handle, tweets) in enumerate((("bakery_ann", 700), ("coach_ravi", 1600))):
        spec = replace(
            SAMPLE, owner_handle=handle, owner_id=900 + n, seed=SAMPLE.seed + 10 + n, tweets=tweets
        )
        archive = write_archive(build_story(spec), "current", folder / f"{handle}.zip", Options())
        library = folder / handle / "library.duckdb"
        pipeline.import_archive(archive.path, library)
        made.append(library)
    return made


def scrolled_to(app: QApplication, window: MainWindow, part: QWidget, file: Path) -> None:
    """The Overview scrolled so that *part* is in sight, as a person would scroll to it."""
    window.sidebar.setCurrentRow(VIEWS.index("Overview"))
    settle(app, window)
    scroll = window.views["Overview"].findChild(QScrollArea)
    scroll.verticalScrollBar().setValue(part.y() - 8)
    app.processEvents()
    save(window, file)
    scroll.verticalScrollBar().setValue(0)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        library = Path(tmp) / "demo.duckdb"
        window = MainWindow(library, settings, QThreadPool())
        window.resize(*SIZES[0])
        window.show()
        app.processEvents()
        save(window, out / "welcome.png")
        sample = resources.files("archivelens.resources").joinpath("sample-archive.zip")
        pipeline.import_archive(Path(str(sample)), library)
        window.ctx.reload_scope()
        window.open_portfolio([library, *client_libraries(Path(tmp))])
        overview = window.views["Overview"]
        for width, height in SIZES:
            window.resize(width, height)
            suffix = "" if (width, height) == SIZES[0] else f"-{width}x{height}"
            for row, name in enumerate(VIEWS):
                window.sidebar.setCurrentRow(row)
                settle(app, window)
                if name == "Tweets":  # read the first promotional tweet in the preview
                    tweets = window.views[name]
                    rows = range(tweets.model.rowCount())
                    tweets.table.selectRow(
                        next(r for r in rows if tweets.model.value(r, "promotional"))
                    )
                settle(app, window)
                save(window, out / f"{name.lower().replace('-', '_')}{suffix}.png")
            overview.comparison.set_mode(LAST_YEAR)  # off in the other shots: the chart in sight
            scrolled_to(app, window, overview.comparison, out / f"overview_compare{suffix}.png")
            scrolled_to(app, window, overview.engagement, out / f"overview_earned{suffix}.png")
            overview.comparison.set_mode(OFF)
        window.resize(*SIZES[0])
        dialog = window.settings_dialog()
        dialog.show()
        while dialog.counting is not None:  # each phrase with the tweets it marks
            app.processEvents()
        app.processEvents()
        save(dialog, out / "settings.png")
        dialog.tabs.setCurrentIndex(1)  # the account's own websites, a list like the phrases
        app.processEvents()
        save(dialog, out / "settings_websites.png")
        dialog.close()
        newer = replace(
            SAMPLE, followers=960, seed=SAMPLE.seed + 1, generated_at=datetime(2024, 1, 15)
        )
        archive = write_archive(build_story(newer), "current", Path(tmp) / "newer.zip", Options())
        pipeline.import_archive(archive.path, library)
        window.ctx.reload_scope()
        window.sidebar.setCurrentRow(VIEWS.index("Changes"))
        settle(app, window)
        save(window, out / "changes.png")
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
        window.sidebar.setCurrentRow(VIEWS.index("Overview"))
        settle(app, window)
        save(window, out / "overview_dark.png")
        window.close()


if __name__ == "__main__":
    main()
