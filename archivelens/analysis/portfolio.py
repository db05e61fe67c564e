"""A consultant's clients side by side (``metrics.md``, "Portfolio").

One row per account of each library given: the newest snapshot's headline figures, the actions
advised, the follow-back checklist reviewed so far (N of M) and the archive's date. Libraries are
opened read-only — nothing is copied, no library is changed, not even upgraded — so a client's
own library can be read while it sits in a shared folder. A library that cannot be read (in use
by a running ArchiveLens, made by another version, not analysed yet) still gets its row, saying
why its figures are missing.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from archivelens.analysis import duplicates, promotion, report
from archivelens.analysis.scope import Scope
from archivelens.errors import UserError
from archivelens.progress import CancelToken
from archivelens.store import migrations
from archivelens.store.library import attached, is_read_only, reader


@dataclass(frozen=True)
class Entry:
    """One account of one library (``portfolio.csv``'s row; None: unknown, ``status`` says why)."""

    library: str
    account: str | None
    account_id: int | None
    archive_date: date | None
    tweets: int | None = None
    conversation_share: float | None = None
    amplification_share: float | None = None
    promotion_share: float | None = None
    repetition_share: float | None = None
    followers: int | None = None
    checklist: int | None = None  # followers not followed back: the checklist's M
    reviewed: int | None = None  # of them, reviewed so far: its N
    actions: int | None = None  # recommendations advised
    status: str = ""  # empty, or why figures are missing
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


COLUMNS = tuple(f.name for f in fields(Entry) if f.name != "extra")

# Everything the kept figures depend on besides the tweets themselves: the analysis' own
# fingerprints (lexicon, own domains, similarity threshold), the person's reviews and marks.
_INPUTS = """
    (SELECT fingerprint FROM promotion_state p WHERE p.snapshot_id = {snapshot}),
    (SELECT fingerprint FROM dup_state d WHERE d.snapshot_id = {snapshot}),
    (SELECT count(*) || ':' || coalesce(sum(hash(target_id, status)), 0)
     FROM reviews r WHERE r.account_id = {account}),
    (SELECT count(*) || ':' || coalesce(sum(hash(tweet_id, is_promotional)), 0)
     FROM promo_overrides o WHERE o.account_id = {account})"""

# Each account's newest snapshot, with its kept figures.
_ACCOUNTS = """
WITH newest AS (
    SELECT s.snapshot_id, s.account_id, coalesce(a.screen_name, s.screen_name) AS handle,
           s.generated_at
    FROM snapshots s LEFT JOIN accounts a USING (account_id)
    QUALIFY row_number() OVER (PARTITION BY s.account_id
                               ORDER BY s.generated_at DESC, s.snapshot_id DESC) = 1
)
SELECT n.snapshot_id, n.account_id, n.handle, n.generated_at, c.fingerprint, c.figures
FROM newest n LEFT JOIN headline_cache c USING (snapshot_id)
ORDER BY lower(n.handle), n.account_id
"""

# How many followers not followed back have been reviewed, then what the kept figures depend on.
# (Parameters, not correlated subqueries: DuckDB answers these in a few milliseconds.)
_NOW = f"""
SELECT (SELECT count(*) FROM reviews
        WHERE account_id = $account AND status <> 'to_review'
          AND target_id IN (SELECT account_id FROM followers WHERE snapshot_id = $snapshot
                            EXCEPT SELECT account_id FROM following WHERE snapshot_id = $snapshot)),
       {_INPUTS.format(snapshot="$snapshot", account="$account")}
"""


def read(
    libraries: Sequence[Path],
    workers: int = 2,
    on_done: Callable[[int], None] | None = None,
    cancel: CancelToken | None = None,
) -> list[Entry]:
    """Every account of *libraries*, in the order given (accounts by handle within one).

    Each library is attached read-only to one in-memory database, *workers* at a time (DuckDB
    releases the interpreter while it works; each thread has its own cursor). A *cancel* stops
    it before the next library (raising ``Cancelled``): hundreds of libraries take a while."""
    base = reader()
    lanes = threading.local()

    def one(item: tuple[int, Path]) -> list[Entry]:
        if cancel is not None:
            cancel.check()
        if not hasattr(lanes, "cursor"):
            lanes.cursor = base.cursor()
        return read_library(lanes.cursor, item[1], f"library_{item[0]}")

    try:
        with ThreadPoolExecutor(max(1, workers)) as pool:
            done: list[list[Entry]] = []
            for n, entries in enumerate(pool.map(one, enumerate(libraries)), start=1):
                done.append(entries)
                if on_done:
                    on_done(n)
    finally:
        base.close()
    return [e for entries in done for e in entries]


def read_library(con: duckdb.DuckDBPyConnection, path: Path, alias: str) -> list[Entry]:
    """The rows of one library file, or one row saying why it cannot be read."""
    name = str(path)
    try:
        with attached(con, path, alias):
            problem = _version_problem(con)
            if problem:
                return [Entry(name, None, None, None, status=problem)]
            return [_entry(con, name, row) for row in con.execute(_ACCOUNTS).fetchall()] or [
                Entry(name, None, None, None, status="No archive imported yet.")
            ]
    except UserError as err:
        return [Entry(name, None, None, None, status=str(err))]
    except duckdb.Error as err:
        return [Entry(name, None, None, None, status=_cannot_read(err))]


def _cannot_read(err: duckdb.Error) -> str:
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return f"Cannot read this library ({first})."


def read_open(con: duckdb.DuckDBPyConnection, path: Path) -> list[Entry]:
    """The rows of the library *con* already has open (the app's own): DuckDB refuses to attach
    a file the same process holds open, so the window that shows a library reads it this way."""
    name = str(path)
    try:
        entries = [_entry(con, name, row) for row in con.execute(_ACCOUNTS).fetchall()]
    except duckdb.Error as err:  # a damaged block met while reading: that row says so
        return [Entry(name, None, None, None, status=_cannot_read(err))]
    return entries or [Entry(name, None, None, None, status="No archive imported yet.")]


def _version_problem(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        (version,) = con.execute("SELECT max(version) FROM schema_version").fetchone() or (0,)
    except duckdb.CatalogException:
        return "Not an archivelens library."
    if (version or 0) < migrations.LATEST:
        return "Made by an older archivelens: open it once in ArchiveLens to bring it up to date."
    if version > migrations.LATEST:
        return "Made by a newer archivelens: update archivelens to read it."
    return None


def _entry(con: duckdb.DuckDBPyConnection, library: str, row: tuple[Any, ...]) -> Entry:
    snapshot_id, account_id, handle, generated, kept_mark, kept = row
    scope = Scope(snapshot_id, account_id, handle, generated)
    now = con.execute(_NOW, {"snapshot": snapshot_id, "account": account_id}).fetchone()
    reviewed, *inputs = now or (0,)
    base = Entry(library, handle, account_id, generated.date())
    figures = json.loads(kept) if kept and kept_mark == _mark(inputs) else None
    if figures is None:
        if not _prepared(con, scope):
            return replace(
                base,
                status="Not analysed yet: open it in ArchiveLens (or run archivelens report) once.",
            )
        figures = headline(report.build(con, scope))
    checklist = figures["checklist"]
    return replace(base, **figures, reviewed=int(reviewed) if checklist is not None else None)


# -- the headline cache: what a portfolio of hundreds of libraries reads ----------------------

# Bump when the figures or the rules behind "actions" change meaning: every cache is then stale.
FIGURES_VERSION = 1
_FIGURES = (
    "tweets",
    "conversation_share",
    "amplification_share",
    "promotion_share",
    "repetition_share",
    "followers",
)


def headline(rep: report.Report) -> dict[str, Any]:
    """The portfolio's figures of a whole-history report."""
    return {
        **{name: rep.value(name) for name in _FIGURES},
        "checklist": rep.value("not_followed_back"),
        "actions": len(rep.recommendations),
    }


def fingerprint(con: duckdb.DuckDBPyConnection, scope: Scope) -> str:
    """What the kept figures of *scope*'s snapshot depend on, in 16 hex digits."""
    sql = "SELECT " + _INPUTS.format(snapshot="$snapshot", account="$account")
    row = con.execute(sql, {"snapshot": scope.snapshot_id, "account": scope.account_id})
    return _mark(list(row.fetchone() or ()))


def _mark(inputs: list[Any]) -> str:
    text = json.dumps([FIGURES_VERSION, migrations.LATEST, *inputs])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def remember(con: duckdb.DuckDBPyConnection, rep: report.Report) -> None:
    """Keep *rep*'s headline figures for the portfolio (whole-history reports only)."""
    scope = rep.scope
    if scope.date_from or scope.date_to or is_read_only(con):
        return
    con.execute(
        "INSERT OR REPLACE INTO headline_cache VALUES (?, ?, ?)",
        [scope.snapshot_id, fingerprint(con, scope), json.dumps(headline(rep))],
    )


def cached(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any] | None:
    """The snapshot's kept figures, if nothing they depend on has changed since."""
    row = con.execute(
        "SELECT fingerprint, figures FROM headline_cache WHERE snapshot_id = ?",
        [scope.snapshot_id],
    ).fetchone()
    if not row or row[0] != fingerprint(con, scope):
        return None
    figures: dict[str, Any] = json.loads(row[1])
    return figures


def _prepared(con: duckdb.DuckDBPyConnection, scope: Scope) -> bool:
    """Whether the derived tables the report reads are current (a read-only library cannot
    compute them)."""
    return promotion.is_current(con, scope.snapshot_id, scope.account_id) and (
        duplicates.is_current(con, scope.snapshot_id)
    )
