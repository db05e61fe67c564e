"""Import an archive into the library as a snapshot, all or nothing.

Everything happens in one DuckDB transaction: a failure or a cancel rolls back and the library is
exactly as before. Re-importing an archive already in the library changes nothing. Data files
arrive as chunks from :class:`~archivelens.archive.ChunkStream` and are parsed into temp staging
tables while the next chunks inflate; the tables of the snapshot are then filled from them.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from archivelens import errors
from archivelens.archive import (
    ArchiveSource,
    Chunk,
    ChunkStream,
    DataFile,
    Layout,
    detect,
    records,
)
from archivelens.archive.parts import KIND_WORDS
from archivelens.archive.staging import select_sql
from archivelens.errors import Cancelled, UserError
from archivelens.progress import CancelToken, NullProgress, Progress, Stages
from archivelens.store import journal, likes, network, people, snapshots, tweets
from archivelens.store.snapshots import FileReport
from archivelens.store.writes import transaction
from archivelens.words import number, plural, with_files


@dataclass
class ImportResult:
    snapshot_id: int
    already_imported: bool
    era: str
    account_id: int
    screen_name: str | None
    generated_at: datetime
    generated_estimated: bool
    files: list[FileReport] = field(default_factory=list)
    not_read: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    lists: frozenset[str] = frozenset()  # the lists the archive held (others are unknown)


_WEIGHTS = {"read": 60.0, "tweets": 25.0, "lists": 10.0, "finish": 5.0}

# Staging table of each kind parsed as it arrives; account lists wait (their order matters).
_STAGE_TABLES = {
    "tweets": "stage_tweets",
    "grailbird": "stage_tweets",
    "tweets_csv": "stage_tweets",
    "note_tweet": "stage_notes",
    "like": "stage_likes",
}


@dataclass
class _Staged:
    """What the chunk loop leaves for the rest of the import."""

    member_of: dict[str, str] = field(default_factory=dict)  # temp path → archive member
    by_name: dict[str, str] = field(default_factory=dict)  # temp file name → archive member
    cut_short: set[str] = field(default_factory=set)  # members ending before their ]
    lists: dict[str, list[DataFile]] = field(default_factory=dict)  # kind → its members
    list_records: dict[str, int] = field(default_factory=dict)  # member → records saved
    unreadable: dict[str, int] = field(default_factory=dict)  # member → ids skipped

    def member(self, temp_name: str) -> str:
        """The archive member of a staged row (staging keeps its temp file's name only)."""
        return self.by_name.get(temp_name, temp_name)


def import_archive(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    temp_root: Path | None = None,
) -> ImportResult:
    cancel = cancel or CancelToken()
    stages = Stages(progress or NullProgress(), _WEIGHTS)
    stages.update("read", "Opening the archive")
    with ArchiveSource(Path(path)) as source:
        source.check_sizes(_free_bytes(temp_root))
        layout = detect(source)
        if layout.generated_at is not None:
            existing = snapshots.find(con, layout.owner.account_id, layout.generated_at)
            if existing is not None:
                return summarize(con, existing, already_imported=True)

        def on_bytes(done: int, total: int) -> None:  # called on the inflating threads
            cancel.check()
            stages.update("read", "Reading the archive", done / total)

        with ChunkStream(source, layout, on_bytes, temp_root) as stream:
            snapshot_id = _run_transaction(con, layout, stream, Path(path), stages, cancel)
    if snapshot_id < 0:
        return summarize(con, -snapshot_id, already_imported=True)
    stages.update("finish", "Imported", 1.0)
    return summarize(con, snapshot_id, already_imported=False)


def _free_bytes(temp_root: Path | None) -> int | None:
    """Free space where the import stages its data (the temp folder)."""
    try:
        return shutil.disk_usage(temp_root or tempfile.gettempdir()).free
    except OSError:
        return None


def _run_transaction(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    stream: ChunkStream,
    source: Path,
    stages: Stages,
    cancel: CancelToken,
) -> int:
    """The whole load in one transaction, journaled with where the archive came from (a
    rebuild finds it there); a negative id means "already there"."""
    remove_interrupt = cancel.on_cancel(con.interrupt)
    staged = _Staged()
    try:
        with transaction(con, "writing the library") as tx:
            loader = network.ListLoader(con, snapshots.next_id(con))
            _parse_chunks(con, stream, cancel, staged, loader)
            staged.cut_short = set(stream.cut_short)
            snapshot_id = _load(con, layout, staged, source.name, stages, cancel, loader)
            for table in set(_STAGE_TABLES.values()):
                con.execute(f"DROP TABLE {table}")
            if snapshot_id > 0:
                snap = snapshots.get(con, snapshot_id)
                assert snap is not None
                tx.entries.append(journal.import_entry(source, snap.account_id, snap.generated_at))
            cancel.check()
            remove_interrupt()
        return snapshot_id
    except BaseException as err:
        remove_interrupt()
        if cancel.cancelled:
            raise Cancelled() from None
        friendly = _user_error(err, staged)
        if friendly is err:
            raise
        raise friendly from None


def _parse_chunks(
    con: duckdb.DuckDBPyConnection,
    stream: ChunkStream,
    cancel: CancelToken,
    staged: _Staged,
    loader: network.ListLoader,
) -> None:
    """Parse every chunk into its staging table as the workers hand it over; chunks of the
    account lists go straight into their tables (a list is never held whole), numbered in the
    order they land: the default ``preserve_insertion_order`` (a failed import may have left
    it off) keeps it."""
    con.execute("RESET preserve_insertion_order")
    for kind, table in _STAGE_TABLES.items():
        if kind != "tweets_csv":  # shares stage_tweets
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {table} AS "
                f"SELECT * FROM ({stream.empty_select(kind)}) LIMIT 0"
            )
    for batch in stream.batches():
        cancel.check()
        kind = batch[0].file.kind
        for chunk in batch:
            staged.member_of[str(chunk.path)] = chunk.file.name
            staged.by_name[chunk.path.name] = chunk.file.name
        if kind in network.TABLES:
            _save_list_chunks(staged, loader, batch)
            continue
        batch = [c for c in batch if not c.empty]
        if batch:
            con.execute(f"INSERT INTO {_STAGE_TABLES[kind]} {select_sql(batch)}")
        for chunk in batch:
            chunk.path.unlink(missing_ok=True)  # parsed: free the disk space now
    for files in staged.lists.values():
        files.sort(key=lambda f: (f.part, f.name))
    cancel.check()


