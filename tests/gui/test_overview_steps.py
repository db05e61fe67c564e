"""The Overview in steps: its headline figures show before the months and the advice are in,
an older scope's late step is never shown, and the whole Overview ends as one report shows it.

The slow steps are held on events the test sets (never a sleep): what shows meanwhile is read
while the worker waits.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest

from archivelens import pipeline
from archivelens.analysis import metrics, report
from archivelens.gui.views.overview import OverviewView
from tests.gui.test_app import settle

# Where each step is: the Overview's three, and the engagement panel's figures.
STEPS = {"headline": report, "monthly": metrics, "finish_report": pipeline, "engagement": pipeline}
HOLD = 30  # seconds a held step waits at most: a failing test ends instead of hanging


@pytest.fixture
def held(monkeypatch):
    """``held(step, when)``: the step *step* (a key of ``STEPS``) waits, when ``when(scope)``
    is true, until the returned event is set; the scopes each step ran for are in
    ``held.calls[step]``. Only the app's workers are counted and wait: a fixture's import
    (on this thread) runs through."""
    events: list[threading.Event] = []
    calls: dict[str, list] = {}

    def hold(step: str, when=lambda scope: True) -> threading.Event:
        module = STEPS[step]
        real = getattr(module, step)
        release = threading.Event()
        events.append(release)

        def waiting(con, first, *rest):
            scope = first.scope if step == "finish_report" else first
            if threading.current_thread() is not threading.main_thread():
                calls.setdefault(step, []).append(scope)
                if when(scope):
                    release.wait(HOLD)
            return real(con, first, *rest)

        monkeypatch.setattr(module, step, waiting)
        return release

    hold.calls = calls  # type: ignore[attr-defined]
    yield hold
    for release in events:  # a failed assertion must not leave a worker waiting
        release.set()


def texts(view: OverviewView) -> dict[str, str]:
    """What the Overview shows in words: every card, the advice, the own-website question,
    the bands, what cannot be measured, and the chart's title."""
    shown = {f"{k}.value": c.value.text() for k, c in view.cards.items()}
    shown |= {f"{k}.detail": c.detail.text() for k, c in view.cards.items()}
    shown |= {
        "advice": view.advice.text(),
        "suggestion": view.suggestion.text() if view.suggestion.isVisibleTo(view) else "",
        "bands": view.bands.text(),
        "cannot": view.cannot.text(),
        "chart": view.chart.title(),
    }
    return shown


def test_the_headline_shows_before_the_months_and_the_advice(qtbot, open_imported, held):
    release = held("monthly")
    window, story = open_imported()
    overview = window.overview
    qtbot.waitUntil(lambda: overview.headline is not None, timeout=30_000)
    # The figures are in while the months' step still waits on the event.
    assert overview.loader.busy() and overview.report is None
    assert overview.headline.value("tweets") == len(story.tweets)
    assert overview.cards["conversation"].value.text() not in ("", "–")
    assert "Content mix against the common rules" in overview.bands.text()
    assert window.sidebar.item(3).text() == f"Tweets  ({len(story.tweets):,})"
    # The parts still coming say so: no empty axis, no advice of nothing.
    assert "counting the months" in overview.chart.title() and not overview.chart.series()
    assert "Working out the advice" in overview.advice.text()
    assert overview.status.isVisibleTo(overview)
    release.set()
    settle(qtbot, overview)
    assert overview.report is not None and overview.report.value("tweets") == len(story.tweets)
    assert len(overview.chart.series()) == 1 and "counting" not in overview.chart.title()
    assert "Working out" not in overview.advice.text()
    assert not overview.status.isVisibleTo(overview)
    assert "Calculating" not in overview.engagement.sentence.text()


def test_an_older_scopes_late_headline_is_dropped(qtbot, open_imported, held):
    release = held("headline", when=lambda scope: scope.date_from is None)
    window, story = open_imported()
    overview = window.overview
    shown: list = []
    overview.figures_shown.connect(lambda head: shown.append(head.scope))
    qtbot.waitUntil(lambda: bool(held.calls.get("headline")), timeout=30_000)
    window.ctx.set_dates(date(2021, 1, 1), date(2021, 12, 31))  # while the first one waits
    newer = window.ctx.scope
    release.set()
    settle(qtbot, overview)
    assert shown == [newer]  # the whole-history figures came late, and were never shown
    assert overview.report is not None and overview.report.scope == newer
    in_2021 = sum(t.created_at.year == 2021 for t in story.tweets)
    assert 0 < in_2021 < len(story.tweets)
    assert overview.report.value("tweets") == in_2021


