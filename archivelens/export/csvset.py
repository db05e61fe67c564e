"""The consultant CSV set (``product.md``): names, columns and formats are a contract.

UTF-8 with a byte-order mark (Excel), comma-separated, RFC 4180 quoting, one header row, ISO 8601
UTC dates, integer counts, shares with 4 decimals. Any cell a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return — plain numbers excepted) gets a
leading ``'``. DuckDB writes every file (``COPY``), so millions of tweets export in seconds; the
set and its ``report.html`` appear together, complete, or not at all (``landing``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from archivelens import errors
from archivelens.analysis import changes, comparison, engagement, report
from archivelens.analysis.scope import Scope
from archivelens.errors import UserError, sentence_for_os_error
from archivelens.export import html_report, landing
from archivelens.progress import CancelToken, NullProgress, Progress
from archivelens.read import tables
from archivelens.read.tables import tweet_address as tweet_address  # the workbook's links
from archivelens.store import snapshots
from archivelens.store.library import bind, register_arrow

BOM = b"\xef\xbb\xbf"
FILES = (
    "summary.csv",
    "monthly.csv",
    "tweets.csv",
    "duplicate_blasts.csv",
    "not_followed_back.csv",
    "not_following_you.csv",
    "conversation_partners.csv",
    "follower_changes.csv",
    "recommendations.csv",
    "engagement.csv",
    "top_tweets.csv",
)
COMPARISON = "comparison.csv"  # in the set only when a comparison period is asked for

_GUARD_MACRO = r"""
CREATE OR REPLACE TEMP MACRO csv_guard(v) AS
    CASE WHEN regexp_matches(v, '^[=+\-@\t\r]')
              AND NOT regexp_matches(v, '^[+-]?[0-9]+([.][0-9]+)?$')
         THEN '''' || v ELSE v END
"""


@dataclass
class ExportResult:
    folder: Path
    files: dict[str, int]  # file name → data rows


def export(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    folder: Path,
    bom: bool = True,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    compared: comparison.Compared | None = None,
) -> ExportResult:
    """Write the whole CSV set for *scope* into *folder* (created if needed); with *compared*,
    ``comparison.csv`` too. Without it, a ``comparison.csv`` an earlier export left there goes
    (with the rest of that set): the folder never mixes two exports. The scope is prepared
    (:mod:`archivelens.read.prepared`): the pipeline's ``export_csv`` does it."""
    progress = progress or NullProgress()
    cancel = cancel or CancelToken()
    create_folder(folder)
    landing.check_destinations(folder, [*FILES, COMPARISON, html_report.FILE_NAME])
    con.execute(_GUARD_MACRO)
    progress.update("Calculating the figures", 0.02)
    rep = report.build(con, scope)
    writers = sources(con, scope, rep, compared)
    # The set is written into a scratch folder and lands only when all of it is there, all
    # files or none (``landing``): a failure, a full disk or a cancel leaves the folder as it was.
    written: dict[str, int] = {}
    scratch_dir = scratch_folder(folder)
    try:
        for n, (name, make) in enumerate(writers):
            cancel.check()
            progress.update(f"Writing {name}", (n + 1) / (len(writers) + 1))
            sql, params = make()
            written[name] = _write(con, sql, {**scope.params(), **params}, scratch_dir / name, bom)
        cancel.check()
        progress.update("Writing report.html", 0.95)
        html_report.write(con, scope, scratch_dir / html_report.FILE_NAME, rep, compared)
        stale = [] if compared else [COMPARISON]
        landing.land(scratch_dir, folder, [*written, html_report.FILE_NAME], remove=stale)
    finally:
        landing.discard(scratch_dir)
    progress.update("Done", 1.0)
    return ExportResult(folder, written)


Source = Callable[[], tuple[str, dict[str, Any]]]  # the SQL of one file, and its parameters


def sources(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    rep: report.Report,
    compared: comparison.Compared | None = None,
) -> list[tuple[str, Source]]:
    """Each file of the set with the SQL that gives its rows (the workbook reads them too):
    the lists' from the read API (:mod:`archivelens.read.tables`), the figures' cells made here
    from *rep*, the scope's report, and *compared*, the comparison asked for (``comparison.csv``).

    A file from a list the archive lacks gets one line saying so, never zero rows."""
    snapshot = snapshots.get(con, scope.snapshot_id)
    assert snapshot is not None

    def lists(needs: tuple[str, ...], make: Source) -> Source:
        if snapshot.holds(*needs):
            return make
        sentence = snapshots.missing_list_sentence(snapshot, *needs)
        return lambda: _not_in_archive(con, make, scope, sentence.capitalize() + ".")

    earned = rep.earned or engagement.by_kind(con, scope)

    def top() -> tuple[str, dict[str, Any]]:
        if earned.unknown:
            return _not_in_archive(con, lambda: tables.top_tweets(scope), scope, earned.reason)
        return tables.top_tweets(scope)

    both = ("follower", "following")
    compared_file = [(COMPARISON, lambda: _comparison(con, compared))] if compared else []
    return [
        ("summary.csv", lambda: _summary(con, rep)),
        ("monthly.csv", lambda: _monthly(con, rep)),
        ("tweets.csv", lambda: tables.tweets(scope)),
        ("duplicate_blasts.csv", lambda: tables.duplicate_blasts(scope)),
        ("not_followed_back.csv", lists(both, tables.not_followed_back)),
        ("not_following_you.csv", lists(both, tables.not_following_you)),
        ("conversation_partners.csv", tables.conversation_partners),
        ("follower_changes.csv", lambda: _follower_changes(con, scope)),
        ("recommendations.csv", lambda: _recommendations(con, rep)),
        ("engagement.csv", lambda: _engagement(con, rep, earned)),
        ("top_tweets.csv", top),
        *compared_file,
    ]


def create_folder(folder: Path) -> None:
    """The export's folder (and its parents), or one sentence saying why it cannot be made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UserError(sentence_for_os_error(err, f"creating {folder}")) from None


def write_csv(
    con: duckdb.DuckDBPyConnection,
    select_sql: str,
    params: dict[str, Any],
    target: Path,
    bom: bool = True,
) -> int:
    """Write the rows of *select_sql* to *target* with the contract's formats; return rows.
    The file appears under its name only once complete."""
    landing.check_destinations(target.parent, [target.name])
    scratch_dir = scratch_folder(target.parent)
    try:
        rows = _write(con, select_sql, params, scratch_dir / target.name, bom)
        landing.land(scratch_dir, target.parent, [target.name])
        return rows
    finally:
        landing.discard(scratch_dir)


scratch_folder = landing.scratch_folder


def _write(
    con: duckdb.DuckDBPyConnection,
    select_sql: str,
    params: dict[str, Any],
    path: Path,
    bom: bool,
) -> int:
    """COPY the rows into *path* (with the BOM in front); return how many."""
    con.execute(_GUARD_MACRO)
    params = bind(select_sql, params)
    plain = path.with_suffix(".plain")
    try:
        (rows,) = con.execute(  # type: ignore[misc]
            f"""COPY (SELECT csv_guard(COLUMNS(*)::VARCHAR) FROM ({select_sql}))
                TO '{tables.escape(str(plain))}' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"',
                                           ESCAPE '"', NULLSTR '')""",
            params,
        ).fetchone()
        with open(path, "wb") as out:
            if bom:
                out.write(BOM)
            with open(plain, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
        return int(rows)
    except OSError as err:
        raise UserError(sentence_for_os_error(err, f"writing {path.name}")) from None
    except duckdb.Error as err:
        machine = errors.from_environment(err, f"writing {path.name}")
        if machine is None:
            raise
        raise machine from None
    finally:
        plain.unlink(missing_ok=True)


# -- the files -------------------------------------------------------------------------------------


def _from_arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> str:
    register_arrow(con, name, table)
    return name


def _summary(con: duckdb.DuckDBPyConnection, rep: report.Report) -> tuple[str, dict[str, Any]]:
    """``summary.csv``: every metric (an unknown one empty, its explanation saying why), each
    band with its verdict, why the advice is what it is, and what an archive cannot tell."""
    rows = [(m.name, _format(m.value, m.kind), m.explanation, "") for m in rep.metrics]
    rows += [
        (
            f"band_{b.name.lower().replace(' ', '_').replace('/', '_').replace('-', '_')}",
            b.position,
            b.explanation,
            report.VERDICTS[b.within],
        )
        for b in rep.bands
    ]
    rows.append(("advice", rep.advice.status, rep.advice.note, ""))
    rows += [(f"cannot_measure_{i + 1}", "", text, "") for i, text in enumerate(rep.cannot_measure)]
    table = pa.table(
        {
            column: [r[n] for r in rows]
            for n, column in enumerate(("metric", "value", "explanation", "verdict"))
        }
    )
    return f"SELECT * FROM {_from_arrow(con, 'export_summary', table)}", {}


def _format(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "share":
        return f"{value:.4f}"
    if kind == "number":
        return f"{value:.2f}"
    return str(value)


def _recommendations(
    con: duckdb.DuckDBPyConnection, rep: report.Report
) -> tuple[str, dict[str, Any]]:
    """``recommendations.csv``: what to change, most important first, with the rows behind it."""
    advice = rep.recommendations
    columns = ("rank", "rule", "action", "figure", "why", "rows")
    if advice:
        table = pa.table(
            {
                "rank": pa.array([str(n) for n in range(1, len(advice) + 1)], pa.string()),
                **{c: pa.array([getattr(r, c) for r in advice], pa.string()) for c in columns[1:]},
            }
        )
    else:  # one line saying why there is no advice (too few tweets, or nothing stands out)
        said = {"rank": "", "rule": rep.advice.status, "action": rep.advice.note}
        table = pa.table({c: pa.array([said.get(c)], pa.string()) for c in columns})
    return f"SELECT * FROM {_from_arrow(con, 'export_recommendations', table)}", {}


ENGAGEMENT_COLUMNS = (
    "kind",
    "tweets",
    "likes_per_tweet",
    "retweets_per_tweet",
    "median_likes",
    "median_retweets",
    "explanation",
)


def _engagement(
    con: duckdb.DuckDBPyConnection, rep: report.Report, eng: engagement.Engagement
) -> tuple[str, dict[str, Any]]:
    """``engagement.csv``: one row per kind; a figure the archive cannot give (no counts, no
    tweets file) is an empty cell and the explanation says why, never 0."""
    no_tweets = rep.unknown("tweets")
    rows = []
    for r in eng.rows:
        figures = (r.likes_per_tweet, r.retweets_per_tweet, r.median_likes, r.median_retweets)
        rows.append(
            (
                r.kind,
                "" if no_tweets else str(r.tweets),
                *(_format(v, "number") for v in figures),
                engagement.row_note(eng, r, no_tweets),
            )
        )
    table = _cells(ENGAGEMENT_COLUMNS, rows)
    return f"SELECT * FROM {_from_arrow(con, 'export_engagement', table)}", {}


COMPARISON_COLUMNS = (
    "metric",
    "before",
    "after",
    "change",
    "explanation",
    "before_period",
    "after_period",
    "change_unit",
    "verdict",
)
CHANGE_UNITS = {"share": "percentage points", "count": "count", "number": "number"}


def _comparison(
    con: duckdb.DuckDBPyConnection, compared: comparison.Compared | None
) -> tuple[str, dict[str, Any]]:
    """``comparison.csv``: every compared figure in both periods and the change (a share's in
    percentage points, as ``change_unit`` says), then the followers gained and lost."""
    assert compared is not None
    result, followers = compared
    periods = (result.before.label, result.after.label)
    rows = [
        (
            r.metric,
            _format(r.before, r.kind),
            _format(r.after, r.kind),
            _change(r.change, r.kind),
            r.explanation,
            *periods,
            CHANGE_UNITS.get(r.kind, r.kind),
            r.verdict or "",
        )
        for r in (*result.rows, *comparison.follower_rows(followers))
    ]
    table = _cells(COMPARISON_COLUMNS, rows)
    return f"SELECT * FROM {_from_arrow(con, 'export_comparison', table)}", {}


def _cells(columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> pa.Table:
    """Text cells by column, an empty one NULL (written as nothing, not as "")."""
    return pa.table(
        {c: pa.array([r[n] or None for r in rows], pa.string()) for n, c in enumerate(columns)}
    )


def _change(change: float | None, kind: str) -> str:
    if change is None:
        return ""
    return f"{change:.0f}" if kind == "count" else f"{change:.2f}"


def _monthly(con: duckdb.DuckDBPyConnection, rep: report.Report) -> tuple[str, dict[str, Any]]:
    rows = rep.months
    columns = (
        "month",
        "tweets",
        "replies_to_others",
        "retweets",
        "quotes",
        "promotional_tweets",
        "conversation_share",
        "promotion_share",
        "distinct_accounts_engaged",
        "self_replies",
        "mentions",
        "originals",
        "amplification_share",
    )
    shares = {"conversation_share", "promotion_share", "amplification_share"}
    table = pa.table(
        {c: [_format(r[c], "share" if c in shares else "count") for r in rows] for c in columns}
    )
    return f"SELECT * FROM {_from_arrow(con, 'export_monthly', table)}", {}


def _not_in_archive(
    con: duckdb.DuckDBPyConnection,
    make: Callable[[], tuple[str, dict[str, Any]]],
    scope: Scope,
    sentence: str,
) -> tuple[str, dict[str, Any]]:
    """The file's columns with a single row whose first cell says why there is no data."""
    sql, params = make()
    params = {**scope.params(), **params}
    columns = [
        d[0] for d in con.execute(f"SELECT * FROM ({sql}) LIMIT 0", bind(sql, params)).description
    ]
    row = {c: pa.array([sentence if i == 0 else None], pa.string()) for i, c in enumerate(columns)}
    return f"SELECT * FROM {_from_arrow(con, 'export_not_in_archive', pa.table(row))}", {}


def _follower_changes(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[str, dict[str, Any]]:
    pair = changes.newest_pair(con, scope.account_id, upto=scope.snapshot_id)
    if pair is not None:
        return tables.follower_changes(*pair)
    # One snapshot: the file has its header and no rows.
    empty = pa.table({c: pa.array([], pa.string()) for c in tables.FOLLOWER_CHANGES_COLUMNS})
    return f"SELECT * FROM {_from_arrow(con, 'export_changes', empty)}", {}
