"""Before and after (metrics.md): two periods of one account compared figure by figure, on
archives whose periods differ by construction."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from archivelens import pipeline
from archivelens.analysis import comparison
from archivelens.analysis.comparison import Period
from tests.conftest import era_spec


def test_default_periods_are_the_last_twelve_months_and_the_twelve_before(imported, library):
    imported()
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
    before, after = comparison.default_periods(scope)
    assert after == Period(date(2022, 7, 3), date(2023, 7, 2))  # the archive is of 2023-07-02
    assert before == Period(date(2021, 7, 3), date(2022, 7, 2))
    b2, a2 = comparison.default_periods(scope, baseline=date(2023, 2, 28))
    assert b2 == Period(date(2022, 2, 28), date(2023, 2, 27))
    assert a2 == Period(date(2023, 2, 28), date(2023, 7, 2))


def test_a_year_without_conversation_compares_as_worse(imported, library):
    # quiet_last_year: no replies to others in the 12 months before the archive's end.
    spec = era_spec("current", tweets=3000, quiet_last_year=True)
    story = imported("current", spec=spec)
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


def test_a_period_under_thirty_tweets_shows_figures_without_verdict(imported, library):
    imported("current", spec=era_spec("current", tweets=200))
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


def test_report_compare_in_text_and_json(make_archive, library, capsys):
    import json

    from archivelens.cli import main

    path, _, _ = make_archive("current", spec=era_spec("current", tweets=1500))
    assert main(["import", str(path), "--db", str(library)]) == 0
    capsys.readouterr()
    assert main(["report", "--db", str(library), "--baseline", "2023-01-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cmp = data["comparison"]
    assert cmp["before"]["from"] == "2022-01-01" and cmp["before"]["to"] == "2022-12-31"
    assert cmp["after"] == {
        "from": "2023-01-01",
        "to": "2023-07-02",
        "tweets": cmp["after"]["tweets"],
    }
    shares = {m["metric"]: m for m in cmp["metrics"]}
    conv = shares["conversation_share"]
    # the shares are rounded to 4 places, the change is not: within 0.01 point each
    assert conv["change"] == pytest.approx(100 * (conv["after"] - conv["before"]), abs=0.02)
    assert conv["change_unit"] == "percentage points"
    assert data["engagement"]["kinds"][0]["kind"] == "reply_to_others"
    assert main(["report", "--db", str(library), "--compare"]) == 0
    text = capsys.readouterr().out
    assert "Before and after: 2021-07-03 to 2022-07-02 against 2022-07-03 to 2023-07-02" in text
    assert (
        main(
            [
                "report",
                "--db",
                str(library),
                "--baseline",
                "2023-01-01",
                "--compare-to",
                "2022-06-30",
            ]
        )
        == 2
    )
    assert "either --baseline" in capsys.readouterr().err


def test_an_archive_without_counts_says_engagement_is_unknown(imported, library):
    from archivelens.analysis import engagement

    imported("classic")
    with pipeline.open_library(library) as con:
        eng = engagement.by_kind(con, pipeline.resolve_scope(con))
    assert not eng.known and eng.reason == engagement.NO_COUNTS
    assert all(r.likes_per_tweet is None and r.median_retweets is None for r in eng.rows)
    assert engagement.headline(eng) is None
