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
from typing import TYPE_CHECKING, Any

import duckdb

from archivelens.analysis.scope import Scope
from archivelens.errors import UserError
from archivelens.progress import CancelToken
from archivelens.store import migrations
from archivelens.store.library import attached, is_read_only, reader

if TYPE_CHECKING:  # the report (and pyarrow) load only for a library whose kept figures are stale
    from archivelens.analysis import report


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
# fingerprints (lexicon, own domains, similarity threshold), the person's reviews and marks —
# for each row of ``n`` (a snapshot_id and its account_id), as joins (one pass, any rows).
_INPUTS = "p.fingerprint, d.fingerprint, coalesce(r.mark, '0:0'), coalesce(o.mark, '0:0')"
_INPUT_JOINS = """
LEFT JOIN promotion_state p ON p.snapshot_id = n.snapshot_id
LEFT JOIN dup_state d ON d.snapshot_id = n.snapshot_id
LEFT JOIN (SELECT account_id, count(*) || ':' || sum(hash(target_id, status)) AS mark
           FROM reviews GROUP BY account_id) r ON r.account_id = n.account_id
LEFT JOIN (SELECT account_id, count(*) || ':' || sum(hash(tweet_id, is_promotional)) AS mark
           FROM promo_overrides GROUP BY account_id) o ON o.account_id = n.account_id"""

# Everything a library's rows need, in one query: each query costs DuckDB a round of binding and
# planning that 200 libraries add up, so the few small tables are read whole, as tagged rows,
# and put together in Python (:func:`_accounts`): each account's newest snapshot, its kept
# figures, and what they depend on now (the same values as :data:`_INPUTS`).
_READ = """
SELECT 'version', NULL, NULL, max(version)::VARCHAR, NULL, NULL FROM schema_version
UNION ALL SELECT 'snapshot', snapshot_id, account_id, screen_name, NULL, generated_at
    FROM snapshots
UNION ALL SELECT 'account', NULL, account_id, screen_name, NULL, NULL FROM accounts
UNION ALL SELECT 'kept', snapshot_id, NULL, fingerprint, figures, NULL FROM headline_cache
UNION ALL SELECT 'promotion', snapshot_id, NULL, fingerprint, NULL, NULL FROM promotion_state
UNION ALL SELECT 'duplicates', snapshot_id, NULL, fingerprint, NULL, NULL FROM dup_state
UNION ALL SELECT 'reviews', NULL, account_id, count(*) || ':' || sum(hash(target_id, status)),
    NULL, NULL FROM reviews GROUP BY account_id
UNION ALL SELECT 'overrides', NULL, account_id,
    count(*) || ':' || sum(hash(tweet_id, is_promotional)), NULL, NULL
    FROM promo_overrides GROUP BY account_id
"""

