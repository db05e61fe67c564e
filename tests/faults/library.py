"""Faults around the library file: damaged, foreign, locked, on a full or read-only disk."""

from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime
from pathlib import Path

import duckdb

from tests.faults import fault
from tests.faults.judge import (
    SAMPLE,
    cli,
    contents,
    fill,
    fingerprint,
    imported_library,
    ok,
    read_only_folder,
    refused_cleanly,
    refuses,
    same_contents,
    tiny_disk,
    unchanged,
)

BLOCK_OFFSETS = 25  # damaged-block cases, spread evenly over the library file


@fault("library", "a text file where the library should be")
def not_a_database(work: Path) -> str:
    library = work / "lib" / "library.duckdb"
    library.parent.mkdir()
    library.write_text("my shopping list\n")
    before = fingerprint(library.parent)
    said = refused_cleanly(cli("report", "--db", library), "library.duckdb")
    unchanged(before, library.parent)
    return said


# -- a damaged library -----------------------------------------------------------------------------


def _refused_as_damaged(library: Path, *commands: tuple[str | Path, ...]) -> str:
    """Each command either works (the damage is where it does not read) or ends in the
    damaged-library sentence; the damaged files are left exactly as they were."""
    before = fingerprint(library.parent)
    said = []
    for command in commands:
        result = cli(*command, "--db", library)
        if result[0] == 0:
            continue
        said.append(refused_cleanly(result, "damaged", "archivelens rebuild", library.name))
    unchanged(before, library.parent)
    return said[0] if said else "(the damage is in a part no command reads: all worked)"


