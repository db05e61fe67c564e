"""Tweets the owner liked (``like.js``): the archive gives no date and no author for them."""

from __future__ import annotations

import duckdb


def insert_from_stage(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> None:
    """Insert the liked tweets staged in the temp table ``stage_likes`` (each once)."""
    con.execute(
        """INSERT INTO likes SELECT DISTINCT ON (tweet_id) $s, tweet_id, full_text, expanded_url
           FROM stage_likes""",
        {"s": snapshot_id},
    )


def count(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> int:
    (n,) = con.execute(  # type: ignore[misc]
        "SELECT count(*) FROM likes WHERE snapshot_id = ?", [snapshot_id]
    ).fetchone()
    return int(n)
