"""Faults around the library file: damaged, foreign, locked, on a full or read-only disk."""

from __future__ import annotations

from pathlib import Path

from tests.faults import fault
from tests.faults.judge import cli, fingerprint, refused_cleanly, unchanged


@fault("library", "a text file where the library should be")
def not_a_database(work: Path) -> str:
    library = work / "lib" / "library.duckdb"
    library.parent.mkdir()
    library.write_text("my shopping list\n")
    before = fingerprint(library.parent)
    said = refused_cleanly(cli("report", "--db", library), "library.duckdb")
    unchanged(before, library.parent)
    return said
