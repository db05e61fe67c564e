"""Rebuilding a library from its archives and the review journal (``archivelens rebuild``).

The journal beside the library (:mod:`archivelens.store.journal`) names every archive imported
(path, size, fingerprint, account, generation date) and every decision the person made. A
rebuild re-imports the archives still in the library into a fresh file, replays the decisions
in the order they were made (with their original dates), runs the analysis, and only then swaps
the new library in, keeping the old one as ``<library>.damaged-<date>``. Until that last rename
nothing is touched: a rebuild that fails or is cancelled leaves everything as it was.
"""

from __future__ import annotations

import os
import shutil
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from archivelens import errors, scratch
from archivelens.errors import UserError
from archivelens.progress import CancelToken, NullProgress, Progress, Scaled
from archivelens.store import journal
from archivelens.store.library import connect
from archivelens.store.writes import unwritable_folder
from archivelens.words import plural

_SCRATCH = ".archivelens-rebuild-"


@dataclass(frozen=True)
class ArchiveRecord:
    """An archive the library came from, as the journal last recorded it."""

    account: int
    generated_at: str  # ISO, as journaled: the snapshot's identity
    path: str | None
    name: str | None
    fingerprint: str | None

    @property
    def label(self) -> str:
        where = f"was {self.path}" if self.path else f"file {self.name or 'unknown'}"
        return f"the archive of {self.generated_at[:10]} of account {self.account} ({where})"


class MissingArchives(UserError):
    """Archives the library came from are not where they were (the app asks for them)."""

    def __init__(self, missing: list[ArchiveRecord]) -> None:
        super().__init__(_missing_sentence(missing))
        self.missing = missing


@dataclass
class RebuildResult:
    library: Path
    damaged_copy: Path | None
    imported: list[Path] = field(default_factory=list)
    skipped: list[ArchiveRecord] = field(default_factory=list)
    decisions: int = 0
    unreadable_lines: int = 0


def archives(entries: list[dict]) -> list[ArchiveRecord]:
    """The archives still in the library, in import order: each import, less any removed."""
    live: dict[tuple[int, str], ArchiveRecord] = {}
    for e in entries:
        key = (int(e.get("account", 0)), str(e.get("generated_at", "")))
        if e["op"] == "import":
            old = live.pop(key, None)
            if not e.get("path") and old is not None:  # a baseline knows less than the import
                live[key] = old
                continue
            live[key] = ArchiveRecord(*key, e.get("path"), e.get("name"), e.get("fingerprint"))
        elif e["op"] == "remove":
            live.pop(key, None)
    return list(live.values())


def locate(record: ArchiveRecord) -> Path | None:
    """The archive at its recorded path, if it is still the same archive."""
    if not record.path:
        return None
    path = Path(record.path)
    try:
        if not path.exists():
            return None
        if record.fingerprint and journal.fingerprint(path) != record.fingerprint:
            return None
    except OSError:
        return None
    return path


