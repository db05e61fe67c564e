"""The ``archivelens`` command line: a thin layer over :mod:`archivelens.pipeline`.

Errors a user can cause print one line, ``archivelens: error: …``, and exit 2; anything else
exits 1 (a traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from archivelens import __version__
from archivelens.errors import Cancelled, UserError, from_environment
from archivelens.progress import CancelToken
from archivelens.words import plural

if TYPE_CHECKING:  # the commands load them (DuckDB, Arrow): the app opens without them
    import duckdb

    from archivelens.analysis.comparison import Compared, Comparison, FollowerCounts
    from archivelens.analysis.engagement import Engagement
    from archivelens.analysis.report import Report
    from archivelens.analysis.scope import Scope
    from archivelens.store.ingest import ImportResult
    from archivelens.store.snapshots import FileReport

KIND_LABELS = {  # (one, many)
    "reply_to_others": ("reply to others", "replies to others"),
    "self_reply": ("self-reply", "self-replies"),
    "retweet": ("retweet", "retweets"),
    "quote": ("quote", "quotes"),
    "mention": ("mention", "mentions"),
    "original": ("original", "originals"),
}


class TextProgress:
    """A one-line progress bar on a terminal; silent when stderr is not one."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr  # the one in use now (tests swap it), not at import
        self.width = width
        self.enabled = self.stream.isatty()
        self._last = 0.0
        self._fraction = 0.0  # kept through a stage of unknown length

    def update(self, stage: str, fraction: float | None = None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if fraction is not None and fraction < 1.0 and now - self._last < 0.05:
            return
        self._last = now
        if fraction is not None:
            self._fraction = min(max(fraction, 0.0), 1.0)
        frac = self._fraction
        filled = int(frac * self.width)
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r{bar} {frac:4.0%}  {stage[:40]:<40}")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * (self.width + 48) + "\r")
            self.stream.flush()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archivelens",
        description="An honest picture of how an account uses Twitter/X, from its data archive. "
        "Runs offline. With no command (archivelens [--db FILE] [--demo] [ARCHIVE]) it opens the "
        "desktop app, importing ARCHIVE if given.",
    )
    parser.add_argument("--version", action="version", version=f"archivelens {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for failures")
    parser.add_argument(
        "--demo", action="store_true", help="open the app on the bundled sample archive"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    imp = sub.add_parser("import", help="import an archive (.zip or extracted folder)")
    imp.add_argument("path", help="the archive .zip or its extracted folder")
    imp.add_argument("--db", metavar="FILE", help="library file (default: per-user data folder)")
    imp.add_argument(
        "--no-analysis",
        action="store_true",
        help="only import; duplicate detection then runs when first needed",
    )
    rep = sub.add_parser("report", help="print the headline metrics and content-mix bands")
    _scope_options(rep)
    rep.add_argument("--json", action="store_true", help="print JSON instead of text")
    rep.add_argument(
        "--html", metavar="FILE", help="also write the one-page report (self-contained HTML)"
    )
    _before_after_options(rep)
    exp = sub.add_parser("export", help="write the consultant CSV set")
    exp.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    exp.add_argument(
        "--format",
        choices=("csv", "xlsx", "pdf"),
        default="csv",
        help="csv: the CSV set (default); xlsx: one Excel workbook with charts; pdf: the "
        "one-page report as PDF",
    )
    exp.add_argument(
        "--paper",
        choices=("A4", "letter"),
        default="A4",
        help="the PDF's paper (the page fits both; default A4)",
    )
    _scope_options(exp)
    _before_after_options(exp)
    exp.add_argument(
        "--no-bom",
        action="store_true",
        help="omit the UTF-8 byte-order mark (Excel wants it; some tools don't)",
    )
    port = sub.add_parser(
        "portfolio",
        help="every account of one or more libraries side by side (read-only)",
        description="Every account of the given libraries side by side: headline figures, "
        "actions advised, the checklist reviewed so far and the archive's date. Libraries are "
        "only read: nothing in them changes.",
    )
    port.add_argument(
        "--db",
        metavar="FILE",
        action="append",
        help="a library file; repeat for several (default: your library)",
    )
    port.add_argument("--json", action="store_true", help="print JSON instead of a table")
    port.add_argument("--out", metavar="DIR", help="also write portfolio.csv into DIR")
    port.add_argument("--no-bom", action="store_true", help="portfolio.csv without the BOM")
    reb = sub.add_parser(
        "rebuild",
        help="rebuild a damaged library from its archives and the review journal beside it",
    )
    reb.add_argument("--db", metavar="FILE", help="library file (default: per-user data folder)")
    reb.add_argument(
        "--archive",
        action="append",
        default=[],
        metavar="PATH",
        help="an archive the library came from that has moved (repeat for several)",
    )
    reb.add_argument(
        "--skip-missing",
        action="store_true",
        help="rebuild without the archives that cannot be found (your reviews are kept)",
    )
    brand = sub.add_parser(
        "brand",
        help="set the consultant's branding of the report (kept in the library)",
        description="Your name, the client's, a logo and a short note, shown on report.html, the "
        "PDF and the workbook. Each option replaces what is stored (an empty value removes it); "
        "with no option it prints what is stored.",
    )
    brand.add_argument("--db", metavar="FILE", help="library file (default: per-user data folder)")
    brand.add_argument("--consultant", metavar="NAME", help="your name or your firm's")
    brand.add_argument("--client", metavar="NAME", help="the client's name")
    brand.add_argument("--logo", metavar="FILE", help="a PNG or JPEG image (at most 512 KB)")
    brand.add_argument("--note", metavar="TEXT", help="a short note to the client (300 characters)")
    brand.add_argument("--clear", action="store_true", help="remove all of it first")
    return parser


def _scope_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="FILE", help="library file (default: per-user data folder)")
    parser.add_argument(
        "--from", dest="date_from", metavar="DATE", help="first day to include (YYYY-MM-DD, UTC)"
    )
    parser.add_argument(
        "--to", dest="date_to", metavar="DATE", help="last day to include (YYYY-MM-DD, UTC)"
    )
    parser.add_argument("--account", metavar="HANDLE", help="account, when the library has several")
    parser.add_argument(
        "--snapshot",
        metavar="DATE",
        help="archive generation date (YYYY-MM-DD); default: the newest",
    )


