"""The view lanes: newest request wins, older ones are interrupted, closing stops everything."""

from __future__ import annotations

from archivelens.gui.context import LibraryContext
from archivelens.gui.workers import Loader

# Counting 10^12 rows takes DuckDB many minutes: it ends within the test only if interrupted.
ENDLESS = "SELECT count(*) FROM range(1000000000000)"


def test_the_newest_request_wins_and_the_older_is_interrupted(qtbot, tmp_path, pool):
    ctx = LibraryContext(tmp_path / "library.duckdb", pool)
    loader = Loader(ctx)
    answers, failures = [], []
    loader.failed.connect(lambda sentence, details: failures.append(sentence))
    loader.request(lambda con: con.execute(ENDLESS).fetchone(), answers.append)
    qtbot.wait(200)  # the endless query is running
    loader.request(lambda con: con.execute("SELECT 42").fetchone()[0], answers.append)
    qtbot.waitUntil(lambda: not loader.busy(), timeout=20_000)
    assert answers == [42] and failures == []  # the interrupted one is dropped, not reported
    ctx.close()


def test_a_failure_of_the_newest_request_is_one_sentence(qtbot, tmp_path, pool):
    ctx = LibraryContext(tmp_path / "library.duckdb", pool)
    loader = Loader(ctx)
    failures = []
    loader.failed.connect(lambda sentence, details: failures.append((sentence, details)))
    loader.request(lambda con: con.execute("SELECT * FROM no_such_table").fetchall(), list)
    qtbot.waitUntil(lambda: not loader.busy(), timeout=20_000)
    [(sentence, details)] = failures
    assert sentence.startswith("Something went wrong (CatalogException)")
    assert "no_such_table" in details
    ctx.close()


def test_closing_interrupts_what_runs(qtbot, tmp_path, pool):
    ctx = LibraryContext(tmp_path / "library.duckdb", pool)
    answers = []
    Loader(ctx).request(lambda con: con.execute(ENDLESS).fetchone(), answers.append)
    qtbot.wait(200)
    ctx.close()  # returns once the query is interrupted and its thread has ended
    assert pool.activeThreadCount() == 0
    qtbot.wait(50)
    assert answers == []
