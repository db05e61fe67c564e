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
from tests.gui.test_app import show


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


def test_open_portfolio_offers_this_library_first(qtbot, open_window, libraries, monkeypatch):
    """File ▸ Open Portfolio…: the files chosen, after this window's own library."""
    window = open_window()
    chosen = [str(libraries[1])]
    monkeypatch.setattr(
        "archivelens.gui.main_window.QFileDialog.getOpenFileNames",
        lambda *args, **kwargs: (chosen, ""),
    )
    window.portfolio_action.trigger()
    view = window.views["Portfolio"]
    qtbot.waitUntil(lambda: not view.busy(), timeout=60_000)
    assert view.libraries == [libraries[0], libraries[1]]
    assert [e.account for e in view.entries] == ["bakery_ann", "ZimblerMiller", "coach_ravi"]


def test_reading_is_cancelled_and_nothing_half_read_shows(qtbot, open_window, libraries):
    window = open_window()
    view = window.open_portfolio(libraries)
    assert view.busy() and view.loading.isVisibleTo(view)
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    assert not view.busy() and not view.loading.isVisibleTo(view)
    qtbot.wait(200)  # the cancelled worker ends; its rows never arrive
    window.ctx.pool.waitForDone(30_000)
    qtbot.wait(50)
    assert view.model.rowCount() == 0


def test_the_portfolio_exports_what_it_shows(qtbot, open_window, libraries, tmp_path, monkeypatch):
    import csv

    window = open_window()
    view = _opened(qtbot, window, libraries)
    monkeypatch.setattr(window, "_export_folder", lambda title: tmp_path / "out")
    qtbot.mouseClick(view.export_csv_button, Qt.MouseButton.LeftButton)
    with open(tmp_path / "out" / "portfolio.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["account"] for r in rows] == [e.account or "" for e in view.entries]
    assert rows[-1]["status"] and "not an archivelens library" in rows[-1]["status"]


def test_delete_leaves_a_library_out(qtbot, open_window, libraries):
    window = open_window()
    window.show()
    _opened(qtbot, window, libraries)
    view = show(qtbot, window, "Portfolio")  # the active window: shortcuts reach it on X
    view.table.setFocus()
    row = _column(view, "handle").index("@coach_ravi")
    view.table.setCurrentIndex(view.proxy.index(row, 0))
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not view.busy(), timeout=60_000)
    assert view.libraries == [libraries[0], libraries[2]]
    assert "@coach_ravi" not in _column(view, "handle")
    assert libraries[1].is_file()  # only left out of the portfolio
