"""Derived state prepared on purpose (issue 23): readers only check, the pipeline prepares."""

from __future__ import annotations

import duckdb
import pytest

from archivelens import pipeline
from archivelens.analysis import browse, duplicates, engagement, metrics, promotion
from archivelens.errors import NotPrepared, UserError
from archivelens.read import prepared, tables


def _readers(con, scope) -> None:
    """Every reader of derived state, once."""
    metrics.summarize(con, scope)
    metrics.monthly(con, scope)
    duplicates.repetition(con, scope)
    duplicates.clusters(con, scope)
    duplicates.members(con, scope)
    engagement.by_kind(con, scope)
    engagement.top_tweets(con, scope)
    browse.TweetBrowser(con, scope, browse.TweetFilter())


def test_an_import_prepares_and_readers_only_check(imported, library):
    imported()
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        mark = prepared.fingerprint(con, scope)
        assert mark is not None and len(mark) == 16
        _readers(con, scope)
        assert pipeline.prepare(con, scope) == mark  # current: nothing recomputed


def test_readers_fail_loudly_on_a_scope_not_prepared(make_archive, library):
    path, _, _ = make_archive("current")
    pipeline.import_archive(path, library, analysis=False)
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        assert prepared.fingerprint(con, scope) is None
        for reader in (
            metrics.summarize,
            duplicates.clusters,
            engagement.by_kind,
            lambda c, s: browse.TweetBrowser(c, s, browse.TweetFilter()),
        ):
            with pytest.raises(NotPrepared):
                reader(con, scope)
        assert not promotion.is_current(con, scope.snapshot_id, scope.account_id)  # not written
        pipeline.build_report(con, scope)  # a use case prepares first
        assert prepared.fingerprint(con, scope) is not None
        _readers(con, scope)


def test_the_fingerprint_follows_the_settings(imported, library):
    imported()
    with pipeline.open_library(library) as con:
        scope = pipeline.resolve_scope(con)
        first = pipeline.prepare(con, scope)
        duplicates.set_threshold(con, 95.0)
        assert prepared.fingerprint(con, scope) is None
        stricter = pipeline.prepare(con, scope)
        assert stricter != first
        duplicates.set_threshold(con, duplicates.DEFAULT_THRESHOLD)
        assert pipeline.prepare(con, scope) == first  # the same inputs, the same mark


def _read_only(library) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(library), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    return con


def test_a_read_only_library_is_read_as_prepared(imported, library, tmp_path):
    imported()
    with _read_only(library) as con:
        scope = pipeline.resolve_scope(con)
        pipeline.prepare(con, scope)  # current: writes nothing, so read-only is fine
        rep = pipeline.build_report(con, scope)
        assert rep.value("tweets")
        out = tmp_path / "view.csv"
        assert pipeline.export_table(con, scope, tables.duplicate_blasts(scope), out) > 0


def test_a_stale_read_only_library_says_why_it_cannot_prepare(imported, library):
    imported()
    with pipeline.open_library(library) as con:
        duplicates.set_threshold(con, 95.0)  # stale: the clusters follow the old threshold
    with _read_only(library) as con:
        scope = pipeline.resolve_scope(con)
        with pytest.raises(UserError, match="read-only"):
            pipeline.build_report(con, scope)
