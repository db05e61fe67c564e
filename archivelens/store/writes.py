"""Every write to the library goes one way: :func:`transaction`.

It begins, runs the body, appends the journal entries the body recorded (flushed to disk),
commits — and on any failure rolls back (even when DuckDB already aborted the transaction at a
failed commit, where ``rollback`` itself would fail with "no transaction is active"), takes the
journal entries back, and turns the machine's failures into one sentence: a full disk, a folder
the person cannot write, a damaged block met on the way. The importer, the migrations, the
analysis, reviews, notes, overrides, settings and removing a snapshot all use it.
"""

from __future__ import annotations

import errno
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from archivelens import errors
from archivelens.errors import UserError
from archivelens.store import journal


class LibraryDamaged(UserError):
    """The library file (or its .wal) is damaged. *problem* says what ("The library X is
    damaged (it is cut short)"); the sentence adds what to do, which the app words its own way
    (it offers to rebuild)."""

    def __init__(self, path: Path, problem: str, aside: str = "the damaged files are kept") -> None:
        super().__init__(
            f"{problem}; run `archivelens rebuild --db {path}` to rebuild it from its archives "
            f"and your saved reviews ({aside})."
        )
        self.path = path
        self.problem = problem


def damaged(path: Path, reason: str) -> LibraryDamaged:
    return LibraryDamaged(path, f"The library {path} is damaged ({reason})")


_DAMAGE = re.compile(
    r"Corrupt|checksum|Could not read enough bytes|Serialization|INTERNAL Error|"
    r"block .* out of range|invalid block|Failed to load metadata",
    re.IGNORECASE,
)


def is_damage(text: str) -> bool:
    return bool(_DAMAGE.search(text))


def damage_reason(text: str) -> str:
    """DuckDB's words without its prefixes and long checksums: "a checksum does not match"."""
    if "checksum" in text:
        where = re.search(r"(?:at byte position|in block at location) (\d+)", text)
        return "a block does not match its checksum" + (
            f" at byte {int(where[1]):,}" if where else ""
        )
    if "Could not read enough bytes" in text:
        return "it is cut short"
    line = text.strip().splitlines()[0] if text.strip() else "unknown"
    return re.sub(r"^[A-Za-z ]*(Error|Exception):\s*", "", line)[:160]


def explain(err: BaseException, path: Path) -> UserError | None:
    """The sentence for damage DuckDB meets while reading *path* (a block that fails its
    checksum shows only when read), or None for anything else."""
    if type(err) not in _DAMAGE_TYPES:
        return None  # e.g. an archive's malformed JSON: the importer names that file
    text = str(err)
    if "checksum" in text or "Corrupt" in text or (is_damage(text) and str(path) in text):
        return damaged(path, damage_reason(text))
    return None


# The exception types DuckDB raises for a damaged database file.
_DAMAGE_TYPES = (
    duckdb.Error,
    duckdb.IOException,
    duckdb.InternalException,
    duckdb.SerializationException,
    duckdb.FatalException,
)


# -- where the person cannot write -----------------------------------------------------------------


def unwritable(path: Path) -> str | None:
    """Why archivelens cannot write the library at *path* (its file, its .wal, its folder), or
    None when it can."""
    folder = unwritable_folder(path.parent)
    if folder:
        return folder
    for file in (path, Path(f"{path}.wal")):
        if file.exists() and not os.access(file, os.W_OK):
            return f"permission denied on {file}"
    return None


def unwritable_folder(folder: Path) -> str | None:
    with suppress(OSError):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"the folder {folder} is on a read-only disk"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"permission denied on the folder {folder}"
    return None


def library_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file *con* has open (None for an in-memory database)."""
    return _database(con)[0]


def _database(con: duckdb.DuckDBPyConnection) -> tuple[Path | None, bool]:
    """The file *con* has open (None: in memory) and whether it is open read-only."""
    row = con.execute(
        "SELECT path, readonly FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return (Path(row[0]) if row and row[0] else None), bool(row and row[1])


_UMASK_LOCK = threading.Lock()
_umask_users = 0
_umask_saved = 0


@contextmanager
def private_files() -> Iterator[None]:
    """Files created meanwhile (by DuckDB too: the .wal, spill files) are private (0600),
    whatever umask the caller runs with. The umask is per process: nested and concurrent users
    share one private window, the first in sets it and the last out restores it."""
    global _umask_users, _umask_saved
    if os.name != "posix":
        yield
        return
    with _UMASK_LOCK:
        if _umask_users == 0:
            _umask_saved = os.umask(0o077)
            os.umask(_umask_saved | 0o077)
        _umask_users += 1
    try:
        yield
    finally:
        with _UMASK_LOCK:
            _umask_users -= 1
            if _umask_users == 0:
                os.umask(_umask_saved)


# -- writing ---------------------------------------------------------------------------------------

_OPEN: dict[int, journal.Pending] = {}  # connection id → the transaction running on it


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, what: str) -> Iterator[journal.Pending]:
    """One write, all or nothing: begin; the body; the journal entries it recorded appended and
    flushed to disk; commit. Any failure rolls back (even when DuckDB already aborted at a
    failed commit) and takes the journal entries back; a full disk, a read-only folder or a
    damaged library becomes one sentence about *what* ("saving the review"). A transaction
    opened inside another on the same connection joins it."""
    if id(con) in _OPEN:
        yield _OPEN[id(con)]
        return
    path, read_only = _database(con)
    if path is not None and read_only:
        raise UserError(f"Cannot save to the library {path} while {what}: {_why_read_only(path)}.")
    pending = journal.Pending(path)
    with private_files():
        con.begin()
        _OPEN[id(con)] = pending
        try:
            yield pending
            pending.write()
            con.commit()
        except BaseException as err:
            rollback(con)
            pending.undo()
            friendly = _write_error(err, path, what)
            if friendly is err:
                raise
            raise friendly from None
        finally:
            _OPEN.pop(id(con), None)


def _why_read_only(path: Path) -> str:
    reason = unwritable(path)
    return (reason or "it is open read-only") + " (reading it still works)"


def _write_error(err: BaseException, path: Path | None, what: str) -> BaseException:
    if isinstance(err, UserError | errors.Cancelled) or not isinstance(err, Exception):
        return err
    machine = errors.from_environment(err, what)
    if machine is not None:
        return machine
    if isinstance(err, OSError) and err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return UserError(errors.sentence_for_os_error(err, what))
    if path is not None:
        text = str(err)
        if "Permission denied" in text or "Read-only file system" in text:
            file = re.search(r'file "([^"]+)"', text)
            return UserError(
                f"Permission denied while {what}: archivelens cannot write "
                f"{file[1] if file else path.parent}; nothing was saved."
            )
        damaged = explain(err, path)
        if damaged is not None:
            return damaged
    return err


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, even if a cancel's interrupt lands on the rollback itself, and never fail
    when DuckDB already ended the transaction (a commit that failed aborts it)."""
    for _ in range(3):
        try:
            con.rollback()
            return
        except duckdb.InterruptException:
            continue
        except duckdb.Error:
            return  # nothing left to roll back
