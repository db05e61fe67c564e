"""Duplicate sales blasts: near-duplicate clusters of a snapshot's tweets, stored and queried.

Clustering itself is :mod:`archivelens.analysis.clustering`; this module feeds it the snapshot's
own tweets (retweets are other people's words), stores the members per snapshot, and recomputes
them when the threshold changes (a fingerprint tells). Cluster numbers run from 1 in order of
each cluster's first tweet, so the same library gives the same numbers every time.

A cluster is a **sales blast** when at least half of its tweets are promotional, else a
**template message** (the same canned thank-you to many people): ``metrics.md``. The kind is
read at query time, so it follows the lexicon and the user's overrides without re-clustering.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.compute

from archivelens.analysis import facts
from archivelens.analysis.promotion import SCOPED_TWEETS, require_classified
from archivelens.analysis.scope import Scope
from archivelens.errors import NotPrepared, UserError
from archivelens.progress import CancelToken, NullProgress, Progress
from archivelens.store.library import limited_memory, query_arrow, register_arrow
from archivelens.store.writes import transaction

THRESHOLD_KEY = "duplicate_threshold"
ALGORITHM = "v4"  # bump when clustering changes, so stored clusters are recomputed


DEFAULT_THRESHOLD = 85.0  # chosen by measurement: bench/duplicates_bench.py
# Settings of clustering.py that change its result: part of the stored clusters' fingerprint.
_PARAMS = "message_words=5 bands=20 rows=3 scorer=ratio core_partial=40/0.5/95"


def threshold(con: duckdb.DuckDBPyConnection) -> float:
    rows = con.execute("SELECT value FROM settings WHERE key = ?", [THRESHOLD_KEY]).fetchall()
    return float(rows[0][0]) if rows else DEFAULT_THRESHOLD


def set_threshold(con: duckdb.DuckDBPyConnection, value: float) -> None:
    if not 50 <= value <= 100:
        raise UserError("The similarity threshold must be between 50 and 100.")
    with transaction(con, "saving the settings") as tx:
        con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [THRESHOLD_KEY, str(value)])
        tx.record("setting", key=THRESHOLD_KEY, value=str(value))


def _fingerprint(value: float) -> str:
    text = f"{ALGORITHM}:{value}:{_PARAMS}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def is_current(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> bool:
    row = con.execute(
        "SELECT fingerprint FROM dup_state WHERE snapshot_id = ?", [snapshot_id]
    ).fetchone()
    return row is not None and row[0] == _fingerprint(threshold(con))


def ensure(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: int,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> None:
    """Compute the snapshot's clusters unless they are current (a part of
    ``archivelens.read.prepared.prepare``, which runs one at a time: readers only check them,
    :func:`require_prepared`)."""
    if not is_current(con, snapshot_id):
        detect(con, snapshot_id, progress, cancel)


def require_prepared(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """What a reader of the clusters checks first: the clusters and the verdicts that make a
    cluster a sales blast are stored and current (else :class:`NotPrepared`)."""
    require_classified(con, scope.snapshot_id, scope.account_id)
    if not is_current(con, scope.snapshot_id):
        raise NotPrepared(f"The duplicate clusters of snapshot {scope.snapshot_id} are stale.")


def detect(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: int,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> int:
    """Cluster the snapshot's own tweets and store the result; return the number of clusters."""
    progress = progress or NullProgress()
    cancel = cancel or CancelToken()
    value = threshold(con)
    progress.update("Reading tweets", 0.0)
    with limited_memory(con, "256MB"):
        members = _cluster(con, snapshot_id, value, progress, cancel)
    cancel.check()
    progress.update("Saving what was found", 0.97)
    _store(con, snapshot_id, members, _fingerprint(value))
    progress.update("Re-sent messages found", 1.0)
    return len(pa.compute.unique(members.column("cluster_id")))


