"""Shapes real published archives have that once gave wrong findings (archive-format.md §4,
pitfalls 33–37): missing list files, no tweets file, epoch-ms account times, repeated mentions.
Every archive here is synthetic, written in the real shape."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import replace
from datetime import datetime

import duckdb

from archivelens import pipeline
from archivelens.analysis import changes, network
from archivelens.analysis.report import build
from tests.conftest import era_spec


def _rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_a_list_missing_from_the_zip_is_unknown_everywhere(make_archive, library, tmp_path):
    """The manifest lists follower.js and following.js, the zip lacks them: not 0 followers,
    and no invented losses against an older, complete archive of the account."""
    spec = era_spec("current", followers=120, following=60, mutuals=20)
    old_path, _, _ = make_archive("current", spec=spec)
    partial = replace(spec, generated_at=datetime(2024, 2, 1), seed=spec.seed + 1)
    new_path, _, _ = make_archive(
        "current", spec=partial, drop_from_zip=("data/follower.js", "data/following.js")
    )
    pipeline.import_archive(old_path, library)
    result = pipeline.import_archive(new_path, library)
    assert result.lists == {"block", "mute", "like"}
    assert any(
        w.startswith("Your followers list is missing from this archive")
        and "unknown for this archive, not zero" in w
        and w.endswith("(file: data/follower.js).")
        for w in result.warnings
    )

    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con, None, None, None, None)
        assert scope.snapshot_id == result.snapshot_id
        rep = build(con, scope)
        for name in ("followers", "following", "mutuals", "not_followed_back"):
            assert rep.value(name) is None, name
            assert rep.explanation(name).startswith("not in this archive"), name
        assert rep.value("tweets") > 0
        old, new = changes.snapshots_of(con, scope.account_id)
        assert changes.diff(con, old, new).num_rows == 0
        assert len(changes.not_compared(old, new)) == 2
        partners = network.conversation_partners(con, scope)
        assert set(partners.column("follows_you").to_pylist()) == {None}
        pipeline.export_csv(con, scope, tmp_path / "out")

    out = tmp_path / "out"
    summary = {r["metric"]: r for r in _rows(out / "summary.csv")}
    assert summary["followers"]["value"] == ""
    assert "not in this archive" in summary["followers"]["explanation"]
    checklist = _rows(out / "not_followed_back.csv")
    assert len(checklist) == 1 and checklist[0]["account_id"].startswith("Not in this archive")
    changed = _rows(out / "follower_changes.csv")
    assert [r["change"] for r in changed] == ["", ""]  # two "not compared" lines, no changes
    assert all("not compared" in r["account_id"] for r in changed)


def test_a_root_level_archive_without_tweets_is_said_and_dated(make_archive, library):
    """2018 root-level export with account.js times in epoch milliseconds and no tweet.js."""
    spec = era_spec("2018-2020", tweets=50)
    path, _story, _ = make_archive("2018-2020", spec=spec, drop_from_zip=("tweet.js",))
    result = pipeline.import_archive(path, library)
    assert result.counts["tweets"] == 0
    assert any("no tweets file" in w for w in result.warnings)
    assert result.generated_estimated
    assert result.generated_at == spec.generated_at  # account.js updatedAt, never 1970
    with duckdb.connect(str(library), read_only=True) as con:
        (created,) = con.execute("SELECT created_at FROM accounts").fetchone()
    assert created == datetime(2011, 6, 23, 13, 4, 14)


def test_partner_counts_count_tweets_not_mention_entries(imported, library):
    spec = era_spec("current", repeat_mentions=25)
    story = imported("current", spec=spec)
    truth: Counter[int] = Counter()
    for t in story.tweets:
        if t.kind == "retweet" or t.unknown_reply_id:  # the archive writes those mentions as -1
            continue
        replied = t.reply_to.account_id if t.reply_to and not t.unknown_reply_id else None
        truth.update({p.account_id for p in t.mentions} - {replied, story.owner.account_id})
    assert any(len(t.mentions) > len({p.account_id for p in t.mentions}) for t in story.tweets)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con, None, None, None, None)
        table = network.conversation_partners(con, scope)
    ids, mentions = (table.column(c).to_pylist() for c in ("account_id", "mentions"))
    got = dict(zip(ids, mentions, strict=True))
    assert {a: n for a, n in got.items() if n} == dict(truth)
