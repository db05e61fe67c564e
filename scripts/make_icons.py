"""Render resources/archivelens.svg into the PNG sizes the app and the packages use.

    QT_QPA_PLATFORM=offscreen python scripts/make_icons.py

The PNGs are committed (resources/icons/archivelens-<size>.png), so the app needs no SVG support
at run time and the bundle carries no SVG library; run this again after editing the SVG.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main() -> None:
    app = QGuiApplication([])  # noqa: F841 - QPainter needs an application object
    renderer = QSvgRenderer(str(ROOT / "resources" / "archivelens.svg"))
    out = ROOT / "resources" / "icons"
    out.mkdir(exist_ok=True)
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out / f"archivelens-{size}.png"
        image.save(str(target))
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
