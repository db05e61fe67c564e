"""The review journal: what a person told archivelens, kept beside the library so that it
outlives the library file.

Reviews and notes are the only data a person cannot get back by importing again. Each change
to them — and to promotional overrides, own websites and analysis settings — is appended to
``<library>.journal`` (one JSON object a line, private 0600) and flushed to disk (fsync) in the
same step as the change itself (:func:`archivelens.store.writes.transaction`): if either fails,
neither happened. Imports and removals of archives are journaled too, with the archive's path,
size and fingerprint, so that ``archivelens rebuild`` can re-import them into a fresh library
and replay every decision in order (:mod:`archivelens.store.rebuild`).

A library that predates the journal gets one at its next opening, holding what it has
(a "baseline"). A torn last line — a power cut in the middle of an append — is skipped and
counted when read, never fatal.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

SUFFIX = ".journal"
_SUSPENDED: set[str] = set()  # libraries being rebuilt: their changes come from the journal
_LOCK = threading.Lock()  # appends from two threads of one process never interleave


def path_for(library: Path) -> Path:
    return library.with_name(library.name + SUFFIX)


@dataclass
class Pending:
    """The journal entries of one transaction, written just before it commits."""

    library: Path | None
    entries: list[dict] = field(default_factory=list)
    _size_before: int | None = None

    def record(self, op: str, **fields: object) -> None:
        self.entries.append({"op": op, **{k: _plain(v) for k, v in fields.items()}})

    def write(self) -> None:
        if self.entries and self.library is not None and not _is_suspended(self.library):
            self._size_before = append(path_for(self.library), self.entries)

    def undo(self) -> None:
        """The transaction failed after its entries were written: take them back."""
        if self._size_before is not None and self.library is not None:
            with contextlib.suppress(OSError):
                os.truncate(path_for(self.library), self._size_before)
            self._size_before = None


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def append(journal: Path, entries: list[dict]) -> int:
    """Append *entries* and flush them to disk; returns the journal's size before (for undo).
    Raises OSError (a full disk, a read-only folder) having written nothing."""
    data = "".join(
        json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in entries
    ).encode()
    with _LOCK:
        new = not journal.exists()
        fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            before = os.fstat(fd).st_size
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except OSError:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, before)
                raise
        finally:
            os.close(fd)
        if new:
            _sync_folder(journal.parent)
    return before


def _sync_folder(folder: Path) -> None:
    """Make a new file's name durable too (POSIX: fsync the folder)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read(library: Path) -> tuple[list[dict], int]:
    """The journal's entries in order, and how many lines could not be read (a torn line)."""
    entries: list[dict] = []
    unreadable = 0
    with path_for(library).open("rb") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                unreadable += 1
                continue
            if isinstance(entry, dict) and isinstance(entry.get("op"), str):
                entries.append(entry)
            else:
                unreadable += 1
    return entries, unreadable


@contextlib.contextmanager
def suspended(library: Path) -> Iterator[None]:
    """Changes to *library* are not journaled meanwhile (a rebuild replays the journal)."""
    key = os.path.abspath(library)
    _SUSPENDED.add(key)
    try:
        yield
    finally:
        _SUSPENDED.discard(key)


def _is_suspended(library: Path) -> bool:
    return os.path.abspath(library) in _SUSPENDED


def fingerprint(archive: Path) -> str:
    """A quick fingerprint of an archive: a zip's size and its first and last 64 KB (the
    central directory lists every member's CRC), or a folder's files with their sizes."""
    digest = hashlib.sha256()
    if archive.is_dir():
        for p in sorted(archive.rglob("*")):
            if p.is_file():
                digest.update(f"{p.relative_to(archive)}\0{p.stat().st_size}\n".encode())
        return "dir:" + digest.hexdigest()[:32]
    size = archive.stat().st_size
    with archive.open("rb") as fh:
        digest.update(str(size).encode() + fh.read(65536))
        fh.seek(max(size - 65536, 0))
        digest.update(fh.read(65536))
    return "zip:" + digest.hexdigest()[:32]


def ensure_baseline(con: duckdb.DuckDBPyConnection, library: Path) -> None:
    """Give a library without a journal one holding what it already has (written whole, then
    renamed into place)."""
    journal = path_for(library)
    if journal.exists() or _is_suspended(library):
        return
    entries = baseline(con)
    if not entries:
        return
    temp = journal.with_name(f".{journal.name}.{os.getpid()}")
    try:
        append(temp, entries)
        os.replace(temp, journal)
        _sync_folder(journal.parent)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        # no journal yet: the library still opens; the next opening tries again


def baseline(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Entries that recreate the library's archives and decisions as they are now."""
    out: list[dict] = []
    for account, generated, name in con.execute(
        "SELECT account_id, generated_at, source_name FROM snapshots ORDER BY snapshot_id"
    ).fetchall():
        out.append(_import_entry(None, name, None, None, account, generated))
    for key, value in con.execute("SELECT key, value FROM settings ORDER BY key").fetchall():
        out.append({"op": "setting", "key": key, "value": value})
    for account, domains in con.execute(
        "SELECT account_id, own_domains FROM account_prefs ORDER BY account_id"
    ).fetchall():
        out.append({"op": "own_domains", "account": account, "domains": domains})
    for account, value, at, tweets in con.execute(
        """SELECT account_id, is_promotional, set_at, list(tweet_id ORDER BY tweet_id)
           FROM promo_overrides GROUP BY ALL ORDER BY set_at, account_id"""
    ).fetchall():
        out.append(
            {"op": "promo", "account": account, "tweets": tweets, "value": value, "at": _plain(at)}
        )
    from archivelens.store import branding

    if brand := branding.get(con):
        out.append({"op": "branding", **branding.entry(brand)})
    for account, target, status, note, note_at, reviewed_at in con.execute(
        """SELECT account_id, target_id, status, note, note_at, reviewed_at FROM reviews
           ORDER BY account_id, target_id"""
    ).fetchall():
        out.extend(review_entries(account, target, status, note, note_at, reviewed_at))
    return out


def review_entries(
    account: int,
    target: int,
    status: str,
    note: str | None,
    note_at: datetime | None,
    reviewed_at: datetime | None,
) -> list[dict]:
    """The entries that recreate one row of ``reviews``."""
    out = []
    if reviewed_at is not None or status != "to_review":
        entry = {"op": "review", "account": account, "target": target, "status": status}
        out.append({**entry, "at": _plain(reviewed_at)})
    if note is not None or not out:
        entry = {"op": "note", "account": account, "target": target, "note": note}
        out.append({**entry, "at": _plain(note_at)})
    return out


def import_entry(path: Path, account: int, generated_at: datetime) -> dict:
    """The entry for an archive imported as a snapshot of *account* made at *generated_at*."""
    path = Path(path).resolve()
    try:
        size, mark = path.stat().st_size, fingerprint(path)
    except OSError:
        size, mark = None, None
    return _import_entry(path, path.name, size, mark, account, generated_at)


def _import_entry(
    path: Path | None,
    name: str | None,
    size: int | None,
    mark: str | None,
    account: int,
    generated_at: datetime,
) -> dict:
    return {
        "op": "import",
        "path": _plain(path),
        "name": name,
        "size": size,
        "fingerprint": mark,
        "account": account,
        "generated_at": _plain(generated_at),
    }
