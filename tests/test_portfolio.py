"""Portfolio (metrics.md): every account of several libraries side by side, read-only."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from archivelens import pipeline
from archivelens.analysis import network, portfolio, report
from tests.conftest import era_spec


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_accounts_of_several_libraries_side_by_side(make_archive, tmp_path):
    first, second = tmp_path / "a" / "lib.duckdb", tmp_path / "b" / "lib.duckdb"
    pipeline.import_archive(make_archive("current")[0], first)
    other = era_spec("2020-2022", owner_id=77, owner_handle="bakery_ann", seed=5)
    pipeline.import_archive(make_archive("2020-2022", spec=other)[0], first)
    pipeline.import_archive(make_archive("classic")[0], second)
    with pipeline.open_library(first) as con:
        scope = pipeline.resolve_scope(con, account="ZimblerMiller")
        want = report.build(con, scope)
        targets = network.checklist(con, scope).column("account_id").to_pylist()[:3]
        for target in targets:
            network.set_review_status(con, scope.account_id, target, "not_for_me")
    before = {p: _digest(p) for p in (first, second)}

    rows = portfolio.read([first, second])

    assert {p: _digest(p) for p in (first, second)} == before  # read-only: not a byte changed
    assert [(r.library, r.account) for r in rows] == [
        (str(first), "bakery_ann"),
        (str(first), "ZimblerMiller"),
        (str(second), "ZimblerMiller"),
    ]
    zimbler = rows[1]
    assert zimbler.status == ""
    assert zimbler.archive_date == scope.generated_at.date()
    for name in ("tweets", "conversation_share", "promotion_share", "repetition_share"):
        assert getattr(zimbler, name) == want.value(name), name
    assert (zimbler.reviewed, zimbler.checklist) == (3, want.value("not_followed_back"))
    assert zimbler.actions == len(want.recommendations)
    classic = rows[2]  # no follower lists in a classic archive: unknown, not 0
    assert classic.followers is None and classic.checklist is None and classic.reviewed is None
    assert classic.tweets and classic.tweets > 0


def test_a_library_that_cannot_be_read_still_has_its_row(make_archive, tmp_path):
    fresh = tmp_path / "fresh" / "lib.duckdb"
    pipeline.import_archive(make_archive("current")[0], fresh, analysis=False)
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database")
    missing = tmp_path / "gone.duckdb"
    rows = portfolio.read([fresh, text, missing])
    assert [r.library for r in rows] == [str(fresh), str(text), str(missing)]
    assert rows[0].account == "ZimblerMiller" and rows[0].tweets is None
    assert rows[0].status.startswith("Not analysed yet")
    assert "not an archivelens library" in rows[1].status
    assert "does not exist" in rows[2].status


@pytest.mark.parametrize("workers", [1, 2])
def test_the_order_is_the_order_given(make_archive, tmp_path, workers):
    libraries = []
    for n in range(4):
        lib = tmp_path / f"l{n}" / "lib.duckdb"
        spec = era_spec("current", owner_id=1000 + n, owner_handle=f"client_{n}", tweets=120)
        pipeline.import_archive(make_archive("current", spec=spec)[0], lib)
        libraries.append(lib)
    rows = portfolio.read(list(reversed(libraries)), workers=workers)
    assert [r.account for r in rows] == ["client_3", "client_2", "client_1", "client_0"]


def test_kept_figures_follow_every_change_they_depend_on(make_archive, tmp_path):
    library = tmp_path / "lib.duckdb"
    pipeline.import_archive(make_archive("current")[0], library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        kept = portfolio.cached(con, scope)  # the import kept them, and nothing reviewed yet
        assert kept == {**portfolio.headline(report.build(con, scope)), "reviewed": 0}
        target = network.checklist(con, scope).column("account_id").to_pylist()[0]
        network.set_review_status(con, scope.account_id, target, "follow_back")
        assert portfolio.cached(con, scope) is None  # a review can change the advice
        pipeline.build_report(con, scope)
        assert portfolio.cached(con, scope) is not None
        pipeline.build_report(con, scope.with_dates(None, scope.generated_at.date()))
        assert portfolio.cached(con, scope) is not None  # a dated report keeps nothing
        promotion_mark = con.execute("SELECT fingerprint FROM promotion_state").fetchone()
        con.execute("UPDATE promotion_state SET fingerprint = 'other'")
        assert portfolio.cached(con, scope) is None  # new lexicon or own domains
        con.execute("UPDATE promotion_state SET fingerprint = ?", [promotion_mark[0]])
        assert portfolio.cached(con, scope) is not None


def test_the_library_a_window_holds_open_is_read_through_its_connection(make_archive, tmp_path):
    """DuckDB refuses to attach a file the same process holds open: the app's own library is
    read on its own connection, with the same figures as a read from outside."""
    library = tmp_path / "lib.duckdb"
    pipeline.import_archive(make_archive("current")[0], library)
    (outside,) = portfolio.read([library])
    with pipeline.open_library(library) as con:
        assert portfolio.read([library])[0].status.startswith("Cannot open")
        (inside,) = portfolio.read_open(con.cursor(), library)
    assert inside == outside and inside.status == "" and inside.tweets


def test_a_cancelled_portfolio_stops_before_the_next_library(make_archive, tmp_path):
    from archivelens.errors import Cancelled
    from archivelens.progress import CancelToken

    library = tmp_path / "lib.duckdb"
    pipeline.import_archive(
        make_archive("current", spec=era_spec("current", tweets=100))[0], library
    )
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        portfolio.read([library, library], cancel=token)


def test_a_library_open_here_that_cannot_be_read_still_has_its_row(tmp_path):
    import duckdb

    with duckdb.connect() as con:  # no library tables at all: what a damaged block looks like
        (row,) = portfolio.read_open(con, tmp_path / "lib.duckdb")
    assert row.account is None and row.status.startswith("Cannot read this library (")


def test_the_followers_reviewed_are_kept_with_the_figures(make_archive, tmp_path):
    """A portfolio reads one row a library: the reviewed count is kept with the figures (the
    reviews are part of their fingerprint); a cache kept without it is counted live."""
    library = tmp_path / "lib.duckdb"
    pipeline.import_archive(make_archive("current")[0], library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        targets = network.checklist(con, scope).column("account_id").to_pylist()[:3]
        for target in targets:
            network.set_review_status(con, scope.account_id, target, "not_for_me")
        pipeline.build_report(con, scope)
        kept = portfolio.cached(con, scope)
        assert kept is not None and kept["reviewed"] == 3
    (row,) = portfolio.read([library])
    assert row.reviewed == 3 and row.status == ""
    with pipeline.open_library(library) as con:  # as an older archivelens kept it
        kept.pop("reviewed")
        con.execute("UPDATE headline_cache SET figures = ?", [json.dumps(kept)])
        assert portfolio.cached(con, scope) == kept
    (older,) = portfolio.read([library])
    assert older == row


def test_a_portfolio_reads_the_kept_figures_while_they_are_current(make_archive, tmp_path):
    """The kept figures are what a portfolio shows as long as nothing they depend on changed
    (the fingerprint the portfolio reads agrees with the one kept); a change makes it recount."""
    library = tmp_path / "lib.duckdb"
    pipeline.import_archive(make_archive("current")[0], library)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        real = report.build(con, scope).value("tweets")
        kept = {**portfolio.cached(con, scope), "tweets": 12345}  # marked, to tell it apart
        con.execute("UPDATE headline_cache SET figures = ?", [json.dumps(kept)])
    (row,) = portfolio.read([library])
    assert row.tweets == 12345
    with pipeline.open_library(library) as con:
        target = network.checklist(con, scope).column("account_id").to_pylist()[0]
        network.set_review_status(con, scope.account_id, target, "follow_back")
        (inside,) = portfolio.read_open(con, library)
    (row,) = portfolio.read([library])
    assert row.tweets == inside.tweets == real and row.reviewed == 1
