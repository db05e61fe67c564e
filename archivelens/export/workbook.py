"""The consultant's Excel workbook: one .xlsx with the summary, the recommendations, a chart of the
monthly content mix, and every list of the CSV set as a formatted sheet.

Built for Excel's habits: ids are text (Excel would turn a 19-digit id into 1.23457E+18 and lose
it on save), dates are Excel dates, each sheet has a frozen header row, an autofilter and set
column widths, and a profile or tweet link is a click away on every row. The list sheets' rows
are rendered by DuckDB (``xlsx_rows``: XlsxWriter's per-cell Python took six minutes for a big
library) into files of their own first, the long part, batch by batch, so a library of millions of
tweets never sits in memory; then XlsxWriter makes the rest of the workbook around their header
rows, through its public API; then one pass zips the two together. A sheet stops at Excel's
1,048,576 rows with a line saying so (the CSV set keeps everything). The workbook and its
report.html appear together, complete, or not at all.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError, XlsxWriterException

from archivelens.analysis import comparison, engagement, report
from archivelens.analysis.scope import Scope
from archivelens.errors import UserError, from_environment, sentence_for_os_error
from archivelens.export import csvset, html_report, landing, xlsx_rows
from archivelens.progress import CancelToken, NullProgress, Progress
from archivelens.store import branding
from archivelens.store.library import bind
from archivelens.words import plural

EXCEL_ROWS = 1_048_576
_BATCH = 20_000

# Sheets filled from the CSV set's own queries: sheet title → CSV file.
LIST_SHEETS = {
    "Sales blasts and templates": "duplicate_blasts.csv",
    "Follow-back checklist": "not_followed_back.csv",
    "Not following you": "not_following_you.csv",
    "Conversation partners": "conversation_partners.csv",
    "Follower changes": "follower_changes.csv",
    "Tweets": "tweets.csv",
}
_IDS = {"tweet_id", "account_id"}  # text, always: Excel keeps 15 digits of a number
_DATES = {
    "created_at",
    "first_interaction",
    "last_interaction",
    "reviewed_at",
    "from_snapshot",
    "to_snapshot",
}
_LINKS = {"profile_url", "tweet_url"}
_WIDTHS = {
    "text": 80,
    "note": 40,
    "action": 70,
    "explanation": 80,
    "why": 60,
    "rows": 45,
    "profile_url": 50,  # the whole link shows
    "display_name": 30,  # names are read, not guessed at
    "screen_name": 20,
    "tweet_url": 62,
}


@dataclass
class WorkbookResult:
    path: Path
    sheets: dict[str, int]  # sheet → data rows written
    cut: list[str]  # sheets stopped at Excel's row limit


def export_xlsx(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    folder: Path,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    compared: comparison.Compared | None = None,
) -> WorkbookResult:
    """Write ``archivelens-<account>-<archive date>.xlsx`` into *folder* (with *compared*, a
    Comparison sheet)."""
    progress = progress or NullProgress()
    cancel = cancel or CancelToken()
    csvset.create_folder(folder)
    name = f"archivelens-{scope.screen_name or scope.account_id}-{scope.generated_at:%Y-%m-%d}"
    target = folder / f"{name}.xlsx"
    landing.check_destinations(folder, [target.name, html_report.FILE_NAME])
    # XlsxWriter's temporary files, the growing workbook and its report.html live in a scratch
    # folder, gone after a failure or a cancel; the two land together or not at all.
    work = csvset.scratch_folder(folder)
    try:
        progress.update("Calculating the figures", 0.02)
        rep = report.build(con, scope)
        result = _write(con, rep, work / target.name, progress, cancel, compared)
        html_report.write(con, scope, work / html_report.FILE_NAME, rep, compared)
        landing.land(work, folder, [target.name, html_report.FILE_NAME])
    except OSError as err:
        raise UserError(sentence_for_os_error(err, f"writing {target.name}")) from None
    except duckdb.Error as err:
        machine = from_environment(err, f"writing {target.name}")
        if machine is None:
            raise
        raise machine from None
    finally:
        landing.discard(work)
    progress.update("Done", 1.0)
    return WorkbookResult(target, result[0], result[1])


def _write(
    con: duckdb.DuckDBPyConnection,
    rep: report.Report,
    path: Path,
    progress: Progress,
    cancel: CancelToken,
    compared: comparison.Compared | None,
) -> tuple[dict[str, int], list[str]]:
    """The list sheets' rows first, each into a file beside *path* (the long part, cancelled
    between batches); then the rest of the workbook, in XlsxWriter, around their headers; then
    the two zipped together into *path*."""
    tables = _tables(con, rep, path.parent, progress, cancel)
    skeleton, rows = _skeleton(con, rep, tables, progress, compared, path.parent)

    def zipped(fraction: float) -> None:
        cancel.check()
        progress.update("Compressing the workbook", _ZIPPING + (1 - _ZIPPING) * fraction)

    zipped(0.0)
    xlsx_rows.assemble(skeleton, path, {title: t.rows for title, t in tables.items()}, zipped)
    return rows, [title for title, t in tables.items() if t.stopped]


# Where the bar stands when the rows are written and the zipping begins (about an eighth of a
# big library's time: 9 s of 74 s for 2M tweets on a busy two-core machine).
_ZIPPING = 0.85


@dataclass
class _Table:
    rows: xlsx_rows.SheetRows
    stopped: bool  # at Excel's row limit


def _tables(
    con: duckdb.DuckDBPyConnection,
    rep: report.Report,
    folder: Path,
    progress: Progress,
    cancel: CancelToken,
) -> dict[str, _Table]:
    """Each list sheet's rows, rendered into a file in *folder*."""
    scope = rep.scope
    tables: dict[str, _Table] = {}
    sources = dict(csvset.sources(con, scope, rep))
    span = (_ZIPPING - 0.08) / len(LIST_SHEETS)
    for n, (title, file) in enumerate(LIST_SHEETS.items()):
        cancel.check()
        start = 0.05 + span * n

        def written(count: int, title: str = title, start: float = start) -> None:
            """Rows so far, the bar moving towards a full sheet (the count is not known ahead)."""
            stage = f"Writing the sheet “{title}”" + (f": {plural(count, 'row')}" if count else "")
            progress.update(stage, start + span * min(count / EXCEL_ROWS, 1.0))

        written(0)
        sql, params = sources[file]()
        path = folder / f"rows-{n + 1}.xml"
        tables[title] = _table(con, sql, {**scope.params(), **params}, path, cancel, written)
    return tables