def _cluster(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: int,
    value: float,
    progress: Progress,
    cancel: CancelToken,
) -> pa.Table:
    """The snapshot's cluster members: (cluster_id, tweet_id, similarity)."""
    # numpy, rapidfuzz and the Arrow kernels load only when clustering actually runs.
    import numpy as np

    from archivelens.analysis import clustering
    from archivelens.analysis.textnorm import normalize_with_cores

    # Texts stream in batches and are normalised as they come: the raw texts of millions of
    # tweets are never all in memory at once; DuckDB's own cache is squeezed meanwhile.
    con.complete()  # DuckDB refuses a new relation while an execute() result is open
    id_parts, text_parts, core_parts = [], [], []
    # Closed even on cancel: an open reader would block every later query on *con*.
    with con.sql(
        """SELECT tweet_id, text FROM tweets WHERE snapshot_id = $snapshot AND kind <> 'retweet'
           ORDER BY created_at, tweet_id""",
        params={"snapshot": snapshot_id},
    ).to_arrow_reader(100_000) as reader:
        for batch in reader:
            cancel.check()
            id_parts.append(batch.column(0).to_numpy())
            normalized, cores = normalize_with_cores(batch.column(1))
            text_parts.append(normalized)
            core_parts.append(cores)
    ids = np.concatenate(id_parts) if id_parts else np.empty(0, dtype=np.int64)
    prepared = clustering.prepare(
        pa.chunked_array(text_parts, pa.large_string()),
        pa.chunked_array(core_parts, pa.large_string()),
    )
    del id_parts, text_parts, core_parts  # from here on only the distinct texts are kept
    result = clustering.cluster_prepared(
        prepared,
        value,
        check=cancel.check,
        on_step=lambda stage, f: progress.update(stage, 0.05 + 0.9 * f),
    )
    del prepared
    keep = np.flatnonzero(result.cluster >= 0)
    members = pa.table(
        {
            "cluster_id": pa.array(result.cluster[keep] + 1, pa.int32()),
            "tweet_id": pa.array(ids[keep], pa.int64()),
            "similarity": pa.array(np.round(result.similarity[keep], 2), pa.float64()),
        }
    )
    return members


def _store(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, members: pa.Table, fingerprint: str
) -> None:
    with transaction(con, "saving the duplicate clusters"):
        con.execute("DELETE FROM dup_members WHERE snapshot_id = ?", [snapshot_id])
        register_arrow(con, "new_dup_members", members)
        con.execute(
            "INSERT INTO dup_members SELECT ?, cluster_id, tweet_id, similarity "
            "FROM new_dup_members",
            [snapshot_id],
        )
        con.unregister("new_dup_members")
        con.execute(
            "INSERT OR REPLACE INTO dup_state VALUES (?, ?, ?)",
            [snapshot_id, fingerprint, datetime.now().replace(microsecond=0)],
        )


# -- queries over a scope ------------------------------------------------------------------------

CORRECTION_SECONDS = 600  # a re-post this soon after the last one corrects it (a typo fixed)
TEMPLATE_RECIPIENTS = 2  # a template goes to several people …
TEMPLATE_DAYS = 3  # … or out on several days; else two look-alike tweets are a coincidence


# Cluster members within the scope, with the gap to the previous member in the cluster. A
# cluster counts when it was sent at least twice (re-posts within CORRECTION_SECONDS of the one
# before are corrections of it, not sends), and, unless it sells, when it reached several
# people or went out on several days: two different jokes that read alike are no template.
def members_ctes(source: str, text: str, recipient: str) -> str:
    """The CTEs ending in ``m`` (see above) over *source*: the clustered tweets of the scope,
    with cluster_id, tweet_id, created_at, promotional and similarity, *text* (an expression, or
    NULL) and *recipient* (the expression naming whom a reply or mention went to)."""
    return f"""
all_members AS (
    SELECT cluster_id, tweet_id, created_at, {text} AS text, promotional, similarity,
           count(*) OVER (PARTITION BY cluster_id) AS size,
           avg(promotional::INTEGER) OVER (PARTITION BY cluster_id) >= 0.5
               AS cluster_promotional,
           CASE WHEN avg(promotional::INTEGER) OVER (PARTITION BY cluster_id) >= 0.5
                THEN 'sales_blast' ELSE 'template' END AS cluster_kind,
           date_diff('second', lag(created_at) OVER w, created_at) / 86400.0
               AS days_since_previous,
           {recipient} AS recipient
    FROM {source}
    WINDOW w AS (PARTITION BY cluster_id ORDER BY created_at, tweet_id)
),
counted AS (
    SELECT cluster_id FROM all_members GROUP BY cluster_id
    HAVING count(*) FILTER (days_since_previous IS NULL
                            OR days_since_previous * 86400 > {CORRECTION_SECONDS}) >= 2
       AND (any_value(cluster_kind) = 'sales_blast'
            OR count(DISTINCT recipient) >= {TEMPLATE_RECIPIENTS}
            OR count(DISTINCT created_at::DATE) >= {TEMPLATE_DAYS})
),
m AS (SELECT * EXCLUDE (recipient) FROM all_members SEMI JOIN counted USING (cluster_id))
"""


MEMBERS_CTES = members_ctes(
    """(SELECT d.cluster_id, t.*, d.similarity FROM dup_members d JOIN t USING (tweet_id)
        WHERE d.snapshot_id = $snapshot)""",
    "text",
    facts.RECIPIENT_SQL,
)


def _clustered() -> str:
    """The scope's clustered tweets read from their facts — dup_members joined to the facts of
    its few tweets, not a verdict joined to every tweet first — for :func:`members_ctes`."""
    return """(SELECT d.cluster_id, d.similarity, f.tweet_id, f.created_at, f.kind, f.recipient,
               f.kind <> 'retweet' AND coalesce(o.is_promotional, f.classified) AS promotional
        FROM dup_members d
        JOIN tweet_facts f ON f.snapshot_id = d.snapshot_id AND f.tweet_id = d.tweet_id
        LEFT JOIN promo_overrides o ON o.account_id = $account AND o.tweet_id = f.tweet_id
        WHERE d.snapshot_id = $snapshot AND f.created_at >= $start AND f.created_at < $end)"""


