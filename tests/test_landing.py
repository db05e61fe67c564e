"""An export lands whole or not at all (issue 18): names checked before anything is written, a
move that fails part-way undone, a landing cut short by a kill rolled back by the next run.
The killed processes themselves are in tests/faults/exports.py."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from archivelens import pipeline, scratch
from archivelens.errors import UserError
from archivelens.export import csvset, html_report, landing

_DEAD_PID = 4_194_000  # above any pid a test machine hands out


def _contents(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def earlier(make_archive, library, tmp_path) -> Path:
    """A library with one account, and a folder holding its earlier CSV export."""
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library)
    out = tmp_path / "out"
    with pipeline.open_library(library) as con:
        pipeline.export_csv(con, pipeline.resolve_scope(con), out)
    return out


@pytest.mark.parametrize("name", ["report.html", "recommendations.csv", "tweets.csv"])
def test_a_folder_in_the_way_refuses_before_anything_is_written(earlier, library, name):
    (earlier / name).unlink()
    (earlier / name).mkdir()
    before = _contents(earlier)
    with pipeline.open_library(library) as con, pytest.raises(UserError, match="is a folder"):
        pipeline.export_csv(con, pipeline.resolve_scope(con), earlier)
    assert _contents(earlier) == before
    assert sorted(p.name for p in earlier.iterdir()) == sorted(
        [*csvset.FILES, html_report.FILE_NAME]
    )


def test_a_workbook_with_a_folder_in_the_way_of_its_report_is_not_written(library, earlier):
    (earlier / "report.html").unlink()
    (earlier / "report.html").mkdir()
    with pipeline.open_library(library) as con, pytest.raises(UserError, match=r"report\.html"):
        pipeline.export_xlsx(con, pipeline.resolve_scope(con), earlier)
    assert not list(earlier.glob("*.xlsx"))


def test_one_view_export_refuses_a_folder_under_its_name(library, earlier):
    (earlier / "view.csv").mkdir()
    with pipeline.open_library(library) as con, pytest.raises(UserError, match=r"view\.csv"):
        csvset.write_csv(con, "SELECT 1 AS a", {}, earlier / "view.csv")
    assert not list((earlier / "view.csv").iterdir())


def test_a_move_failing_part_way_puts_every_earlier_file_back(earlier, library, make_archive):
    """An append-only file passes every check, yet no rename may replace it: the landing
    stops at the last CSV with eight new files in place, and must undo them."""
    from tests.conftest import era_spec

    blocker = earlier / "recommendations.csv"
    if subprocess.run(["chattr", "+a", str(blocker)], capture_output=True).returncode:
        pytest.skip("chattr +a is not available here")
    try:
        before = _contents(earlier)
        other = era_spec("current", seed=5, owner_id=27_182_818, owner_handle="Other")
        pipeline.import_archive(make_archive("current", spec=other)[0], library)
        with pipeline.open_library(library) as con, pytest.raises(UserError) as caught:
            pipeline.export_csv(con, pipeline.resolve_scope(con, account="Other"), earlier)
        assert "recommendations.csv" in str(caught.value)
        assert "as it was" in str(caught.value)
        assert _contents(earlier) == before
        assert not [p for p in earlier.iterdir() if p.name.startswith(landing.PREFIX)]
    finally:
        subprocess.run(["chattr", "-a", str(blocker)], check=False)


class _Killed(BaseException):
    """Stands for the end of the process: nothing after it runs, not even ``except OSError``."""


def test_a_landing_cut_short_is_rolled_back_by_the_next_run(
    earlier, library, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    before = _contents(earlier)
    real, renames = os.replace, []

    def replace(src, dst):
        renames.append(dst)
        if len(renames) == 9:  # four new files in, the fifth's old one aside
            raise _Killed
        real(src, dst)

    monkeypatch.setattr(landing.os, "replace", replace)
    monkeypatch.setattr(landing, "discard", lambda work: None)  # a dead process cleans nothing
    with pipeline.open_library(library) as con, pytest.raises(_Killed):
        pipeline.export_csv(con, pipeline.resolve_scope(con), earlier, bom=False)
    monkeypatch.undo()
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert _contents(earlier) != before  # half landed: new files beside old ones
    # The process "dies": its scratch folder and note now carry a pid that no longer runs.
    (work,) = [p for p in earlier.iterdir() if p.name.startswith(landing.PREFIX)]
    dead = work.with_name(f"{landing.PREFIX}{_DEAD_PID}-x")
    work.rename(dead)
    (scratch.notes_folder() / work.name).unlink()
    (scratch.notes_folder() / dead.name).write_text(str(dead))
    pipeline.remove_leftovers()
    assert _contents(earlier) == before
    assert not dead.exists() and not list(scratch.notes_folder().iterdir())


def test_a_finished_export_leaves_no_note(earlier, library, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    with pipeline.open_library(library) as con:
        pipeline.export_xlsx(con, pipeline.resolve_scope(con), earlier)
    assert not list(scratch.notes_folder().iterdir())
    assert len(list(earlier.glob("*.xlsx"))) == 1


def test_a_note_never_removes_a_folder_it_does_not_name(tmp_path, monkeypatch):
    """A note whose text was changed to point elsewhere removes nothing."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    precious = tmp_path / "photos"
    precious.mkdir()
    (precious / "a.jpg").write_bytes(b"x")
    scratch.notes_folder().mkdir(parents=True)
    (scratch.notes_folder() / f"{landing.PREFIX}{_DEAD_PID}-y").write_text(str(precious))
    pipeline.remove_leftovers()
    assert (precious / "a.jpg").exists()
