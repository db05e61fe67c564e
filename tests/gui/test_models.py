"""The paged table model on its own: paging, in-place edits, and what Qt's views call on it."""

from __future__ import annotations

import sys

import pyarrow as pa
from PySide6.QtCore import QModelIndex, Qt

from archivelens.gui.models import Column, PagedTableModel

ROWS = pa.table({"n": list(range(1000)), "name": [f"row {i}" for i in range(1000)]})
COLUMNS = [Column("n", "N", align_right=True), Column("name", "Name")]


def model(page_size: int = 100) -> PagedTableModel:
    m = PagedTableModel(COLUMNS, lambda offset, limit: ROWS.slice(offset, limit), page_size)
    m.show(ROWS.num_rows)
    return m


def test_pages_load_on_demand_and_edits_show_in_place(qtbot, qtmodeltester):
    m = model()
    assert m.rowCount() == 100 and m.total() == 1000
    while m.canFetchMore(QModelIndex()):
        m.fetchMore(QModelIndex())
    assert m.rowCount() == 1000
    assert m.data(m.index(999, 1)) == "row 999"
    with qtbot.waitSignal(m.dataChanged):
        m.set_value(5, "name", "edited")
    assert m.data(m.index(5, 1)) == "edited" and m.value(5, "name") == "edited"
    m.clear()
    assert m.rowCount() == 0 and not m.canFetchMore(QModelIndex())
    qtmodeltester.check(model())


def test_roles_qt_asks_for_do_not_corrupt_the_interpreter():
    """PySide6 6.12.0 on Python < 3.12 lost a reference to None on every None that data()
    returned to Qt, and the interpreter aborted after a few thousand painted cells. Asking
    through Qt (``index.data``), as a view does, must leave None's count as it was."""
    m = model()
    cells = [m.index(r, c) for r in range(100) for c in range(2)]
    roles = [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole]
    before = sys.getrefcount(None)
    for _ in range(5):
        for index in cells:
            for role in roles:
                index.data(role)
    assert sys.getrefcount(None) >= before - 50  # unrelated allocations may move it a little
