"""Derived state prepared on purpose: everything a snapshot's readers need, made once.

A snapshot's promotional classification and its duplicate clusters are stored with the
fingerprint of what they were made from (the lexicon and own domains; the similarity threshold
and the clustering's version). :func:`prepare` brings both up to date where a scope opens — the
pipeline's import, re-analysis, report and export, and the app on a worker when a library or
snapshot opens or the settings change. Readers only check the fingerprints and raise
``NotPrepared`` when a caller forgot: reading never writes.

A library opened read-only (or attached read-only by the portfolio) is read as it was last
prepared: preparing a current one writes nothing; preparing a stale one says, in one sentence,
why it cannot be saved.
"""

from __future__ import annotations

import hashlib

import duckdb

from archivelens.analysis import duplicates, facts, promotion
from archivelens.analysis.scope import Scope
from archivelens.progress import CancelToken, NullProgress, Progress, Scaled


def prepare(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> str:
    """Classify the snapshot's tweets, find its duplicate clusters and lay out the tweet facts
    every headline reader reads (:mod:`archivelens.analysis.facts`), each unless already
    current; return the fingerprint of the state prepared (:func:`fingerprint`).

    The date range does not matter: derived state is per snapshot. Each part takes its own lock,
    so two workers preparing at once compute once."""
    progress = progress or NullProgress()
    progress.update("Classifying promotional tweets", 0.0)
    promotion.ensure_classified(con, scope.snapshot_id, scope.account_id)
    duplicates.ensure(con, scope.snapshot_id, Scaled(progress, 0.2, 0.75), cancel)
    progress.update("Preparing the figures", 0.95)
    facts.ensure(con, scope.snapshot_id, scope.account_id)
    return _mark(con, scope.snapshot_id)


def fingerprint(con: duckdb.DuckDBPyConnection, scope: Scope) -> str | None:
    """What the prepared state of *scope*'s snapshot was made from, in 16 hex digits (the
    classification's and the clusters' stored fingerprints), or None when either is missing or
    stale."""
    return _mark(con, scope.snapshot_id) if is_prepared(con, scope) else None


def _mark(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> str:
    """The stored marks of the classification and the clusters, as one."""
    marks = con.execute(
        """SELECT (SELECT fingerprint FROM promotion_state WHERE snapshot_id = $s),
                  (SELECT fingerprint FROM dup_state WHERE snapshot_id = $s)""",
        {"s": snapshot_id},
    ).fetchone()
    assert marks is not None and None not in marks, "prepared state has both marks"
    return hashlib.sha256(":".join(marks).encode()).hexdigest()[:16]


def is_prepared(con: duckdb.DuckDBPyConnection, scope: Scope) -> bool:
    """Whether *scope*'s snapshot can be read as it is (its derived state is current)."""
    return (
        promotion.is_current(con, scope.snapshot_id, scope.account_id)
        and duplicates.is_current(con, scope.snapshot_id)
        and facts.is_current(con, scope.snapshot_id, scope.account_id)
    )
