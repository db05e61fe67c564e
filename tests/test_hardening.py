"""What a failure, a kill or a signal leaves behind: nothing half-written, nothing readable by
others, no temp folders (issue: hostile and damaged archives, items 2 and 6)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pytest

from archivelens import pipeline, scratch
from archivelens.errors import UserError
from archivelens.export import csvset
from testkit.archivegen import Options, Spec, build_story, write_archive
from tests.conftest import era_spec

ROOT = Path(__file__).resolve().parent.parent
_DEAD_PID = 4_194_000  # above any pid a test machine hands out (pid_max is 4,194,304)


def test_a_failed_export_leaves_the_folder_as_it_was(make_archive, library, tmp_path, monkeypatch):
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        pipeline.export_csv(con, scope, out)
        before = {p.name: p.read_bytes() for p in out.iterdir()}
        real_write = csvset._write

        def full_disk_on_the_fifth(con, sql, params, path, bom):
            if path.name == "not_followed_back.csv":
                raise UserError("The disk is full: archivelens stopped while writing.")
            return real_write(con, sql, params, path, bom)

        monkeypatch.setattr(csvset, "_write", full_disk_on_the_fifth)
        pipeline.import_archive(
            make_archive("current", spec=era_spec("current", seed=9))[0], library
        )
        with pytest.raises(UserError):
            pipeline.export_csv(con, pipeline.resolve_scope(con), out)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # the earlier complete set, untouched: no partial new one


def test_a_killed_runs_scratch_folders_are_removed_by_the_next(
    imported, library, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale = tmp_path / f"archivelens-import-{_DEAD_PID}-abc"
    (stale / "tweets").mkdir(parents=True)
    mine = tmp_path / f"archivelens-import-{os.getpid()}-other"  # a live run's: kept
    mine.mkdir()
    imported()
    assert not stale.exists() and mine.exists()
    out = tmp_path / "out"
    (out / f".archivelens-export-{_DEAD_PID}-x").mkdir(parents=True)
    with pipeline.open_library(library) as con:
        pipeline.export_csv(con, pipeline.resolve_scope(con), out)
    assert not [p for p in out.iterdir() if p.name.startswith(".archivelens-export-")]


def test_scratch_names_carry_the_process():
    folder = scratch.make("archivelens-test-")
    try:
        assert folder.name.startswith(f"archivelens-test-{os.getpid()}-")
    finally:
        folder.rmdir()


@pytest.fixture(scope="module")
def sizeable_archive(tmp_path_factory) -> Path:
    """An archive whose import takes long enough to be interrupted (about a second)."""
    story = build_story(
        Spec(tweets=40_000, followers=2000, following=500, mutuals=200, people=1000)
    )
    out = tmp_path_factory.mktemp("sizeable") / "archive.zip"
    return write_archive(story, "current", out, Options()).path


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_cancels_the_import_like_ctrl_c(sig, tmp_path, sizeable_archive):
    archive = sizeable_archive
    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    library = tmp_path / "lib" / "library.duckdb"
    env = {**os.environ, "TMPDIR": str(scratch_root)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "archivelens", "import", str(archive), "--db", str(library)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any(scratch_root.glob("archivelens-import-*")) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "cancel" in err.lower() and "Traceback" not in err
    assert list(scratch_root.iterdir()) == []
    with duckdb.connect(str(library), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM snapshots").fetchone() == (0,)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_library_and_its_wal_are_private(tmp_path):
    library = tmp_path / "lib" / "library.duckdb"
    probe = f"""
import os
from pathlib import Path
from archivelens.__main__ import keep_files_private
keep_files_private()
from archivelens.store.library import connect
con = connect(Path({str(library)!r}))
con.execute("CREATE TABLE probe (a INTEGER)")
con.execute("INSERT INTO probe VALUES (1)")
for name in sorted(os.listdir({str(library.parent)!r})):
    print(name, oct(os.stat(os.path.join({str(library.parent)!r}, name)).st_mode & 0o777))
"""
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    modes = dict(zip(out[::2], out[1::2], strict=True))
    assert modes == {"library.duckdb": "0o600", "library.duckdb.wal": "0o600"}


@pytest.fixture
def small_disk(tmp_path):
    """A folder on a tiny file system of its own (tmpfs; needs root, as CI runs)."""

    def make(size: str) -> Path:
        folder = tmp_path / f"disk-{size}"
        folder.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder], capture_output=True
        )
        if done.returncode != 0:
            pytest.skip("cannot mount a small tmpfs here (not root?)")
        mounted.append(folder)
        return folder

    mounted: list[Path] = []
    yield make
    for folder in mounted:
        subprocess.run(["umount", "-l", folder], check=False)


def test_a_full_disk_at_commit_is_one_sentence_and_keeps_the_library(small_disk, make_archive):
    from dataclasses import replace
    from datetime import datetime

    disk = small_disk("8m")
    library = disk / "lib" / "library.duckdb"
    small, _, _ = make_archive("current", spec=era_spec("current", tweets=300))
    spec = era_spec("current", tweets=20_000, seed=4, followers=5000, following=900, mutuals=300)
    big, _, _ = make_archive("current", spec=replace(spec, generated_at=datetime(2024, 1, 1)))
    pipeline.import_archive(small, library)
    with pytest.raises(UserError, match="The disk is full"):
        pipeline.import_archive(big, library)
    with pipeline.open_library(library) as con:
        assert con.execute("SELECT count(*) FROM snapshots").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM tweets").fetchone() == (300,)


@pytest.mark.parametrize("export", ["export_csv", "export_xlsx"])
def test_a_full_disk_during_export_leaves_nothing(small_disk, imported, library, export):
    imported("current", spec=era_spec("current", tweets=3000))
    out = small_disk("256k") / "export"
    with pipeline.open_library(library) as con, pytest.raises(UserError, match="disk is full"):
        getattr(pipeline, export)(con, pipeline.resolve_scope(con), out)
    assert list(out.iterdir()) == []  # no partial set or workbook, no temporary file


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_an_extracted_folder_is_refused_not_waited_on(make_archive, library):
    folder, _, _ = make_archive("current", as_zip=False)
    os.mkfifo(folder / "data" / "tweets-part1.js")
    with pytest.raises(UserError, match="not a regular file"):
        pipeline.import_archive(folder, library)
