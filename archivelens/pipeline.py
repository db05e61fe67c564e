"""The use cases both front ends call. Plain Python: no Qt, no terminal handling."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from archivelens.analysis import scope as scopes
from archivelens.analysis.scope import Scope
from archivelens.errors import Cancelled
from archivelens.progress import CancelToken, NullProgress, Progress, Scaled
from archivelens.store import ingest
from archivelens.store.ingest import ImportResult
from archivelens.store.library import connect, explain, resolve_library_path

if TYPE_CHECKING:
    from archivelens.analysis.comparison import Compared
    from archivelens.analysis.engagement import Engagement
    from archivelens.analysis.report import Headline, Report
    from archivelens.export.csvset import ExportResult
    from archivelens.export.workbook import WorkbookResult
    from archivelens.recovery import RebuildResult
    from archivelens.store.branding import Branding

PathLike = str | os.PathLike[str]

# The analysis modules (numpy, pyarrow compute, rapidfuzz) are imported where used: `archivelens
# import` then starts in a fraction of the time.


@contextmanager
def open_library(db: PathLike | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the library chosen by ``--db`` / ``$ARCHIVELENS_DB`` / the per-user default.

    Damage met while using it (a block that fails its checksum shows only when read) becomes
    the sentence naming the library and ``archivelens rebuild``."""
    path = resolve_library_path(db)
    con = connect(path)
    try:
        yield con
    except Exception as err:
        damaged = explain(err, path)
        if damaged is None:
            raise
        raise damaged from None
    finally:
        with suppress(duckdb.Error):
            con.close()


def remove_leftovers() -> None:
    """What any run does first: remove the scratch folders of runs that were killed (imports,
    the demo, exports — an export cut short while landing is first rolled back, so its folder
    is as it was before it)."""
    from archivelens import scratch
    from archivelens.export import landing

    scratch.sweep({landing.PREFIX: landing.roll_back})


def import_archive(
    path: PathLike,
    db: PathLike | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    analysis: bool = True,
) -> ImportResult:
    """Import the archive at *path* (zip or folder), then (by default) prepare its analysis."""
    with open_library(db) as con:
        return import_into(con, Path(path), progress, cancel, analysis)


def import_into(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    analysis: bool = True,
) -> ImportResult:
    progress = progress or NullProgress()
    result = ingest.import_archive(
        con, path, Scaled(progress, 0.0, 0.8 if analysis else 1.0), cancel
    )
    if not analysis:
        return result
    # A cancel here keeps the import (it is saved); the analysis runs again when first needed.
    with suppress(Cancelled):
        analyze(con, result.snapshot_id, result.account_id, Scaled(progress, 0.8, 0.2), cancel)
    return result


