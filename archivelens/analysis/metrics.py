"""The relationship metrics of ``metrics.md``, computed in DuckDB over a scope.

Shares are fractions 0..1 (None when their denominator is zero). Every number here can be traced
to tweets: the same predicates are used by the Tweets view's filters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from archivelens.analysis import facts
from archivelens.analysis.facts import FACTS_SQL
from archivelens.analysis.scope import Scope
from archivelens.store import snapshots

CANNOT_MEASURE = (
    "Replies and mentions you received: the archive holds only what you sent.",
    "Your response rate: there is no record of what others said to you.",
    "Whether followers are active, or bots: the archive lists them by id only.",
    "When someone followed you, or when you followed them: follower lists carry no dates.",
)


# The scope's facts counted in a few groups first (kind, verdict, scheduler, links; and *keys*),
# the figures then summed from the groups: a dozen filtered counts over two million tweets each
# cost as much as reading them again.
def _grouped(keys: str = "") -> str:
    return f"""
    SELECT {keys} kind, promotional, scheduled, links > 0 AS linked, count(*) AS n,
           sum(likes) AS likes, count(likes) AS counted, sum(retweets) AS retweets,
           sum(links) AS links, sum(own_links) AS own_links,
           min(created_at) AS first_at, max(created_at) AS last_at
    FROM ({FACTS_SQL}) GROUP BY ALL"""


def _count(where: str | None = None) -> str:
    """The tweets of the groups *where* holds (0, never NULL, when none does)."""
    return f"coalesce(sum(n){f' FILTER ({where})' if where else ''}, 0)"


# The counts both the summary and each month report, from the groups.
_COUNTS = f"""{_count()} AS tweets,
    {_count("kind = 'reply_to_others'")} AS replies_to_others,
    {_count("kind = 'self_reply'")} AS self_replies,
    {_count("kind = 'retweet'")} AS retweets,
    {_count("kind = 'quote'")} AS quotes,
    {_count("kind = 'mention'")} AS mentions,
    {_count("kind = 'original'")} AS originals,
    {_count("promotional")} AS promotional_tweets,
    {_count("kind <> 'retweet'")} AS own_tweets"""

# The scope's rows of the facts, read directly: whom a tweet engaged depends on no override.
_SCOPED_FACTS = """SELECT * FROM tweet_facts
    WHERE snapshot_id = $snapshot AND created_at >= $start AND created_at < $end"""

# The scope's facts in groups, and the distinct accounts amplified and replied to (facts.py: the
# partner of each reply, the links outside Twitter and to the own domains, the scheduler).
_SUMMARY = f"""
WITH g AS ({_grouped()}),
replies AS (
    SELECT partner, count(*) AS n FROM ({_SCOPED_FACTS})
    WHERE kind = 'reply_to_others' AND partner IS NOT NULL GROUP BY ALL
)
SELECT
    {_COUNTS},
    {_count("kind <> 'retweet' AND linked")} AS link_tweets,
    {_count("scheduled")} AS scheduled_tweets,
    (SELECT count(DISTINCT amplified) FROM ({_SCOPED_FACTS})) AS accounts_amplified,
    (SELECT count(*) FROM replies) AS accounts_replied_to,
    (SELECT count(*) FROM replies WHERE n >= 3) AS recurring_partners,
    sum(likes) FILTER (kind = 'original') AS likes_on_originals,
    sum(retweets) FILTER (kind = 'original') AS retweets_of_originals,
    coalesce(sum(counted) FILTER (kind = 'original'), 0) AS originals_with_counts,
    coalesce(sum(links) FILTER (kind <> 'retweet'), 0) AS links,
    coalesce(sum(own_links) FILTER (kind <> 'retweet'), 0) AS own_links,
    min(first_at) AS first_tweet,
    max(last_at) AS last_tweet
FROM g
"""


@dataclass
class Summary:
    scope: Scope
    values: dict[str, Any] = field(default_factory=dict)
    own_domains: list[str] = field(default_factory=list)
    own_domains_suggested: bool = True
    snapshot: snapshots.Snapshot | None = None

    def holds(self, *lists: str) -> bool:
        """Whether the snapshot's archive held *lists* (see ``Snapshot.holds``)."""
        return self.snapshot is None or self.snapshot.holds(*lists)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def share(part: float | None, whole: float | None) -> float | None:
    if not whole or part is None:
        return None
    return part / whole


