"""Tweet facts (analysis/facts.py): the same figures as reading the tweets each time, prepared once,
rebuilt when what they were made from changes, and never read stale."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from archivelens import pipeline
from archivelens.analysis import duplicates, engagement, facts, metrics, promotion, recommendations
from archivelens.analysis.promotion import PROMOTIONAL_SQL, SCOPED_TWEETS
from archivelens.errors import NotPrepared
from archivelens.read import prepared
from testkit.archivegen.specs import era_spec
from testkit.precision import burst_spec

# The readers before tweet_facts, as they were: every figure re-derived from the tweets.
_SCHEDULED = " OR ".join(f"contains(lower(source_client), '{s}')" for s in facts.SCHEDULERS)
OLD_SUMMARY = f"""
WITH t AS ({SCOPED_TWEETS}),
handles AS (
    SELECT lower(screen_name) AS handle, min(account_id) AS account_id FROM people
    WHERE snapshot_id = $snapshot AND screen_name IS NOT NULL GROUP BY ALL
),
replies AS (
    SELECT coalesce(CASE WHEN t.reply_to_user_id > 0 THEN t.reply_to_user_id::VARCHAR END,
                    h.account_id::VARCHAR, lower(t.reply_to_screen_name)) AS partner,
           count(*) AS n
    FROM t LEFT JOIN handles h ON h.handle = lower(t.reply_to_screen_name)
    WHERE t.kind = 'reply_to_others' GROUP BY ALL
)
SELECT count(*) AS tweets,
    count(*) FILTER (kind = 'reply_to_others') AS replies_to_others,
    count(*) FILTER (kind = 'retweet') AS retweets,
    count(*) FILTER (kind = 'mention') AS mentions,
    count(*) FILTER (promotional) AS promotional_tweets,
    count(*) FILTER (kind <> 'retweet' AND len(ext_domains) > 0) AS link_tweets,
    count(*) FILTER ({_SCHEDULED}) AS scheduled_tweets,
    count(DISTINCT CASE WHEN kind = 'retweet' THEN lower(retweeted_screen_name)
                        WHEN kind = 'quote' THEN lower(quoted_screen_name) END)
        AS accounts_amplified,
    (SELECT count(*) FROM replies WHERE partner IS NOT NULL) AS accounts_replied_to,
    (SELECT count(*) FROM replies WHERE partner IS NOT NULL AND n >= 3) AS recurring_partners,
    sum(favorite_count) FILTER (kind = 'original') AS likes_on_originals,
    coalesce(sum(len(ext_domains)) FILTER (kind <> 'retweet'), 0) AS links,
    coalesce(sum(len(list_filter(ext_domains, lambda d: len(list_filter($own::VARCHAR[],
        lambda o: d = o OR ends_with(d, '.' || o))) > 0))) FILTER (kind <> 'retweet'), 0)
        AS own_links,
    min(created_at) AS first_tweet, max(created_at) AS last_tweet
FROM t
"""
OLD_MONTHS = f"""
WITH t AS ({SCOPED_TWEETS}),
engaged AS (
    SELECT month, count(DISTINCT partner) AS n FROM (
        SELECT strftime(created_at, '%Y-%m') AS month,
               unnest(CASE kind
                   WHEN 'reply_to_others' THEN [lower(reply_to_screen_name)]
                   WHEN 'retweet' THEN [lower(retweeted_screen_name)]
                   WHEN 'quote' THEN [lower(quoted_screen_name)]
                   WHEN 'mention' THEN list_transform(mention_handles, lambda x: lower(x))
                   ELSE [] END) AS partner
        FROM t
    ) WHERE partner IS NOT NULL GROUP BY month
)
SELECT strftime(created_at, '%Y-%m') AS month, count(*) AS tweets,
       count(*) FILTER (promotional) AS promotional_tweets,
       count(*) FILTER (NOT promotional AND kind IN ('original', 'self_reply')
                        AND len(ext_domains) > 0) AS sharing_tweets,
       coalesce(any_value(e.n), 0) AS distinct_accounts_engaged
