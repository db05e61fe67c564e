"""Table models over DuckDB query pages: ``fetchMore`` pulls a page as Arrow, turns its columns
into Python lists once, and ``data()`` only indexes those lists — no SQL per cell.

Preparing the rows (filtering and sorting millions of them) is the view's job, on a worker; the
model only learns how many rows there are (``show``) and then pages through them. While a view
prepares, the model is empty (``clear``), so nothing asks the half-built source for a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

import pyarrow as pa
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from archivelens.words import number

Index = QModelIndex | QPersistentModelIndex
# fetch(offset, limit) -> that page of the prepared rows
Fetch = Callable[[int, int], pa.Table]


def plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return number(value)
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
    # Every text the column can show, where it is a fixed few ("promotional", "not for me"):
    # the column is as wide as the widest, whichever rows the first page holds.
    labels: tuple[str, ...] = ()
    tooltip: Callable[[Any], str | None] | None = None  # a cell's tooltip from its value


class ColumnsModel(QAbstractTableModel):
    """What every table of :class:`Column` answers alike, however it holds its rows: the
    headers, the column count, right alignment; a subclass gives the text and the tooltip."""

    def __init__(self, columns: list[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[col].align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def text(self, row: int, col: int) -> str:
        raise NotImplementedError

    def tooltip(self, row: int, col: int) -> str | None:
        raise NotImplementedError


class PagedTableModel(ColumnsModel):
    sort_changed = Signal()  # the view prepares its rows again in the new order

    def __init__(
        self,
        columns: list[Column],
        fetch: Fetch,
        page_size: int = 400,
        parent: Any = None,
        sort: tuple[str | None, bool] = (None, False),
    ) -> None:
        super().__init__(columns, parent)
        self._fetch = fetch
        self.page_size = page_size
        self._total = 0
        self._raw: dict[str, list[Any]] = {}  # every column of the pages, shown or not
        self._shown: list[list[str]] = [[] for _ in columns]
        self._sort: tuple[str | None, bool] = sort

    # -- loading ---------------------------------------------------------------------------------

    def clear(self) -> None:
        """No rows, nothing to fetch: the source is being prepared."""
        self.show(0)

    def show(self, total: int) -> None:
        """The prepared source has *total* rows: start over with its first page."""
        self.beginResetModel()
        self._total = total
        self._raw = {}
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
        page = self._fetch(start, self.page_size)
        if page.num_rows == 0:
            self._total = start
            return
        self.beginInsertRows(QModelIndex(), start, start + page.num_rows - 1)
        for name in page.column_names:
            self._raw.setdefault(name, []).extend(page.column(name).to_pylist())
        for i, col in enumerate(self.columns):
            self._shown[i].extend(col.fmt(v) for v in self._raw[col.key][start:])
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.loaded()

    def text(self, row: int, col: int) -> str:
        return self._shown[col][row]

    def tooltip(self, row: int, col: int) -> str | None:
        column = self.columns[col]
        if column.key == "text":
            # Rich text, so Qt wraps it instead of one screen-wide line; long posts are cut.
            text = self._shown[col][row]
            return f"<p>{escape(text[:1000])}{'…' if len(text) > 1000 else ''}</p>"
        return None if column.tooltip is None else column.tooltip(self._raw[column.key][row])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        col = self.columns[column]
        if not col.sortable:
            return
        state = (col.key, order == Qt.SortOrder.DescendingOrder)
        if state != self._sort:  # Qt re-announces the current order when a view attaches
            self._sort = state
            self.sort_changed.emit()

    # -- for views -------------------------------------------------------------------------------

    def value(self, row: int, key: str) -> Any:
        return self._raw[key][row]

    def set_value(self, row: int, key: str, value: Any) -> None:
        """Change one loaded row in place (after the user changed it), without a reload."""
        self._raw[key][row] = value
        for i, col in enumerate(self.columns):
            if col.key == key:
                self._shown[i][row] = col.fmt(value)
                index = self.index(row, i)
                self.dataChanged.emit(index, index)


class RowsModel(ColumnsModel):
    """Rows held whole — a portfolio, a comparison: hundreds, not millions — each a dict of
    raw values; a :class:`SortProxy` sorts them on those values, never on the shown text
    ("9%" after "12%")."""

    def __init__(self, columns: list[Column], parent: Any = None) -> None:
        super().__init__(columns, parent)
        self._rows: list[dict[str, Any]] = []
        self._shown: list[list[str]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._shown = [[col.fmt(row.get(col.key)) for col in self.columns] for row in rows]
        self.endResetModel()

    def row(self, n: int) -> dict[str, Any]:
        return self._rows[n]

    def value(self, row: int, key: str) -> Any:
        return self._rows[row].get(key)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def text(self, row: int, col: int) -> str:
        return self._shown[row][col]

    def tooltip(self, row: int, col: int) -> str | None:
        """A column's tooltip reads the whole row (a portfolio row says why it is unknown)."""
        column = self.columns[col]
        return None if column.tooltip is None else column.tooltip(self._rows[row])


class SortProxy(QSortFilterProxyModel):
    """Sorts a :class:`RowsModel` on its raw values: unknown (None) after every known value
    whichever the direction, text without regard to case."""

    def lessThan(self, left: Index, right: Index) -> bool:
        source = self.sourceModel()
        assert isinstance(source, RowsModel)
        key = source.columns[left.column()].key
        a, b = source.value(left.row(), key), source.value(right.row(), key)
        if a is None or b is None:
            # Qt reverses the comparison for a descending sort: keep None last both ways.
            last_first = self.sortOrder() == Qt.SortOrder.DescendingOrder
            return (a is None) == last_first and (a is None) != (b is None)
        if isinstance(a, str) and isinstance(b, str):
            return a.lower() < b.lower()
        return bool(a < b)