def _before_after_options(parser: argparse.ArgumentParser) -> None:
    before_after = parser.add_argument_group(
        "before and after",
        "Compare two periods figure by figure: the last 12 months against the 12 before "
        "(--compare), 12 months before a date against the time from it (--baseline), or "
        "--compare-from/--compare-to against the report's period (or the rest of the archive).",
    )
    before_after.add_argument(
        "--compare", action="store_true", help="the last 12 months against the 12 before"
    )
    before_after.add_argument("--baseline", metavar="DATE", help="when the work began")
    before_after.add_argument(
        "--compare-from", metavar="DATE", help="first day of the earlier period"
    )
    before_after.add_argument("--compare-to", metavar="DATE", help="last day of the earlier period")


def _compared(
    con: duckdb.DuckDBPyConnection, scope: Scope, args: argparse.Namespace
) -> Compared | None:
    """The before and after the options ask for, or None when they ask for none."""
    from archivelens import pipeline

    if not (args.compare or args.baseline or args.compare_from or args.compare_to):
        return None
    return pipeline.compare(con, scope, args.compare_from, args.compare_to, args.baseline)


COMMANDS = ("import", "report", "export", "rebuild", "brand", "portfolio")


def build_app_parser() -> argparse.ArgumentParser:
    """``archivelens [--db FILE] [--demo] [ARCHIVE]``: the desktop app, on a library, opening
    an archive (what a file manager's "Open With ArchiveLens" runs)."""
    parser = argparse.ArgumentParser(
        prog="archivelens",
        description="Opens the desktop app. "
        "Commands: archivelens {import,report,export,rebuild,brand} --help.",
    )
    parser.add_argument("--version", action="version", version=f"archivelens {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for failures")
    parser.add_argument(
        "--demo", action="store_true", help="open the app on the bundled sample archive"
    )
    parser.add_argument("--db", metavar="FILE", help="library file (default: per-user data folder)")
    parser.add_argument("archive", nargs="?", help="an archive (.zip or folder) to import")
    parser.set_defaults(command=None)
    return parser