def analyze(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: int,
    account_id: int,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> None:
    """Prepare the snapshot's derived state (:func:`prepare`) and keep its headline figures for
    the portfolio: what an import and a change of settings end with."""
    from archivelens.read import prepared

    progress = progress or NullProgress()
    scope = scopes.resolve_snapshot(con, snapshot_id)
    assert scope.account_id == account_id
    prepared.prepare(con, scope, progress=progress, cancel=cancel)
    progress.update("Summing up", 1.0)
    build_report(con, scope)


def prepare(con: duckdb.DuckDBPyConnection, scope: Scope, cancel: CancelToken | None = None) -> str:
    """Everything *scope*'s readers need — the promotional classification and the duplicate
    clusters — brought up to date once, unless already current; returns its fingerprint. Every
    use case below that reads calls it first, and so does the app when a scope opens: the
    readers themselves only check (``archivelens.read.prepared``)."""
    from archivelens.read import prepared

    return prepared.prepare(con, scope, cancel=cancel)


@dataclass(frozen=True)
class AnalysisSettings:
    """What the user can change about the analysis: the sales lexicon (None: the bundled one),
    the account's own domains (None: the suggestion drawn from the archive), and the
    similarity threshold of duplicate detection."""

    lexicon: str | None
    own_domains: list[str] | None
    threshold: float


def analysis_settings(con: duckdb.DuckDBPyConnection, account_id: int) -> AnalysisSettings:
    from archivelens.analysis import duplicates, promotion

    return AnalysisSettings(
        promotion.user_lexicon(con),
        promotion.user_domains(con, account_id),
        duplicates.threshold(con),
    )


def apply_analysis_settings(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    settings: AnalysisSettings,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> None:
    """Save *settings* and bring the snapshot's classification and clusters up to date.

    All or nothing: if a setting is refused (a lexicon pattern that does not compile) or the
    work fails or is cancelled, the settings go back to what they were. Other snapshots catch
    up when next shown (their stored results carry the settings they were made with).
    """
    old = analysis_settings(con, scope.account_id)
    try:
        _save_settings(con, scope.account_id, settings)
        analyze(con, scope.snapshot_id, scope.account_id, progress, cancel)
    except BaseException:
        _save_settings(con, scope.account_id, old)
        raise


def _save_settings(
    con: duckdb.DuckDBPyConnection, account_id: int, settings: AnalysisSettings
) -> None:
    from archivelens.analysis import duplicates, promotion
    from archivelens.store.writes import transaction

    with transaction(con, "saving the settings"):  # all three, or none
        if settings.lexicon is None:
            promotion.reset_lexicon(con)
        else:
            promotion.save_lexicon(con, settings.lexicon)
        promotion.set_own_domains(con, account_id, settings.own_domains)
        duplicates.set_threshold(con, settings.threshold)


def remove_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> None:
    """Take an imported archive out of the library (all or nothing); decisions stay. Waits for
    a preparation running on another connection (the app's views) and lets none start."""
    from archivelens.read import prepared
    from archivelens.store import snapshots

    with prepared.removing():
        snapshots.remove(con, snapshot_id)


def rebuild_library(
    db: PathLike | None = None,
    archives: Sequence[PathLike] | None = None,
    skip_missing: bool = False,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> RebuildResult:
    """Rebuild the library from the archives it came from and the review journal beside it,
    keeping the old file as ``<library>.damaged-<date>`` (see :mod:`archivelens.recovery`)."""
    from archivelens import recovery

    extra = [Path(p).expanduser() for p in archives or []]
    return recovery.rebuild(resolve_library_path(db), extra, skip_missing, progress, cancel)


def resolve_scope(
    con: duckdb.DuckDBPyConnection,
    account: str | None = None,
    snapshot: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> Scope:
    scope = scopes.resolve(con, account, snapshot)
    return scope.with_dates(
        scopes.parse_date(date_from, "--from"), scopes.parse_date(date_to, "--to")
    )


def engagement(con: duckdb.DuckDBPyConnection, scope: Scope) -> Engagement:
    from archivelens.analysis import engagement as engagement_mod

    prepare(con, scope)
    return engagement_mod.by_kind(con, scope)


def compare(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    compare_from: str | None = None,
    compare_to: str | None = None,
    baseline: str | None = None,
) -> Compared:
    """Two periods of *scope*'s account figure by figure, and the followers gained and lost
    between its archives (see :func:`comparison.periods_for` for how the periods are chosen)."""
    from archivelens.analysis import comparison

    prepare(con, scope)
    before, after = comparison.periods_for(
        scope,
        scopes.parse_date(compare_from, "--compare-from"),
        scopes.parse_date(compare_to, "--compare-to"),
        scopes.parse_date(baseline, "--baseline"),
    )
    result = comparison.compare(con, scope, before, after)
    return result, comparison.follower_changes(con, scope, before, after)


def build_report(con: duckdb.DuckDBPyConnection, scope: Scope) -> Report:
    """The report of *scope*; a whole-history one is also kept for the portfolio."""
    from archivelens.analysis import report

    prepare(con, scope)
    rep = report.build(con, scope)
    _keep(con, rep)
    return rep


# The report in steps, for a front end that shows each part as it comes (the app's Overview:
# its headline figures in a fraction of the whole report's time). The app reads the first two,
# ``report.headline`` and ``metrics.monthly``, with the core's readers on a worker that has
# prepared the scope; this last one also keeps the portfolio's figures. The steps run the same
# queries as `build_report` (``report.build`` is made of them), in its order.


def finish_report(
    con: duckdb.DuckDBPyConnection, head: Headline, months: list[dict[str, Any]]
) -> Report:
    """The last step: the whole report from *head* and its *months* (``report.complete``); a
    whole-history one is kept for the portfolio, now that all of it is known."""
    from archivelens.analysis import report

    prepare(con, head.scope)
    rep = report.complete(con, head, months)
    _keep(con, rep)
    return rep


def _keep(con: duckdb.DuckDBPyConnection, rep: Report) -> None:
    """Keep a whole-history report's figures for the portfolio, unless its snapshot was removed
    meanwhile (the app's Overview may finish while the user removes the archive it shows)."""
    from archivelens.analysis import portfolio
    from archivelens.read import prepared

    with prepared.keeping(con, rep.scope.snapshot_id):
        portfolio.remember(con, rep)


def export_csv(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    out: PathLike,
    bom: bool = True,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    compared: Compared | None = None,
) -> ExportResult:
    """Write the consultant's CSV set into *out*; with *compared* (:func:`compare`), the
    before and after too."""
    from archivelens.export import csvset

    progress = progress or NullProgress()
    progress.update("Finding duplicate blasts", 0.0)
    prepare(con, scope, cancel=cancel)
    return csvset.export(con, scope, Path(out), bom, progress, cancel, compared)


def export_table(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    query: tuple[str, dict[str, Any]],
    target: PathLike,
    cancel: CancelToken | None = None,
) -> int:
    """Write one table of the read API (``archivelens.read.tables``: what a view shows, in its
    filter and order) to the CSV file *target*, with the CSV set's formats; returns its rows."""
    from archivelens.export import csvset

    prepare(con, scope, cancel=cancel)
    sql, params = query
    return csvset.write_csv(con, sql, {**scope.params(), **params}, Path(target))


def export_xlsx(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    folder: PathLike,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    compared: Compared | None = None,
) -> WorkbookResult:
    """Write the consultant's Excel workbook into *folder* (with *compared*, a Comparison
    sheet)."""
    from archivelens.export.workbook import export_xlsx as write

    prepare(con, scope, cancel=cancel)
    return write(con, scope, Path(folder), progress, cancel, compared)


def export_pdf(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    folder: PathLike,
    paper: str = "A4",
    compared: Compared | None = None,
) -> Path:
    """Write the one-page report as a PDF into *folder*, made here (no browser)."""
    from archivelens.export import pdf_report

    prepare(con, scope)
    return pdf_report.export(con, scope, Path(folder), paper=paper, compared=compared)


def branding(con: duckdb.DuckDBPyConnection) -> Branding:
    from archivelens.store import branding as store

    return store.get(con)


def set_branding(
    con: duckdb.DuckDBPyConnection,
    consultant: str | None = None,
    client: str | None = None,
    note: str | None = None,
    logo: PathLike | None = None,
    clear: bool = False,
) -> Branding:
    """Change the library's branding: each given field replaces the stored one ("" empties it);
    *clear* first empties all of them. Returns what is stored now."""
    from dataclasses import replace

    from archivelens.store import branding as store

    brand = store.Branding() if clear else store.get(con)
    changes: dict[str, str | bytes | None] = {
        k: (v.strip() or None)
        for k, v in (("consultant", consultant), ("client", client), ("note", note))
        if v is not None
    }
    if logo is not None:
        data = store.read_logo(Path(logo)) if str(logo) else None
        changes |= {"logo": data, "logo_type": store.logo_type(data) if data else None}
    brand = replace(brand, **changes)  # type: ignore[arg-type]
    store.save(con, brand)
    return brand
