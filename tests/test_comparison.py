"""Before and after (metrics.md): two periods of one account compared figure by figure, on
archives whose periods differ by construction."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from archivelens import pipeline
from archivelens.analysis import comparison
from archivelens.analysis.comparison import Period
from tests.conftest import era_spec


def test_default_periods_are_the_last_twelve_months_and_the_twelve_before(make_archive, library):
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
    before, after = comparison.default_periods(scope)
    assert after == Period(date(2022, 7, 3), date(2023, 7, 2))  # the archive is of 2023-07-02
    assert before == Period(date(2021, 7, 3), date(2022, 7, 2))
    b2, a2 = comparison.default_periods(scope, baseline=date(2023, 2, 28))
    assert b2 == Period(date(2022, 2, 28), date(2023, 2, 27))
    assert a2 == Period(date(2023, 2, 28), date(2023, 7, 2))


def test_a_year_without_conversation_compares_as_worse(make_archive, library):
    # quiet_last_year: no replies to others in the 12 months before the archive's end.
    spec = era_spec("current", tweets=3000, quiet_last_year=True)
    path, story, _ = make_archive("current", spec=spec)
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        before, after = comparison.default_periods(scope)
        result = comparison.compare(con, scope, before, after)
    rows = {r.metric: r for r in result.rows}

    def truth(period: Period) -> tuple[int, int]:
        inside = [
            t
            for t in story.tweets
            if datetime.combine(period.start, datetime.min.time())
            <= t.created_at
            < datetime.combine(period.end, datetime.max.time())
        ]
        return len(inside), sum(t.kind == "reply_to_others" for t in inside)

    (n_before, replies_before), (n_after, replies_after) = truth(before), truth(after)
    assert (result.before_tweets, result.after_tweets) == (n_before, n_after)
    assert replies_after == 0 < replies_before
    conv = rows["conversation_share"]
    assert conv.before == pytest.approx(replies_before / n_before)
    assert conv.after == 0
    assert conv.change == pytest.approx(-100 * replies_before / n_before)
    assert conv.verdict == "worse" and result.judged
    assert rows["tweets"].verdict is None  # more or fewer tweets is neither better nor worse


def test_a_period_under_thirty_tweets_shows_figures_without_verdict(make_archive, library):
    path, _, _ = make_archive("current", spec=era_spec("current", tweets=200))
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        result = comparison.compare(
            con,
            scope,
            Period(date(2016, 1, 1), date(2016, 1, 31)),
            Period(date(2023, 1, 1), date(2023, 6, 30)),
        )
    assert not result.judged and result.note.startswith("No verdict")
    assert all(r.verdict is None for r in result.rows)
    assert {r.metric for r in result.rows} >= {"conversation_share", "promotion_share"}


def test_followers_gained_and_lost_between_the_snapshots_of_each_period(two_snapshots, library):
    older, newer = two_snapshots
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        old_day, new_day = older.spec.generated_at.date(), newer.spec.generated_at.date()
        found = comparison.follower_changes(
            con, scope, Period(date(2015, 1, 1), old_day), Period(old_day, new_day)
        )
    assert found is not None
    counts, missing = found
    assert counts["gained_follower"] == len(set(newer.followers) - set(older.followers))
    assert counts["lost_follower"] == len(set(older.followers) - set(newer.followers))
    assert missing == []
