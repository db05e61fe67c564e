"""What to change: each rule pinned on a generated archive, and an account that needs nothing."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

from archivelens import pipeline
from archivelens.analysis.report import as_dict
from tests.conftest import era_spec
from tests.precision import ordinary_spec


def advice(make_archive, library, spec, **options):
    path, story, _ = make_archive("current", spec=spec, **options)
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        rep = pipeline.build_report(con, pipeline.resolve_scope(con))
    return rep, story


def rules(rep) -> list[str]:
    return [r.rule for r in rep.recommendations]


def calm(**changes):
    """An account that talks, shares, follows back the people it talks with, never sells."""
    spec = replace(ordinary_spec(41, tweets=1500), followers=60, following=200, mutuals=60)
    return replace(spec, **changes)


def test_an_account_that_needs_no_change_gets_an_empty_list(make_archive, library, capsys):
    from archivelens.cli import print_report

    rep, _ = advice(make_archive, library, calm())
    assert rep.recommendations == []
    import sys

    print_report(rep, sys.stdout)
    assert "Nothing stands out" in capsys.readouterr().out


def test_re_sent_sales_messages_come_first(make_archive, library):
    rep, _ = advice(make_archive, library, calm(blast_clusters=6, blast_size=5))
    first = rep.recommendations[0]
    assert first.rule == "retire_sales_blasts" and first.view == "Duplicates"
    assert "6 re-sent sales messages" in first.action and "went out 5 times" in first.action
    assert first.figure.startswith("30 tweets in 6 sales blasts")


def test_promotion_above_a_fifth(make_archive, library):
    rep, _ = advice(make_archive, library, calm(tweets=600, blast_clusters=40, blast_size=4))
    assert "promotion_above_band" in rules(rep)
    promo = next(r for r in rep.recommendations if r.rule == "promotion_above_band")
    assert promo.filters == {"promotional": True}


def test_conversation_falling_in_the_last_year(make_archive, library):
    rep, _ = advice(make_archive, library, calm(quiet_last_year=True))
    assert "conversation_falling" in rules(rep)
    assert "little_conversation" not in rules(rep)  # one piece of advice, not two


def test_people_you_talk_with_but_dont_follow_back(make_archive, library):
    rep, _ = advice(make_archive, library, era_spec("current"))
    partners = next(r for r in rep.recommendations if r.rule == "follow_back_partners")
    assert partners.view == "Follow-back" and "@user_" in partners.action


def test_no_follow_back_advice_without_the_lists(make_archive, library):
    rep, _ = advice(
        make_archive,
        library,
        era_spec("current"),
        drop_from_zip=("data/follower.js", "data/following.js"),
    )
    assert "follow_back_partners" not in rules(rep)


def test_scheduler_only_posting(make_archive, library, tmp_path):
    rep, _ = advice(make_archive, library, calm(scheduled=0.8))
    assert rules(rep) == ["scheduler_only"]
    assert as_dict(rep)["recommendations"][0]["rule"] == "scheduler_only"
    json.dumps(as_dict(rep))  # JSON-ready
    with pipeline.open_library(library) as con:
        pipeline.export_csv(con, pipeline.resolve_scope(con), tmp_path / "out")
    with open(tmp_path / "out" / "recommendations.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(r["rank"], r["rule"]) for r in rows] == [("1", "scheduler_only")]
    assert rows[0]["rows"].startswith("tweets.csv")
