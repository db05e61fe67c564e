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
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import duckdb

from archivelens.analysis import duplicates, facts, promotion
from archivelens.analysis.scope import Scope
from archivelens.errors import UserError
from archivelens.progress import CancelToken, NullProgress, Progress, Scaled
from archivelens.store import snapshots

# One preparation at a time (the app's views prepare on workers of their own: the second finds
# the state current), and no writer of a snapshot's derived state while it is being removed: one
# that began just before the removal would otherwise store rows for a snapshot id that is gone —
# an id the next import reuses, which would then find "current" marks over none of its own rows.
# The portfolio's kept figures have a lock of their own: keeping them waits for no preparation.
_PREPARING = threading.Lock()
_KEEPING = threading.Lock()


class SnapshotGone(UserError):
    """The snapshot asked for was removed from the library meanwhile (the app's views may ask
    while the user removes it; the window then shows another)."""


@contextmanager
def _there(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, lock: threading.Lock
) -> Iterator[None]:
    """*lock* held, and *snapshot_id* found in the library (else :class:`SnapshotGone`)."""
    with lock:
        if snapshots.get(con, snapshot_id) is None:
            raise SnapshotGone("This archive is no longer in the library.")
        yield


def keeping(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> AbstractContextManager[None]:
    """Held while the portfolio's figures of *snapshot_id* are kept (never during a removal)."""
    return _there(con, snapshot_id, _KEEPING)


@contextmanager
def removing() -> Iterator[None]:
    """Held while a snapshot is removed: no writer of derived state runs, none starts."""
    with _PREPARING, _KEEPING:
        yield


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

    The date range does not matter: derived state is per snapshot. One preparation runs at a
    time, so two workers preparing at once compute once; a snapshot removed meanwhile raises
    :class:`SnapshotGone` (checked under the lock a removal holds: nothing is written for it).
    """
    current = fingerprint(con, scope)
    if current is not None:  # the common case: no wait behind another's (an import's) work
        return current
    progress = progress or NullProgress()
    with _there(con, scope.snapshot_id, _PREPARING):
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
