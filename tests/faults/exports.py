"""Faults around exports: the CSV set + report.html, or the workbook + report.html, land whole or
not at all, and a failed or killed export leaves the folder exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.faults import fault
from tests.faults.judge import (
    ROOT,
    cli,
    fill,
    fingerprint,
    imported_library,
    ok,
    refused_cleanly,
    tiny_disk,
    unchanged,
)

OTHER = "OtherShop"  # the second account of a two-account library
SCRATCH = ".archivelens-export-"


def _other_archive(work: Path, tweets: int = 400) -> Path:
    from testkit.archivegen import Options, Spec, build_story, write_archive

    spec = Spec(tweets=tweets, seed=11, owner_id=2_718_281_828, owner_handle=OTHER)
    return write_archive(build_story(spec), "current", work / "other.zip", Options()).path


def _two_accounts(work: Path) -> Path:
    library = imported_library(work)
    ok(cli("import", _other_archive(work), "--db", library))
    return library


def _export(library: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return cli("export", "--db", library, "--out", out, *extra)


@contextmanager
def _append_only(path: Path) -> Iterator[None]:
    """*path* marked append-only (``chattr +a``): it passes every permission check, yet no
    rename may replace it — a move that fails part-way through an export's landing."""
    done = subprocess.run(["chattr", "+a", str(path)], capture_output=True)
    assert done.returncode == 0, f"chattr: {done.stderr.decode().strip()}"
    try:
        yield
    finally:
        subprocess.run(["chattr", "-a", str(path)], check=False)


def _no_scratch(out: Path) -> None:
    left = [p.name for p in out.iterdir() if p.name.startswith(SCRATCH)]
    assert not left, f"scratch folder left in {out}: {left}"


@fault("exports", "report.html in the target is a folder (CSV set)")
def report_is_a_folder(work: Path) -> str:
    library = imported_library(work)
    out = work / "out"
    (out / "report.html").mkdir(parents=True)
    (out / "report.html" / "keep.txt").write_text("mine\n")
    before = fingerprint(out)
    said = refused_cleanly(_export(library, out), "report.html", "folder")
    unchanged(before, out)
    assert sorted(p.name for p in out.iterdir()) == ["report.html"], list(out.iterdir())
    return said


@fault("exports", "recommendations.csv in the target is a folder")
def recommendations_is_a_folder(work: Path) -> str:
    library = imported_library(work)
    out = work / "out"
    ok(_export(library, out))
    (out / "recommendations.csv").unlink()
    (out / "recommendations.csv").mkdir()
    before = fingerprint(out)
    said = refused_cleanly(_export(library, out), "recommendations.csv", "folder")
    unchanged(before, out)
    _no_scratch(out)
    return said


@fault("exports", "report.html in the target is a folder (workbook)")
def report_is_a_folder_workbook(work: Path) -> str:
    library = imported_library(work)
    out = work / "out"
    (out / "report.html").mkdir(parents=True)
    said = refused_cleanly(_export(library, out, "--format", "xlsx"), "report.html", "folder")
    assert [p.name for p in out.iterdir()] == ["report.html"], "a workbook was written anyway"
    return said


@fault("exports", "a move fails part-way over another account's export (CSV set)")
def mixed_set_refused(work: Path) -> str:
    library = _two_accounts(work)
    out = work / "out"
    ok(_export(library, out, "--account", "ZimblerMiller"))
    before = fingerprint(out)
    # Eight files of the new set would already be in place when the ninth cannot be.
    with _append_only(out / "recommendations.csv"):
        said = refused_cleanly(_export(library, out, "--account", OTHER), "recommendations.csv")
    unchanged(before, out, "the earlier export")
    _no_scratch(out)
    assert OTHER not in (out / "report.html").read_text(encoding="utf-8")
    return said


@fault("exports", "report.html cannot be replaced after the workbook is ready")
def workbook_waits_for_its_report(work: Path) -> str:
    library = _two_accounts(work)
    out = work / "out"
    ok(_export(library, out, "--account", "ZimblerMiller"))
    before = fingerprint(out)
    with _append_only(out / "report.html"):
        said = refused_cleanly(
            _export(library, out, "--account", OTHER, "--format", "xlsx"), "report.html"
        )
    unchanged(before, out, "the earlier export")
    assert not list(out.glob("*.xlsx")), "the workbook landed without its report.html"
    _no_scratch(out)
    return said


@fault("exports", "the disk fills up during a CSV export over an earlier one", needs_root=True)
def full_disk_csv(work: Path) -> str:
    return _full_disk(work, "csv")


@fault("exports", "the disk fills up during a workbook export", needs_root=True)
def full_disk_workbook(work: Path) -> str:
    return _full_disk(work, "xlsx")


def _full_disk(work: Path, fmt: str) -> str:
    library = _two_accounts(work)
    with tiny_disk(work / "disk", "8m") as disk:
        out = disk / "out"
        ok(_export(library, out, "--account", "ZimblerMiller", "--format", fmt))
        before = fingerprint(out)
        fill(disk)
        said = refused_cleanly(
            _export(library, out, "--account", OTHER, "--format", fmt), "disk is full"
        )
        unchanged(before, out, "the earlier export")
        _no_scratch(out)
    return said