def test_an_archive_removed_while_its_figures_are_read_is_no_error(
    qtbot, open_window, two_snapshots, held
):
    """File ▸ Remove while the Overview reads the archive: the removal commits between the
    Overview's preparation and its read, which then finds the archive gone — no error dialog
    (the autouse fixture fails the test on one), and the window goes on to the archive left."""
    newest = held("headline")
    window = open_window()
    window.show()
    qtbot.waitUntil(lambda: bool(held.calls.get("headline")), timeout=30_000)
    removed = window.ctx.scope.snapshot_id
    remover = window.ctx.worker_connection()  # what the removal's worker does, done here
    pipeline.remove_snapshot(remover, removed)  # (its end, the window's reload, comes later)
    window.ctx.release(remover)
    newest.set()
    settle(qtbot, window.overview)  # its read failed on the archive gone: nothing to tell
    window.ctx.reload_scope()
    settle(qtbot, window.overview)
    left = window.ctx.scope
    assert left is not None and left.snapshot_id != removed
    assert window.overview.report is not None and window.overview.report.scope == left


def test_an_older_scopes_late_months_are_dropped(qtbot, open_imported, held):
    release = held("monthly", when=lambda scope: scope.date_from is None)
    held("finish_report", when=lambda scope: False)  # only counted
    window, _story = open_imported()
    overview = window.overview
    qtbot.waitUntil(lambda: overview.headline is not None, timeout=30_000)
    older = overview.headline.scope
    window.ctx.set_dates(date(2021, 1, 1), date(2021, 12, 31))  # its months still to come
    newer = window.ctx.scope
    # At once: the older scope's advice and chart are not left showing beside the new figures.
    assert "counting the months" in overview.chart.title()
    assert "Working out the advice" in overview.advice.text()
    release.set()
    settle(qtbot, overview)
    assert held.calls["finish_report"] == [newer]  # the older scope's advice never asked
    assert overview.report.scope == newer
    con = window.ctx.con.cursor()
    want = metrics.monthly(con, newer)
    assert want != metrics.monthly(con, older)
    con.close()
    assert overview.months == want


def test_the_whole_overview_is_what_one_report_shows(qtbot, open_imported):
    """The steps end where showing the whole report at once (what the Overview did before it
    came in steps) ends: every card, the advice with its rows, the bands, the chart."""
    window, _story = open_imported()
    overview = window.overview
    settle(qtbot, overview)
    con = window.ctx.con.cursor()
    whole = pipeline.build_report(con, window.ctx.scope)
    con.close()
    at_once = OverviewView(window.ctx)
    qtbot.addWidget(at_once)
    at_once.show_report(whole)
    assert texts(overview) == texts(at_once)
    assert overview.months == whole.months == at_once.months
    assert overview.report.recommendations == whole.recommendations
    assert overview.report.metrics == whole.metrics and overview.report.bands == whole.bands
    assert "Show the rows" in overview.advice.text()


def test_what_the_user_reads_stays_put_when_the_rest_arrives(qtbot, open_imported, held):
    """Scrolled down past the advice, into the engagement panel, while they and the chart are
    still coming: when they come, the bands below stay where they are on screen."""
    releases = [held("monthly"), held("engagement")]
    window, _story = open_imported()
    window.resize(1024, 700)
    window.show()
    overview = window.overview
    qtbot.waitUntil(lambda: overview.headline is not None, timeout=30_000)
    bar = overview.scroller.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5_000)
    qtbot.wait(100)  # the figures' own layout done: the page as the user sees it
    # The view's top inside the engagement panel, still coming: it grows, what is below stays.
    bar.setValue(overview.engagement.y() + 2)
    assert bar.value() == overview.engagement.y() + 2
    viewport = overview.scroller.viewport()

    def on_screen() -> int:
        return overview.bands.mapTo(viewport, overview.bands.rect().topLeft()).y()

    before, grew = on_screen(), overview.body.height()
    for release in releases:
        release.set()
    settle(qtbot, overview)
    # The layout of what came is done in posted events; the bands are back in place with it.
    qtbot.waitUntil(lambda: overview.body.height() > grew, timeout=5_000)  # it grew above
    qtbot.wait(100)
    assert on_screen() == before, (on_screen(), before, bar.value(), bar.maximum())