def rebuild(
    library: Path,
    extra: list[Path] | None = None,
    skip_missing: bool = False,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> RebuildResult:
    """Rebuild *library* from the archives its journal names (*extra*: archives that moved)."""
    progress = progress or NullProgress()
    cancel = cancel or CancelToken()
    library = Path(os.path.abspath(library))
    if reason := unwritable_folder(library.parent):
        raise UserError(
            f"Cannot rebuild the library {library}: {reason}; copy it and its journal "
            f"({journal.path_for(library).name}) to a folder you can write and rebuild there."
        )
    entries, unreadable = _journal(library)
    wanted = archives(entries)
    found = {r: locate(r) for r in wanted}
    missing = [r for r, p in found.items() if p is None]
    if missing and not extra and not skip_missing:
        raise MissingArchives(missing)
    sources = [p for p in found.values() if p is not None] + [Path(p) for p in extra or []]
    work = None
    try:
        work = scratch.make(_SCRATCH, library.parent)
        fresh = work / library.name
        try:
            result = _build(fresh, sources, entries, wanted, skip_missing, progress, cancel)
        except MissingArchives:
            raise
        except UserError as err:
            raise _about(err, fresh, library) from None
        result.unreadable_lines = unreadable
        result.damaged_copy = _swap(library, fresh)
        result.library = library
    except OSError as err:  # the scratch folder or the swap: a full disk, a read-only folder
        what = f"rebuilding the library {library}"
        raise errors.from_environment(err, what) or UserError(
            errors.sentence_for_os_error(err, what)
        ) from None
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    moved = [p for p in extra or [] if p in result.imported]
    with suppress(OSError, UserError):  # done; at worst the next rebuild asks for them again
        _journal_new_places(library, moved)
    progress.update("Rebuilt", 1.0)
    return result


def _about(err: UserError, fresh: Path, library: Path) -> UserError:
    """A failure while building the new library, said of the library being rebuilt."""
    if str(err).startswith("The disk is full"):
        return UserError(
            f"The disk is full: archivelens stopped while rebuilding the library {library}; "
            "nothing was changed. Free some space and try again."
        )
    return UserError(str(err).replace(str(fresh), f"the rebuilt {library.name}"))


def _journal(library: Path) -> tuple[list[dict], int]:
    try:
        entries, unreadable = journal.read(library)
    except FileNotFoundError:
        raise UserError(
            f"There is no review journal beside {library} ({journal.path_for(library).name}), "
            "so archivelens cannot rebuild it; import your archives into a new library instead."
        ) from None
    except OSError as err:
        raise UserError(
            f"Cannot read the review journal {journal.path_for(library)}: {err.strerror}."
        ) from None
    if not entries:
        raise UserError(f"The review journal {journal.path_for(library)} is empty or unreadable.")
    return entries, unreadable


def _missing_sentence(missing: list[ArchiveRecord]) -> str:
    listed = "; ".join(r.label for r in missing)
    many = len(missing) != 1
    return (
        f"{plural(len(missing), 'archive')} the library came from "
        f"{'cannot' if many else 'can not'} be found: {listed}. Pass "
        f"{'each' if many else 'it'} with --archive PATH, or --skip-missing to rebuild without "
        f"{'them' if many else 'it'}."
    )


def _build(
    fresh: Path,
    sources: list[Path],
    entries: list[dict],
    wanted: list[ArchiveRecord],
    skip_missing: bool,
    progress: Progress,
    cancel: CancelToken,
) -> RebuildResult:
    from archivelens import pipeline

    result = RebuildResult(library=fresh, damaged_copy=None)
    with journal.suspended(fresh):
        con = connect(fresh)
        try:
            step = 0.8 / max(len(sources), 1)
            for i, source in enumerate(sources):
                cancel.check()
                scaled = Scaled(progress, i * step, step)
                pipeline.import_into(con, source, scaled, cancel, analysis=False)
                result.imported.append(source)
            present = {
                (int(a), g.isoformat())
                for a, g in con.execute("SELECT account_id, generated_at FROM snapshots").fetchall()
            }
            result.skipped = [r for r in wanted if (r.account, r.generated_at) not in present]
            if result.skipped and not skip_missing:
                raise MissingArchives(result.skipped)
            progress.update("Replaying your reviews and notes", 0.8)
            result.decisions = replay(con, entries)
            _analyze(con, progress, cancel)
        finally:
            con.close()
    return result


def replay(con: duckdb.DuckDBPyConnection, entries: list[dict]) -> int:
    """Apply the journal's decisions in order, with their original dates; returns how many."""
    from archivelens.analysis import duplicates, network, promotion

    done = 0
    for e in entries:
        op = e["op"]
        if op == "review":
            network.set_review_status(con, e["account"], e["target"], e["status"], _when(e))
        elif op == "note":
            network.set_note(con, e["account"], e["target"], e.get("note"), _when(e))
        elif op == "promo":
            promotion.set_overrides(con, e["account"], e["tweets"], e.get("value"), _when(e))
        elif op == "own_domains":
            promotion.set_own_domains(con, e["account"], e.get("domains"))
        elif op == "setting" and e.get("key") == promotion.LEXICON_KEY:
            if e.get("value") is None:
                promotion.reset_lexicon(con)
            else:
                promotion.save_lexicon(con, e["value"])
        elif op == "setting" and e.get("key") == duplicates.THRESHOLD_KEY:
            duplicates.set_threshold(con, float(e["value"]))
        elif op == "branding":
            from archivelens.store import branding

            branding.save(con, branding.from_entry(e))
        else:
            continue
        done += 1
    return done


def _when(entry: dict) -> datetime | None:
    at = entry.get("at")
    return datetime.fromisoformat(at) if at else None


def _analyze(con: duckdb.DuckDBPyConnection, progress: Progress, cancel: CancelToken) -> None:
    from archivelens import pipeline

    snaps = con.execute("SELECT snapshot_id, account_id FROM snapshots").fetchall()
    for i, (snapshot_id, account_id) in enumerate(snaps):
        progress.update("Finding duplicate blasts", 0.85 + 0.15 * i / len(snaps))
        pipeline.analyze(con, snapshot_id, account_id, None, cancel)


def _swap(library: Path, fresh: Path) -> Path | None:
    """The rebuilt library in place; the old one (and its .wal) kept beside it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = library.with_name(f"{library.name}.damaged-{stamp}")
    old_wal = Path(f"{library}.wal")
    moved = None
    if library.exists():
        os.replace(library, kept)
        moved = kept
    if old_wal.exists():
        os.replace(old_wal, Path(f"{kept}.wal"))
    os.replace(fresh, library)
    return moved


def _journal_new_places(library: Path, moved: list[Path]) -> None:
    """Archives found at new places: the journal records where they are now."""
    if not moved:
        return
    con = connect(library)
    try:
        rows = con.execute("SELECT account_id, generated_at, source_name FROM snapshots").fetchall()
    finally:
        con.close()
    by_name = {name: (account, generated) for account, generated, name in rows}
    entries = [journal.import_entry(p, *by_name[p.name]) for p in moved if p.name in by_name]
    if entries:
        journal.append(journal.path_for(library), entries)
