"""The review journal and the one write path: what is journaled, when, and what a rebuild
makes of it (the faults suite, family ``journal``, destroys whole libraries)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from archivelens import pipeline, recovery
from archivelens.analysis import network
from archivelens.errors import UserError
from archivelens.store import journal
from archivelens.store.writes import transaction


def lines(library: Path) -> list[dict]:
    path = journal.path_for(library)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def sample_library(library: Path) -> Path:
    root = Path(__file__).resolve().parents[1]
    pipeline.import_archive(root / "resources" / "sample-archive.zip", library, analysis=False)
    return library


def test_each_save_is_journaled_with_its_date(sample_library):
    with pipeline.open_library(sample_library) as con:
        account = pipeline.resolve_scope(con).account_id
        when = datetime(2024, 2, 29, 13, 5, 0)
        network.set_review_status(con, account, 42, "follow_back", when)
        network.set_note(con, account, 42, "  café owner  ", when)
    ops = lines(sample_library)
    assert [e["op"] for e in ops] == ["import", "review", "note"]
    assert ops[0]["path"].endswith("sample-archive.zip") and ops[0]["fingerprint"]
    assert ops[1] == {
        "op": "review",
        "account": account,
        "target": 42,
        "status": "follow_back",
        "at": "2024-02-29T13:05:00",
    }
    assert ops[2]["note"] == "café owner"


def test_a_failed_write_journals_nothing_and_changes_nothing(sample_library):
    with pipeline.open_library(sample_library) as con:
        before = lines(sample_library)
        with pytest.raises(ZeroDivisionError), transaction(con, "saving") as tx:
            con.execute("DELETE FROM reviews")
            con.execute("INSERT INTO reviews VALUES (1, 2, 'follow_back', NULL, NULL, NULL)")
            tx.record("review", account=1, target=2, status="follow_back")
            _ = 1 / 0
        assert con.execute("SELECT count(*) FROM reviews").fetchone() == (0,)
    assert lines(sample_library) == before


def test_a_transaction_inside_another_joins_it(sample_library):
    with pipeline.open_library(sample_library) as con:
        account = pipeline.resolve_scope(con).account_id
        with pytest.raises(RuntimeError), transaction(con, "saving"):
            network.set_review_status(con, account, 7, "not_for_me")
            raise RuntimeError("the outer step fails")
        assert con.execute("SELECT count(*) FROM reviews").fetchone() == (0,)
    assert [e["op"] for e in lines(sample_library)] == ["import"]


def test_a_torn_line_is_counted_not_fatal(tmp_path):
    library = tmp_path / "library.duckdb"
    journal.append(journal.path_for(library), [{"op": "review", "account": 1}])
    with journal.path_for(library).open("ab") as fh:
        fh.write(b'{"op": "note", "acc')
    entries, unreadable = journal.read(library)
    assert entries == [{"op": "review", "account": 1}] and unreadable == 1


def test_archives_still_in_the_library_follow_imports_and_removals():
    def imp(account, day, path=None, mark=None):
        return {
            "op": "import",
            "account": account,
            "generated_at": day,
            "path": path,
            "name": "a.zip",
            "fingerprint": mark,
        }

    entries = [
        imp(1, "2023-01-01", None),  # a baseline: the name only
        imp(1, "2023-01-01", "/a/first.zip", "zip:1"),  # found again at a place
        imp(1, "2024-01-01", "/a/second.zip", "zip:2"),
        imp(2, "2024-01-01", "/b/other.zip", "zip:3"),
        {"op": "remove", "account": 2, "generated_at": "2024-01-01"},
        imp(1, "2023-01-01", None),  # a later baseline never forgets the known place
    ]
    kept = recovery.archives(entries)
    assert [(r.account, r.generated_at, r.path) for r in kept] == [
        (1, "2024-01-01", "/a/second.zip"),
        (1, "2023-01-01", "/a/first.zip"),
    ]


def test_a_library_without_a_journal_gets_a_baseline(sample_library):
    with pipeline.open_library(sample_library) as con:
        account = pipeline.resolve_scope(con).account_id
        network.set_review_status(con, account, 5, "followed_back", datetime(2024, 1, 2, 3, 4))
        network.set_note(con, account, 6, "only a note", datetime(2024, 1, 3))
    journal.path_for(sample_library).unlink()
    with pipeline.open_library(sample_library):
        pass
    ops = [
        (e["op"], e.get("target"), e.get("status") or e.get("note")) for e in lines(sample_library)
    ]
    assert ("review", 5, "followed_back") in ops and ("note", 6, "only a note") in ops
    assert ("review", 6, "to_review") not in ops  # a note alone replays as a note alone
    assert ops[0][0] == "import"


def test_replaying_the_journal_restores_the_reviews_exactly(sample_library, tmp_path):
    with pipeline.open_library(sample_library) as con:
        account = pipeline.resolve_scope(con).account_id
        for i in range(20):
            network.set_review_status(con, account, i, ("follow_back", "not_for_me")[i % 2])
            network.set_note(con, account, i, f"n{i}" if i % 3 else "")
        typed = con.execute("SELECT * FROM reviews ORDER BY ALL").fetchall()
    fresh = tmp_path / "fresh.duckdb"
    with pipeline.open_library(fresh) as con:
        recovery.replay(con, journal.read(sample_library)[0])
        assert con.execute("SELECT * FROM reviews ORDER BY ALL").fetchall() == typed


def test_a_read_only_connection_refuses_in_one_sentence(sample_library):
    con = duckdb.connect(str(sample_library), read_only=True)
    try:
        with pytest.raises(UserError, match=r"Cannot save to the library .* saving the review"):
            network.set_review_status(con, 1, 2, "follow_back")
    finally:
        con.close()
