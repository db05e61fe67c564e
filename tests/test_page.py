"""What the one page says, whatever its form: every tweet in the chart, readable labels, each
verdict, words a client understands, and text cut to the page's budget."""

from __future__ import annotations

import re
from importlib import resources
from itertools import pairwise
from pathlib import Path

import pytest

from archivelens import pipeline
from archivelens.analysis import recommendations
from archivelens.analysis.buckets import bucketed, month_range
from archivelens.export import html_report
from archivelens.export import page as pages
from tests.conftest import era_spec


@pytest.mark.parametrize("era", ["current", "2020-2022", "2018-2020", "classic"])
def test_every_tweet_is_in_one_series_of_the_chart(make_archive, library, era):
    path, story, _ = make_archive(era, spec=era_spec(era, own_links=20, blast_clusters=3))
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        p = pages.build(con, pipeline.resolve_scope(con))
        tweets = pipeline.build_report(con, pipeline.resolve_scope(con)).value("tweets")
    charted = sum(b[key] for b in p.buckets for key, _, _ in pages.SERIES)
    assert charted == tweets == len(story.tweets)
    assert all(b[key] >= 0 for b in p.buckets for key, _, _ in pages.SERIES)
    names = [name for _, name, _ in pages.chart_series(p.buckets)]
    assert "Own posts, threads and mentions" in names  # self-replies and mentions have a home


def _labels(svg: str) -> list[tuple[float, str]]:
    return [(float(x), t) for x, t in re.findall(r"<text x='([\d.]+)' y='\d+'[^>]*>([^<]+)<", svg)]


def _width(text: str, size: float = 10) -> float:
    """*text*'s width in DejaVu Sans (the widest of the page's fonts) at *size* user units."""
    from fontTools.ttLib import TTFont

    font = resources.files("archivelens.resources").joinpath("fonts", "DejaVuSans.ttf")
    with TTFont(str(font)) as f:
        cmap, hmtx, em = f.getBestCmap(), f["hmtx"], f["head"].unitsPerEm
        return sum(hmtx[cmap[ord(c)]][0] for c in text) * size / em


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2023-01", "2023-03"),
        ("2019-03", "2022-12"),
        ("2016-01", "2023-06"),
        ("2009-05", "2023-06"),
    ],
)
def test_chart_labels_never_touch_and_are_never_cut(first, last):
    months = [
        {
            "month": m,
            "tweets": 3,
            "replies_to_others": 1,
            "sharing_tweets": 1,
            "promotional_tweets": 0,
            "retweets": 1,
            "quotes": 0,
        }
        for m in month_range(first, last)
    ]
    buckets, unit = bucketed(months, pages.CHART_BARS)
    svg = html_report.chart_svg(buckets, unit)
    labels = _labels(svg)[1:]  # the first text is the axis's top value
    assert labels and labels[0][1] == buckets[0]["label"]
    for (x1, a), (x2, b) in pairwise(labels):
        assert x2 - x1 >= (_width(a) + _width(b)) / 2 + 2, (a, b)
    x, text = labels[-1]
    assert x + _width(text) / 2 <= html_report.CHART_WIDTH  # the last label is whole
    assert len({t for _, t in labels}) == len(labels)


def test_recommendations_point_to_the_workbook_in_words():
    """Every place a rule sends the consultant (the CSV file and filter) reads as a sheet of
    the workbook and words — for rules added later too (read from the module's source)."""
    source = Path(recommendations.__file__).read_text(encoding="utf-8")
    rows = [re.sub(r"\{\w+\}", "12", r) for r in re.findall(r'f?"(\w+\.csv[^"]*)"', source)]
    assert len(rows) >= 5
    for r in rows:
        words = pages.where(r)
        assert words.startswith("Workbook sheet “"), r
        assert not re.search(r"\.csv|_|=|\{", words), words
    assert pages.where("duplicate_blasts.csv, cluster_kind = sales_blast") == (
        "Workbook sheet “Sales blasts and templates”: the sales blasts."
    )


def test_the_page_uses_no_internal_words_and_counts_in_words(make_archive, library):
    path, _, _ = make_archive("current", spec=era_spec("current", blast_clusters=4))
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        html = html_report.render(con, pipeline.resolve_scope(con))
    visible = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
    for internal in (".csv", "cluster_kind", "sales_blast", "is_promotional", "Rows:"):
        assert internal not in visible, internal
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", visible)  # no snake_case (handles have digits)
    assert not re.search(r"\b1 (tweets|followers|times)\b", visible)
    for verdict in ("within", "outside"):
        assert verdict in visible
    assert visible.count("Verdict") == 1


def test_plural_and_clip():
    assert pages.plural(1, "follower") == "1 follower"
    assert pages.plural(2, "follower") == "2 followers"
    assert pages.plural(1_200, "time") == "1,200 times"
    assert pages.clip("a  b\nc", 10) == "a b c"
    assert pages.clip("abcdefghij", 6) == "abcde…"
    cut = pages.clip("日本語のテキスト" * 5, 10)
    assert pages.columns(cut) <= 10 and cut.endswith("…")  # a CJK character takes two columns
