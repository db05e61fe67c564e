"""Browsing the snapshot's tweets: filters, search and sort, a page at a time.

The app's Tweets view and "export what this view shows" both use these queries, so the rows a
person sees are the rows that export.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from archivelens.analysis import duplicates
from archivelens.analysis.promotion import SCOPED_TWEETS
from archivelens.analysis.scope import Scope
from archivelens.store.library import query_arrow

# What a view can be sorted by, as columns of the tweets (t) joined with clusters (d); ties go
# by tweet id in the same direction, so every order is total and pages never overlap.
SORT_KEYS = {
    "created_at": "t.created_at",
    "kind": "t.kind",
    "text": "t.text",
    "promotional": "t.promotional",
    "cluster_id": "d.cluster_id",
    "favorite_count": "t.favorite_count",
    "retweet_count": "t.retweet_count",
}


def order_by(sort: str | None, descending: bool) -> str:
    """The ORDER BY of a query over ``t`` and ``d`` (see :data:`SORT_KEYS`)."""
    key = SORT_KEYS.get(sort or "created_at", "t.created_at")
    direction = "DESC" if descending else "ASC"
    return f"ORDER BY {key} {direction} NULLS LAST, t.tweet_id {direction}"


@dataclass(frozen=True)
class TweetFilter:
    search: str = ""
    kind: str | None = None
    promotional: bool | None = None
    in_cluster: bool = False
    cluster_id: int | None = None

    def where(self) -> tuple[str, dict[str, Any]]:
        clauses: list[str] = ["true"]
        params: dict[str, Any] = {}
        if self.search.strip():
            clauses.append("contains(lower(t.text), $q)")
            params["q"] = self.search.strip().lower()
        if self.kind:
            clauses.append("t.kind = $kind")
            params["kind"] = self.kind
        if self.promotional is not None:
            clauses.append("t.promotional = $promo")
            params["promo"] = self.promotional
        if self.in_cluster:
            clauses.append("d.cluster_id IS NOT NULL")
        if self.cluster_id is not None:
            clauses.append("d.cluster_id = $cluster")
            params["cluster"] = self.cluster_id
        return " AND ".join(clauses), params


def _base(filt: TweetFilter) -> tuple[str, dict[str, Any]]:
    where, params = filt.where()
    return (
        f"""
        WITH t AS ({SCOPED_TWEETS}), {duplicates.CLUSTER_OF}
        SELECT t.tweet_id, t.created_at, t.kind, t.text, t.promotional,
               array_to_string(t.matched_terms, ', ') AS matched_terms, d.cluster_id,
               t.favorite_count, t.retweet_count, t.override
        FROM t LEFT JOIN cluster_of d USING (tweet_id)
        WHERE {where}""",
        params,
    )


class TweetBrowser:
    """One filtered, sorted view of the tweets, materialised once so every page is a cheap
    range read (a page of a 2M-tweet view must not re-sort two million rows). Temp table: it
    lives on *con*, the caller's own connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        scope: Scope,
        filt: TweetFilter,
        sort: str | None = None,
        descending: bool = False,
    ) -> None:
        duplicates.require_prepared(con, scope)  # the verdicts and clusters it shows
        self.con = con
        sql, params = tweets_sql(filt, sort, descending)
        sql = f"CREATE OR REPLACE TEMP TABLE browse_view AS {sql}"
        con.execute(sql, {**scope.params(), **params})
        (self.count,) = con.execute("SELECT count(*) FROM browse_view").fetchone()  # type: ignore[misc]

    def page(self, offset: int, limit: int) -> pa.Table:
        """Rows in order: stored sorted, a row's ``rowid`` is its place in the view."""
        return query_arrow(
            self.con,
            "SELECT * FROM browse_view WHERE rowid >= $a AND rowid < $b ORDER BY rowid",
            {"a": offset, "b": offset + limit},
        )


def tweets_sql(
    filt: TweetFilter, sort: str | None = None, descending: bool = False
) -> tuple[str, dict[str, Any]]:
    """The rows of a Tweets view in its order, as SQL (the CSV of "export this view" uses the
    same filter and order: :func:`archivelens.export.csvset.tweets_view`)."""
    sql, params = _base(filt)
    return f"{sql} {order_by(sort, descending)}", params