@fault("exports", "the disk fills up while the workbook is zipped", needs_root=True)
def full_disk_while_zipping(work: Path) -> str:
    """The list sheets' rows are on disk and XlsxWriter's part is made, but the zip joining
    them no longer fits: the last step of a workbook export, which can fail on its own."""
    import zipfile

    library = imported_library(work)
    ok(cli("import", _other_archive(work, tweets=20_000), "--db", library))
    ok(_export(library, work / "measure", "--account", OTHER, "--format", "xlsx"))
    (book,) = (work / "measure").glob("*.xlsx")
    with zipfile.ZipFile(book) as zf:
        xml = sum(i.file_size for i in zf.infolist())
    with tiny_disk(work / "disk", "64m") as disk:
        out = disk / "out"
        ok(_export(library, out, "--account", "ZimblerMiller", "--format", "xlsx"))
        before = fingerprint(out)
        # Room for every part unzipped (the rows, and XlsxWriter's files while it saves) and
        # half the zip: the zip is what fails.
        room = xml + book.stat().st_size // 2
        stat = os.statvfs(disk)
        (disk / ".filler").write_bytes(b"\0" * max(stat.f_bavail * stat.f_frsize - room, 0))
        said = refused_cleanly(
            _export(library, out, "--account", OTHER, "--format", "xlsx"), "disk is full"
        )
        unchanged(before, out, "the earlier export")
        _no_scratch(out)
    return said


# -- killed exports: real processes --


def _env(work: Path) -> dict[str, str]:
    """A child's environment: its per-user state folder (the notes of unfinished exports)
    inside the case's folder."""
    return {**os.environ, "XDG_STATE_HOME": str(work / "state"), "TMPDIR": str(work / "tmp")}


def _spawn(work: Path, *args: str | Path, code: str | None = None) -> subprocess.Popen[str]:
    head = [sys.executable, "-c", code] if code else [sys.executable, "-m", "archivelens"]
    return subprocess.Popen(
        [*head, *(str(a) for a in args)],
        cwd=ROOT,
        env=_env(work),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(work: Path, *args: str | Path) -> tuple[int, str, str]:
    proc = _spawn(work, *args)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


@fault("exports", "an export killed (kill -9) while writing: a later command removes its folder")
def killed_while_writing(work: Path) -> str:
    library = imported_library(work)
    ok(cli("import", _other_archive(work, tweets=20_000), "--db", library))
    out = work / "out"
    ok(_export(library, out, "--account", "ZimblerMiller"))
    before = fingerprint(out)
    proc = _spawn(work, "export", "--db", library, "--out", out, "--account", OTHER)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(SCRATCH) for p in out.iterdir()):
        assert proc.poll() is None, "the export ended before it could be killed"
        assert time.monotonic() < deadline, "no scratch folder appeared"
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert any(p.name.startswith(SCRATCH) for p in out.iterdir()), "nothing left to clean"
    # Any later command, here one that reads nothing but its own version.
    code, said, _ = _run(work, "--version")
    assert code == 0, said
    unchanged(before, out, "the earlier export")
    _no_scratch(out)
    return f"killed mid-export; `archivelens --version` ({said.strip()}) removed its scratch folder"


# An export killed by the kernel at the *n*th rename into or out of the folder *out* (argv 1
# and 2): the moment its landing is half done.
_KILL_AT_RENAME = """
import os, signal, sys
from archivelens import cli
n, out = int(sys.argv[1]), os.path.realpath(sys.argv[2])
real, count = os.replace, [0]
def replace(src, dst):
    if out in (os.path.dirname(os.path.realpath(src)), os.path.dirname(os.path.realpath(dst))):
        count[0] += 1
        if count[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst)
os.replace = replace
sys.exit(cli.main(sys.argv[3:]))
"""


@fault("exports", "an export killed (kill -9) half-way through landing: rolled back later")
def killed_while_landing(work: Path) -> str:
    library = _two_accounts(work)
    out = work / "out"
    ok(_export(library, out, "--account", "ZimblerMiller"))
    before = fingerprint(out)
    # Killed at rename 11 (an old file moved aside, then the new one in, for each name): five
    # new files are in place, five old ones aside.
    proc = _spawn(
        work, "11", out, "export", "--db", library, "--out", out, "--account", OTHER,
        code=_KILL_AT_RENAME,
    )  # fmt: skip
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, f"exit {proc.returncode}"
    assert fingerprint(out) != before, "the kill came before anything moved"
    code, _, err = _run(work, "report", "--db", library, "--account", OTHER)
    assert code == 0, err
    unchanged(before, out, "the earlier export")
    _no_scratch(out)
    return "killed while landing; the next command put the earlier export back"


@fault("exports", "the PDF's name in the target is a folder")
def pdf_name_is_a_folder(work: Path) -> str:
    from archivelens.export import pdf_report

    library = imported_library(work)
    out = work / "out"
    ok(_export(library, out, "--format", "pdf"))
    (pdf,) = out.glob("*.pdf")
    pdf.unlink()
    pdf.mkdir()
    before = fingerprint(out)
    said = refused_cleanly(_export(library, out, "--format", "pdf"), pdf.name, "folder")
    unchanged(before, out)
    _no_scratch(out)
    assert pdf.name.endswith(".pdf") and pdf_report.file_name  # the name the export uses
    return said