@fault("library", "a library cut at half its size")
def cut_at_half(work: Path) -> str:
    library = imported_library(work)
    os.truncate(library, library.stat().st_size // 2)
    said = _refused_as_damaged(library, ("report",), ("import", work / "none.zip"))
    assert "cut short" in said, said
    return said


def _damaged_block(index: int):
    def case(work: Path) -> str:
        library = imported_library(work)
        size = library.stat().st_size
        with library.open("r+b") as fh:
            fh.seek(size * index // BLOCK_OFFSETS + 100)
            fh.write(bytes(range(256)) * 2)
        return _refused_as_damaged(library, ("report",), ("export", "--out", work / "out"))

    return case


for _i in range(BLOCK_OFFSETS):
    fault("library", f"one damaged block at {_i * 100 // BLOCK_OFFSETS}% of the file")(
        _damaged_block(_i)
    )


def _library_with_wal(work: Path) -> Path:
    """A library whose last changes are still in its .wal (the program was killed)."""
    import subprocess
    import sys

    library = imported_library(work)
    code = (
        "import duckdb, os, sys\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "for i in range(300):\n"
        "    con.execute(\"INSERT INTO reviews VALUES (1, ?, 'follow_back', 'n', NULL, NULL)\","
        " [i])\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(library)], check=True)
    assert Path(f"{library}.wal").stat().st_size > 1000
    return library


def _damaged_wal(where: float):
    def case(work: Path) -> str:
        library = _library_with_wal(work)
        wal = Path(f"{library}.wal")
        with wal.open("r+b") as fh:
            fh.seek(int(wal.stat().st_size * where))
            fh.write(bytes(range(7, 71)))
        before = fingerprint(library.parent)
        said = refused_cleanly(cli("report", "--db", library), "library.duckdb.wal", "rebuild")
        unchanged(before, library.parent)
        return said

    return case


# Damage that lands on an entry's length field reads to DuckDB as the torn end of a write cut
# by a crash: it replays up to there without a word (README, "Reliability"). These two offsets
# land inside entries, where its checksums catch it.
for _where in (0.3, 0.7):
    fault("library", f"a .wal damaged in its middle ({_where:.0%})")(_damaged_wal(_where))


@fault("library", "a library whose schema_version table is gone")
def schema_version_gone(work: Path) -> str:
    library = imported_library(work)
    with duckdb.connect(str(library)) as con:
        con.execute("DROP TABLE schema_version")
    before = fingerprint(library.parent)
    said = refused_cleanly(cli("report", "--db", library), "damaged", "schema_version", "rebuild")
    unchanged(before, library.parent)
    return said


# -- someone else's DuckDB file --------------------------------------------------------------------


def _foreign(work: Path, sql: str) -> Path:
    path = work / "theirs" / "shop.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute(sql)
    path.chmod(0o644)
    return path


@fault("library", "a DuckDB file with a tweets table of its own")
def foreign_tweets_table(work: Path) -> str:
    path = _foreign(
        work,
        "CREATE TABLE tweets (id INTEGER, body VARCHAR); INSERT INTO tweets VALUES (1, 'hello')",
    )
    before = fingerprint(path.parent)
    said = refused_cleanly(cli("report", "--db", path), "shop.duckdb", "another program")
    refused_cleanly(cli("import", SAMPLE, "--db", path), "shop.duckdb")
    unchanged(before, path.parent, "their database")
    return said


@fault("library", "someone else's DuckDB file opened as a library")
def foreign_database(work: Path) -> str:
    path = _foreign(work, "CREATE TABLE orders (id INTEGER, total DECIMAL(9,2))")
    before = fingerprint(path.parent)
    said = refused_cleanly(cli("import", SAMPLE, "--db", path), "shop")
    refused_cleanly(cli("report", "--db", path), "not an archivelens library")
    unchanged(before, path.parent, "their database")  # mode 0644 kept, no table added
    return said


@fault("library", "an empty DuckDB database of another program")
def foreign_empty_database(work: Path) -> str:
    path = work / "theirs" / "empty.duckdb"
    path.parent.mkdir()
    duckdb.connect(str(path)).close()
    before = fingerprint(path.parent)
    said = refused_cleanly(cli("report", "--db", path), "not an archivelens library")
    unchanged(before, path.parent, "their database")
    return said


# -- a full disk -----------------------------------------------------------------------------------


def _on_tiny_disk(work: Path, library: Path, disk: Path) -> Path:
    target = disk / "lib" / library.name
    target.parent.mkdir()
    for name in os.listdir(library.parent):
        shutil.copy2(library.parent / name, target.parent / name)
    return target


@fault("library", "a full disk while saving a review", needs_root=True)
def full_disk_review(work: Path) -> str:
    from archivelens import pipeline
    from archivelens.analysis import network

    source = imported_library(work)
    with tiny_disk(work / "disk", "16m") as disk:
        library = _on_tiny_disk(work, source, disk)
        with pipeline.open_library(library) as con:
            scope = pipeline.resolve_scope(con)
            (target,) = con.execute("SELECT account_id FROM followers LIMIT 1").fetchone()
            network.set_review_status(con, scope.account_id, target, "follow_back")
        before = contents(library)
        journal = fingerprint(Path(f"{library}.journal"))
        with pipeline.open_library(library) as con:
            fill(disk)
            said = refuses(
                lambda: network.set_review_status(con, scope.account_id, target, "not_for_me"),
                "disk is full",
                "saving the review",
            )
            refuses(lambda: network.set_note(con, scope.account_id, target, "x"), "disk is full")
            assert con.execute("SELECT status FROM reviews").fetchall() == [("follow_back",)]
        same_contents(before, library)
        unchanged(journal, Path(f"{library}.journal"), "the journal")
    return said


def _older_library(work: Path, *extra: str) -> Path:
    """A library as archivelens wrote it at schema version 3: every table a later migration
    made is dropped (whatever migrations come after, the upgrade then has work to do)."""
    from archivelens.store.migrations import MIGRATIONS

    library = imported_library(work, *extra) if extra else imported_library(work)
    with duckdb.connect() as old:
        for _, sql in MIGRATIONS[:3]:
            old.execute(sql)
        kept = {r[0] for r in old.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    with duckdb.connect(str(library)) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for table in sorted(tables - kept - {"schema_version"}):
            con.execute(f"DROP TABLE {table}")
        con.execute("DELETE FROM schema_version WHERE version > 3")
    return library


@fault("library", "a full disk while migrating an older library", needs_root=True)
def full_disk_migration(work: Path) -> str:
    source = _older_library(work)
    with tiny_disk(work / "disk", "16m") as disk:
        library = _on_tiny_disk(work, source, disk)
        before = contents(library)
        fill(disk)
        said = refused_cleanly(cli("report", "--db", library), "disk is full")
        same_contents(before, library)
        (disk / ".filler").unlink()
        ok(cli("report", "--db", library))  # with space again, the upgrade goes through
    return said


@fault("library", "a full disk during the first analysis (report)", needs_root=True)
def full_disk_first_analysis(work: Path) -> str:
    source = imported_library(work, SAMPLE, "--no-analysis")
    with tiny_disk(work / "disk", "16m") as disk:
        library = _on_tiny_disk(work, source, disk)
        before = contents(library)
        fill(disk)
        said = refused_cleanly(cli("report", "--db", library), "disk is full")
        same_contents(before, library)
    return said


@fault("library", "a full disk while removing a snapshot", needs_root=True)
def full_disk_remove(work: Path) -> str:
    from archivelens import pipeline

    source = imported_library(work)
    with tiny_disk(work / "disk", "16m") as disk:
        library = _on_tiny_disk(work, source, disk)
        before = contents(library)
        with pipeline.open_library(library) as con:
            fill(disk)
            said = refuses(lambda: pipeline.remove_snapshot(con, 1), "disk is full", "removing")
            assert con.execute("SELECT count(*) FROM tweets").fetchone() == (1200,)
        same_contents(before, library)
    return said


# -- a read-only folder ----------------------------------------------------------------------------


@fault("library", "a library in a read-only folder", needs_root=True)
def read_only(work: Path) -> str:
    from archivelens import pipeline
    from archivelens.analysis import network

    library = imported_library(work)
    another = small_archive(work)
    before = fingerprint(library.parent)
    with read_only_folder(library.parent):
        said = refused_cleanly(
            cli("import", another, "--db", library), "read-only", str(library.parent)
        )
        assert "@ZimblerMiller" in ok(cli("report", "--db", library))
        ok(cli("export", "--db", library, "--out", work / "out"))
        assert (work / "out" / "summary.csv").exists()
        with pipeline.open_library(library) as con:
            scope = pipeline.resolve_scope(con)
            refuses(
                lambda: network.set_review_status(con, scope.account_id, 1, "follow_back"),
                "read-only",
                str(library.parent),
            )
    unchanged(before, library.parent)
    return said


def small_archive(work: Path, seed: int = 11) -> Path:
    """Another account's small archive (not the sample)."""
    from testkit.archivegen import Options, Spec, build_story, write_archive

    spec = Spec(
        seed=seed,
        tweets=200,
        followers=60,
        following=40,
        mutuals=10,
        people=20,
        generated_at=datetime(2024, 5, 1, 9, 0),
    )
    out = work / f"other-{seed}.zip"
    write_archive(build_story(spec), "current", out, Options())
    return out


# -- modes -----------------------------------------------------------------------------------------


@fault("library", "the Python API under umask 022 makes private files")
def private_modes(work: Path) -> str:
    from archivelens import pipeline
    from archivelens.analysis import network

    library = work / "lib" / "library.duckdb"
    pipeline.import_archive(SAMPLE, library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        network.set_review_status(con, scope.account_id, 7, "follow_back")
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in library.parent.iterdir()}
    assert modes.get("library.duckdb.wal") == 0o600, modes
    assert set(modes.values()) == {0o600}, modes
    assert stat.S_IMODE(library.parent.stat().st_mode) == 0o700
    return "library, .wal and journal 0600, folder 0700"


@fault("library", "archivelens' own 0755 data folder is tightened, a person's folder is not")
def own_folder_only(work: Path) -> str:
    os.environ["XDG_DATA_HOME"] = str(work / "xdg")
    own = work / "xdg" / "archivelens"
    own.mkdir(parents=True, mode=0o755)
    own.chmod(0o755)
    ok(cli("import", SAMPLE))  # the default library, in archivelens' own data folder
    library = own / "library.duckdb"
    assert library.exists() and stat.S_IMODE(own.stat().st_mode) == 0o700
    theirs = work / "Documents"
    theirs.mkdir(mode=0o755)
    theirs.chmod(0o755)
    shutil.copy2(library, theirs / "mine.duckdb")
    (theirs / "mine.duckdb").chmod(0o640)  # shared with a group on purpose
    ok(cli("report", "--db", theirs / "mine.duckdb"))
    assert stat.S_IMODE(theirs.stat().st_mode) == 0o755
    assert stat.S_IMODE((theirs / "mine.duckdb").stat().st_mode) == 0o640
    return "own data folder 0700; a person's folder and file keep 0755 and 0640"