FROM t LEFT JOIN engaged e ON e.month = strftime(t.created_at, '%Y-%m')
GROUP BY ALL ORDER BY month
"""

# The clustered tweets as read before the facts held whom each went to: joined to the tweets.
OLD_CLUSTERED = duplicates.members_ctes(
    f"""(SELECT d.cluster_id, d.similarity, t.tweet_id, t.created_at, t.kind, t.text,
               t.reply_to_screen_name, t.reply_to_user_id, t.mention_handles,
               {PROMOTIONAL_SQL} AS promotional
        FROM dup_members d
        JOIN tweets t ON t.snapshot_id = d.snapshot_id AND t.tweet_id = d.tweet_id
        LEFT JOIN promotion p ON p.snapshot_id = t.snapshot_id AND p.tweet_id = t.tweet_id
        LEFT JOIN promo_overrides o ON o.account_id = $account AND o.tweet_id = t.tweet_id
        WHERE d.snapshot_id = $snapshot AND t.created_at >= $start AND t.created_at < $end)""",
    "text",
    """CASE WHEN kind = 'reply_to_others'
            THEN coalesce(lower(reply_to_screen_name), reply_to_user_id::VARCHAR)
            WHEN kind = 'mention' THEN lower(mention_handles[1]) END""",
)
_MEMBERS = """SELECT cluster_id, tweet_id, size, cluster_kind, days_since_previous FROM m
              WHERE size >= 2 ORDER BY cluster_id, tweet_id"""
OLD_CLUSTERS = f"""WITH {OLD_CLUSTERED}
SELECT cluster_id, count(*) AS size, arg_min(text, (created_at, tweet_id)) AS representative,
       min(created_at) AS first_at, max(created_at) AS last_at,
       any_value(cluster_kind) AS cluster_kind