def _row(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> dict[str, Any]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))


@dataclass(frozen=True)
class Shared:
    """What every period of one snapshot has in common — the follower lists' counts and the own
    domains — read once when several periods are summarized (a comparison: 5M followers are
    counted once, not three times)."""

    net: dict[str, int]
    domains: tuple[list[str], bool]

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, scope: Scope) -> Shared:
        facts.require(con, scope)  # both prepared with the facts
        return cls(
            facts.stored_network(con, scope.snapshot_id),
            facts.stored_domains(con, scope.snapshot_id),
        )


def summarize(
    con: duckdb.DuckDBPyConnection, scope: Scope, shared: Shared | None = None
) -> Summary:
    """Every headline metric for *scope* (see ``metrics.md`` for the definitions); *shared*,
    when given, is :meth:`Shared.of` the same snapshot."""
    facts.require(con, scope)
    shared = shared or Shared.of(con, scope)
    domains, suggested = shared.domains
    v = _row(con, _SUMMARY, scope.params())  # one pass over the facts
    net = dict(shared.net)
    v.update(net)
    v["not_followed_back"] = net["followers"] - net["mutuals"]
    v["not_following_you"] = net["following"] - net["mutuals"]
    v["conversation_share"] = share(v["replies_to_others"], v["tweets"])
    v["amplification_share"] = share(v["retweets"] + v["quotes"], v["tweets"])
    v["link_share"] = share(v["link_tweets"], v["own_tweets"])
    v["curation_share"] = share(v["links"] - v["own_links"], v["links"])
    v["own_domain_share"] = share(v["own_links"], v["links"])
    v["promotion_share"] = share(v["promotional_tweets"], v["own_tweets"])
    v["scheduler_share"] = share(v["scheduled_tweets"], v["tweets"])
    # Per original that carries counts: a classic archive's tweets carry none (NULL, unknown).
    counted = v["originals_with_counts"]
    v["likes_per_original"] = share(v["likes_on_originals"], counted)
    v["retweets_per_original"] = share(v["retweets_of_originals"], counted)
    v["follow_back_share"] = share(net["mutuals"], net["followers"])
    v["followers_per_following"] = share(net["followers"], net["following"])
    return Summary(scope, v, domains, suggested, snapshots.get(con, scope.snapshot_id))


_MONTHLY = f"""
WITH counts AS (
    SELECT month,
           {_COUNTS},
           {_count("NOT promotional AND kind IN ('original', 'self_reply') AND linked")}
               AS sharing_tweets,
           {_count("promotional AND kind = 'reply_to_others'")} AS promotional_replies,
           {_count("promotional AND kind IN ('retweet', 'quote')")} AS promotional_amplifying
    FROM ({_grouped("month,")}) GROUP BY month
),
engaged AS (
    -- Accounts engaged with in a month, keyed by lowercased handle (what every kind names).
    SELECT month, count(DISTINCT partner) AS n FROM (
        SELECT month, unnest(engaged) AS partner FROM ({_SCOPED_FACTS})
    ) WHERE partner IS NOT NULL GROUP BY month
)
SELECT c.*, e.n AS distinct_accounts_engaged
FROM counts c LEFT JOIN engaged e ON e.month = c.month
ORDER BY c.month
"""


def monthly(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[dict[str, Any]]:
    """One row per month with tweets, with counts and shares (``monthly.csv``)."""
    facts.require(con, scope)
    cur = con.execute(_MONTHLY, scope.params())
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        r = dict(zip(names, row, strict=True))
        r["distinct_accounts_engaged"] = r["distinct_accounts_engaged"] or 0
        r["conversation_share"] = share(r["replies_to_others"], r["tweets"])
        r["promotion_share"] = share(r["promotional_tweets"], r["own_tweets"])
        r["amplification_share"] = share(r["retweets"] + r["quotes"], r["tweets"])
        r["sharing_share"] = share(r["sharing_tweets"], r["tweets"])
        out.append(r)
    return out
