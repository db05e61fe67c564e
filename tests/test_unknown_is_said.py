"""Unknown is not zero, and no advice says why (issue 20 points 4, 6, 7): a classic archive's like
and retweet counts, an archive without a tweets file, too few tweets, an empty period — each
said the same way in the report, --json, the CSV set and the workbook."""

from __future__ import annotations

import csv
import io
import json
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path

import duckdb
import openpyxl
import pytest

from archivelens import pipeline
from archivelens.cli import main
from testkit.precision import ordinary_spec
from tests.conftest import era_spec

CLASSIC_WHY = "classic archives keep no like or retweet counts"


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def run(*args: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(args)) == 0
    return out.getvalue()


def summary_cells(book: Path) -> dict[str, tuple]:
    """The workbook Summary's rows by their first cell: (B, C)."""
    sheet = openpyxl.load_workbook(book)["Summary"]
    return {r[0]: r[1:3] for r in sheet.iter_rows(values_only=True) if r[0]}


@pytest.fixture(params=[True, False], ids=["grailbird", "tweets.csv only"])
def classic(request, make_archive, library, tmp_path):
    path, story, _ = make_archive("classic", grailbird=request.param)
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        rep = pipeline.build_report(con, scope)
        pipeline.export_csv(con, scope, out)
        book = pipeline.export_xlsx(con, scope, out).path
    return story, rep, out, book


def test_classic_counts_are_unknown_in_the_library(classic, library):
    with duckdb.connect(str(library), read_only=True) as con:
        counted = con.execute("SELECT count(favorite_count) + count(retweet_count) FROM tweets")
        assert counted.fetchone()[0] == 0


def test_classic_counts_are_unknown_in_every_output(classic, library):
    story, rep, out, book = classic
    for name in ("likes_per_original", "retweets_per_original"):
        assert rep.value(name) is None
        assert CLASSIC_WHY in rep.explanation(name)
    data = json.loads(run("report", "--db", str(library), "--json"))
    assert data["metrics"]["likes_per_original"] is None
    assert CLASSIC_WHY in data["unknown"]["likes_per_original"]
    assert "followers" in data["unknown"]  # no lists either, said the same way
    assert data["metrics"]["tweets"] == len(story.tweets)  # what is known stays
    text = run("report", "--db", str(library))
    line = next(x for x in text.splitlines() if x.strip().startswith("likes_per_original"))
    assert "–" in line and CLASSIC_WHY in line and "0.00" not in line
    tweets = rows(out / "tweets.csv")
    assert len(tweets) == len(story.tweets)
    assert all(r["favorite_count"] == r["retweet_count"] == "" for r in tweets)
    summary = {r["metric"]: r for r in rows(out / "summary.csv")}
    assert summary["likes_per_original"]["value"] == ""
    assert CLASSIC_WHY in summary["likes_per_original"]["explanation"]
    cells = summary_cells(book)
    assert cells["Likes per original"][0] == "unknown"
    assert CLASSIC_WHY in cells["Likes per original"][1]
    sheet = openpyxl.load_workbook(book)["Tweets"]
    header, *body = sheet.iter_rows(values_only=True)
    likes = header.index("favorite_count")
    assert body and all(r[likes] is None for r in body)


def test_old_libraries_forget_the_zeros_of_classic_snapshots(make_archive, library):
    """A library written before the counts could be unknown stored 0 for every classic tweet:
    migration 6 makes them unknown, and leaves other eras' counts alone."""
    for era in ("classic", "current"):
        path, _, _ = make_archive(era)
        pipeline.import_archive(path, library)
    with duckdb.connect(str(library)) as con:
        con.execute("UPDATE tweets SET favorite_count = 0, retweet_count = 0 WHERE snapshot_id = 1")
        con.execute("DELETE FROM schema_version WHERE version >= 6")
    with pipeline.open_library(library) as con:
        by_era = dict(
            con.execute(
                """SELECT s.era, count(t.favorite_count) FROM tweets t
                   JOIN snapshots s USING (snapshot_id) GROUP BY ALL"""
            ).fetchall()
        )
        (version,) = con.execute("SELECT max(version) FROM schema_version").fetchone()
    assert version >= 6
    assert by_era["classic"] == 0 and by_era["current"] > 0


def test_an_archive_without_a_tweets_file_says_so(make_archive, library, tmp_path):
    spec = era_spec("2018-2020", tweets=50)
    path, _, _ = make_archive("2018-2020", spec=spec, drop_from_zip=("tweet.js",))
    imported = run("import", str(path), "--db", str(library))
    assert "No tweets file in this archive" in imported and "0 tweets" not in imported
    data = json.loads(run("report", "--db", str(library), "--json"))
    assert data["tweets_file"] is False and data["snapshot_estimated"] is True
    assert data["metrics"]["tweets"] is None
    assert data["unknown"]["tweets"] == "no tweets file in this archive"
    assert data["metrics"]["followers"] is not None  # the lists were there
    assert data["advice"]["status"] == "no_tweets_file"
    text = run("report", "--db", str(library))
    assert "(estimated: the archive does not say)" in text.splitlines()[0]
    assert "no tweets file in this archive" in text
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        pipeline.export_csv(con, scope, tmp_path / "out")
    summary = {r["metric"]: r for r in rows(tmp_path / "out" / "summary.csv")}
    assert summary["tweets"]["value"] == ""
    assert "No tweets file in this archive" in summary["tweets"]["explanation"]


