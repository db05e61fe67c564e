"""Engagement by kind: what each kind of own tweet earned (``metrics.md``, "Engagement by kind").

The archive keeps each own tweet's like and retweet counts as they were when the archive was
made: a snapshot, never a history. Retweets of others are left out (their counts belong to
someone else). Archives without counts (classic ``tweets.csv``) store them as NULL: every figure
here is then unknown (None), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from archivelens.analysis import facts
from archivelens.analysis.duplicates import CLUSTERED_CTES, require_prepared
from archivelens.analysis.facts import FACTS_SQL
from archivelens.analysis.scope import Scope
from archivelens.analysis.time_zone import UTC_ZONE, LocalZone
from archivelens.store.library import query_arrow

# tweets.csv's kind values (never 'retweet'), then the three groups that cut across them.
KINDS = (
    "reply_to_others",
    "self_reply",
    "mention",
    "original",
    "quote",
    "promotional",
    "sales_blast",
    "template",
)
LABELS = {
    "reply_to_others": "replies to others",
    "self_reply": "self-replies (threads)",
    "mention": "mentions",
    "original": "own posts",
    "quote": "quotes",
    "promotional": "promotional tweets",
    "sales_blast": "tweets in sales blasts",
    "template": "template messages",
}
SNAPSHOT_NOTE = "Likes and retweets as they were when the archive was made."
NO_COUNTS = "This archive holds no like or retweet counts (older archives never did)."
# Fewer tweets of a kind than this and its mean says more about one tweet than about the kind:
# the headline sentence compares only kinds with at least this many tweets.
MIN_TWEETS = 10

# The scope's own tweets (facts.py) with the kind of the counted cluster each belongs to.
_OWN = f"""WITH f AS ({FACTS_SQL}), {CLUSTERED_CTES},
own AS (
    SELECT f.tweet_id, f.kind, f.promotional, f.likes, f.retweets, f.created_at, c.cluster_kind
    FROM f LEFT JOIN (SELECT tweet_id, cluster_kind FROM m WHERE size >= 2) c USING (tweet_id)
    WHERE f.kind <> 'retweet'
)"""

_BY_KIND = f"""{_OWN},
tagged AS (
    SELECT kind AS tag, likes, retweets FROM own
    UNION ALL SELECT 'promotional', likes, retweets FROM own WHERE promotional
    UNION ALL SELECT cluster_kind, likes, retweets FROM own WHERE cluster_kind IS NOT NULL
)
SELECT tag, count(*) AS tweets, count(likes) AS counted,
       avg(likes) AS likes_per_tweet, avg(retweets) AS retweets_per_tweet,
       median(likes) AS median_likes, median(retweets) AS median_retweets
FROM tagged GROUP BY tag
"""


@dataclass(frozen=True)
class KindEngagement:
    """One kind's tweets and what they earned (None: unknown, the archive has no counts)."""

    kind: str
    tweets: int
    likes_per_tweet: float | None
    retweets_per_tweet: float | None
    median_likes: float | None
    median_retweets: float | None

    @property
    def label(self) -> str:
        return LABELS[self.kind]


@dataclass(frozen=True)
class Engagement:
    rows: tuple[KindEngagement, ...]  # one per KINDS entry, in that order
    known: bool  # the archive holds counts for the tweets in scope
    reason: str  # what the figures are (a snapshot), or why they are unknown

    def of(self, kind: str) -> KindEngagement:
        return next(r for r in self.rows if r.kind == kind)

    @property
    def unknown(self) -> bool:
        """Own tweets in scope, but no counts: every figure is unknown (never 0)."""
        return not self.known and any(r.tweets for r in self.rows[:5])


def by_kind(con: duckdb.DuckDBPyConnection, scope: Scope) -> Engagement:
    """Tweets, likes and retweets per tweet (mean and median) for each kind in *scope*."""
    require_prepared(con, scope)  # the verdicts and clusters read here
    facts.require(con, scope)
    found = {
        r[0]: r[1:] for r in con.execute(_BY_KIND, scope.params()).fetchall() if r[0] is not None
    }
    counted = sum(int(found[k][1]) for k in found if k in KINDS[:5])
    known = counted > 0
    rows = []
    for kind in KINDS:
        tweets, n, likes, retweets, med_likes, med_retweets = found.get(kind, (0, 0) + (None,) * 4)
        has = known and n > 0
        rows.append(
            KindEngagement(
                kind,
                int(tweets),
                _num(likes) if has else None,
                _num(retweets) if has else None,
                _num(med_likes) if has else None,
                _num(med_retweets) if has else None,
            )
        )
    own = sum(r.tweets for r in rows[:5])
    return Engagement(tuple(rows), known, SNAPSHOT_NOTE if known or not own else NO_COUNTS)


def note(eng: Engagement, no_tweets: str | None = None) -> str:
    """What the figures are (a snapshot), or why there are none: *no_tweets* (why the archive's
    tweets are unknown, as the report says it) or an archive without counts."""
    if no_tweets:
        return no_tweets[:1].upper() + no_tweets[1:] + "."
    return eng.reason


