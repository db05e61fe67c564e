"""The command line: output, exit codes, one-line errors."""

from __future__ import annotations

import io
import subprocess
import sys

from archivelens import __version__
from archivelens.cli import TextProgress, main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archivelens", *args], capture_output=True, text=True, timeout=120
    )


def test_version():
    out = run_cli("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"archivelens {__version__}"


def test_import_prints_what_it_found(make_archive, library, capsys):
    path, story, _ = make_archive("current", parts=2)
    assert main(["import", str(path), "--db", str(library)]) == 0
    out = capsys.readouterr().out
    assert f"{len(story.tweets):,} tweets" in out
    assert "data/tweets-part1.js" in out and "(listed:" in out
    assert "Not read" in out and "data/direct-messages.js" in out
    assert main(["import", str(path), "--db", str(library)]) == 0
    assert "nothing changed" in capsys.readouterr().out


def test_bad_archive_is_one_line_exit_2(tmp_path, library):
    bogus = tmp_path / "x.zip"
    bogus.write_bytes(b"PK nonsense")
    out = run_cli("import", str(bogus), "--db", str(library))
    assert out.returncode == 2
    assert out.stderr.startswith("archivelens: error: ")
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


def test_missing_path_is_exit_2(tmp_path, library):
    out = run_cli("import", str(tmp_path / "nope.zip"), "--db", str(library))
    assert out.returncode == 2
    assert "does not exist" in out.stderr


def test_app_options_open_the_app_on_a_library_and_an_archive(monkeypatch, tmp_path):
    """`archivelens --db FILE [ARCHIVE]` opens the app (what "Open With ArchiveLens" runs)."""
    import archivelens.gui.app as app
    from archivelens.__main__ import main as entry

    calls = []
    monkeypatch.setattr(app, "run", lambda **kw: calls.append(kw) or 0)
    zip_path = str(tmp_path / "twitter-2023.zip")
    assert entry(["--db", str(tmp_path / "lib.duckdb")]) == 0
    assert entry([zip_path]) == 0
    assert entry(["--db", "x.duckdb", "--demo"]) == 0
    assert calls == [
        {"demo": False, "library": str(tmp_path / "lib.duckdb"), "archive": None},
        {"demo": False, "library": None, "archive": zip_path},
        {"demo": True, "library": "x.duckdb", "archive": None},
    ]


def test_commands_still_parse_with_db_first(make_archive, library, capsys):
    path, _, _ = make_archive("current")
    assert main(["import", str(path), "--db", str(library)]) == 0
    capsys.readouterr()
    assert main(["report", "--db", str(library), "--json"]) == 0
    assert '"tweets"' in capsys.readouterr().out


def test_the_progress_bar_holds_its_place_through_a_stage_of_unknown_length():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    bar = TextProgress(term, width=10)
    bar.update("Writing the sheet “Tweets”", 0.5)
    bar.update("Compressing the workbook", None)
    last = term.getvalue().split("\r")[-1]
    assert last.startswith("█████░░░░░  50%") and "Compressing the workbook" in last
