"""Evidence beyond one snapshot in the consultant's files (issue 21): ``engagement.csv``,
``top_tweets.csv`` and ``comparison.csv`` against ground truth from the generated records."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from contextlib import redirect_stdout
from datetime import datetime
from pathlib import Path
from statistics import mean, median

import openpyxl
import pytest

from archivelens import pipeline
from archivelens.analysis import comparison, engagement
from archivelens.cli import main
from archivelens.export import csvset, landing
from tests.conftest import era_spec
from tests.test_engagement import _truth


def rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(csvset.BOM), path.name  # Excel's byte-order mark, as every file
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def run(*args: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(args)) == 0
    return out.getvalue()


@pytest.fixture
def earning(make_archive, library, tmp_path):
    """An account whose counts the generator drew per kind (sales near zero), exported."""
    path, story, _ = make_archive("current", spec=era_spec("current", tweets=1500, engagement=True))
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    run("export", "--db", str(library), "--out", str(out))
    return story, out


def test_engagement_csv_has_one_row_per_kind_with_the_generated_likes(earning):
    story, out = earning
    got = {r["kind"]: r for r in rows(out / "engagement.csv")}
    assert list(got) == list(engagement.KINDS)
    assert list(next(iter(got.values())))[:6] == [
        "kind",
        "tweets",
        "likes_per_tweet",
        "retweets_per_tweet",
        "median_likes",
        "median_retweets",
    ]
    for kind, tweets in _truth(story).items():
        row = got[kind]
        assert int(row["tweets"]) == len(tweets), kind
        likes = [t.favorite_count for t in tweets]
        retweets = [t.retweet_count for t in tweets]
        assert float(row["likes_per_tweet"]) == pytest.approx(mean(likes), abs=0.005), kind
        assert float(row["retweets_per_tweet"]) == pytest.approx(mean(retweets), abs=0.005)
        assert float(row["median_likes"]) == pytest.approx(median(likes), abs=0.005), kind
        assert float(row["median_retweets"]) == pytest.approx(median(retweets), abs=0.005)
        assert row["explanation"] == engagement.SNAPSHOT_NOTE  # counts as at the archive's date
    assert "retweet" not in got  # their counts belong to someone else


def test_top_tweets_csv_is_the_ten_most_liked_and_retweeted_own_tweets(earning):
    story, out = earning
    top = rows(out / "top_tweets.csv")
    own = sorted(
        (t for t in story.tweets if t.kind != "retweet"),
        key=lambda t: (t.favorite_count + t.retweet_count, t.created_at, t.tweet_id),
        reverse=True,
    )[:10]
    assert [r["tweet_id"] for r in top] == [str(t.tweet_id) for t in own]
    assert [r["rank"] for r in top] == [str(n) for n in range(1, 11)]
    first, truth = top[0], own[0]
    assert first["created_at"] == f"{truth.created_at:%Y-%m-%dT%H:%M:%SZ}"
    assert (first["favorite_count"], first["retweet_count"]) == (
        str(truth.favorite_count),
        str(truth.retweet_count),
    )
    assert first["kind"] == truth.kind
    assert first["tweet_url"] == f"https://twitter.com/ZimblerMiller/status/{truth.tweet_id}"
    assert "comparison.csv" not in os.listdir(out)  # only when a comparison is asked for


def test_a_classic_archive_leaves_every_figure_empty_and_says_why(make_archive, library, tmp_path):
    path, story, _ = make_archive("classic")
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    run("export", "--db", str(library), "--out", str(out))
    got = {r["kind"]: r for r in rows(out / "engagement.csv")}
    own = [t for t in story.tweets if t.kind != "retweet"]
    assert int(got["original"]["tweets"]) == sum(t.kind == "original" for t in own)
    for row in got.values():
        figures = [row[c] for c in csvset.ENGAGEMENT_COLUMNS[2:6]]
        assert figures == ["", "", "", ""], row  # unknown, never 0
        assert row["explanation"] == engagement.NO_COUNTS
    (line,) = rows(out / "top_tweets.csv")  # one line saying why, not an empty file
    assert line["rank"] == engagement.NO_COUNTS
    assert not any(v for k, v in line.items() if k != "rank")


def _period_truth(story, period: comparison.Period) -> tuple[int, int]:
    inside = [
        t
        for t in story.tweets
        if datetime.combine(period.start, datetime.min.time())
        <= t.created_at
        <= datetime.combine(period.end, datetime.max.time())
    ]
    return len(inside), sum(t.kind == "reply_to_others" for t in inside)


def test_comparison_csv_shows_a_year_without_conversation_as_worse(make_archive, library, tmp_path):
    spec = era_spec("current", tweets=3000, quiet_last_year=True)
    path, story, _ = make_archive("current", spec=spec)
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    printed = run("export", "--db", str(library), "--out", str(out), "--compare")
    assert "comparison.csv" in printed
    got = rows(out / "comparison.csv")
    assert list(got[0])[:7] == [
        "metric",
        "before",
        "after",
        "change",
        "explanation",
        "before_period",
        "after_period",
    ]
    by = {r["metric"]: r for r in got}
    with pipeline.open_library(library) as con:
        before, after = comparison.default_periods(pipeline.resolve_scope(con))
    (n_before, replies_before), (n_after, replies_after) = (
        _period_truth(story, before),
        _period_truth(story, after),
    )
    assert replies_after == 0 < replies_before
    assert by["tweets"]["before"] == str(n_before) and by["tweets"]["after"] == str(n_after)
    conv = by["conversation_share"]
    assert conv["before"] == f"{replies_before / n_before:.4f}"  # a share: 0–1, 4 places
    assert conv["after"] == "0.0000"
    assert float(conv["change"]) == pytest.approx(-100 * replies_before / n_before, abs=0.005)
    assert conv["change_unit"] == "percentage points"
    assert conv["verdict"] == "worse"
    assert {r["before_period"] for r in got} == {f"{before.start}/{before.end}"}
    assert {r["after_period"] for r in got} == {f"{after.start}/{after.end}"}
    assert by["tweets"]["verdict"] == ""  # more or fewer tweets is neither better nor worse


def test_comparison_csv_takes_the_baseline_and_names_the_followers_gained(
    two_snapshots, library, tmp_path
):
    old, new = two_snapshots
    out = tmp_path / "out"
    run("export", "--db", str(library), "--out", str(out), "--baseline", "2023-01-01")
    by = {r["metric"]: r for r in rows(out / "comparison.csv")}
    assert by["tweets"]["after_period"].startswith("2023-01-01/")
    assert by["tweets"]["before_period"] == "2022-01-01/2022-12-31"
    gained, lost = set(new.followers) - set(old.followers), set(old.followers) - set(new.followers)
    assert by["followers_gained"]["change"] == str(len(gained))
    assert by["followers_lost"]["change"] == str(len(lost))
    assert by["followers_gained"]["before"] == by["followers_gained"]["after"] == ""


def _contents(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_an_export_without_comparison_takes_the_earlier_one_away_whole(
    make_archive, library, tmp_path, monkeypatch
):
    """A set never mixes two exports: an earlier comparison.csv goes with the rest — and comes
    back when the landing fails."""
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    run("export", "--db", str(library), "--out", str(out), "--compare")
    assert (out / "comparison.csv").exists()
    before = _contents(out)
    real, failed = os.replace, []

    def failing(src, dst):  # the new summary.csv cannot move in (once: the roll-back can)
        if Path(dst) == out / "summary.csv" and not failed:
            failed.append(dst)
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(landing.os, "replace", failing)
    with pipeline.open_library(library) as con, pytest.raises(Exception, match="as it was"):
        pipeline.export_csv(con, pipeline.resolve_scope(con), out)
    monkeypatch.undo()
    assert _contents(out) == before
    run("export", "--db", str(library), "--out", str(out))
    assert sorted(os.listdir(out)) == sorted([*csvset.FILES, "report.html"])


def _sheet_rows(book: Path, title: str) -> list[tuple]:
    wb = openpyxl.load_workbook(book)
    try:
        return [r for r in wb[title].iter_rows(values_only=True)]
    finally:
        wb.close()


def test_the_workbook_has_engagement_and_comparison_sheets_with_the_right_numbers(
    make_archive, library, tmp_path
):
    spec = era_spec("current", tweets=3000, engagement=True, quiet_last_year=True)
    path, story, _ = make_archive("current", spec=spec)
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    printed = run(
        "export", "--db", str(library), "--out", str(out), "--format", "xlsx", "--compare"
    )
    assert "Engagement" in printed and "Comparison" in printed
    (book,) = out.glob("*.xlsx")
    assert openpyxl.load_workbook(book, read_only=False).sheetnames[:4] == [
        "Summary",
        "Monthly",
        "Engagement",
        "Comparison",
    ]
    sheet = _sheet_rows(book, "Engagement")
    assert sheet[2][0].startswith("Your promotional tweets earned 0.")  # the sentence to quote
    by_label = {r[0]: r for r in sheet[5:13]}
    for kind, tweets in _truth(story).items():
        row = by_label[engagement.LABELS[kind].capitalize()]
        assert row[1] == len(tweets), kind
        assert row[2] == pytest.approx(mean(t.favorite_count for t in tweets)), kind
        assert row[4] == pytest.approx(median(t.favorite_count for t in tweets)), kind
    top = [r for r in sheet[16:] if r[0] is not None]
    best = max(
        (t for t in story.tweets if t.kind != "retweet"),
        key=lambda t: (t.favorite_count + t.retweet_count, t.created_at, t.tweet_id),
    )
    assert [r[0] for r in top] == list(range(1, 11))
    assert top[0][:4] == (1, str(best.tweet_id), best.favorite_count, best.retweet_count)
    assert top[0][7] == f'=HYPERLINK("https://twitter.com/ZimblerMiller/status/{best.tweet_id}")'
    rows_ = {r[0]: r for r in _sheet_rows(book, "Comparison")[6:]}
    with pipeline.open_library(library) as con:
        before, _ = comparison.default_periods(pipeline.resolve_scope(con))
    n_before, replies_before = _period_truth(story, before)
    conv = rows_["Conversation share"]
    assert conv[1] == pytest.approx(replies_before / n_before) and conv[2] == 0
    assert conv[3] == pytest.approx(-100 * replies_before / n_before)
    assert conv[4] == "worse"


def test_a_classic_workbook_leaves_the_engagement_figures_empty(make_archive, library, tmp_path):
    path, _, _ = make_archive("classic")
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        book = pipeline.export_xlsx(con, pipeline.resolve_scope(con), tmp_path / "out").path
    sheet = _sheet_rows(book, "Engagement")
    assert sheet[1][0] == engagement.NO_COUNTS
    for row in sheet[5:13]:
        assert row[2:6] == (None, None, None, None), row  # unknown, never 0
        assert row[6] == engagement.NO_COUNTS
    assert sheet[16][0] == engagement.NO_COUNTS  # in place of the top ten
    assert "Comparison" not in openpyxl.load_workbook(book).sheetnames


def test_the_pdf_and_report_html_carry_the_sentence_and_the_comparison(
    make_archive, library, tmp_path
):
    from tests import printing

    spec = era_spec("current", tweets=1500, engagement=True)
    path, _, _ = make_archive("current", spec=spec)
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    run("export", "--db", str(library), "--out", str(out), "--format", "pdf", "--compare")
    (pdf,) = out.glob("*.pdf")
    text = " ".join(printing.text(pdf.read_bytes()).split())
    assert "Your promotional tweets earned 0." in text and "as at the archive's date" in text
    assert "Cards: before 2021-07-03 – 2022-07-02" in text
    page = tmp_path / "page.html"
    run("report", "--db", str(library), "--html", str(page), "--baseline", "2023-01-01")
    html = page.read_text(encoding="utf-8")
    assert "Cards: before 2022-01-01 – 2022-12-31" in html and "Your promotional tweets" in html


def test_without_a_tweets_file_every_kind_says_so(make_archive, library, tmp_path):
    spec = era_spec("2018-2020", tweets=50)
    path, _, _ = make_archive("2018-2020", spec=spec, drop_from_zip=("tweet.js",))
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    run("export", "--db", str(library), "--out", str(out))
    for row in rows(out / "engagement.csv"):
        assert row["tweets"] == "" and row["likes_per_tweet"] == "", row  # unknown, not 0
        assert row["explanation"] == "No tweets file in this archive."
    assert rows(out / "top_tweets.csv") == []