def row_note(eng: Engagement, row: KindEngagement, no_tweets: str | None = None) -> str:
    """What a kind's figures are, or why it has none: *no_tweets* (why the archive's tweets are
    unknown, as the report says it), the archive keeps no counts, or no tweet of the kind is in
    the period."""
    if no_tweets or eng.unknown:
        return note(eng, no_tweets)
    if not row.tweets:
        return f"No {row.label} in this period."
    return eng.reason


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


TOP = 10
# The own tweets with the most likes + retweets, best first, with their rank; scope parameters
# and $limit. The CSV set and the workbook read it as it is.
TOP_TWEETS_SQL = f"""WITH f AS ({FACTS_SQL}),
top AS (
    SELECT tweet_id, created_at, kind, promotional AS is_promotional,
           likes AS favorite_count, retweets AS retweet_count
    FROM f WHERE kind <> 'retweet' AND likes IS NOT NULL AND likes + retweets > 0
    ORDER BY likes + retweets DESC, created_at DESC, tweet_id DESC
    LIMIT $limit
)
SELECT row_number() OVER (
           ORDER BY top.favorite_count + top.retweet_count DESC, top.created_at DESC,
                    top.tweet_id DESC) AS rank,
       top.*, t.text
FROM top JOIN tweets t ON t.snapshot_id = $snapshot AND t.tweet_id = top.tweet_id
ORDER BY rank"""  # ranked after the LIMIT: a top-N, not a sort of every tweet; texts of ten


def top_tweets(con: duckdb.DuckDBPyConnection, scope: Scope, limit: int = TOP) -> pa.Table:
    """The own tweets with the most likes + retweets (none when the archive has no counts)."""
    facts.require(con, scope)  # the verdicts read here
    return query_arrow(con, TOP_TWEETS_SQL, {**scope.params(), "limit": limit})


def posting_hours(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[list[int]]:
    """Own tweets per weekday (0 Monday … 6 Sunday) × hour (0–23), on the account's own clock.

    The archive stores times in UTC; the hours are counted in the zone the archive names
    (``time_zone.snapshot_zone``, whose ``caption`` says which), summer time included."""
    facts.require(con, scope)  # the weekday and hour were counted in the snapshot's zone
    grid = [[0] * 24 for _ in range(7)]
    rows = con.execute(
        """SELECT weekday, hour, count(*) FROM tweet_facts
           WHERE snapshot_id = $snapshot AND kind <> 'retweet'
             AND created_at >= $start AND created_at < $end
           GROUP BY ALL""",
        {k: v for k, v in scope.params().items() if k != "account"},
    ).fetchall()
    for day, hour, n in rows:
        grid[int(day)][int(hour)] = int(n)
    return grid


WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def busiest(grid: list[list[int]], span: int = 3) -> tuple[int, int] | None:
    """The weekday (0 Monday) with the most own tweets and the start hour of the *span* hours
    (wrapping past midnight) with the most, from :func:`posting_hours`; None without tweets.
    Ties go to the earlier day or hour."""
    if not any(any(row) for row in grid):
        return None
    day = max(range(7), key=lambda d: (sum(grid[d]), -d))
    hours = [sum(grid[d][h] for d in range(7)) for h in range(24)]
    start = max(range(24), key=lambda h: (sum(hours[(h + i) % 24] for i in range(span)), -h))
    return day, start


def when_posted(grid: list[list[int]], zone: LocalZone = UTC_ZONE, span: int = 3) -> str | None:
    """ "You post most on Tuesdays, and most between 09:00 and 12:00 (in the account's time
    zone (Lisbon))." or None; *zone* is the one :func:`posting_hours` counted in."""
    found = busiest(grid, span)
    if found is None:
        return None
    day, start = found
    return (
        f"You post most on {WEEKDAYS[day]}, and most between {start:02d}:00 and "
        f"{(start + span) % 24:02d}:00, {zone.caption()}."
    )


def headline(eng: Engagement) -> str | None:
    """The sentence a consultant quotes — promotional tweets against conversation — or None when
    either side has too few tweets or the archive has no counts. A comparison, never a cause."""
    if not eng.known:
        return None
    promo, replies = eng.of("promotional"), eng.of("reply_to_others")
    if min(promo.tweets, replies.tweets) < MIN_TWEETS:
        return None
    if promo.likes_per_tweet is None or replies.likes_per_tweet is None:
        return None
    return (
        f"Your promotional tweets earned {_each(promo.likes_per_tweet)} each, "
        f"your replies to others {_each(replies.likes_per_tweet)} "
        f"({promo.tweets:,} and {replies.tweets:,} tweets; counts as at the archive's date)."
    )


def _each(likes: float) -> str:
    shown = f"{likes:.1f}" if likes < 10 else f"{likes:,.0f}"
    return f"{shown} like" + ("" if shown == "1.0" else "s")


def as_dict(eng: Engagement) -> dict[str, object]:
    """The JSON form (``archivelens report --json``'s ``engagement``): null where unknown."""

    def num(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    return {
        "known": eng.known,
        "note": eng.reason,
        "headline": headline(eng),
        "kinds": [
            {
                "kind": r.kind,
                "tweets": r.tweets,
                "likes_per_tweet": num(r.likes_per_tweet),
                "retweets_per_tweet": num(r.retweets_per_tweet),
                "median_likes": num(r.median_likes),
                "median_retweets": num(r.median_retweets),
            }
            for r in eng.rows
        ],
    }
