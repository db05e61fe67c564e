"""Hand-typed work is never lost: the review journal beside the library, and ``archivelens
rebuild`` bringing back every review, note, mark and setting when the library is destroyed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from tests.faults import fault
from tests.faults.judge import (
    SAMPLE,
    cli,
    fill,
    fingerprint,
    imported_library,
    ok,
    read_only_folder,
    refused_cleanly,
    tiny_disk,
    unchanged,
)

_DECISIONS = {
    "reviews": "SELECT * FROM reviews ORDER BY ALL",
    "promo_overrides": "SELECT * FROM promo_overrides ORDER BY ALL",
    "account_prefs": "SELECT * FROM account_prefs ORDER BY ALL",
    "settings": "SELECT * FROM settings ORDER BY ALL",
}


def decisions(library: Path) -> dict[str, list]:
    with duckdb.connect(str(library), read_only=True) as con:
        return {name: con.execute(sql).fetchall() for name, sql in _DECISIONS.items()}


def reviewed_library(work: Path, archive: Path = SAMPLE, reviews: int = 500) -> Path:
    """A library holding *archive*, *reviews* review statuses (a third with notes, some changed
    twice), promotional marks, own websites and a threshold: what a person typed in a week."""
    from archivelens import pipeline
    from archivelens.analysis import duplicates, network, promotion

    library = imported_library(work, archive)
    statuses = ("follow_back", "followed_back", "not_for_me", "to_review")
    with pipeline.open_library(library) as con:
        account = pipeline.resolve_scope(con).account_id
        for i in range(reviews):
            target = 10_000 + i
            network.set_review_status(con, account, target, statuses[i % 4])
            if i % 3 == 0:
                network.set_note(con, account, target, f"met at the fair #{i} — “ask about prices”")
            if i % 50 == 0:
                network.set_review_status(con, account, target, "not_for_me")
        tweets = [r[0] for r in con.execute("SELECT tweet_id FROM tweets LIMIT 12").fetchall()]
        promotion.set_overrides(con, account, tweets[:8], True)
        promotion.set_overrides(con, account, tweets[4:10], False)
        promotion.set_overrides(con, account, tweets[9:10], None)
        promotion.set_own_domains(con, account, ["zimbler.example", "shop.zimbler.example"])
        duplicates.set_threshold(con, 88.0)
    return library


def destroy(library: Path) -> None:
    """Overwrite the library with garbage of its own size (a disk that failed under it)."""
    size = library.stat().st_size
    with library.open("r+b") as fh:
        fh.write(os.urandom(min(size, 1 << 20)))


@fault("journal", "a destroyed library with 500 reviews, rebuilt")
def destroyed_and_rebuilt(work: Path) -> str:
    library = reviewed_library(work)
    typed = decisions(library)
    assert len(typed["reviews"]) == 500 and sum(1 for r in typed["reviews"] if r[3]) == 167
    destroy(library)
    refused_cleanly(cli("report", "--db", library), "damaged", "rebuild")
    out = ok(cli("rebuild", "--db", library))
    back = decisions(library)
    for name, rows in typed.items():
        assert back[name] == rows, f"{name}: {len(rows)} typed, {len(back[name])} back"
    kept = [p for p in library.parent.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1, kept
    assert "@ZimblerMiller" in ok(cli("report", "--db", library))
    return out.splitlines()[0] + " " + out.splitlines()[-1]


@fault("journal", "a library deleted outright, rebuilt")
def deleted_and_rebuilt(work: Path) -> str:
    library = reviewed_library(work, reviews=40)
    typed = decisions(library)
    library.unlink()
    out = ok(cli("rebuild", "--db", library))
    assert decisions(library) == typed
    assert not [p for p in library.parent.iterdir() if ".damaged-" in p.name]
    return out.splitlines()[0]


@fault("journal", "an archive that moved since it was imported")
def archive_moved(work: Path) -> str:
    archive = shutil.copy(SAMPLE, work / "twitter-2023.zip")
    library = reviewed_library(work, Path(archive), reviews=30)
    typed = decisions(library)
    destroy(library)
    moved = work / "backup" / "twitter-2023.zip"
    moved.parent.mkdir()
    os.replace(archive, moved)
    before = fingerprint(library.parent)
    said = refused_cleanly(cli("rebuild", "--db", library), "twitter-2023.zip", "--archive")
    unchanged(before, library.parent)  # nothing swapped, no scratch file left
    ok(cli("rebuild", "--db", library, "--archive", moved))
    assert decisions(library) == typed
    destroy(library)  # the journal now knows the new place: no --archive needed again
    ok(cli("rebuild", "--db", library))
    assert decisions(library) == typed
    return said


@fault("journal", "a journal whose last line was cut by a power cut")
def torn_last_line(work: Path) -> str:
    library = reviewed_library(work, reviews=20)
    typed = decisions(library)
    with open(f"{library}.journal", "ab") as fh:
        fh.write(b'{"op":"review","account":1,"tar')
    destroy(library)
    out = ok(cli("rebuild", "--db", library))
    assert "1 unreadable journal line" in out, out
    assert decisions(library) == typed
    return out.splitlines()[-2]


@fault("journal", "a library from before the journal gets one, and can be rebuilt")
def baseline_for_an_older_library(work: Path) -> str:
    library = reviewed_library(work, reviews=25)
    typed = decisions(library)
    Path(f"{library}.journal").unlink()  # as an archivelens without the journal left it
    ok(cli("report", "--db", library))
    assert Path(f"{library}.journal").exists()
    destroy(library)
    said = refused_cleanly(cli("rebuild", "--db", library), "sample-archive.zip", "--archive")
    ok(cli("rebuild", "--db", library, "--archive", SAMPLE))
    assert decisions(library) == typed
    return said


@fault("journal", "rebuild without a journal")
def no_journal(work: Path) -> str:
    library = imported_library(work)
    Path(f"{library}.journal").unlink()
    destroy(library)
    before = fingerprint(library.parent)
    said = refused_cleanly(cli("rebuild", "--db", library), "journal")
    unchanged(before, library.parent)
    return said


@fault("journal", "a full disk during a rebuild", needs_root=True)
def full_disk_rebuild(work: Path) -> str:
    source = reviewed_library(work, reviews=20)
    with tiny_disk(work / "disk", "24m") as disk:
        library = disk / "lib" / source.name
        shutil.copytree(source.parent, library.parent)
        destroy(library)
        before = fingerprint(library.parent)
        fill(disk)
        said = refused_cleanly(cli("rebuild", "--db", library), "disk is full")
        (disk / ".filler").unlink()
        unchanged(before, library.parent)  # the damaged library and the journal as they were
    return said


@fault("journal", "a rebuild in a folder that cannot be written", needs_root=True)
def read_only_rebuild(work: Path) -> str:
    library = reviewed_library(work, reviews=10)
    destroy(library)
    before = fingerprint(library.parent)
    with read_only_folder(library.parent):
        said = refused_cleanly(
            cli("rebuild", "--db", library), "Cannot rebuild", "read-only", str(library.parent)
        )
    unchanged(before, library.parent)
    return said


@fault("journal", "a library lost but its journal kept: no empty library in its place")
def lost_library(work: Path) -> str:
    library = reviewed_library(work, reviews=5)
    library.unlink()
    before = fingerprint(library.parent)
    said = refused_cleanly(cli("report", "--db", library), "missing", "journal", "rebuild")
    refused_cleanly(cli("import", SAMPLE, "--db", library), "missing")
    unchanged(before, library.parent)  # no empty library made over the loss
    return said
