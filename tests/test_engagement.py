"""Engagement by kind (metrics.md): likes and retweets per kind of own tweet, against the
generated records, and unknown — never zero — where the archive keeps no counts."""

from __future__ import annotations

from statistics import mean, median

import pytest

from archivelens import pipeline
from archivelens.analysis import engagement
from tests.conftest import era_spec


def _truth(story) -> dict[str, list]:
    """The own tweets of each engagement kind, straight from the generated records."""
    own = [t for t in story.tweets if t.kind != "retweet"]
    blast_labels = {t.cluster for t in own if t.cluster is not None and t.promotional}
    return {
        **{k: [t for t in own if t.kind == k] for k in engagement.KINDS[:5]},
        "promotional": [t for t in own if t.promotional],
        "sales_blast": [t for t in own if t.cluster in blast_labels],
        "template": [t for t in own if t.cluster is not None and t.cluster not in blast_labels],
    }


def test_likes_and_retweets_per_kind_match_the_generated_records(imported, library):
    story = imported("current", spec=era_spec("current", tweets=1500, engagement=True))
    with pipeline.open_library(library) as con:
        eng = engagement.by_kind(con, pipeline.resolve_scope(con))
    assert eng.known and eng.reason == engagement.SNAPSHOT_NOTE
    for kind, tweets in _truth(story).items():
        row = eng.of(kind)
        assert row.tweets == len(tweets), kind
        likes = [t.favorite_count for t in tweets]
        retweets = [t.retweet_count for t in tweets]
        assert row.likes_per_tweet == pytest.approx(mean(likes)), kind
        assert row.retweets_per_tweet == pytest.approx(mean(retweets)), kind
        assert row.median_likes == pytest.approx(median(likes)), kind
        assert row.median_retweets == pytest.approx(median(retweets)), kind
    # The generator draws sales messages near zero and replies well above: the sentence says so.
    sentence = engagement.headline(eng)
    assert sentence is not None and sentence.startswith("Your promotional tweets earned 0.")


def test_top_tweets_are_the_most_liked_and_retweeted(imported, library):
    story = imported("current", spec=era_spec("current", tweets=800, engagement=True))
    with pipeline.open_library(library) as con:
        top = engagement.top_tweets(con, pipeline.resolve_scope(con)).to_pylist()
    own = sorted(
        (t for t in story.tweets if t.kind != "retweet"),
        key=lambda t: (t.favorite_count + t.retweet_count, t.created_at, t.tweet_id),
        reverse=True,
    )
    assert [r["tweet_id"] for r in top] == [t.tweet_id for t in own[:10]]


def test_posting_hours_count_every_own_tweet_once(imported, library):
    story = imported("current", spec=era_spec("current", tweets=600))
    with pipeline.open_library(library) as con:
        grid = engagement.posting_hours(con, pipeline.resolve_scope(con))
    own = [t for t in story.tweets if t.kind != "retweet"]
    assert sum(map(sum, grid)) == len(own)
    first = own[0].created_at
    assert grid[first.weekday()][first.hour] >= 1


def test_the_busiest_day_and_hours_wrap_past_midnight():
    grid = [[0] * 24 for _ in range(7)]
    assert engagement.busiest(grid) is None and engagement.when_posted(grid) is None
    grid[2][23], grid[2][0], grid[2][1] = 5, 5, 5  # Wednesday, 23:00 to 02:00
    grid[4][12] = 9  # Friday noon: one busy hour, a quieter day
    assert engagement.busiest(grid) == (2, 23)
    assert engagement.when_posted(grid) == (
        "You post most on Wednesdays, and most between 23:00 and 02:00, "
        "in UTC (the archive names no time zone)."
    )
    grid[4][13] = 7  # Friday: 16 tweets, and 11–14 and 12–15 both hold 16: the earlier wins
    assert engagement.busiest(grid) == (4, 11)