def _save_list_chunks(staged: _Staged, loader: network.ListLoader, batch: list[Chunk]) -> None:
    """Hand the landed chunks of one account list member (in file order) to the loader in one
    statement, counting per member."""
    first = batch[0].file
    member = first.name
    files = staged.lists.setdefault(first.kind, [])
    if first not in files:
        files.append(first)
    staged.list_records.setdefault(member, 0)
    full = [c for c in batch if not c.empty]
    if full:
        n, unreadable = loader.add(first.kind, member, select_sql(full))
        staged.list_records[member] += n
        if unreadable:
            staged.unreadable[member] = staged.unreadable.get(member, 0) + unreadable
    for chunk in batch:
        chunk.path.unlink(missing_ok=True)


def _load(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    staged: _Staged,
    source_name: str,
    stages: Stages,
    cancel: CancelToken,
    loader: network.ListLoader,
) -> int:
    owner = layout.owner
    generated_at, estimated = layout.generated_at, False
    if generated_at is None:
        generated_at, estimated = _estimate_generation(con, layout), True
        existing = snapshots.find(con, owner.account_id, generated_at)
        if existing is not None:
            loader.discard()
            return -existing
    snapshot_id = snapshots.create(
        con,
        snapshot_id=loader.snapshot_id,
        account_id=owner.account_id,
        screen_name=owner.screen_name,
        display_name=owner.display_name,
        account_created_at=owner.created_at,
        generated_at=generated_at,
        generated_estimated=estimated,
        era=layout.era,
        source_name=source_name,
        lists=layout.lists,
        time_zone=owner.time_zone,
    )
    stages.update("tweets", "Classifying tweets")
    tweets.insert_from_stage(con, snapshot_id, owner.account_id, owner.screen_name)
    people.insert_from_stage(con, snapshot_id, owner.account_id)
    counts: dict[str, int] = {}
    for table in ("stage_tweets", "stage_notes", "stage_likes"):
        _add_counts(counts, con, staged, table)
    likes.insert_from_stage(con, snapshot_id)
    cancel.check()
    skipped = _damaged(con, staged)
    stages.update("lists", "Saving followers and following")
    counts.update(staged.list_records)
    for member, unreadable in staged.unreadable.items():
        key = (member, records.DAMAGE["account"])
        skipped[key] = skipped.get(key, 0) + unreadable
    loader.finish({kind: [f.name for f in files] for kind, files in staged.lists.items()})
    cancel.check()
    network.number_follow_back(con, snapshot_id)
    stages.update("finish", "Saving")
    reports = [
        FileReport(f.name, f.kind, counts.get(f.name, 0), f.manifest_count) for f in layout.files
    ]
    reports += [FileReport(name, "not read", None, None) for name in layout.not_read]
    snapshots.record_files(con, snapshot_id, reports)
    kinds = {f.name: f.kind for f in layout.files}
    messages = (
        layout.warnings
        + _cut_short(staged, counts)
        + _skipped_sentences(skipped, counts, kinds)
        + _undated_notes(con, staged)
        + _mismatches(reports)
    )
    snapshots.record_messages(con, snapshot_id, messages)
    return snapshot_id