@pytest.fixture
def small(make_archive, library):
    """An account of 22 tweets: too few to advise on."""
    spec = replace(ordinary_spec(5, tweets=22), blast_clusters=0, thanks_replies=0, notes=0)
    path, _, _ = make_archive("current", spec=spec)
    pipeline.import_archive(path, library)
    return library


TOO_FEW = "Too few tweets in this period to advise: 22, advice needs 50."


def test_too_few_tweets_to_advise_is_said_everywhere(small, tmp_path):
    text = run("report", "--db", str(small))
    assert TOO_FEW in text and "Nothing stands out" not in text
    data = json.loads(run("report", "--db", str(small), "--json"))
    assert data["recommendations"] == []
    assert data["advice"] == {"status": "too_few_tweets", "note": TOO_FEW}
    out = tmp_path / "out"
    with pipeline.open_library(small) as con:
        scope = pipeline.resolve_scope(con)
        pipeline.export_csv(con, scope, out)
        book = pipeline.export_xlsx(con, scope, out).path
    advice = rows(out / "recommendations.csv")
    assert [(r["rank"], r["rule"], r["action"]) for r in advice] == [
        ("", "too_few_tweets", TOO_FEW)
    ]
    summary = {r["metric"]: r for r in rows(out / "summary.csv")}
    assert summary["advice"]["value"] == "too_few_tweets"
    assert summary["advice"]["explanation"] == TOO_FEW
    assert TOO_FEW in summary_cells(book)


def test_an_empty_period_has_no_tweets_to_advise_on(small):
    data = json.loads(
        run("report", "--db", str(small), "--json", "--from", "2001-01-01", "--to", "2001-12-31")
    )
    assert data["metrics"]["tweets"] == 0  # known: the archive has tweets, none in the period
    assert data["advice"]["status"] == "no_tweets"
    assert "No tweets in this period" in data["advice"]["note"]


def test_band_verdicts_in_summary_csv_and_the_workbook(make_archive, library, tmp_path):
    spec = era_spec("current", tweets=600, blast_clusters=40, blast_size=4)
    path, _, _ = make_archive("current", spec=spec)
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        pipeline.export_csv(con, scope, out)
        book = pipeline.export_xlsx(con, scope, out).path
    data = json.loads(run("report", "--db", str(library), "--json"))
    said = {b["rule"]: {True: "within", False: "outside"}[b["within"]] for b in data["bands"]}
    assert "outside" in said.values()
    summary = {r["metric"]: r for r in rows(out / "summary.csv")}
    assert summary["band_80_20"]["verdict"] == said["80/20"]
    assert summary["band_4_1_1"]["verdict"] == said["4-1-1"]
    assert summary["band_rule_of_thirds"]["verdict"] == said["Rule of thirds"]
    assert summary["tweets"]["verdict"] == ""
    cells = summary_cells(book)
    assert {rule: cells[rule][0] for rule in said} == said
    position = next(b["position"] for b in data["bands"] if b["rule"] == "Rule of thirds")
    assert cells["Rule of thirds"][1].startswith(position)  # in the wide column, not clipped


@pytest.mark.parametrize("era", ["current", "classic"])
def test_every_headline_figure_is_the_same_in_json_csv_and_workbook(
    era, make_archive, library, tmp_path
):
    """Known or unknown, a figure reads the same in ``report --json``, summary.csv and the
    workbook Summary (unknown: null, an empty cell, "unknown")."""
    path, _, _ = make_archive(era)
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        rep = pipeline.build_report(con, scope)
        pipeline.export_csv(con, scope, out)
        book = pipeline.export_xlsx(con, scope, out).path
    data = json.loads(run("report", "--db", str(library), "--json"))
    summary = {r["metric"]: r["value"] for r in rows(out / "summary.csv")}
    cells = summary_cells(book)
    unknown = 0
    for m in rep.metrics:
        value, cell = data["metrics"][m.name], cells[m.name.replace("_", " ").capitalize()][0]
        if value is None:
            unknown += 1
            assert summary[m.name] == "" and cell in ("unknown", None), m.name
        elif isinstance(value, str):  # a date
            assert summary[m.name] == value and cell.strftime("%Y-%m-%dT%H:%M:%SZ") == value
        else:
            shown = 0.005 if m.kind == "number" else 1e-4  # the CSV's 2 and 4 decimals
            assert float(summary[m.name]) == pytest.approx(value, abs=shown), m.name
            assert cell == pytest.approx(value, abs=1e-4), m.name
    assert (unknown > 0) is (era == "classic")
