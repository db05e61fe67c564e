"""Tweets the owner liked (``like.js``): the archive gives no date and no author for them."""

from __future__ import annotations

import duckdb


def insert_from_stage(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> None:
    """Insert the liked tweets staged in the temp table ``stage_likes`` (each once).

    An id liked once (nearly all) goes straight in; only the repeated ones pay for
    ``DISTINCT ON``, which hashes whole rows, texts included (1M likes: most of a second)."""
    con.execute(
        """INSERT INTO likes
           WITH repeated AS (
               SELECT tweet_id FROM stage_likes GROUP BY tweet_id HAVING count(*) > 1)
           SELECT $s, tweet_id, full_text, expanded_url FROM stage_likes l
           ANTI JOIN repeated r ON l.tweet_id IS NOT DISTINCT FROM r.tweet_id
           UNION ALL
           SELECT DISTINCT ON (tweet_id) $s, tweet_id, full_text, expanded_url
           FROM stage_likes l SEMI JOIN repeated r ON l.tweet_id IS NOT DISTINCT FROM r.tweet_id""",
        {"s": snapshot_id},
    )


def count(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> int:
    (n,) = con.execute(  # type: ignore[misc]
        "SELECT count(*) FROM likes WHERE snapshot_id = ?", [snapshot_id]
    ).fetchone()
    return int(n)