def _add_counts(
    counts: dict[str, int], con: duckdb.DuckDBPyConnection, staged: _Staged, table: str
) -> None:
    """Records per archive member; a member split into several chunks sums its parts."""
    for temp_path, n in con.execute(
        f"SELECT filename, count(*) FROM {table} GROUP BY ALL"
    ).fetchall():
        member = staged.member(str(temp_path))
        counts[member] = counts.get(member, 0) + int(n)


def _damaged(con: duckdb.DuckDBPyConnection, staged: _Staged) -> dict[tuple[str, str], int]:
    """Tweets staged but not kept, per (archive member, reason).

    Besides damaged records, different records under one tweet id: Twitter never gives two
    tweets one id, so the file was altered. One record per id is kept (ids key reviews,
    overrides and re-imports) and the others are counted; the same record repeated, as part
    files sometimes do, loses nothing and is not counted."""
    out: dict[tuple[str, str], int] = {}
    for temp_path, damage, n in con.execute(
        "SELECT filename, damage, count(*) FROM stage_tweets WHERE damage IS NOT NULL GROUP BY ALL"
    ).fetchall():
        key = (staged.member(str(temp_path)), records.DAMAGE[damage])
        out[key] = out.get(key, 0) + int(n)
    for temp_path, n in con.execute(
        """WITH repeated AS (  -- ids staged more than once: few, and only their texts compared
               SELECT tweet_id FROM stage_tweets WHERE damage IS NULL
               GROUP BY tweet_id HAVING count(*) > 1),
           altered AS (
               SELECT tweet_id FROM stage_tweets WHERE damage IS NULL
                 AND tweet_id IN (SELECT tweet_id FROM repeated)
               GROUP BY tweet_id HAVING count(DISTINCT raw_text) > 1)
           SELECT filename, count(*) - 1 FROM stage_tweets WHERE damage IS NULL
           AND tweet_id IN (SELECT tweet_id FROM altered)
           GROUP BY filename"""
    ).fetchall():
        key = (staged.member(str(temp_path)), "another record has the same tweet id")
        out[key] = out.get(key, 0) + int(n)
    return out


def _cut_short(staged: _Staged, counts: dict[str, int]) -> list[str]:
    """A file that ends before its closing ``]`` (a download or copy cut short)."""
    return [
        f"{member} is cut short: it ends before its closing ], after {counts.get(member, 0):,} "
        "records; those were imported, the rest of the file is missing (download the archive "
        "again to get it)."
        for member in sorted(staged.cut_short)
    ]


def _undated_notes(con: duckdb.DuckDBPyConnection, staged: _Staged) -> list[str]:
    """Long posts whose note has no readable date cannot be matched to their tweet, which then
    keeps its shortened text: say so."""
    rows = con.execute(
        "SELECT filename, count(*) FILTER (WHERE created_at IS NULL), count(*) FROM stage_notes "
        "GROUP BY filename HAVING count(*) FILTER (WHERE created_at IS NULL) > 0"
    ).fetchall()
    found: dict[str, list[int]] = {}
    for temp_path, bad, total in rows:
        seen = found.setdefault(staged.member(str(temp_path)), [0, 0])
        seen[0] += int(bad)
        seen[1] += int(total)
    return [
        f"{member}: {bad:,} of {total:,} long posts have no readable date (createdAt), so their "
        "tweets keep the shortened text."
        for member, (bad, total) in sorted(found.items())
    ]


