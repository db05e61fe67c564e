"""The Overview chart's buckets and axis labels (plain functions; no window needed)."""

from __future__ import annotations

from archivelens.analysis.buckets import bucketed, month_range
from archivelens.gui.views.overview import axis_labels


def month(m: str, replies: int = 1) -> dict:
    return {
        "month": m,
        "tweets": replies + 4,
        "replies_to_others": replies,
        "sharing_tweets": 0,
        "promotional_tweets": 0,
        "retweets": 2,
        "quotes": 1,
    }


def test_quiet_months_are_empty_bars_not_left_out():
    buckets, unit = bucketed([month("2022-11"), month("2023-02", replies=5)])
    assert unit == "month"
    assert [b["label"] for b in buckets] == ["2022-11", "2022-12", "2023-01", "2023-02"]
    assert [b["replies_to_others"] for b in buckets] == [1, 0, 0, 5]
    assert [b["amplifying"] for b in buckets] == [3, 0, 0, 3]
    assert month_range("2023-12", "2023-12") == ["2023-12"]
    assert bucketed([]) == ([], "month")


def test_the_finest_unit_that_fits_the_width():
    months = [month(m) for m in month_range("2016-01", "2023-06")]  # 90 months, 30 quarters
    assert bucketed(months, max_bars=90)[1] == "month"
    quarters, unit = bucketed(months, max_bars=32)
    assert unit == "quarter" and len(quarters) == 30
    assert sum(b["replies_to_others"] for b in quarters) == 90
    years, unit = bucketed(months, max_bars=24)
    assert unit == "year" and [b["label"] for b in years][:2] == ["2016", "2017"]


def test_labels_are_short_distinct_and_name_the_year_where_it_changes():
    quarters = ["2016 Q3", "2016 Q4", "2017 Q1", "2017 Q2", "2018 Q2"]
    labels = axis_labels(quarters, "quarter")
    assert labels[0] == "Q3<br>’16" and labels[2] == "Q1<br>’17" and labels[4] == "Q2<br>’18"
    assert labels[1].startswith("Q4<!--") and labels[3].startswith("Q2<!--")
    assert len(set(labels)) == len(labels)  # a category axis merges equal names
    assert axis_labels(["2023-01", "2023-02"], "month") == ["Jan<br>’23", "Feb<!--2023-02-->"]
    assert axis_labels(["2016", "2017"], "year") == ["2016", "2017"]


def test_each_unit_has_its_own_limit():
    months = [month(m) for m in month_range("2016-01", "2023-06")]  # 90 months, 30 quarters
    limits = {"month": 40, "quarter": 30, "year": 20}
    assert bucketed(months, limits)[1] == "quarter"
    assert bucketed(months, {**limits, "quarter": 29})[1] == "year"
