"""Everything the app remembers between runs, in one typed place over QSettings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8


class Settings:
    def __init__(self, settings: QSettings | None = None) -> None:
        self._s = settings or QSettings("archivelens", "archivelens")

    def geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    def splitter(self, name: str) -> QByteArray | None:
        value = self._s.value(f"splitter/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_splitter(self, name: str, value: QByteArray) -> None:
        self._s.setValue(f"splitter/{name}", value)

    def recent_libraries(self) -> list[str]:
        value = self._s.value("recent/libraries", [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in (value or [])]

    def add_recent_library(self, path: str) -> None:
        items = [p for p in self.recent_libraries() if p != path]
        self._s.setValue("recent/libraries", [path, *items][:MAX_RECENT])

    def portfolio_libraries(self) -> list[str]:
        """The libraries of the portfolio last opened: it outlives a switch of library (a row
        opened in another library opens a new window) and a restart."""
        value = self._s.value("portfolio/libraries", [])
        if isinstance(value, str):  # one entry, or none (an empty list reads back as "")
            return [value] if value else []
        return [str(v) for v in (value or [])]

    def set_portfolio_libraries(self, paths: list[str]) -> None:
        self._s.setValue("portfolio/libraries", paths)

    def last_export_folder(self) -> str:
        return str(self._s.value("export/folder", ""))

    def set_last_export_folder(self, path: str) -> None:
        self._s.setValue("export/folder", path)

    def last_archive_folder(self) -> str:
        return str(self._s.value("import/folder", ""))

    def set_last_archive_folder(self, path: str) -> None:
        self._s.setValue("import/folder", path)
