"""Where the library lives and how it is opened: private, offline, migrated — and never at the
expense of a file that is not an archivelens library.

Opening follows SQLite's and Git's habits:

- **Only a new file gets a schema.** A path that does not exist (or is an empty file) becomes a
  library: the schema is written into a scratch file beside it, which is renamed into place
  once whole, so a library file is never half-made. An existing file is first looked at
  read-only: a DuckDB database without archivelens' ``schema_version`` table belongs to another
  program and is refused, byte for byte as it was; a file cut short, a damaged block or a
  damaged ``.wal`` is named as such, with what to do (``archivelens rebuild``).
- **Read-only where it cannot write.** A library in a folder (or a file) the person cannot
  write opens read-only: reports, exports and browsing work; saving says why it cannot.
- **Modes.** Files archivelens creates (the library, DuckDB's ``.wal``, the review journal) are
  made under a private umask (0600, folders 0700), whatever umask the caller has. Existing files
  and folders keep the modes their owner gave them — never chmod a file you did not create —
  except in archivelens' own data folder (the default library's), which is tightened to 0700
  and whose library, ``.wal`` and journal to 0600: that folder and what it holds are
  archivelens' alone, and older versions made them under the caller's umask.
- **One way to write.** Every change goes through :func:`transaction`: begin, commit, roll back
  on any failure (even when DuckDB already aborted), the machine's failures (a full disk, a
  read-only folder) as one sentence, and the person's decisions appended to the review journal
  (:mod:`archivelens.store.journal`) in the same step.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from archivelens import errors, scratch
from archivelens.errors import UserError
from archivelens.store import journal
from archivelens.store.migrations import LATEST, current_version, migrate
from archivelens.store.paths import default_library_path, resolve_library_path
from archivelens.store.writes import (
    LibraryDamaged,
    damage_reason,
    damaged,
    explain,
    is_damage,
    private_files,
    transaction,
    unwritable,
    unwritable_folder,
)

if TYPE_CHECKING:
    import pyarrow as pa

# The app never reaches the network: no extension is ever downloaded or loaded on demand.
# DuckDB's buffers are capped (it spills to a temp folder beyond), so a desktop app importing a
# decade of tweets leaves memory for everything else.
Config = dict[str, str | bool | int | float | list[str]]
_CONFIG: Config = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "memory_limit": "1GB",
}

# Tables only an archivelens library has: a file holding several of them but no schema_version
# is a damaged library, not another program's database.
_OWN_TABLES = frozenset(
    {"snapshots", "import_files", "import_messages", "promotion_state", "dup_state", "reviews"}
)

__all__ = ["LibraryDamaged", "connect", "explain", "resolve_library_path", "transaction"]


def connect(path: Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the library at *path* (creating it if the path is new) and bring its schema up to
    date; read-only when the person cannot write there."""
    path = Path(path)
    config = dict(_CONFIG)
    if memory_limit:
        config["memory_limit"] = memory_limit
    if _is_new(path):
        _refuse_if_lost(path)
        _create(path, config)
    else:
        _check_header(path)
        if not journal.path_for(path).exists():  # no journal: look before writing anything
            _recognise(path)
    read_only = unwritable(path) is not None
    if read_only:  # DuckDB would spill beside the library, where it cannot write
        spill = Path(tempfile.gettempdir()) / f"archivelens-spill-{os.getpid()}"
        config["temp_directory"] = str(spill)  # (DuckDB makes it only if it spills)
    try:
        with private_files():
            con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.Error as err:
        raise _open_error(path, err) from None
    con.execute("SET TimeZone = 'UTC'")
    try:
        _check_tables(con, path)
        _bring_up_to_date(con, path, read_only)
    except BaseException:
        con.close()
        raise
    return con


def reader() -> duckdb.DuckDBPyConnection:
    """An in-memory connection to attach libraries to, read-only (:func:`attached`): attaching
    costs a few milliseconds where opening a file as its own database costs tens."""
    con = duckdb.connect(config=dict(_CONFIG))
    con.execute("SET TimeZone = 'UTC'")
    return con


