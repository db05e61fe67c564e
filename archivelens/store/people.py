"""The people directory: every other account the snapshot's tweets name, with what they reveal.

Followers and followings are listed by id only; handles and display names come from mentions,
reply targets and (classic archives) retweeted authors. Most followers stay unknown, honestly.
"""

from __future__ import annotations

import duckdb

_INSERT = """
INSERT INTO people
SELECT $snapshot_id, account_id,
       arg_max(screen_name, seen) FILTER (WHERE screen_name IS NOT NULL),
       arg_max(display_name, seen) FILTER (WHERE display_name IS NOT NULL),
       max(seen)
FROM (
    WITH stage_tweets AS (SELECT * FROM stage_tweets WHERE damage IS NULL)
    SELECT m.id AS account_id, m.screen_name, m."name" AS display_name, created_at AS seen
    FROM (SELECT unnest(mentions) AS m, created_at FROM stage_tweets)
    UNION ALL
    SELECT reply_user_id, reply_screen_name, NULL, created_at FROM stage_tweets
    UNION ALL
    SELECT rt_user_id, rt_screen_name, rt_name, created_at FROM stage_tweets
)
WHERE account_id > 0 AND account_id <> $owner_id
GROUP BY account_id
"""


def insert_from_stage(con: duckdb.DuckDBPyConnection, snapshot_id: int, owner_id: int) -> None:
    con.execute(_INSERT, {"snapshot_id": snapshot_id, "owner_id": owner_id})
