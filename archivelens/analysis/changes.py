"""What changed between two snapshots of one account: followers gained and lost, follows made
and dropped. Only the ids are certain; handles come from either snapshot's people directory.

A list is compared only when both snapshots' archives held it: a follower list missing from one
archive is unknown, and comparing it with a real one would invent a loss of every follower."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from archivelens.errors import UserError
from archivelens.store.library import query_arrow

CHANGES = ("gained_follower", "lost_follower", "followed", "unfollowed")

DIFF_SQL = """
WITH old_f AS (SELECT account_id FROM followers WHERE snapshot_id = $old),
     new_f AS (SELECT account_id FROM followers WHERE snapshot_id = $new),
     old_g AS (SELECT account_id FROM following WHERE snapshot_id = $old),
     new_g AS (SELECT account_id FROM following WHERE snapshot_id = $new),
     diff AS (
        SELECT account_id, 'gained_follower' AS change FROM (FROM new_f EXCEPT FROM old_f)
        WHERE $followers
        UNION ALL SELECT account_id, 'lost_follower' FROM (FROM old_f EXCEPT FROM new_f)
        WHERE $followers
        UNION ALL SELECT account_id, 'followed' FROM (FROM new_g EXCEPT FROM old_g)
        WHERE $following
        UNION ALL SELECT account_id, 'unfollowed' FROM (FROM old_g EXCEPT FROM new_g)
        WHERE $following
     ),
     names AS (
        SELECT account_id, arg_max(screen_name, snapshot_id) AS screen_name,
               arg_max(display_name, snapshot_id) AS display_name
        FROM people WHERE snapshot_id IN ($old, $new) GROUP BY account_id
     )
SELECT d.account_id, d.change, n.screen_name, n.display_name,
       $old_at AS from_snapshot, $new_at AS to_snapshot
FROM diff d LEFT JOIN names n USING (account_id)
ORDER BY array_position(['gained_follower', 'lost_follower', 'followed', 'unfollowed'],
                        d.change), d.account_id
"""


@dataclass(frozen=True)
class SnapshotRef:
    snapshot_id: int
    generated_at: datetime
    lists: frozenset[str] = frozenset({"follower", "following"})  # the lists its archive held


_COMPARED = ("follower", "following")
_LIST_NAMES = {"follower": "followers", "following": "accounts you follow"}


def snapshots_of(con: duckdb.DuckDBPyConnection, account_id: int) -> list[SnapshotRef]:
    """The account's snapshots with the lists each holds, oldest first (one that lacks a list
    is still listed: comparing it says what could not be compared)."""
    rows = con.execute(
        """SELECT s.snapshot_id, s.generated_at,
                  list(l.list ORDER BY l.list) FILTER (l.list IS NOT NULL)
           FROM snapshots s LEFT JOIN snapshot_lists l USING (snapshot_id)
           WHERE s.account_id = ?
           GROUP BY ALL ORDER BY s.generated_at, s.snapshot_id""",
        [account_id],
    ).fetchall()
    return [SnapshotRef(r[0], r[1], frozenset(r[2] or ())) for r in rows]


def diff(con: duckdb.DuckDBPyConnection, old: SnapshotRef, new: SnapshotRef) -> pa.Table:
    return query_arrow(con, DIFF_SQL, diff_params(old, new))


def diff_params(old: SnapshotRef, new: SnapshotRef) -> dict[str, object]:
    if old.snapshot_id == new.snapshot_id:
        raise UserError("Pick two different snapshots to compare.")
    both = old.lists & new.lists
    return {
        "old": old.snapshot_id,
        "new": new.snapshot_id,
        "old_at": old.generated_at,
        "new_at": new.generated_at,
        "followers": "follower" in both,
        "following": "following" in both,
    }


def compared(old: SnapshotRef, new: SnapshotRef) -> tuple[str, ...]:
    """The kinds of change (``CHANGES``) that two snapshots can show: both hold the list."""
    both = old.lists & new.lists
    followers = ("gained_follower", "lost_follower") if "follower" in both else ()
    following = ("followed", "unfollowed") if "following" in both else ()
    return followers + following


def not_compared(old: SnapshotRef, new: SnapshotRef) -> list[str]:
    """A sentence for each list that could not be compared, because an archive lacked it."""
    out = []
    for kind in _COMPARED:
        lacking = [ref for ref in (old, new) if kind not in ref.lists]
        if lacking:
            days = " and ".join(f"{ref.generated_at:%Y-%m-%d}" for ref in lacking)
            archives = "archives" if len(lacking) > 1 else "archive"
            out.append(
                f"{_LIST_NAMES[kind].capitalize()} not compared: the {archives} of {days} "
                f"{'do' if len(lacking) > 1 else 'does'} not hold that list."
            )
    return out


def newest_pair(
    con: duckdb.DuckDBPyConnection, account_id: int, upto: int | None = None
) -> tuple[SnapshotRef, SnapshotRef] | None:
    """The two newest snapshots (up to snapshot *upto*, if given), or None with fewer than two."""
    refs = snapshots_of(con, account_id)
    if upto is not None:
        at = next((i for i, r in enumerate(refs) if r.snapshot_id == upto), None)
        refs = refs[: at + 1] if at is not None else refs
    return (refs[-2], refs[-1]) if len(refs) >= 2 else None


def summary_counts(table: pa.Table) -> dict[str, int]:
    counts = dict.fromkeys(CHANGES, 0)
    for change in table.column("change").to_pylist():
        counts[change] += 1
    return counts