def _skipped_sentences(
    skipped: dict[tuple[str, str], int], counts: dict[str, int], kinds: dict[str, str]
) -> list[str]:
    """One sentence per member and reason: "10 of 600 tweets could not be read and were
    skipped: no readable date (file: data/tweets.js)."."""
    out = []
    for (member, why), n in sorted(skipped.items()):
        noun = KIND_WORDS.get(kinds.get(member, ""), ("", "record"))[1]
        verb = "was" if n == 1 else "were"
        out.append(
            with_files(
                f"{number(n)} of {plural(counts.get(member, n), noun)} could not be read and "
                f"{verb} skipped: {why}",
                member,
            )
        )
    return out


def _estimate_generation(con: duckdb.DuckDBPyConnection, layout: Layout) -> datetime:
    """Archives before 2020 carry no generation date: the newest tweet's time, else the
    account's ``updatedAt``, else the newest file in the archive — never 1970."""
    row = con.execute("SELECT max(created_at) FROM stage_tweets").fetchone()
    for guess in (row[0] if row else None, layout.owner.updated_at, layout.files_made_at):
        if guess is not None and guess.year > 2006:  # Twitter began in 2006
            return guess
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _mismatches(reports: list[FileReport]) -> list[str]:
    """ "Your followers list holds 1,300 followers where its table of contents lists 1,333"."""
    out = []
    for r in reports:
        if not r.mismatch:
            continue
        what, noun = KIND_WORDS.get(r.kind, ("a part of the archive", "record"))
        holds = "hold" if what.endswith(("tweets", "likes")) else "holds"
        out.append(
            with_files(
                f"{what[0].upper()}{what[1:]} {holds} {plural(r.records or 0, noun)} where the "
                f"archive's table of contents lists {number(r.manifest_count or 0)}",
                r.file_name,
            )
        )
    return out


def _user_error(err: BaseException, staged: _Staged) -> BaseException:
    """The sentence for a DuckDB failure a user can cause; other errors pass unchanged."""
    if isinstance(err, duckdb.OutOfMemoryException):
        return UserError("Not enough memory to import this archive.")
    machine = errors.from_environment(err, "writing the library")
    if machine is not None:
        return machine
    if isinstance(err, duckdb.InvalidInputException | duckdb.ConversionException):
        text = str(err)
        member = next((m for temp, m in staged.member_of.items() if temp in text), None)
        # DuckDB's "…at byte 8 in record/value 3: unexpected end of data": the what, not the
        # where (a big file is parsed in parts, so its positions would mislead).
        reason = re.search(r"in record/value \d+: ([^.\n]+)", text)
        where = f" ({reason[1]})" if reason else ""
        return UserError(f"{member or 'A data file'} is damaged and cannot be read{where}.")
    return err


def summarize(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, already_imported: bool
) -> ImportResult:
    snap = snapshots.get(con, snapshot_id)
    assert snap is not None
    kinds = tweets.count_by_kind(con, snapshot_id)
    counts = {
        "tweets": sum(kinds.values()),
        **kinds,
        **network.counts(con, snapshot_id),
        "likes": likes.count(con, snapshot_id),
    }
    (counts["people"],) = con.execute(  # type: ignore[misc]
        "SELECT count(*) FROM people WHERE snapshot_id = ?", [snapshot_id]
    ).fetchone()
    all_files = snapshots.files(con, snapshot_id)
    return ImportResult(
        snapshot_id=snapshot_id,
        already_imported=already_imported,
        era=snap.era,
        account_id=snap.account_id,
        screen_name=snap.screen_name,
        generated_at=snap.generated_at,
        generated_estimated=snap.generated_estimated,
        files=[f for f in all_files if f.kind != "not read"],
        not_read=[f.file_name for f in all_files if f.kind == "not read"],
        warnings=snapshots.messages(con, snapshot_id),
        counts=counts,
        lists=snap.lists,
    )
