"""The Portfolio view: every account of several libraries side by side, sorted by any column,
a damaged library said in one sentence, and a row that opens its account in its library."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from archivelens import pipeline
from archivelens.analysis import portfolio
from archivelens.gui import main_window
from archivelens.gui.views.portfolio import COLUMNS
from tests.conftest import era_spec


@pytest.fixture
def libraries(make_archive, library, tmp_path) -> list[Path]:
    """The window's own library (two accounts), a client's library, and a file that is no
    library at all."""
    pipeline.import_archive(
        make_archive("current", spec=era_spec("current", tweets=300))[0], library
    )
    ann = era_spec("2020-2022", owner_id=77, owner_handle="bakery_ann", seed=5, tweets=200)
    pipeline.import_archive(make_archive("2020-2022", spec=ann)[0], library)
    client = tmp_path / "client" / "lib.duckdb"
    ravi = era_spec("current", owner_id=88, owner_handle="coach_ravi", seed=9, tweets=500)
    pipeline.import_archive(make_archive("current", spec=ravi)[0], client)
    damaged = tmp_path / "notes.duckdb"
    damaged.write_text("not a database")
    return [library, client, damaged]


def _opened(qtbot, window, libraries: list[Path]):
    view = window.open_portfolio(libraries)
    qtbot.waitUntil(lambda: not view.busy(), timeout=60_000)
    return view


def _column(view, key: str) -> list:
    """The raw values of column *key* in the order the table shows them."""
    source = [c.key for c in COLUMNS].index(key)
    rows = range(view.proxy.rowCount())
    return [
        view.model.value(view.proxy.mapToSource(view.proxy.index(r, source)).row(), key)
        for r in rows
    ]


def test_every_account_of_every_library_side_by_side(
    qtbot, qtmodeltester, open_window, libraries, settings
):
    window = open_window()
    window.show()
    view = _opened(qtbot, window, libraries)
    assert window.views_stack.currentWidget() is view
    qtmodeltester.check(view.model)
    assert sorted(_column(view, "handle"), key=str) == sorted(
        ["@ZimblerMiller", "@bakery_ann", "@coach_ravi", None], key=str
    )
    # The same figures the core reads (its own library through the window's connection).
    want = {e.account: e for e in portfolio.read(libraries[1:2])}
    ravi = next(e for e in view.entries if e.account == "coach_ravi")
    assert ravi == want["coach_ravi"] and ravi.tweets == 500
    # The file that is no library: one sentence, on its row and below the table.
    (bad,) = [e for e in view.entries if e.status]
    assert bad.library == str(libraries[2]) and "not an archivelens library" in bad.status
    assert view.problems.isVisible() and "not an archivelens library" in view.problems.text()
    assert view.title.text().startswith("Portfolio — 3 accounts in 3 libraries · ")
    assert settings.portfolio_libraries() == [str(p) for p in libraries]
    assert not view.add_here.isVisible()  # this library is in it already


@pytest.mark.parametrize("key", ["tweets", "promotion_share", "reviewed", "handle"])
def test_sorted_by_any_column_unknown_last(qtbot, open_window, libraries, key):
    window = open_window()
    view = _opened(qtbot, window, libraries)
    section = [c.key for c in COLUMNS].index(key)
    for order, reverse in (
        (Qt.SortOrder.AscendingOrder, False),
        (Qt.SortOrder.DescendingOrder, True),
    ):
        view.table.horizontalHeader().setSortIndicator(section, order)
        values = _column(view, key)
        known = [v for v in values if v is not None]
        norm = [v.lower() if isinstance(v, str) else v for v in known]
        assert norm == sorted(norm, reverse=reverse), (key, order)
        assert values[len(known) :] == [None] * (len(values) - len(known))  # unknown last


def test_a_row_opens_its_account_in_its_library(qtbot, open_window, libraries):
    window = open_window()
    window.show()
    view = _opened(qtbot, window, libraries)
    handles = _column(view, "handle")
    # Enter on an account of this library: the window shows it.
    view.table.setFocus()
    view.table.setCurrentIndex(view.proxy.index(handles.index("@bakery_ann"), 0))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert window.ctx.scope.screen_name == "bakery_ann"
    assert window.views_stack.currentWidget() is window.views["Overview"]
    # A double-click (activated) on an account of another library: a window on that library.
    view = window.views["Portfolio"]
    index = view.proxy.index(_column(view, "handle").index("@coach_ravi"), 0)
    view.table.activated.emit(index)
    (opened,) = list(main_window._OPEN_WINDOWS)
    try:
        assert not window.isVisible() and opened.isVisible()
        assert opened.ctx.path == libraries[1] and opened.ctx.scope.screen_name == "coach_ravi"
        # The portfolio came along: the new window lists the same libraries.
        assert opened.views["Portfolio"].libraries == libraries
    finally:
        opened.close()


def test_the_row_of_an_unreadable_library_opens_nothing(qtbot, open_window, libraries):
    window = open_window()
    view = _opened(qtbot, window, libraries)
    messages = []
    view.message.connect(messages.append)
    row = _column(view, "handle").index(None)
    view.table.activated.emit(view.proxy.index(row, 0))
    assert messages and "not an archivelens library" in messages[0]
    assert window.ctx.scope.screen_name != "coach_ravi"
