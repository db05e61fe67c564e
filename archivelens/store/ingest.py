"""Import one staged archive into the library as a snapshot, all or nothing.

Everything happens in one DuckDB transaction: a failure or a cancel rolls back and the library is
exactly as before. Re-importing an archive already in the library changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from archivelens.archive import ArchiveSource, Layout, StagedArchive, detect, stage
from archivelens.errors import Cancelled, UserError, sentence_for_os_error
from archivelens.progress import CancelToken, NullProgress, Progress, Stages
from archivelens.store import likes, network, people, snapshots, tweets
from archivelens.store.snapshots import FileReport


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


_WEIGHTS = {"read": 45.0, "tweets": 35.0, "lists": 15.0, "finish": 5.0}


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
        layout = detect(source)
        if layout.generated_at is not None:
            existing = snapshots.find(con, layout.owner.account_id, layout.generated_at)
            if existing is not None:
                return summarize(con, existing, already_imported=True)

        def on_bytes(done: int, total: int) -> None:
            stages.update("read", "Reading the archive", done / total)

        staged = stage(source, layout, on_bytes, cancel.check, temp_root)
    try:
        snapshot_id = _load(con, layout, staged, Path(path).name, stages, cancel)
    finally:
        staged.cleanup()
    if snapshot_id < 0:
        return summarize(con, -snapshot_id, already_imported=True)
    stages.update("finish", "Done", 1.0)
    return summarize(con, snapshot_id, already_imported=False)


def _load(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    staged: StagedArchive,
    source_name: str,
    stages: Stages,
    cancel: CancelToken,
) -> int:
    """Run the whole load in one transaction; a negative id means "already there"."""
    remove_interrupt = cancel.on_cancel(con.interrupt)
    con.begin()
    try:
        snapshot_id = _load_in_transaction(con, layout, staged, source_name, stages, cancel)
        cancel.check()
        con.commit()
        return snapshot_id
    except BaseException as err:
        con.rollback()
        if cancel.cancelled:
            raise Cancelled() from None
        if isinstance(err, duckdb.OutOfMemoryException):
            raise UserError("Not enough memory to import this archive.") from None
        if isinstance(err, duckdb.IOException) and "space" in str(err).lower():
            raise UserError(sentence_for_os_error(OSError(28, "No space"), "writing")) from None
        if isinstance(err, duckdb.InvalidInputException | duckdb.ConversionException):
            raise UserError(_damaged_sentence(err, staged)) from None
        raise
    finally:
        remove_interrupt()
        for table in ("stage_tweets", "stage_notes"):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _load_in_transaction(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    staged: StagedArchive,
    source_name: str,
    stages: Stages,
    cancel: CancelToken,
) -> int:
    owner = layout.owner
    stages.update("tweets", "Reading tweets")
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage_tweets AS {staged.tweets_sql()}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage_notes AS {staged.notes_sql()}")
    cancel.check()
    generated_at, estimated = layout.generated_at, False
    if generated_at is None:
        generated_at, estimated = _estimate_generation(con), True
        existing = snapshots.find(con, owner.account_id, generated_at)
        if existing is not None:
            return -existing
    snapshot_id = snapshots.create(
        con,
        account_id=owner.account_id,
        screen_name=owner.screen_name,
        display_name=owner.display_name,
        account_created_at=owner.created_at,
        generated_at=generated_at,
        generated_estimated=estimated,
        era=layout.era,
        source_name=source_name,
        has_follow_lists=layout.has_follow_lists,
    )
    stages.update("tweets", "Classifying tweets", 0.5)
    tweets.insert_from_stage(con, snapshot_id, owner.account_id, owner.screen_name)
    people.insert_from_stage(con, snapshot_id, owner.account_id)
    counts = _stage_counts(con, staged, "stage_tweets") | _stage_counts(con, staged, "stage_notes")
    cancel.check()
    stages.update("lists", "Reading followers and following")
    for kind in network.TABLES:
        offset = 0
        for staged_file, sql in zip(
            staged.of_kind(kind), staged.account_refs_sql(kind), strict=True
        ):
            n = network.insert_refs(con, kind, snapshot_id, sql, offset)
            counts[staged_file.file.name] = n
            offset += n
            cancel.check()
    like_sql = staged.likes_sql()
    if like_sql:
        for temp_path, n in likes.insert(con, snapshot_id, like_sql).items():
            counts[staged.member_name(temp_path)] = n
    stages.update("finish", "Saving")
    reports = [
        FileReport(s.file.name, s.file.kind, counts.get(s.file.name, 0), s.file.manifest_count)
        for s in staged.files
    ]
    reports += [FileReport(name, "not read", None, None) for name in layout.not_read]
    snapshots.record_files(con, snapshot_id, reports)
    snapshots.record_messages(con, snapshot_id, layout.warnings + _mismatches(reports))
    return snapshot_id


def _stage_counts(con: duckdb.DuckDBPyConnection, staged: StagedArchive, table: str) -> dict:
    rows = con.execute(f"SELECT filename, count(*) FROM {table} GROUP BY ALL").fetchall()
    return {staged.member_name(str(name)): int(n) for name, n in rows}


def _estimate_generation(con: duckdb.DuckDBPyConnection) -> datetime:
    """Archives before 2020 carry no generation date: use the newest tweet's time."""
    row = con.execute("SELECT max(created_at) FROM stage_tweets").fetchone()
    if row and row[0] is not None:
        return row[0]
    return datetime(1970, 1, 1)


def _mismatches(reports: list[FileReport]) -> list[str]:
    return [
        f"{r.file_name}: the manifest says {r.manifest_count:,} records but {r.records:,} "
        "were found."
        for r in reports
        if r.mismatch
    ]


def _damaged_sentence(err: duckdb.Error, staged: StagedArchive) -> str:
    text = str(err)
    for staged_file in staged.files:
        if str(staged_file.path) in text:
            return f"{staged_file.file.name} is damaged and cannot be read."
    first = text.strip().splitlines()[0] if text.strip() else "unreadable data"
    return f"The archive holds data archivelens cannot read ({first})."


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
    )


__all__ = ["ImportResult", "import_archive", "sentence_for_os_error", "summarize"]