# The members without their texts: what the figures count (repetition, engagement by kind, the
# clusters listed).
CLUSTERED_CTES = members_ctes(_clustered(), "NULL::VARCHAR", "recipient")
MEMBERS_SQL = f"WITH t AS ({SCOPED_TWEETS}),{MEMBERS_CTES}"
# The cluster of each tweet that is in a counted cluster (the Tweets view's and tweets.csv's
# cluster_id), given the scope's tweets as ``t``: the same clusters the Duplicates view lists.
CLUSTER_OF = f"""{MEMBERS_CTES.rstrip()},
cluster_of AS (SELECT tweet_id, cluster_id FROM m WHERE size >= 2)
"""

# The representative's text is read for it alone, once the clusters are counted: texts joined to
# every member made DuckDB read the text of every tweet.
_CLUSTERS = f"""
WITH {CLUSTERED_CTES},
c AS (
    SELECT cluster_id, count(*) AS size,
           arg_min(tweet_id, (created_at, tweet_id)) AS first_tweet,
           min(created_at) AS first_at, max(created_at) AS last_at,
           min(days_since_previous) AS min_gap_days,
           median(days_since_previous) AS median_gap_days,
           any_value(cluster_promotional) AS is_promotional,
           any_value(cluster_kind) AS cluster_kind
    FROM m WHERE size >= 2
    GROUP BY cluster_id
)
SELECT c.cluster_id, c.size, t.text AS representative, c.* EXCLUDE (cluster_id, size, first_tweet)
FROM c JOIN tweets t ON t.snapshot_id = $snapshot AND t.tweet_id = c.first_tweet
"""


@dataclass(frozen=True)
class Repetition:
    """Near-duplicate clusters in a scope: sales blasts (the headline) and template messages."""

    clusters: int
    tweets: int
    sales_blasts: int
    sales_blast_tweets: int
    templates: int
    template_tweets: int
    share: float | None  # tweets in sales blasts ÷ own tweets (not retweets)
    largest: int  # the biggest sales blast


def repetition(con: duckdb.DuckDBPyConnection, scope: Scope) -> Repetition:
    """Repetition figures for *scope* (clusters counted where 2+ members fall in the period)."""
    require_prepared(con, scope)
    facts.require(con, scope)
    row = con.execute(
        f"""WITH {CLUSTERED_CTES}
            SELECT count(DISTINCT cluster_id), count(*),
                   count(DISTINCT cluster_id) FILTER (cluster_kind = 'sales_blast'),
                   count(*) FILTER (cluster_kind = 'sales_blast'),
                   coalesce(max(size) FILTER (cluster_kind = 'sales_blast'), 0),
                   (SELECT count(*) FROM tweet_facts
                    WHERE snapshot_id = $snapshot AND created_at >= $start AND created_at < $end
                      AND kind <> 'retweet')
            FROM m WHERE size >= 2""",
        scope.params(),
    ).fetchone()
    assert row is not None
    clusters, tweets, blasts, blast_tweets, largest, own = (int(v) for v in row)
    return Repetition(
        clusters=clusters,
        tweets=tweets,
        sales_blasts=blasts,
        sales_blast_tweets=blast_tweets,
        templates=clusters - blasts,
        template_tweets=tweets - blast_tweets,
        share=blast_tweets / own if own else None,
        largest=largest,
    )


def clusters(con: duckdb.DuckDBPyConnection, scope: Scope, order: str = "size") -> pa.Table:
    """One row per cluster in scope: size, representative, dates, gaps, promotional."""
    require_prepared(con, scope)
    by = {"size": "size DESC, first_at", "first": "first_at", "last": "last_at DESC"}[order]
    return query_arrow(con, f"{_CLUSTERS} ORDER BY {by}, cluster_id", scope.params())


def members(
    con: duckdb.DuckDBPyConnection, scope: Scope, cluster_id: int | None = None
) -> pa.Table:
    """Members in scope (of one cluster, or of all), in cluster order then time."""
    require_prepared(con, scope)
    where = "size >= 2" + (" AND cluster_id = $cluster" if cluster_id is not None else "")
    params = {**scope.params(), **({"cluster": cluster_id} if cluster_id is not None else {})}
    return query_arrow(
        con,
        f"""{MEMBERS_SQL} SELECT cluster_id, size AS cluster_size,
                   cluster_promotional AS is_promotional, cluster_kind, tweet_id, created_at,
                   similarity, days_since_previous, text
            FROM m WHERE {where} ORDER BY cluster_id, created_at, tweet_id""",
        params,
    )