# How many followers not followed back have been reviewed: kept with the figures (the reviews
# are part of their fingerprint), counted here only when the kept figures are stale. From the
# reviews' side (a few hundred rows), not as followers EXCEPT following: 3 ms, not 1.5 s, with
# 5M followers.
_REVIEWED = """
SELECT count(*) FROM reviews r
WHERE r.account_id = $account AND r.status <> 'to_review'
  AND EXISTS (SELECT 1 FROM followers f
              WHERE f.snapshot_id = $snapshot AND f.account_id = r.target_id)
  AND NOT EXISTS (SELECT 1 FROM following g
                  WHERE g.snapshot_id = $snapshot AND g.account_id = r.target_id)
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
            return _entries(con, name, check_version=True)
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
        return _entries(con, name, check_version=False)
    except duckdb.Error as err:  # a damaged block met while reading: that row says so
        return [Entry(name, None, None, None, status=_cannot_read(err))]


def _entries(con: duckdb.DuckDBPyConnection, name: str, check_version: bool) -> list[Entry]:
    """The rows of the library *con* reads (the version checked first for one attached from
    outside: an older or newer one is a sentence, not figures)."""
    try:
        rows = con.execute(_READ).fetchall()
    except duckdb.CatalogException:  # a table missing: not a library of this archivelens
        if check_version:
            return [Entry(name, None, None, None, status=_version_problem(con) or "")]
        raise
    version = next((int(r[3] or 0) for r in rows if r[0] == "version"), 0)
    if check_version and (problem := _version_sentence(version)):
        return [Entry(name, None, None, None, status=problem)]
    return [_entry(con, name, account) for account in _accounts(rows)] or [
        Entry(name, None, None, None, status="No archive imported yet.")
    ]


def _accounts(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """:data:`_READ`'s tagged rows put together: for each account, by handle, its newest
    snapshot (id, account, handle, archive date), the kept fingerprint and figures, and the
    four values the fingerprint is made of now."""
    newest: dict[int, tuple[Any, ...]] = {}
    names: dict[int, str] = {}
    by_tag: dict[str, dict[int, Any]] = {}
    for tag, snapshot_id, account_id, text, figures, generated in rows:
        if tag == "snapshot":
            mine = newest.get(account_id)
            if mine is None or (generated, snapshot_id) > (mine[3], mine[0]):
                newest[account_id] = (snapshot_id, account_id, text, generated)
        elif tag == "account":
            names[account_id] = text
        elif tag != "version":
            key = snapshot_id if snapshot_id is not None else account_id
            by_tag.setdefault(tag, {})[key] = (text, figures) if tag == "kept" else text
    out = []
    for snapshot_id, account_id, handle, generated in newest.values():
        kept = by_tag.get("kept", {}).get(snapshot_id, (None, None))
        inputs = (
            by_tag.get("promotion", {}).get(snapshot_id),
            by_tag.get("duplicates", {}).get(snapshot_id),
            by_tag.get("reviews", {}).get(account_id, "0:0"),
            by_tag.get("overrides", {}).get(account_id, "0:0"),
        )
        handle = names.get(account_id) or handle
        out.append((snapshot_id, account_id, handle, generated, *kept, *inputs))
    return sorted(out, key=lambda r: ((r[2] or "").lower(), r[1]))


def _version_problem(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        (version,) = con.execute("SELECT max(version) FROM schema_version").fetchone() or (0,)
    except duckdb.CatalogException:
        return "Not an archivelens library."
    return _version_sentence(version or 0) or "Cannot read this library (a table is missing)."


def _version_sentence(version: int) -> str | None:
    if version < migrations.LATEST:
        return "Made by an older archivelens: open it once in ArchiveLens to bring it up to date."
    if version > migrations.LATEST:
        return "Made by a newer archivelens: update archivelens to read it."
    return None


def _entry(con: duckdb.DuckDBPyConnection, library: str, row: tuple[Any, ...]) -> Entry:
    snapshot_id, account_id, handle, generated, kept_mark, kept, *inputs = row
    scope = Scope(snapshot_id, account_id, handle, generated)
    base = Entry(library, handle, account_id, generated.date())
    figures = json.loads(kept) if kept and kept_mark == _mark(inputs) else None
    if figures is None:
        if not _prepared(con, scope):
            return replace(
                base,
                status="Not analysed yet: open it in ArchiveLens (or run archivelens report) once.",
            )
        from archivelens.analysis import report

        figures = headline(report.build(con, scope))
    reviewed = figures.pop("reviewed", None)  # a cache kept by an older archivelens lacks it
    if figures["checklist"] is None:
        reviewed = None
    elif reviewed is None:
        reviewed = reviewed_count(con, scope)
    return replace(base, **figures, reviewed=reviewed)


def reviewed_count(con: duckdb.DuckDBPyConnection, scope: Scope) -> int:
    """The followers not followed back of *scope*'s snapshot reviewed so far (the checklist's N)."""
    row = con.execute(_REVIEWED, {"snapshot": scope.snapshot_id, "account": scope.account_id})
    return int((row.fetchone() or (0,))[0])


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
    sql = f"SELECT {_INPUTS} FROM (SELECT $snapshot AS snapshot_id, $account AS account_id) n"
    row = con.execute(
        sql + _INPUT_JOINS, {"snapshot": scope.snapshot_id, "account": scope.account_id}
    )
    return _mark(list(row.fetchone() or ()))


def _mark(inputs: list[Any]) -> str:
    text = json.dumps([FIGURES_VERSION, migrations.LATEST, *inputs])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def remember(con: duckdb.DuckDBPyConnection, rep: report.Report) -> None:
    """Keep *rep*'s headline figures for the portfolio (whole-history reports only), with the
    followers reviewed so far: a portfolio then reads one row a library."""
    scope = rep.scope
    if scope.date_from or scope.date_to or is_read_only(con):
        return
    figures = {**headline(rep), "reviewed": reviewed_count(con, scope)}
    con.execute(
        "INSERT OR REPLACE INTO headline_cache VALUES (?, ?, ?)",
        [scope.snapshot_id, fingerprint(con, scope), json.dumps(figures)],
    )


def cached(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any] | None:
    """The snapshot's kept figures (with ``reviewed``), if nothing they depend on has changed
    since."""
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
    from archivelens.analysis import duplicates, facts, promotion

    return (
        promotion.is_current(con, scope.snapshot_id, scope.account_id)
        and duplicates.is_current(con, scope.snapshot_id)
        and facts.is_current(con, scope.snapshot_id, scope.account_id)
    )
