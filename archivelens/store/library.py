"""Where the library lives and how it is opened: private, offline, migrated."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import platformdirs

from archivelens.errors import UserError
from archivelens.store.migrations import migrate

if TYPE_CHECKING:
    import pyarrow as pa

ENV_VAR = "ARCHIVELENS_DB"

# The app never reaches the network: no extension is ever downloaded or loaded on demand.
# DuckDB's buffers are capped (it spills to a temp folder beyond), so a desktop app importing a
# decade of tweets leaves memory for everything else.
_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "memory_limit": "1GB",
}


def default_library_path() -> Path:
    return platformdirs.user_data_path("archivelens", appauthor=False) / "library.duckdb"


def resolve_library_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` beats ``$ARCHIVELENS_DB`` beats the per-user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    return default_library_path()


def connect(path: Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the library at *path* and bring its schema up to date."""
    _make_private_folder(path.parent)
    config = dict(_CONFIG)
    if memory_limit:
        config["memory_limit"] = memory_limit
    try:
        con = duckdb.connect(str(path), config=config)
    except duckdb.IOException as err:
        raise UserError(_open_error_sentence(path, err)) from None
    except duckdb.Error as err:
        raise UserError(f"{path} is not an archivelens library ({_first_line(err)}).") from None
    _make_private_file(path)
    con.execute("SET TimeZone = 'UTC'")
    migrate(con)
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
    except duckdb.IOException as err:
        raise UserError(_open_error_sentence(path, err)) from None
    except duckdb.Error as err:
        raise UserError(f"{path} is not an archivelens library ({_first_line(err)}).") from None
    try:
        con.execute(f"USE {alias}")
        yield con
    finally:
        con.execute("USE memory")
        con.execute(f"DETACH {alias}")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _make_private_folder(folder: Path) -> None:
    if folder.exists():
        return
    try:
        folder.mkdir(parents=True, mode=0o700)
    except OSError as err:
        raise UserError(f"Cannot create the library folder {folder}: {err.strerror}.") from None


def _make_private_file(path: Path) -> None:
    try:
        if path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
    except OSError:
        pass  # a library on a filesystem without POSIX modes still works


def _open_error_sentence(path: Path, err: duckdb.Error) -> str:
    text = str(err)
    if "lock" in text.lower():
        return (
            f"The library {path} is in use by another program (is archivelens already open?); "
            "close it and try again."
        )
    if "not a valid DuckDB database" in text or "Not a valid" in text:
        return f"{path} is not an archivelens library."
    return f"Cannot open the library {path}: {_first_line(err)}."


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


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
