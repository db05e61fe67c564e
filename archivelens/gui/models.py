"""Table models over DuckDB query pages: ``fetchMore`` pulls a page as Arrow, turns its columns
into Python lists once, and ``data()`` only indexes those lists — no SQL per cell."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
# fetch(offset, limit, sort_key, descending) -> a page of rows; count() -> rows in all
Fetch = Callable[[int, int, str | None, bool], pa.Table]


def plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) < 10**12 else str(value)
    return str(value)


@dataclass(frozen=True)
class Column:
    key: str  # the Arrow column, and the sort key passed to fetch
    title: str
    fmt: Callable[[Any], str] = plain
    align_right: bool = False
    sortable: bool = True


class PagedTableModel(QAbstractTableModel):
    def __init__(
        self,
        columns: list[Column],
        fetch: Fetch,
        count: Callable[[], int],
        page_size: int = 400,
        parent: Any = None,
        sort: tuple[str | None, bool] = (None, False),
    ) -> None:
        super().__init__(parent)
        self.columns = columns
        self._fetch = fetch
        self._count = count
        self.page_size = page_size
        self._total = 0
        self._raw: dict[str, list[Any]] = {c.key: [] for c in columns}
        self._shown: list[list[str]] = [[] for _ in columns]
        self._sort: tuple[str | None, bool] = sort

    # -- loading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-run the query from the start (after a filter, sort or data change)."""
        self.beginResetModel()
        self._total = self._count()
        self._raw = {c.key: [] for c in self.columns}
        self._shown = [[] for _ in self.columns]
        self.endResetModel()
        if self._total:
            self.fetchMore(QModelIndex())

    def loaded(self) -> int:
        return len(self._shown[0]) if self._shown else 0

    def total(self) -> int:
        return self._total

    @property
    def sort_state(self) -> tuple[str | None, bool]:
        """(sort key, descending) of the current order."""
        return self._sort

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.loaded() < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self.canFetchMore(parent):
            return
        start = self.loaded()
        page = self._fetch(start, self.page_size, *self._sort)
        if page.num_rows == 0:
            self._total = start
            return
        self.beginInsertRows(QModelIndex(), start, start + page.num_rows - 1)
        for i, col in enumerate(self.columns):
            values = page.column(col.key).to_pylist()
            self._raw[col.key].extend(values)
            self._shown[i].extend(col.fmt(v) for v in values)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.loaded()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._shown[col][row]
        if role == Qt.ItemDataRole.ToolTipRole and self.columns[col].key == "text":
            return self._shown[col][row]
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[col].align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        col = self.columns[column]
        if not col.sortable:
            return
        state = (col.key, order == Qt.SortOrder.DescendingOrder)
        if state != self._sort:  # Qt re-announces the current order when a view attaches
            self._sort = state
            self.reload()

    # -- for views -------------------------------------------------------------------------------

    def value(self, row: int, key: str) -> Any:
        return self._raw[key][row]
