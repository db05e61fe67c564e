"""Tweets the owner liked (``like.js``): the archive gives no date and no author for them."""

from __future__ import annotations

import duckdb


def insert(con: duckdb.DuckDBPyConnection, snapshot_id: int, select_sql: str) -> dict[str, int]:
    """Insert the liked tweets; return the record count of each staged file."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage_likes AS {select_sql}")
    con.execute(
        """INSERT INTO likes SELECT DISTINCT ON (tweet_id) $s, tweet_id, full_text, expanded_url
           FROM stage_likes""",
        {"s": snapshot_id},
    )
    counts = dict(con.execute("SELECT filename, count(*) FROM stage_likes GROUP BY ALL").fetchall())
    con.execute("DROP TABLE stage_likes")
    return {str(k): int(v) for k, v in counts.items()}


def count(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> int:
    (n,) = con.execute(  # type: ignore[misc]
        "SELECT count(*) FROM likes WHERE snapshot_id = ?", [snapshot_id]
    ).fetchone()
    return int(n)