def wants_a_command(argv: list[str]) -> bool:
    """Whether *argv* names a command (else it opens the app, perhaps on an archive)."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)  # its value
        elif word in ("-h", "--help"):
            return True  # the full help lists the commands
        elif not word.startswith("-"):
            return word in COMMANDS
    return False


def main(argv: list[str]) -> int:
    """Run the command *argv* names (``archivelens.__main__`` sends everything else to the app,
    which sweeps a killed run's leftovers once its first window is up: gui/app.py)."""
    from archivelens import pipeline

    pipeline.remove_leftovers()
    args = build_parser().parse_args(argv)
    try:
        if args.command == "import":
            return _import(args)
        if args.command == "report":
            return _report(args)
        if args.command == "portfolio":
            return _portfolio(args)
        if args.command == "rebuild":
            return _rebuild(args)
        if args.command == "brand":
            return _brand(args)
        return _export(args)
    except UserError as err:
        error(str(err))
        return err.exit_code
    except Cancelled:
        error("cancelled; the library is unchanged.")
        return 1
    except BrokenPipeError:  # output piped into `head` and closed: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silences the flush at exit
        return 0
    except KeyboardInterrupt:
        error("interrupted; the library is unchanged.")
        return 1
    except Exception as err:  # a full disk reported by any layer, else a bug: one line
        machine = from_environment(err, f"running {args.command}")
        if machine is not None and not args.debug:
            error(str(machine))
            return machine.exit_code
        if args.debug:
            raise
        error(
            f"unexpected failure ({type(err).__name__}: {err}); run again with --debug for details."
        )
        return 1


def error(message: str) -> None:
    """One line on stderr, the way every failure is said."""
    print(f"archivelens: error: {message}", file=sys.stderr)


@contextmanager
def _stopped_by_signals(cancel: CancelToken) -> Iterator[None]:
    """Ctrl+C, SIGTERM (a logout, `kill`) and SIGHUP (a closed terminal) all cancel the work,
    so it rolls back and removes its temp files instead of dying half-way."""
    wanted = [
        signal.SIGINT,
        *(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)),
    ]
    previous = {sig: signal.signal(sig, lambda *_: cancel.cancel()) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _import(args: argparse.Namespace) -> int:
    from archivelens import pipeline

    bar = TextProgress()
    cancel = CancelToken()
    try:
        with _stopped_by_signals(cancel):
            result = pipeline.import_archive(
                args.path, args.db, bar, cancel, analysis=not args.no_analysis
            )
    finally:
        bar.finish()
    print_import(result, sys.stdout)
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    from archivelens import pipeline

    bar = TextProgress()
    cancel = CancelToken()
    try:
        with _stopped_by_signals(cancel):
            result = pipeline.rebuild_library(args.db, args.archive, args.skip_missing, bar, cancel)
    finally:
        bar.finish()
    print(f"Rebuilt {result.library} from {plural(len(result.imported), 'archive')}:")
    for path in result.imported:
        print(f"  {path}")
    print(f"  {result.decisions:,} reviews, notes, marks and settings replayed from the journal")
    for record in result.skipped:
        print(f"Skipped (not found): {record.label}")
    if result.unreadable_lines:
        print(f"Warning: {result.unreadable_lines} unreadable journal line(s) were skipped.")
    if result.damaged_copy:
        print(f"The old library is kept as {result.damaged_copy}.")
    return 0


def _file_rows(files: list[FileReport]) -> list[tuple[str, int, int | None, bool]]:
    """One row per file; a classic archive's monthly files fold into one row."""
    monthly = [f for f in files if f.kind == "grailbird"]
    rows = [
        (f.file_name, f.records or 0, f.manifest_count, f.mismatch)
        for f in files
        if f.kind != "grailbird"
    ]
    if monthly:
        listed = [f.manifest_count for f in monthly]
        rows.append(
            (
                f"data/js/tweets/YYYY_MM.js ({plural(len(monthly), 'monthly file')})",
                sum(f.records or 0 for f in monthly),
                None if None in listed else sum(listed),  # type: ignore[arg-type]
                any(f.mismatch for f in monthly),
            )
        )
    return rows


def _report(args: argparse.Namespace) -> int:
    from archivelens import pipeline

    with pipeline.open_library(args.db) as con:
        scope = pipeline.resolve_scope(
            con, args.account, args.snapshot, args.date_from, args.date_to
        )
        rep = pipeline.build_report(con, scope)
        eng = rep.earned or pipeline.engagement(con, scope)
        compared = _compared(con, scope, args)
        if args.html:
            from archivelens.export import html_report

            html_report.write(con, scope, Path(args.html), rep, compared)
    if args.json:
        from archivelens.analysis import comparison, engagement
        from archivelens.analysis.report import as_dict

        out = {**as_dict(rep), "engagement": engagement.as_dict(eng)}
        if compared is not None:
            out["comparison"] = comparison.as_dict(*compared)
        json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_report(rep, sys.stdout)
        print_engagement(eng, sys.stdout)
        if compared is not None:
            print_comparison(*compared, out=sys.stdout)
    return 0


def _export(args: argparse.Namespace) -> int:
    from archivelens import pipeline

    bar = TextProgress()
    cancel = CancelToken()
    try:
        with _stopped_by_signals(cancel), pipeline.open_library(args.db) as con:
            scope = pipeline.resolve_scope(
                con, args.account, args.snapshot, args.date_from, args.date_to
            )
            compared = _compared(con, scope, args)
            if args.format == "pdf":
                pdf = pipeline.export_pdf(con, scope, args.out, args.paper, compared)
            elif args.format == "xlsx":
                book = pipeline.export_xlsx(con, scope, args.out, bar, cancel, compared)
            else:
                result = pipeline.export_csv(
                    con, scope, args.out, not args.no_bom, bar, cancel, compared
                )
    finally:
        bar.finish()
    if args.format == "pdf":
        print(f"Wrote {pdf} ({scope.label}, one page, {args.paper}).")
        return 0
    if args.format == "xlsx":
        print(f"Wrote {book.path} ({scope.label}):")
        for sheet, rows in book.sheets.items():
            cut = "  (stopped at Excel's row limit; the CSV set holds every row)"
            print(f"  {sheet:<27} {plural(rows, 'row'):>15}{cut if sheet in book.cut else ''}")
        return 0
    print(f"Wrote {plural(len(result.files), 'file')} to {result.folder} ({scope.label}):")
    for name, rows in result.files.items():
        print(f"  {name:<27} {plural(rows, 'row'):>15}")
    return 0


def _portfolio(args: argparse.Namespace) -> int:
    from archivelens.analysis import portfolio
    from archivelens.store.library import resolve_library_path

    libraries = [resolve_library_path(db) for db in args.db or [None]]
    entries = portfolio.read(libraries)
    if args.out:
        from archivelens.export import portfolio_csv

        written = portfolio_csv.write(entries, Path(args.out), not args.no_bom)
    if args.json:
        rows = [{c: _plain(getattr(e, c)) for c in portfolio.COLUMNS} for e in entries]
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_portfolio(entries, sys.stdout)
    if args.out:
        print(f"Wrote {written}", file=sys.stderr)
    return 0


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return round(value, 4) if isinstance(value, float) else value


def print_portfolio(entries: list, out: TextIO) -> None:
    """One line per account; a library that could not be read says why on its line."""
    head = ("account", "archive", "tweets", "convers.", "promo", "repet.", "actions", "reviewed")
    out.write(f"{head[0]:<22} {head[1]:<10} " + " ".join(f"{h:>9}" for h in head[2:]) + "\n")
    for e in entries:
        name = (
            f"@{e.account}" if e.account else (f"account {e.account_id}" if e.account_id else "–")
        )
        if e.status:
            out.write(f"{name:<22} {_show(e.archive_date, 'date'):<10} {e.status}  ({e.library})\n")
            continue
        reviewed = "–" if e.checklist is None else f"{e.reviewed:,}/{e.checklist:,}"
        cells = [
            _show(e.tweets, "count"),
            _show(e.conversation_share, "share"),
            _show(e.promotion_share, "share"),
            _show(e.repetition_share, "share"),
            _show(e.actions, "count"),
            reviewed,
        ]
        out.write(
            f"{name:<22} {_show(e.archive_date, 'date'):<10} "
            + " ".join(f"{c:>9}" for c in cells)
            + "\n"
        )


def print_engagement(eng: Engagement, out: TextIO) -> None:
    out.write("\nWhat each kind of tweet earned (likes and retweets per tweet):\n")
    if not eng.known:
        out.write(f"  – {eng.reason}\n")
        return
    out.write(f"  {'':<26} {'tweets':>8} {'likes':>8} {'retweets':>9} {'median likes':>13}\n")
    for row in eng.rows:
        if not row.tweets:
            continue
        likes, retweets = (
            _show(row.likes_per_tweet, "number"),
            _show(row.retweets_per_tweet, "number"),
        )
        median = _show(row.median_likes, "number")
        out.write(f"  {row.label:<26} {row.tweets:>8,} {likes:>8} {retweets:>9} {median:>13}\n")
    from archivelens.analysis.engagement import headline

    sentence = headline(eng)
    if sentence:
        out.write(f"  {sentence}\n")
    out.write(f"  {eng.reason}\n")


def print_comparison(result: Comparison, followers: FollowerCounts | None, out: TextIO) -> None:
    b, a = result.before, result.after
    out.write(f"\nBefore and after: {b.start} to {b.end} against {a.start} to {a.end}\n")
    out.write(f"  {'':<24} {'before':>10} {'after':>10} {'change':>12}\n")
    for r in result.rows:
        change = "–"
        if r.change is not None:
            change = f"{r.change:+.1f} pt" if r.kind == "share" else _show(r.change, r.kind)
            if r.kind == "count":
                change = f"{r.change:+,.0f}"
        verdict = f"  {r.verdict}" if r.verdict else ""
        out.write(
            f"  {r.metric:<24} {_show(r.before, r.kind):>10} {_show(r.after, r.kind):>10} "
            f"{change:>12}{verdict}\n"
        )
    if followers is not None:
        counts, missing = followers
        out.write(
            f"  followers gained {counts['gained_follower']:,}, lost {counts['lost_follower']:,} "
            "(between the archives nearest each period's end)\n"
        )
        for line in missing:
            out.write(f"  {line}\n")
    out.write(f"  {result.note}\n")


def _brand(args: argparse.Namespace) -> int:
    from archivelens import pipeline

    fields = (args.consultant, args.client, args.note, args.logo)
    with pipeline.open_library(args.db) as con:
        if args.clear or any(f is not None for f in fields):
            brand = pipeline.set_branding(
                con, args.consultant, args.client, args.note, args.logo, args.clear
            )
        else:
            brand = pipeline.branding(con)
    if not brand:
        print("No branding: the report names no consultant or client.")
        return 0
    print(f"Consultant: {brand.consultant or '–'}")
    print(f"Client:     {brand.client or '–'}")
    logo = f"{brand.logo_type}, {len(brand.logo):,} bytes" if brand.logo else "–"
    print(f"Logo:       {logo}")
    print(f"Note:       {brand.note or '–'}")
    return 0


def print_report(rep: Report, out: TextIO) -> None:
    scope = rep.scope
    handle = f"@{scope.screen_name}" if scope.screen_name else f"account {scope.account_id}"
    estimated = " (estimated: the archive does not say)" if rep.snapshot_estimated else ""
    out.write(f"{handle} · archive of {scope.generated_at:%Y-%m-%d}{estimated} · {scope.label}\n\n")
    width = max(len(m.name) for m in rep.metrics)
    for m in rep.metrics:
        out.write(f"  {m.name:<{width}}  {_show(m.value, m.kind):>12}  {m.explanation}\n")
    out.write("\nContent mix against the common rules (context, not pass/fail):\n")
    for band in rep.bands:
        mark = {True: "within", False: "outside", None: "–"}[band.within]
        out.write(f"  {band.name:<15} {band.position:<58} {mark}\n")
        out.write(f"  {'':<15} {band.explanation}\n")
    out.write("\nWhat to change:\n")
    if not rep.recommendations:
        out.write(f"  {rep.advice.note}\n")
    for n, r in enumerate(rep.recommendations, start=1):
        out.write(f"  {n}. {r.action}\n     {r.figure}. {r.why}\n     Rows: {r.rows}\n")
    out.write("\nWhat an archive cannot tell:\n")
    for line in rep.cannot_measure:
        out.write(f"  - {line}\n")


def _show(value: object, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "share":
        return f"{value:.1%}"
    if kind == "number":
        return f"{value:,.2f}"
    if kind == "date":
        return f"{value:%Y-%m-%d}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_import(result: ImportResult, out: TextIO) -> None:
    from archivelens.store.snapshots import NO_TWEETS_FILE, TWEET_FILE_KINDS

    c = result.counts
    when = result.generated_at.strftime("%Y-%m-%d")
    estimated = " (estimated: the archive does not say)" if result.generated_estimated else ""
    handle = f"@{result.screen_name}" if result.screen_name else f"account {result.account_id}"
    if result.already_imported:
        out.write(
            f"Already in the library: {handle}, archive of {when}{estimated} "
            f"(snapshot {result.snapshot_id}); nothing changed.\n"
        )
    else:
        out.write(
            f"Imported {handle}, archive of {when}{estimated}, {result.era} format, "
            f"as snapshot {result.snapshot_id}.\n"
        )
    kinds = ", ".join(plural(c[k], *label) for k, label in KIND_LABELS.items())
    if any(f.kind in TWEET_FILE_KINDS for f in result.files):
        out.write(f"  {plural(c['tweets'], 'tweet')}: {kinds}\n")
    else:
        out.write(f"  {NO_TWEETS_FILE.capitalize()}: its tweets are unknown\n")
    held = result.lists

    def count(key: str, list_kind: str, label: tuple[str, str]) -> str:
        one, many = label
        if list_kind not in held:
            return f"{many} not in this archive"
        return plural(c[key], one, many)

    lists = ", ".join(
        count(k, kind, label)
        for k, kind, label in (
            ("followers", "follower", ("follower", "followers")),
            ("following", "following", ("following", "following")),
        )
    )
    mutuals = f", {plural(c['mutuals'], 'mutual')}" if {"follower", "following"} <= held else ""
    out.write(
        f"  {lists}{mutuals}; {count('likes', 'like', ('like', 'likes'))}; "
        f"{count('blocks', 'block', ('blocked', 'blocked'))}, "
        f"{count('mutes', 'mute', ('muted', 'muted'))}; "
        f"{plural(c['people'], 'other account')} named in tweets\n"
    )
    rows = _file_rows(result.files)
    if rows:
        out.write("Files read:\n")
        width = max(len(name) for name, _, _, _ in rows)
        for name, records, expected, mismatch in rows:
            listed = "" if expected is None else f" (listed: {expected:,})"
            flag = "  ⚠ count differs" if mismatch else ""
            out.write(f"  {name:<{width}}  {plural(records, 'record'):>18}{listed}{flag}\n")
    if result.not_read:
        out.write(f"Not read (archivelens does not use them): {', '.join(result.not_read)}\n")
    for warning in result.warnings:
        out.write(f"Warning: {warning}\n")
