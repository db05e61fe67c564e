"""Accounts and their snapshots (one per imported archive), and what each import found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from archivelens.store.writes import transaction
from archivelens.words import join


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: int
    account_id: int
    screen_name: str | None
    display_name: str | None
    generated_at: datetime
    generated_estimated: bool
    era: str
    has_follow_lists: bool
    lists: frozenset[str] = frozenset()  # the lists its archive held (see ``holds``)
    tweets_file: bool = True  # whether its archive held a tweets file (else tweets are unknown)

    def holds(self, *lists: str) -> bool:
        """Whether the archive held every one of *lists* ("follower", "following", "block",
        "mute", "like"): a list it lacked is unknown, never zero."""
        return set(lists) <= self.lists


@dataclass(frozen=True)
class FileReport:
    file_name: str
    kind: str
    records: int | None
    manifest_count: int | None

    @property
    def mismatch(self) -> bool:
        return (
            self.manifest_count is not None
            and self.records is not None
            and self.manifest_count != self.records
        )


_COLUMNS = (
    "snapshot_id, account_id, screen_name, display_name, generated_at, generated_estimated, era, "
    "has_follow_lists"
)


def find(con: duckdb.DuckDBPyConnection, account_id: int, generated_at: datetime) -> int | None:
    row = con.execute(
        "SELECT snapshot_id FROM snapshots WHERE account_id = ? AND generated_at = ?",
        [account_id, generated_at],
    ).fetchone()
    return int(row[0]) if row else None


def next_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id the next snapshot gets: an import reserves it up front (inside its transaction)
    so that its account lists can be saved while the archive is still being read."""
    (snapshot_id,) = con.execute(  # type: ignore[misc]
        "SELECT coalesce(max(snapshot_id), 0) + 1 FROM snapshots"
    ).fetchone()
    return int(snapshot_id)


def create(
    con: duckdb.DuckDBPyConnection,
    *,
    snapshot_id: int | None = None,
    account_id: int,
    screen_name: str | None,
    display_name: str | None,
    account_created_at: datetime | None,
    generated_at: datetime,
    generated_estimated: bool,
    era: str,
    source_name: str,
    lists: frozenset[str],
    time_zone: str | None = None,
) -> int:
    """Add a snapshot (and its account, or refresh the account's names); return its id
    (*snapshot_id* if one was reserved with :func:`next_id`)."""
    con.execute(
        """INSERT INTO accounts VALUES ($id, $handle, $name, $created)
           ON CONFLICT (account_id) DO UPDATE SET
             screen_name = coalesce(excluded.screen_name, accounts.screen_name),
             display_name = coalesce(excluded.display_name, accounts.display_name),
             created_at = coalesce(excluded.created_at, accounts.created_at)""",
        {
            "id": account_id,
            "handle": screen_name,
            "name": display_name,
            "created": account_created_at,
        },
    )
    if snapshot_id is None:
        snapshot_id = next_id(con)
    con.execute(
        """INSERT INTO snapshots (snapshot_id, account_id, generated_at, generated_estimated,
                                  era, source_name, imported_at, screen_name, display_name,
                                  has_follow_lists, time_zone)
           VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?)""",
        [
            snapshot_id,
            account_id,
            generated_at,
            generated_estimated,
            era,
            source_name,
            screen_name,
            display_name,
            {"follower", "following"} <= lists,
            time_zone,
        ],
    )
    if lists:
        con.executemany(
            "INSERT INTO snapshot_lists VALUES (?, ?)", [[snapshot_id, k] for k in sorted(lists)]
        )
    return int(snapshot_id)


def record_files(con: duckdb.DuckDBPyConnection, snapshot_id: int, files: list[FileReport]) -> None:
    con.executemany(
        "INSERT INTO import_files VALUES (?, ?, ?, ?, ?)",
        [[snapshot_id, f.file_name, f.kind, f.records, f.manifest_count] for f in files],
    )


def record_messages(con: duckdb.DuckDBPyConnection, snapshot_id: int, messages: list[str]) -> None:
    if not messages:
        return
    con.executemany(
        "INSERT INTO import_messages VALUES (?, ?, ?)",
        [[snapshot_id, i, m] for i, m in enumerate(messages)],
    )


