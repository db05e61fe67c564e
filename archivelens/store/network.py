"""Account lists of a snapshot: followers, following, blocks and mutes (ids only, in file order)."""

from __future__ import annotations

import duckdb

# our data kind → (table, keeps the archive's order)
TABLES = {
    "follower": ("followers", True),
    "following": ("following", True),
    "block": ("blocks", False),
    "mute": ("mutes", False),
}


def insert_refs(
    con: duckdb.DuckDBPyConnection, kind: str, snapshot_id: int, select_sql: str, offset: int
) -> tuple[int, int]:
    """Insert one staged file's account ids; return how many records the file held, and how
    many of them had no readable account id (skipped, for the import to say so).

    Positions continue from *offset* across part files. Duplicates keep their first position.
    """
    table, ordered = TABLES[kind]
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage_refs AS {select_sql}")
    records, unreadable = con.execute(  # type: ignore[misc]
        "SELECT count(*), count(*) FILTER (account_id IS NULL) FROM stage_refs"
    ).fetchone()
    existing = f"SELECT account_id FROM {table} WHERE snapshot_id = $snapshot_id"
    if ordered:
        con.execute(
            f"""INSERT INTO {table}
                SELECT $snapshot_id, account_id, $offset + min(position) AS pos FROM stage_refs
                WHERE account_id IS NOT NULL AND account_id NOT IN ({existing})
                GROUP BY account_id ORDER BY pos""",
            {"snapshot_id": snapshot_id, "offset": offset},
        )
    else:
        con.execute(
            f"""INSERT INTO {table}
                SELECT DISTINCT $snapshot_id, account_id FROM stage_refs
                WHERE account_id IS NOT NULL AND account_id NOT IN ({existing})""",
            {"snapshot_id": snapshot_id},
        )
    con.execute("DROP TABLE stage_refs")
    return int(records), int(unreadable)


def number_follow_back(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> None:
    """Number the followers the owner does not follow back, in archive order (``follow_back``,
    0, 1, 2 …): the app's checklist reads a page of a hundred million by number instead of
    sorting them all each time it opens."""
    con.execute("DELETE FROM follow_back WHERE snapshot_id = ?", [snapshot_id])
    con.execute(
        """INSERT INTO follow_back
           SELECT $s, row_number() OVER (ORDER BY position) - 1, account_id, position
           FROM followers f
           WHERE snapshot_id = $s
             AND account_id NOT IN (SELECT account_id FROM following WHERE snapshot_id = $s)
           ORDER BY position""",
        {"s": snapshot_id},
    )


def counts(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> dict[str, int]:
    row = con.execute(
        """SELECT
             (SELECT count(*) FROM followers WHERE snapshot_id = $s),
             (SELECT count(*) FROM following WHERE snapshot_id = $s),
             (SELECT count(*) FROM followers f SEMI JOIN following g
                ON f.account_id = g.account_id AND g.snapshot_id = $s
              WHERE f.snapshot_id = $s),
             (SELECT count(*) FROM blocks WHERE snapshot_id = $s),
             (SELECT count(*) FROM mutes WHERE snapshot_id = $s)""",
        {"s": snapshot_id},
    ).fetchone()
    assert row is not None
    followers, following, mutuals, blocks, mutes = (int(v) for v in row)
    return {
        "followers": followers,
        "following": following,
        "mutuals": mutuals,
        "blocks": blocks,
        "mutes": mutes,
    }
