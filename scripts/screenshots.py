"""Render every view of the demo (the bundled sample archive) to PNG files.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [OUT_DIR]

Writes docs/screenshots/<view>.png (and welcome.png) at 1280×820.
"""

from __future__ import annotations

import sys
import tempfile
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archivelens import pipeline  # noqa: E402
from archivelens.gui.app import app_icon  # noqa: E402
from archivelens.gui.main_window import VIEWS, MainWindow  # noqa: E402
from archivelens.gui.settings import Settings  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        library = Path(tmp) / "demo.duckdb"
        window = MainWindow(library, settings, QThreadPool())
        window.resize(1280, 820)
        window.show()
        app.processEvents()
        window.grab().save(str(out / "welcome.png"))
        sample = resources.files("archivelens.resources").joinpath("sample-archive.zip")
        pipeline.import_archive(Path(str(sample)), library)
        window.ctx.reload_scope()
        window.set_date_bounds()
        for row, name in enumerate(VIEWS):
            window.sidebar.setCurrentRow(row)
            app.processEvents()
            file = out / f"{name.lower().replace('-', '_')}.png"
            window.grab().save(str(file))
            print("wrote", file)
        window.close()


if __name__ == "__main__":
    main()