def get(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> Snapshot | None:
    row = con.execute(
        f"SELECT {_COLUMNS} FROM snapshots WHERE snapshot_id = ?", [snapshot_id]
    ).fetchone()
    if row is None:
        return None
    fields = dict(zip(_COLUMNS.replace(" ", "").split(","), row, strict=True))
    return Snapshot(
        **fields, lists=lists_of(con, snapshot_id), tweets_file=_held_tweets(con, row[0])
    )


TWEET_FILE_KINDS = ("tweets", "grailbird", "tweets_csv")
NO_TWEETS_FILE = "no tweets file in this archive"


def _held_tweets(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> bool:
    """Whether the snapshot's archive had a tweets file (an empty one counts: 0 is known)."""
    row = con.execute(
        f"SELECT count(*) FROM import_files WHERE snapshot_id = ? AND kind IN {TWEET_FILE_KINDS}",
        [snapshot_id],
    ).fetchone()
    return bool(row and row[0])


def lists_of(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> frozenset[str]:
    rows = con.execute(
        "SELECT list FROM snapshot_lists WHERE snapshot_id = ?", [snapshot_id]
    ).fetchall()
    return frozenset(r[0] for r in rows)


# What a report says in place of a figure from a list the archive did not hold.
_LIST_NAMES = {"follower": "followers", "following": "following", "like": "likes"}


def missing_list_sentence(snapshot: Snapshot, *lists: str) -> str:
    """ "not in this archive", with why: for a figure that needs *lists* the snapshot lacks."""
    if snapshot.era == "classic":
        return "not in this archive (classic archives have no follower or following lists)"
    missing = [_LIST_NAMES.get(k, k) for k in lists if k not in snapshot.lists]
    lists_word = "list is" if len(missing) == 1 else "lists are"
    return f"not in this archive (its {join(missing)} {lists_word} missing)"


def missing_counts_sentence(snapshot: Snapshot) -> str:
    """ "unknown", with why: for like and retweet figures of tweets that carry no counts."""
    if snapshot.era == "classic":
        return "unknown: classic archives keep no like or retweet counts"
    return "unknown: the archive's tweets carry no like or retweet counts"


def files(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> list[FileReport]:
    rows = con.execute(
        """SELECT file_name, kind, records, manifest_count FROM import_files
           WHERE snapshot_id = ? ORDER BY kind = 'not read', file_name""",
        [snapshot_id],
    ).fetchall()
    return [FileReport(*row) for row in rows]


def messages(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> list[str]:
    rows = con.execute(
        "SELECT message FROM import_messages WHERE snapshot_id = ? ORDER BY position",
        [snapshot_id],
    ).fetchall()
    return [r[0] for r in rows]


def listing(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str]]:
    """(snapshot id, account handle or id, generation day) of every snapshot, newest first."""
    rows = con.execute(
        """SELECT snapshot_id, coalesce(screen_name, account_id::VARCHAR),
                  strftime(generated_at, '%Y-%m-%d')
           FROM snapshots ORDER BY generated_at DESC, snapshot_id DESC"""
    ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


# Every table holding rows of one snapshot. The user's own decisions (reviews, notes,
# promotional overrides, own domains) belong to the account and are kept.
_SNAPSHOT_TABLES = (
    "tweets",
    "followers",
    "following",
    "follow_back",
    "blocks",
    "mutes",
    "likes",
    "people",
    "import_files",
    "import_messages",
    "promotion",
    "promotion_state",
    "dup_members",
    "dup_state",
    "tweet_facts",
    "silences",
    "facts_state",
    "snapshot_lists",
    "headline_cache",  # else a portfolio may show them for the next import, which takes its id
    "snapshots",
)


def remove(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> None:
    """Remove a snapshot and everything imported with it, in one transaction; the account's
    review statuses, notes and promotional marks stay (they come back with any archive of it)."""
    snap = get(con, snapshot_id)
    with transaction(con, "removing the archive from the library") as tx:
        for table in _SNAPSHOT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE snapshot_id = ?", [snapshot_id])
        if snap is not None:
            tx.record("remove", account=snap.account_id, generated_at=snap.generated_at)
