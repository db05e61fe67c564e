"""Tweet facts: per tweet of a snapshot, the columns every reader of the headline figures needs.

The summary, the months, engagement by kind, the top tweets, the posting hours, repetition and
the burst advice each used to re-derive the same things from ``tweets`` on every report — the
promotional verdict joined from ``promotion``, the links outside Twitter, whether a scheduler
sent it, whom a reply went to, its hour on the account's clock. ``tweet_facts``
holds them once per snapshot (with the retweets: the summary counts them), ordered by time so
a period reads only its own row groups; ``silences`` holds the long gaps between two tweets.

Both are made by :func:`ensure` — a part of ``archivelens.read.prepared.prepare``, after the
classification they are made from — and stamped with a fingerprint of what they were made from
(the classification's mark, the account's time zone and :data:`VERSION`), so they are rebuilt
only when stale. Readers only check (:func:`require`). Cluster membership is not copied: the
few clustered tweets' facts are joined to ``dup_members`` (``duplicates.CLUSTERED_CTES``), which
is why the facts also hold whom each reply or mention went to.

The user's overrides are not folded in: they change without a new classification, so readers
join ``promo_overrides`` (a handful of rows) to ``classified`` — :data:`FACTS_SQL`.
"""

from __future__ import annotations

import hashlib
import json

import duckdb

from archivelens.analysis.promotion import is_current as promotion_current
from archivelens.analysis.promotion import (
    own_domains,
    require_classified,
    stored_mark,
    twitter_domain_sql,
)
from archivelens.analysis.scope import Scope
from archivelens.analysis.time_zone import snapshot_zone
from archivelens.errors import NotPrepared
from archivelens.store import network
from archivelens.store.writes import transaction

# Bump when what the facts hold (or how) changes: every snapshot's facts are then rebuilt.
VERSION = "2"

# Clients whose name shows the tweet was scheduled or sent by an automation tool.
SCHEDULERS = (
    "buffer",
    "hootsuite",
    "ifttt",
    "dlvr.it",
    "socialoomph",
    "sprout social",
    "zapier",
    "socialpilot",
    "sendible",
    "loomly",
    "publer",
    "coschedule",
    "meetedgar",
    "agorapulse",
    "later",
    "twuffer",
    "tweetdeck scheduled",
)
SILENCE_DAYS = 180  # a gap this long between two tweets is a silence (the burst advice)

# Whom a reply or a mention went to (the first account it names): what tells a template sent to
# several people from one message sent twice (duplicates.py), and outreach from a conversation.
RECIPIENT_SQL = """CASE WHEN kind = 'reply_to_others'
                THEN coalesce(lower(reply_to_screen_name), reply_to_user_id::VARCHAR)
                WHEN kind = 'mention' THEN lower(mention_handles[1]) END"""

_SCHEDULER_SQL = " OR ".join(f"contains(lower(source_client), '{s}')" for s in SCHEDULERS)

# Every fact of one snapshot, from its tweets, the classification ($own: the own domains it
# used), the people directory and the account's zone ($zone).
_BUILD = f"""
WITH handles AS (
    SELECT lower(screen_name) AS handle, min(account_id) AS account_id FROM people
    WHERE snapshot_id = $snapshot AND screen_name IS NOT NULL GROUP BY ALL
),
t AS (
    SELECT t.*, p.matched_terms, p.own_domain_link,
           list_filter(t.domains, lambda d: NOT {twitter_domain_sql("d")}) AS ext_domains,
           timezone($zone, t.created_at AT TIME ZONE 'UTC') AS local
    FROM tweets t
    LEFT JOIN promotion p ON p.snapshot_id = t.snapshot_id AND p.tweet_id = t.tweet_id
    WHERE t.snapshot_id = $snapshot
)
SELECT $snapshot AS snapshot_id, t.tweet_id, t.created_at, t.kind,
       t.kind <> 'retweet' AND coalesce(len(t.matched_terms) > 0 OR t.own_domain_link, false)
           AS classified,
       coalesce({_SCHEDULER_SQL}, false) AS scheduled,
       len(t.ext_domains) AS links,
       len(list_filter(t.ext_domains, lambda d: len(list_filter($own::VARCHAR[],
           lambda o: d = o OR ends_with(d, '.' || o))) > 0)) AS own_links,
       t.favorite_count AS likes, t.retweet_count AS retweets,
       strftime(t.created_at, '%Y-%m') AS month,
       (isodow(t.local) - 1)::TINYINT AS weekday, hour(t.local)::TINYINT AS hour,
       CASE WHEN t.kind = 'reply_to_others' THEN
           coalesce(CASE WHEN t.reply_to_user_id > 0 THEN t.reply_to_user_id::VARCHAR END,
                    h.account_id::VARCHAR, lower(t.reply_to_screen_name)) END AS partner,
       CASE WHEN t.kind = 'retweet' THEN lower(t.retweeted_screen_name)
            WHEN t.kind = 'quote' THEN lower(t.quoted_screen_name) END AS amplified,
       CASE t.kind
           WHEN 'reply_to_others' THEN [lower(t.reply_to_screen_name)]
           WHEN 'retweet' THEN [lower(t.retweeted_screen_name)]
           WHEN 'quote' THEN [lower(t.quoted_screen_name)]
           WHEN 'mention' THEN list_transform(t.mention_handles, lambda x: lower(x))
           ELSE [] END AS engaged,
       {RECIPIENT_SQL} AS recipient
FROM t
LEFT JOIN handles h ON t.kind = 'reply_to_others' AND h.handle = lower(t.reply_to_screen_name)
ORDER BY t.created_at, t.tweet_id
"""