@contextmanager
def attached(
    con: duckdb.DuckDBPyConnection, path: Path, alias: str
) -> Iterator[duckdb.DuckDBPyConnection]:
    """*path* attached read-only as *alias* and made *con*'s default database while inside:
    nothing in the file changes, not even its schema. A library another program holds open for
    writing cannot be attached (DuckDB locks it): one sentence says so."""
    if not path.is_file():
        raise UserError(f"{path} does not exist.")
    try:
        con.execute(f"ATTACH '{_quoted(path)}' AS {alias} (READ_ONLY)")
    except duckdb.Error as err:
        raise _open_error(path, err) from None
    try:
        con.execute(f"USE {alias}")
        yield con
    finally:
        con.execute("USE memory")
        con.execute(f"DETACH {alias}")


def is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether *con*'s default database was opened (or attached) for reading only."""
    row = con.execute(
        "SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return bool(row and row[0])


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _bring_up_to_date(con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    if read_only:
        if current_version(con) < LATEST:
            raise UserError(
                f"The library {path} was made by an older archivelens and must be upgraded, "
                f"but {unwritable(path)}; make it writable once to upgrade it."
            )
        migrate(con)  # refuses a library of a newer archivelens, writes nothing else
        return
    migrate(con)
    if _in_own_folder(path):
        _tighten(path)
    journal.ensure_baseline(con, path)


# -- a new library ---------------------------------------------------------------------------------


def _is_new(path: Path) -> bool:
    try:
        return path.stat().st_size == 0 and path.is_file()
    except FileNotFoundError:
        return True
    except OSError as err:
        raise UserError(errors.sentence_for_os_error(err, f"opening the library {path}")) from None


def _refuse_if_lost(path: Path) -> None:
    """No library, but its journal: the library was lost (a failed disk, a bad sync), not
    never made. Making an empty one would hide the loss — and the person's work — so say so
    and offer the rebuild; moving the journal away starts afresh."""
    if journal.path_for(path).exists():
        raise LibraryDamaged(
            path,
            f"The library {path} is missing, but its review journal "
            f"{journal.path_for(path).name} is beside it",
            f"or move {journal.path_for(path).name} away to start a new, empty library",
        )


def _create(path: Path, config: Config) -> None:
    """Write an empty library beside *path* and rename it into place once whole."""
    _make_folder(path.parent)
    reason = unwritable_folder(path.parent)
    if reason:
        raise UserError(f"Cannot create the library {path}: {reason}.")
    work = None
    try:
        with private_files():
            work = scratch.make(".archivelens-new-", path.parent)
            fresh = work / path.name
            con = duckdb.connect(str(fresh), config=config)
            try:
                migrate(con)
            finally:
                con.close()
            os.replace(fresh, path)
    except UserError:
        raise
    except (OSError, duckdb.Error) as err:
        machine = errors.from_environment(err, f"creating the library {path}")
        if machine is not None:
            raise machine from None
        if isinstance(err, OSError):
            raise UserError(errors.sentence_for_os_error(err, f"creating {path}")) from None
        raise
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def _make_folder(folder: Path) -> None:
    if folder.exists():
        return
    try:
        with private_files():
            folder.mkdir(parents=True, mode=0o700)
    except OSError as err:
        raise UserError(f"Cannot create the library folder {folder}: {err.strerror}.") from None


# -- recognising a library -------------------------------------------------------------------------

_HEADER = 4096  # DuckDB: a main header, then two database headers of this size each


def _recognise(path: Path) -> None:
    """Refuse, untouched, a file that is not a whole archivelens library: looked at through a
    read-only connection first (opening another program's database for writing could replay
    its .wal into it). A library with a journal beside it skips this look: it is ours."""
    try:
        probe = duckdb.connect(str(path), read_only=True, config=dict(_CONFIG))
    except duckdb.ConnectionException:
        return  # this process has it open already (so it was recognised then)
    except duckdb.Error as err:
        if "different configuration" in str(err):
            return
        raise _open_error(path, err) from None
    try:
        _check_tables(probe, path)
    finally:
        probe.close()


def _check_tables(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """An archivelens library has ``schema_version``; a file holding several of its tables but
    not that one is damaged; any other database belongs to another program."""
    try:
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
            ).fetchall()
        }
        if "schema_version" in tables:
            con.execute("SELECT max(version) FROM schema_version").fetchone()
            return
    except duckdb.Error as err:
        raise _open_error(path, err) from None
    if len(tables & _OWN_TABLES) >= 3:
        raise damaged(path, "its schema_version table is missing")
    raise UserError(
        f"{path} is a DuckDB database of another program, not an archivelens library; it was "
        "left untouched. Choose another library file (--db)."
    )


def _check_header(path: Path) -> None:
    """A DuckDB file is its headers then ``block_count`` blocks: a shorter file is cut short."""
    try:
        with path.open("rb") as fh:
            head = fh.read(3 * _HEADER)
            size = os.fstat(fh.fileno()).st_size
    except OSError as err:
        raise UserError(errors.sentence_for_os_error(err, f"reading the library {path}")) from None
    if len(head) < 12 or head[8:12] != b"DUCK":
        if journal.path_for(path).exists():  # it was a library: the journal beside it says so
            raise damaged(path, "its header is unreadable")
        raise UserError(f"{path} is not an archivelens library (not a database file).")
    headers = [struct.unpack_from("<qqqqqq", head, off) for off in (_HEADER, 2 * _HEADER)]
    _, iteration, _, _, blocks, block_size = max(
        (h for h in headers if len(head) >= 3 * _HEADER), key=lambda h: h[1], default=(0,) * 6
    )
    plausible = 0 < blocks < 1 << 40 and block_size in {1 << n for n in range(12, 25)}
    # A checkpoint that frees the last blocks truncates the file to a whole block but leaves
    # the header's count as it was (seen: a logo replaced, 25 of 27 blocks left): only a file
    # that ends inside a block is cut short.
    torn = (size - 3 * _HEADER) % block_size != 0 if plausible else False
    if iteration and plausible and torn and size < 3 * _HEADER + blocks * block_size:
        expected = 3 * _HEADER + blocks * block_size
        raise damaged(path, f"it is cut short: {size:,} of {expected:,} bytes")


def _open_error(path: Path, err: duckdb.Error) -> UserError:
    text = str(err)
    if re.search(r"\block\b", text, re.IGNORECASE):  # "Could not set lock on file", not "block"
        return UserError(
            f"The library {path} is in use by another program (is archivelens already open?); "
            "close it and try again."
        )
    wal = Path(f"{path}.wal")
    if "WAL" in text and wal.exists():
        reason = damage_reason(text)
        return LibraryDamaged(path, f"The library's write-ahead log {wal} is damaged ({reason})")
    if is_damage(text):
        return damaged(path, damage_reason(text))
    if "not a valid DuckDB database" in text or "Not a valid" in text:
        return UserError(f"{path} is not an archivelens library.")
    machine = errors.from_environment(err, f"opening the library {path}")
    if machine is not None:
        return machine
    if "Permission denied" in text:
        return UserError(f"Cannot open the library {path}: permission denied.")
    return UserError(f"Cannot open the library {path}: {_first_line(err)}.")


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


# -- modes -----------------------------------------------------------------------------------------


def _in_own_folder(path: Path) -> bool:
    with suppress(OSError):
        return path.parent.resolve() == default_library_path().parent.resolve()
    return False


def _tighten(path: Path) -> None:
    """archivelens' own data folder 0700 and its library files 0600 (see the module's note)."""
    targets = [(path.parent, 0o700)] + [
        (p, 0o600) for p in (path, Path(f"{path}.wal"), journal.path_for(path)) if p.exists()
    ]
    for target, mode in targets:
        with suppress(OSError):
            if stat.S_IMODE(target.stat().st_mode) & 0o077:
                target.chmod(mode)


# -- reading ---------------------------------------------------------------------------------------


def query_arrow(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | list | None = None
) -> pa.Table:
    """Run *sql* and return its rows as one Arrow table (no copy through Python objects).

    Like :func:`register_arrow`, first finishes any result ``execute`` left open.
    """
    con.complete()
    return con.sql(sql, params=params).to_arrow_table()


def register_arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Expose *table* to SQL on *con* as view *name* (replacing an earlier one).

    DuckDB refuses to register while a result of ``execute`` is still open (a ``fetchone`` on a
    longer result leaves one), so any such result is completed first.
    """
    con.complete()
    con.register(name, table)


@contextmanager
def limited_memory(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """Squeeze DuckDB's buffers to *limit* while Python does memory-hungry work."""
    (previous,) = con.execute("SELECT current_setting('memory_limit')").fetchone()  # type: ignore[misc]
    con.execute(f"SET memory_limit = '{limit}'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{previous}'")


def bind(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The named parameters *sql* uses: DuckDB refuses any extra one, and scoped queries share
    one parameter set of which each uses a part."""
    used = set(re.findall(r"\$(\w+)", sql))
    return {k: v for k, v in params.items() if k in used}