def _skeleton(
    con: duckdb.DuckDBPyConnection,
    rep: report.Report,
    tables: dict[str, _Table],
    progress: Progress,
    compared: comparison.Compared | None,
    tmpdir: Path,
) -> tuple[io.BytesIO, dict[str, int]]:
    """The workbook as XlsxWriter makes it, each list sheet's rows still to come (small: in
    memory); and how many data rows each sheet has."""
    skeleton = io.BytesIO()
    book = xlsxwriter.Workbook(
        skeleton, {"constant_memory": True, "strings_to_formulas": False, "tmpdir": str(tmpdir)}
    )
    try:
        rows = _sheets(book, con, rep, tables, progress, compared)
    except BaseException:
        # Closing the half-made workbook closes XlsxWriter's temporary files, so that their
        # folder can be removed, on Windows too; the error to report is the first one.
        with contextlib.suppress(XlsxWriterException, OSError):
            book.close()
        raise
    try:
        book.close()
    except FileCreateError as err:  # XlsxWriter's wrapping of the OSError that says why
        cause = err.args[0] if err.args else None
        if isinstance(cause, OSError):
            raise cause from None
        raise
    return skeleton, rows


def _sheets(
    book: xlsxwriter.Workbook,
    con: duckdb.DuckDBPyConnection,
    rep: report.Report,
    tables: dict[str, _Table],
    progress: Progress,
    compared: comparison.Compared | None,
) -> dict[str, int]:
    formats = _Formats(book)
    rows: dict[str, int] = {}
    progress.update("Writing the summary", _ZIPPING - 0.02)
    rows["Summary"] = _summary(book.add_worksheet("Summary"), rep, formats, branding.get(con))
    rows["Monthly"] = _monthly(book, book.add_worksheet("Monthly"), rep.months, formats)
    progress.update("Writing what each kind of tweet earned", _ZIPPING - 0.01)
    rows["Engagement"] = _engagement(book.add_worksheet("Engagement"), con, rep, formats)
    if compared is not None:
        rows["Comparison"] = _comparison(book.add_worksheet("Comparison"), compared, formats)
    for title, table in tables.items():
        _list_sheet(book.add_worksheet(title), table, formats)
        rows[title] = table.rows.rows
    return rows


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
        self.date = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.share = book.add_format({"num_format": "0.0%"})
        self.number = book.add_format({"num_format": "0.00"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.note = book.add_format({"italic": True, "font_color": "#9C0006"})
        self.link = book.add_format({"font_color": "#0563C1", "underline": 1})  # Excel's own
        self.muted = book.add_format({"italic": True, "font_color": "#808080"})
        self.wrap_plain = book.add_format({"text_wrap": True})
        self.points = book.add_format({"num_format": '+0.0" pt";-0.0" pt";0.0" pt"'})
        self.signed = book.add_format({"num_format": "+#,##0;-#,##0;0"})
        self.signed_number = book.add_format({"num_format": "+0.00;-0.00;0.00"})


def _summary(
    sheet: Any, rep: report.Report, f: _Formats, brand: branding.Branding | None = None
) -> int:
    scope = rep.scope
    who = f"@{scope.screen_name}" if scope.screen_name else f"account {scope.account_id}"
    estimated = " (estimated: the archive does not say)" if rep.snapshot_estimated else ""
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 100)
    sheet.set_landscape()  # printed or saved as PDF: one page wide
    sheet.fit_to_pages(1, 0)
    sheet.freeze_panes(2, 0)  # who and which period stay in sight while scrolling
    title = f"{who} · archive of {scope.generated_at:%Y-%m-%d}{estimated}"
    sheet.write_string(0, 0, title, f.title)
    sheet.write_string(1, 0, f"Period: {scope.label}")
    row = 3 + _branding(sheet, 2, brand or branding.Branding(), f)
    sheet.write_string(row, 0, "What to change", f.bold)
    row += 1
    if not rep.recommendations:
        sheet.merge_range(row, 0, row, 2, rep.advice.note, f.wrap)
        row += 1
    for n, r in enumerate(rep.recommendations, start=1):
        sheet.set_row(row, 60)  # four lines: Excel does not grow a row for wrapped text
        sheet.merge_range(
            row, 0, row, 2, f"{n}. {r.action}\n{r.figure}. {r.why}\nRows: {r.rows}.", f.wrap
        )
        row += 1
    row += 1
    for col, title in enumerate(("Metric", "Value", "Explanation")):
        sheet.write_string(row, col, title, f.header)
    first = row
    row += 1
    for m in rep.metrics:
        sheet.write_string(row, 0, report.label(m.name))
        if m.value is None and m.unknown:
            sheet.write_string(row, 1, "unknown", f.muted)
        _cell(sheet, row, 1, m.value, f, m.kind)
        sheet.write_string(row, 2, m.explanation, f.wrap_plain)
        row += 1
    sheet.autofilter(first, 0, row - 1, 2)
    row += 1
    sheet.write_string(row, 0, "Content mix against the common rules", f.bold)
    row += 1
    for col, title in enumerate(("Rule", "Verdict", "Where you sit, and the rule")):
        sheet.write_string(row, col, title, f.header)
    row += 1
    for band in rep.bands:
        # The position goes with the explanation in the wide column: in B it was clipped.
        sheet.set_row(row, 30)  # two lines
        sheet.write_string(row, 0, band.name)
        sheet.write_string(row, 1, report.VERDICTS[band.within] or "–")
        sheet.write_string(row, 2, f"{band.position}\n{band.explanation}", f.wrap)
        row += 1
    row += 1
    sheet.write_string(row, 0, "What an archive cannot tell", f.bold)
    for line in rep.cannot_measure:
        row += 1
        sheet.write_string(row, 0, line)
    return len(rep.metrics)


def _branding(sheet: Any, row: int, brand: branding.Branding, f: _Formats) -> int:
    """The consultant's branding under the title (rows from *row*; the logo at the top right);
    how many rows it took."""
    import io

    from archivelens.export.page import prepared_line

    lines = [line for line in (prepared_line(brand), brand.note) if line]
    for n, line in enumerate(lines):
        sheet.merge_range(row + n, 0, row + n, 2, line, f.bold if n == 0 else f.wrap)
    if brand.note:
        sheet.set_row(row + len(lines) - 1, 45)  # the note wraps: Excel does not grow the row
    if brand.logo:
        from PIL import Image

        with Image.open(io.BytesIO(brand.logo)) as image:
            scale = 36 / image.height  # the title's two rows high
        sheet.insert_image(
            0,
            2,
            "logo",
            {
                "image_data": io.BytesIO(brand.logo),
                "x_scale": scale,
                "y_scale": scale,
                "x_offset": 320,
                "object_position": 3,  # stays put when rows or columns are resized
            },
        )
    return len(lines)


_MONTHLY = (
    ("month", "Month"),
    ("tweets", "Tweets"),
    ("replies_to_others", "Conversation"),
    ("sharing_tweets", "Sharing others"),
    ("amplifying", "Amplifying"),
    ("promotional_tweets", "Promoting"),
    ("conversation_share", "Conversation share"),
    ("promotion_share", "Promotion share"),
    ("distinct_accounts_engaged", "Accounts engaged"),
)


def every_month(months: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """*months* (those with tweets) with the months between them as rows of zeros, so a chart's
    axis keeps time: 46 months are 46 bars, and a quiet spell shows as one."""
    if not months:
        return []
    have = {m["month"]: m for m in months}
    year, month = (int(x) for x in months[0]["month"].split("-"))
    out: list[dict[str, Any]] = []
    while True:
        key = f"{year:04d}-{month:02d}"
        zero = {k: 0 for k, _ in _MONTHLY} | {"retweets": 0, "quotes": 0, "month": key}
        out.append(have.get(key, zero | {"conversation_share": None, "promotion_share": None}))
        if key == months[-1]["month"]:
            return out
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _monthly(
    book: xlsxwriter.Workbook, sheet: Any, months: list[dict[str, Any]], f: _Formats
) -> int:
    months = every_month(months)
    sheet.set_column(0, len(_MONTHLY) - 1, 16)
    sheet.freeze_panes(1, 0)
    for col, (_, title) in enumerate(_MONTHLY):
        sheet.write_string(0, col, title, f.header)
    for row, m in enumerate(months, start=1):
        values = {**m, "amplifying": m["retweets"] + m["quotes"]}
        for col, (key, _) in enumerate(_MONTHLY):
            _cell(sheet, row, col, values[key], f, "share" if key.endswith("_share") else "")
    if months:
        sheet.autofilter(0, 0, len(months), len(_MONTHLY) - 1)
        chart = book.add_chart({"type": "column", "subtype": "stacked"})
        colors = ("#2E86AB", "#59A14F", "#F1A340", "#D1495B")
        for col, color in zip(range(2, 6), colors, strict=True):
            chart.add_series(
                {
                    "name": ["Monthly", 0, col],
                    "categories": ["Monthly", 1, 0, len(months), 0],
                    "values": ["Monthly", 1, col, len(months), col],
                    "fill": {"color": color},
                    "gap": 20,
                }
            )
        chart.set_title({"name": "Content mix by month"})
        chart.set_y_axis({"name": "tweets"})
        # Text categories: every month stays on the axis, in order (a date axis would drop
        # or bunch them); Excel thins the labels itself when they would not fit.
        chart.set_x_axis({"num_font": {"rotation": -45}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 960, "height": 400})
        sheet.insert_chart(1, len(_MONTHLY) + 1, chart)
    return len(months)


_ENGAGEMENT_WIDTHS = (26, 22, 16, 16, 20, 16, 80, 62)


def _engagement(sheet: Any, con: duckdb.DuckDBPyConnection, rep: report.Report, f: _Formats) -> int:
    """What each kind of tweet earned (the rows of ``engagement.csv``), the sentence a
    consultant quotes, and the ten tweets that earned most; top to bottom, as constant-memory
    mode writes. Unknown figures stay empty and the row says why."""
    eng = rep.earned or engagement.by_kind(con, rep.scope)
    no_tweets = rep.unknown("tweets")
    for col, width in enumerate(_ENGAGEMENT_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.write_string(0, 0, "What each kind of tweet earned", f.title)
    sheet.write_string(1, 0, engagement.note(eng, no_tweets), f.muted)
    sentence = engagement.headline(eng)
    if sentence:
        sheet.write_string(2, 0, sentence, f.bold)
    header = ("Kind", "Tweets", "Likes per tweet", "Retweets per tweet", "Median likes")
    _header(sheet, 4, (*header, "Median retweets", "Explanation"), f)
    for row, r in enumerate(eng.rows, start=5):
        sheet.write_string(row, 0, r.label.capitalize())
        if not no_tweets:
            sheet.write_number(row, 1, r.tweets)
        figures = (r.likes_per_tweet, r.retweets_per_tweet, r.median_likes, r.median_retweets)
        for col, value in enumerate(figures, start=2):
            _cell(sheet, row, col, value, f, "number")
        sheet.write_string(row, 6, engagement.row_note(eng, r, no_tweets))
    return len(eng.rows) + _top_ten(sheet, 6 + len(eng.rows), con, rep.scope, eng, f)


def _top_ten(
    sheet: Any,
    row: int,
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    eng: engagement.Engagement,
    f: _Formats,
) -> int:
    """The own tweets with the most likes + retweets from *row* on (one line saying why for an
    archive without counts); how many."""
    sheet.write_string(
        row, 0, f"The {engagement.TOP} tweets with the most likes + retweets", f.bold
    )
    titles = ("Rank", "Tweet id", "Likes", "Retweets", "Date", "Kind", "Text", "Link")
    _header(sheet, row + 1, titles, f)
    row += 2
    if eng.unknown:
        sheet.write_string(row, 0, eng.reason, f.muted)
        return 0
    top = engagement.top_tweets(con, scope).to_pylist()
    address = csvset.tweet_address(scope.screen_name)
    for n, t in enumerate(top, start=row):
        sheet.write_number(n, 0, t["rank"])
        sheet.write_string(n, 1, str(t["tweet_id"]))  # text: Excel keeps 15 digits
        sheet.write_number(n, 2, t["favorite_count"])
        sheet.write_number(n, 3, t["retweet_count"])
        sheet.write_datetime(n, 4, t["created_at"], f.date)
        sheet.write_string(n, 5, t["kind"] + (", promotional" if t["is_promotional"] else ""))
        sheet.write_string(n, 6, t["text"] or "")
        url = f"{address}{t['tweet_id']}"
        sheet.write_formula(n, 7, f'HYPERLINK("{url}")', f.link, url)
    return len(top)


def _comparison(sheet: Any, compared: comparison.Compared, f: _Formats) -> int:
    """Before and after (the rows of ``comparison.csv``): each figure in both periods, the
    change (a share's in percentage points) and the verdict where one way is better."""
    result, followers = compared
    for col, width in enumerate((30, 14, 14, 14, 12, 90)):
        sheet.set_column(col, col, width)
    sheet.write_string(0, 0, "Before and after", f.title)
    for n, (name, period, tweets) in enumerate(
        (
            ("Before", result.before, result.before_tweets),
            ("After", result.after, result.after_tweets),
        ),
        start=1,
    ):
        sheet.write_string(n, 0, f"{name}: {period.start} to {period.end}")
        sheet.write_string(n, 1, plural(tweets, "tweet"))
    sheet.write_string(3, 0, result.note, f.muted)
    _header(sheet, 5, ("Metric", "Before", "After", "Change", "Verdict", "Explanation"), f)
    sheet.freeze_panes(6, 0)
    rows = (*result.rows, *comparison.follower_rows(followers))
    for row, r in enumerate(rows, start=6):
        sheet.write_string(row, 0, report.label(r.metric))
        _cell(sheet, row, 1, r.before, f, r.kind)
        _cell(sheet, row, 2, r.after, f, r.kind)
        if r.change is not None:
            change_format = {"share": f.points, "count": f.signed}.get(r.kind, f.signed_number)
            sheet.write_number(row, 3, r.change, change_format)
        if r.verdict:
            sheet.write_string(row, 4, r.verdict)
        sheet.write_string(row, 5, r.explanation)
    sheet.autofilter(5, 0, 5 + len(rows), 5)
    return len(rows)


def _header(sheet: Any, row: int, titles: tuple[str, ...], f: _Formats) -> None:
    for col, title in enumerate(titles):
        sheet.write_string(row, col, title, f.header)


def _table(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, Any],
    path: Path,
    cancel: CancelToken,
    written: Callable[[int], None],
) -> _Table:
    """One query's rows, rendered into *path*, *written* told the count after each batch."""
    params = bind(sql, params)
    cols = xlsx_rows.describe(con, sql, params, text=_IDS, links=_LINKS, dates=_DATES)
    room = EXCEL_ROWS - 2  # the last row says why the sheet ends there, if it must
    stopped = False
    con.complete()  # DuckDB refuses a new relation while an execute() result is open
    # Both closed even on cancel: an open reader would block every later query on *con*.
    with (
        xlsx_rows.SheetRows(path, cols) as rows,
        con.sql(rows.sql(sql), params=params).to_arrow_reader(_BATCH) as reader,
    ):
        for batch in reader:
            cancel.check()
            appended = rows.append(batch, room)
            written(rows.rows)
            room -= appended
            if room == 0:
                stopped = appended < batch.num_rows or any(b.num_rows for b in reader)
                break
    return _Table(rows, stopped)


def _list_sheet(sheet: Any, table: _Table, f: _Formats) -> None:
    """A list sheet around its rows, which join it when the workbook is zipped: column widths,
    the header, the probe for the rows' styles, the line at Excel's limit, the autofilter."""
    cols, count = table.rows.cols, table.rows.rows
    for col, c in enumerate(cols):
        width = _WIDTHS.get(c.name, 22 if c.name in _IDS or c.name in _DATES else 16)
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, c.name, f.header)
    sheet.freeze_panes(1, 0)
    xlsx_rows.probe(sheet, f.date, f.link)
    if table.stopped:  # below the probe: a sheet stops after a million rows (EXCEL_ROWS > 3)
        sheet.write_string(
            count + 1,
            0,
            f"Excel holds at most {EXCEL_ROWS:,} rows: the sheet stops here. The CSV set "
            "(archivelens export) holds every row.",
            f.note,
        )
    sheet.autofilter(0, 0, max(count, 1), len(cols) - 1)


def _cell(sheet: Any, row: int, col: int, value: Any, f: _Formats, kind: str) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value, f.date)
    elif isinstance(value, int | float):
        fmt = f.share if kind == "share" else f.number if kind == "number" else None
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value))