# Each tweet that follows a silence: its time, the previous tweet's, the gap in seconds.
_SILENCES = f"""
SELECT $snapshot, created_at, previous, date_diff('second', previous, created_at)
FROM (SELECT created_at, lag(created_at) OVER (ORDER BY created_at) AS previous
      FROM tweet_facts WHERE snapshot_id = $snapshot)
WHERE date_diff('second', previous, created_at) > {SILENCE_DAYS * 86400}
"""

# The facts of a scope (parameters: Scope.params) with each tweet's promotional verdict now:
# the user's override, else the classification (a retweet is never promotional).
FACTS_SQL = """
SELECT f.*, f.kind <> 'retweet' AND coalesce(o.is_promotional, f.classified) AS promotional
FROM tweet_facts f
LEFT JOIN promo_overrides o ON o.account_id = $account AND o.tweet_id = f.tweet_id
WHERE f.snapshot_id = $snapshot AND f.created_at >= $start AND f.created_at < $end
"""


def fingerprint(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> str | None:
    """What the facts of *snapshot_id* would be made from now, in 16 hex digits; None while the
    classification is missing."""
    promotion = stored_mark(con, snapshot_id)
    if promotion is None:
        return None
    zone = snapshot_zone(con, snapshot_id).iana
    text = f"{VERSION}:{promotion}:{zone}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def is_current(con: duckdb.DuckDBPyConnection, snapshot_id: int, account_id: int) -> bool:
    """Whether the stored facts were made from the classification today's phrases and own
    domains give, and from the snapshot's zone."""
    row = con.execute(
        "SELECT fingerprint FROM facts_state WHERE snapshot_id = ?", [snapshot_id]
    ).fetchone()
    return (
        row is not None
        and row[0] == fingerprint(con, snapshot_id)
        and promotion_current(con, snapshot_id, account_id)
    )


def require(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """What a reader of the facts checks first: they and the classification behind them are
    current (else :class:`NotPrepared`: the scope was not prepared)."""
    require_classified(con, scope.snapshot_id, scope.account_id)
    if not is_current(con, scope.snapshot_id, scope.account_id):
        raise NotPrepared(f"The tweet facts of snapshot {scope.snapshot_id} are stale.")


def ensure(con: duckdb.DuckDBPyConnection, snapshot_id: int, account_id: int) -> None:
    """(Re)build the snapshot's facts and silences unless current — after the classification
    and the clusters (``archivelens.read.prepared.prepare``, one at a time: a second finds
    them current)."""
    if not is_current(con, snapshot_id, account_id):
        build(con, snapshot_id, account_id)


def build(con: duckdb.DuckDBPyConnection, snapshot_id: int, account_id: int) -> None:
    """Store the facts and silences of *snapshot_id*, with the own domains they were made with
    and the counts of its follower lists (the summary reads both from ``facts_state`` instead
    of suggesting the domains again and counting millions of followers on every report: a
    snapshot's lists never change after its import)."""
    mark = fingerprint(con, snapshot_id)
    assert mark is not None, "the classification comes first"
    domains, suggested = own_domains(con, account_id, snapshot_id)
    zone = snapshot_zone(con, snapshot_id).iana
    params = {"snapshot": snapshot_id, "own": domains, "zone": zone}
    with transaction(con, "saving the tweet facts"):
        con.execute("DELETE FROM tweet_facts WHERE snapshot_id = ?", [snapshot_id])
        con.execute("DELETE FROM silences WHERE snapshot_id = ?", [snapshot_id])
        con.execute(f"INSERT INTO tweet_facts {_BUILD}", params)
        con.execute(f"INSERT INTO silences {_SILENCES}", {"snapshot": snapshot_id})
        con.execute(
            "INSERT OR REPLACE INTO facts_state VALUES (?, ?, ?, ?, ?)",
            [snapshot_id, mark, domains, suggested, json.dumps(network.counts(con, snapshot_id))],
        )


def stored_domains(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> tuple[list[str], bool]:
    """The own domains the current facts were made with, and whether they are the suggestion
    (what :func:`promotion.own_domains` answers, without suggesting them again)."""
    row = con.execute(
        "SELECT own_domains, suggested FROM facts_state WHERE snapshot_id = ?", [snapshot_id]
    ).fetchone()
    assert row is not None, "the facts are prepared"
    return list(row[0]), bool(row[1])


def stored_network(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> dict[str, int]:
    """The counts of the snapshot's follower lists (``store.network.counts``) as prepared."""
    row = con.execute(
        "SELECT network FROM facts_state WHERE snapshot_id = ?", [snapshot_id]
    ).fetchone()
    assert row is not None, "the facts are prepared"
    return {k: int(v) for k, v in json.loads(row[0]).items()}