FROM m WHERE size >= 2 GROUP BY cluster_id ORDER BY size DESC, first_at, cluster_id"""


def _old(con, sql, scope, **extra):
    cur = con.execute(sql, {**scope.params(), **extra})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _check_against_the_tweets(con, scope) -> None:
    summary = metrics.summarize(con, scope)
    (old,) = _old(con, OLD_SUMMARY, scope, own=summary.own_domains)
    assert {k: summary[k] for k in old} == old
    months = metrics.monthly(con, scope)
    old_months = _old(con, OLD_MONTHS, scope)
    assert [{k: m[k] for k in old_months[0]} for m in months] == old_months


def test_the_facts_give_what_reading_the_tweets_gave(imported, library):
    imported("current", spec=era_spec("current", blast_clusters=3, time_zone="Lisbon"))
    with pipeline.open_library(library) as con:
        whole = pipeline.resolve_scope(con)
        assert facts.is_current(con, whole.snapshot_id, whole.account_id)
        assert metrics.summarize(con, whole)["scheduled_tweets"] > 0
        assert metrics.summarize(con, whole)["own_links"] > 0
        for scope in (whole, whole.with_dates(date(2021, 1, 1), date(2022, 6, 30))):
            _check_against_the_tweets(con, scope)
        # The user's mark counts at once: overrides are joined, not folded into the facts.
        ids = [
            r[0]
            for r in con.execute(
                "SELECT tweet_id FROM tweet_facts WHERE kind = 'original' AND NOT classified "
                "LIMIT 3"
            ).fetchall()
        ]
        before = metrics.summarize(con, whole)["promotional_tweets"]
        promotion.set_overrides(con, whole.account_id, ids, True)
        assert facts.is_current(con, whole.snapshot_id, whole.account_id)
        assert metrics.summarize(con, whole)["promotional_tweets"] == before + 3
        _check_against_the_tweets(con, whole)


def test_posting_hours_are_on_the_accounts_clock(imported, library):
    imported("current", spec=era_spec("current", tweets=400, time_zone="Lisbon"))
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        rows = con.execute(
            "SELECT created_at FROM tweets WHERE snapshot_id = ? AND kind <> 'retweet'",
            [scope.snapshot_id],
        ).fetchall()
    grid = [[0] * 24 for _ in range(7)]
    for (at,) in rows:
        local = at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Europe/Lisbon"))
        grid[local.weekday()][local.hour] += 1
    with pipeline.open_library(library) as con:
        assert engagement.posting_hours(con, scope) == grid


def test_a_new_phrase_list_or_time_zone_rebuilds_them(imported, library):
    imported("current", spec=era_spec("current", tweets=600, time_zone="Lisbon"))
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        mark = facts.fingerprint(con, scope.snapshot_id)
        hours = engagement.posting_hours(con, scope)
        promotion.save_lexicon(con, "zimbler\n")
        assert not facts.is_current(con, scope.snapshot_id, scope.account_id)
        with pytest.raises(NotPrepared):
            metrics.summarize(con, scope)
        pipeline.prepare(con, scope)
        assert facts.fingerprint(con, scope.snapshot_id) != mark
        _check_against_the_tweets(con, scope)
        con.execute("UPDATE snapshots SET time_zone = 'Tokyo'")
        with pytest.raises(NotPrepared):
            engagement.posting_hours(con, scope)
        assert not prepared.is_prepared(con, scope)
        pipeline.prepare(con, scope)
        tokyo = engagement.posting_hours(con, scope)
        # Tokyo is 8 or 9 hours ahead of Lisbon: the same tweets, other hours.
        assert tokyo != hours and sum(map(sum, tokyo)) == sum(map(sum, hours))


def test_missing_facts_are_never_read(make_archive, library):
    path, _, _ = make_archive("current", spec=era_spec("current", tweets=300))
    pipeline.import_archive(path, library, analysis=False)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        for reader in (metrics.monthly, engagement.posting_hours, engagement.top_tweets):
            with pytest.raises(NotPrepared):
                reader(con, scope)
        pipeline.prepare(con, scope)
        metrics.monthly(con, scope)
        con.execute("DELETE FROM facts_state")
        with pytest.raises(NotPrepared):
            metrics.monthly(con, scope)
        assert not prepared.is_prepared(con, scope)


def test_the_burst_from_the_silences_is_the_burst_from_the_tweets(make_archive, library):
    path, _, _ = make_archive("current", spec=burst_spec())
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        (silences,) = con.execute("SELECT count(*) FROM silences").fetchone()
        assert silences >= 1
        burst = recommendations._burst(con, scope)
        assert burst is not None and burst.figure.startswith("325 of your 335 tweets in 17 days")
        first, last = con.execute("SELECT min(created_at), max(created_at) FROM tweets").fetchone()
        # A period starting after the silence has no silence in it: no burst to speak of.
        later = scope.with_dates(last.date().replace(day=1), None)
        assert recommendations._burst(con, later) is None
        assert first < last


def _check_clusters_against_the_tweets(con, scope) -> None:
    old = _old(con, f"WITH {OLD_CLUSTERED} {_MEMBERS}", scope)
    assert old == _old(con, f"WITH {duplicates.CLUSTERED_CTES} {_MEMBERS}", scope)
    listed = duplicates.clusters(con, scope).to_pylist()
    keys = ("cluster_id", "size", "representative", "first_at", "last_at", "cluster_kind")
    assert [{k: c[k] for k in keys} for c in listed] == _old(con, OLD_CLUSTERS, scope)


def test_the_clusters_read_from_the_facts_are_those_read_from_the_tweets(imported, library):
    """Sales blasts and templates sent as replies and mentions to several people: who each went
    to (a template's test) and the verdicts come from the facts now, the same as from the
    tweets — in a period, and once the user marks a blast's tweets as not promotional."""
    imported("current", spec=era_spec("current", blast_clusters=3, thanks_replies=6))
    with pipeline.open_library(library) as con:
        whole = pipeline.resolve_scope(con)
        kinds = {c["cluster_kind"] for c in duplicates.clusters(con, whole).to_pylist()}
        assert kinds == {"sales_blast", "template"}
        (recipients,) = con.execute(
            "SELECT count(DISTINCT recipient) FROM tweet_facts WHERE recipient IS NOT NULL"
        ).fetchone()
        assert recipients > 6
        first, last = con.execute("SELECT min(created_at), max(created_at) FROM tweets").fetchone()
        half = whole.with_dates(first.date(), (first + (last - first) / 2).date())
        for scope in (whole, half):
            _check_clusters_against_the_tweets(con, scope)
        blast = duplicates.clusters(con, whole).to_pylist()[0]
        members = duplicates.members(con, whole, blast["cluster_id"]).to_pylist()
        promotion.set_overrides(con, whole.account_id, [m["tweet_id"] for m in members], False)
        assert duplicates.clusters(con, whole).to_pylist()[0]["cluster_kind"] == "template"
        _check_clusters_against_the_tweets(con, whole)
