"""Everything the app remembers between runs, in one typed place over QSettings."""

from __future__ import annotations

import hashlib
from pathlib import Path

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
        return [str(v) for v in value] if isinstance(value, list | tuple) else []

    def add_recent_library(self, path: str) -> None:
        items = [p for p in self.recent_libraries() if p != path]
        self._s.setValue("recent/libraries", [path, *items][:MAX_RECENT])

    def portfolio_libraries(self) -> list[str]:
        """The libraries of the portfolio last opened: it outlives a switch of library (a row
        opened in another library opens a new window) and a restart."""
        value = self._s.value("portfolio/libraries", [])
        if isinstance(value, str):  # one entry, or none (an empty list reads back as "")
            return [value] if value else []
        return [str(v) for v in value] if isinstance(value, list | tuple) else []

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

    def shown_archive(self, library: Path) -> tuple[int, int] | None:
        """(snapshot id, account id) shown when *library* was last closed: the app reopens on
        the archive the person was working through, not on the newest one."""
        value = self._s.value(_library_key(library))
        try:
            snapshot, account = (int(v) for v in str(value).split(","))
        except ValueError:
            return None
        return snapshot, account

    def set_shown_archive(self, library: Path, snapshot_id: int, account_id: int) -> None:
        self._s.setValue(_library_key(library), f"{snapshot_id},{account_id}")


def _library_key(library: Path) -> str:
    """A settings key per library file (a path holds characters QSettings keys cannot)."""
    digest = hashlib.sha256(str(library.resolve()).encode()).hexdigest()[:16]
    return f"shown/{digest}"
