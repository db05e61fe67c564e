"""What to change: each rule pinned on a generated archive, and an account that needs nothing."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import datetime

import pytest

from archivelens import pipeline
from archivelens.analysis import recommendations
from archivelens.analysis.report import as_dict
from testkit.precision import burst_spec, ordinary_spec
from tests.conftest import era_spec


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


def test_a_burst_after_years_of_silence_comes_first_with_its_figure(make_archive, library):
    rep, _ = advice(make_archive, library, burst_spec())
    assert rules(rep)[:2] == ["burst", "canned_outreach"]
    burst = rep.recommendations[0]
    assert burst.figure.startswith("325 of your 335 tweets in 17 days (")
    assert burst.figure.endswith("after 3 years of silence")


def test_canned_outreach_counts_the_short_greetings_repetition_ignores(make_archive, library):
    rep, story = advice(make_archive, library, burst_spec())
    canned = next(r for r in rep.recommendations if r.rule == "canned_outreach")
    assert all(f"“{word}”" in canned.figure for word in ("Hi", "Hello", "Interested"))
    greeted = {
        t.reply_to.account_id
        for t in story.tweets
        if t.kind == "reply_to_others" and t.text.split(" ", 1)[1] in ("Hi", "Hello", "Interested")
    }
    assert len(greeted) > 200
    sent_to = int(canned.figure.rsplit(" sent to ", 1)[1].split()[0].replace(",", ""))
    assert sent_to >= len(greeted)
    assert rep.value("sales_blast_clusters") == 0  # "Hi" is no message: no blast, no template


def test_a_new_accounts_first_weeks_are_no_burst(make_archive, library):
    """All its tweets in 17 days, but no silence before them: it has just begun."""
    rep, _ = advice(make_archive, library, burst_spec(burst=0, start=datetime(2023, 6, 13)))
    assert "burst" not in rules(rep) and "canned_outreach" in rules(rep)


def test_a_sales_account_hears_about_its_own_site_and_4_1_1(make_archive, library):
    spec = calm(tweets=600, blast_clusters=40, blast_size=4, own_links=60)
    rep, _ = advice(make_archive, library, spec)
    found = rules(rep)
    assert found[:4] == [
        "retire_sales_blasts",
        "promotion_above_band",
        "own_site_links",
        "four_one_one",
    ]
    assert len(found) <= 7
    own = rep.recommendations[2]
    assert "zimblerbooks.com" in own.figure and own.figure.startswith("8")  # 80-odd percent
    bands = {b["rule"]: b["within"] for b in as_dict(rep)["bands"]}
    assert bands["4-1-1"] is False


def test_corrections_and_look_alike_jokes_give_no_advice_and_no_template(make_archive, library):
    rep, _ = advice(make_archive, library, calm(corrections=5, lookalike_jokes=True))
    assert rep.recommendations == []
    assert rep.advice.status == "nothing_stands_out"
    assert rep.value("template_clusters") == 1  # the canned thank-you only


@pytest.mark.parametrize(("spec", "fires"), [(burst_spec(), True), (calm(), False)])
def test_a_sample_decides_first_on_big_accounts(make_archive, library, monkeypatch, spec, fires):
    """With more replies than the sample (here 100), the sample decides whether all of them are
    read: canned outreach still shows, an ordinary account's "thanks!" replies do not."""
    monkeypatch.setattr(recommendations, "CANNED_SAMPLE", 100)
    rep, _ = advice(make_archive, library, spec)
    assert ("canned_outreach" in rules(rep)) is fires


def test_promotion_that_earns_less_than_replies_is_said_with_its_numbers(make_archive, library):
    # The generator draws 0–1 likes for sales messages and 0–8 for replies to others.
    rep, story = advice(
        make_archive, library, calm(engagement=True, blast_clusters=6, blast_size=5)
    )
    found = next(r for r in rep.recommendations if r.rule == "promotion_earns_less")
    own = [t for t in story.tweets if t.kind != "retweet"]
    promo = [t.favorite_count for t in own if t.promotional]
    replies = [t.favorite_count for t in own if t.kind == "reply_to_others"]
    assert len(promo) >= recommendations.EARNED_MIN_TWEETS
    assert found.figure.startswith(
        f"Your promotional tweets earned {sum(promo) / len(promo):.1f} likes each, your "
        f"replies to others {sum(replies) / len(replies):.1f} ({len(promo):,} and "
        f"{len(replies):,} tweets"
    )
    assert "as at the archive's date" in found.figure
    assert found.rows.startswith("engagement.csv")


def test_too_few_promotional_tweets_to_compare_their_likes(make_archive, library):
    rep, story = advice(
        make_archive, library, calm(engagement=True, blast_clusters=3, blast_size=5)
    )
    assert sum(t.promotional for t in story.tweets) < recommendations.EARNED_MIN_TWEETS
    assert "promotion_earns_less" not in rules(rep)
