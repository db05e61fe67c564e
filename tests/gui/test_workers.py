"""The view lanes: newest request wins, older ones are interrupted, closing stops everything."""

from __future__ import annotations

from archivelens.gui.context import LibraryContext
from archivelens.gui.jobs import JobPanel
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


def test_a_job_stopped_by_the_window_closing_is_cancelled_not_an_error(qtbot, tmp_path, pool):
    """What a window does as it closes (its close button, SIGTERM, logout): cancel its job, then
    interrupt every query. The job's interrupted query is its stop, not a failure: an error
    dialog opened then kept the closing app (the demo sent SIGTERM) waiting for a click."""
    ctx = LibraryContext(tmp_path / "library.duckdb", pool)
    cursor = ctx.worker_connection()
    jobs = JobPanel(pool)
    failed, cancelled = [], []
    jobs.failed.connect(lambda sentence, details: failed.append(sentence))
    jobs.cancelled.connect(lambda: cancelled.append(True))
    jobs.run(lambda progress, cancel: cursor.execute(ENDLESS).fetchone(), "Importing", print)
    qtbot.wait(200)  # the endless query is running, deaf to the cancel token
    jobs.cancel()
    ctx.close()
    qtbot.waitUntil(lambda: bool(cancelled or failed), timeout=20_000)
    assert cancelled == [True] and failed == []
