"""The consultant's Excel workbook: ids as text, dates as dates, formatted sheets and a chart."""

from __future__ import annotations

import re
import zipfile
import zlib
from datetime import datetime

import openpyxl
import pytest

from archivelens import pipeline
from archivelens.export import workbook
from archivelens.progress import Cancelled, CancelToken
from tests.conftest import era_spec


@pytest.fixture
def book(make_archive, library, tmp_path):
    path, story, _ = make_archive("current", spec=era_spec("current", blast_clusters=4))
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        result = pipeline.export_xlsx(con, pipeline.resolve_scope(con), tmp_path / "out")
    return story, result


def test_every_sheet_with_its_rows(book):
    story, result = book
    assert result.path.name == "archivelens-ZimblerMiller-2023-07-02.xlsx"
    # the workbook and the one-page report, no scratch file left
    assert sorted(p.name for p in result.path.parent.iterdir()) == [result.path.name, "report.html"]
    wb = openpyxl.load_workbook(result.path, read_only=True)
    assert wb.sheetnames == ["Summary", "Monthly", *workbook.LIST_SHEETS]
    assert result.sheets["Tweets"] == len(story.tweets)
    assert result.cut == []


def test_ids_are_text_dates_are_dates_and_headers_stay(book):
    story, result = book
    wb = openpyxl.load_workbook(result.path)
    tweets = wb["Tweets"]
    header = [c.value for c in tweets[1]]
    ids = {str(t.tweet_id) for t in story.tweets}
    first = {h: c for h, c in zip(header, tweets[2], strict=True)}
    assert first["tweet_id"].data_type == "s" and first["tweet_id"].value in ids  # every digit
    assert isinstance(first["created_at"].value, datetime)
    assert tweets.freeze_panes == "A2" and tweets.auto_filter.ref.startswith("A1:")
    checklist = wb["Follow-back checklist"]
    column = [c.value for c in checklist[1]].index("profile_url") + 1
    for row in (2, checklist.max_row):  # every row's profile is one click away
        link = checklist.cell(row, column).value
        assert re.fullmatch(r'=HYPERLINK\("https://twitter\.com/[^"]+"\)', link), link
    summary = wb["Summary"]
    texts = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert "What to change" in texts and "Repetition share" in texts  # in words


def test_the_monthly_sheet_has_a_native_stacked_chart(book):
    _, result = book
    with zipfile.ZipFile(result.path) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        xml = zf.read(charts[0]).decode()
    assert len(charts) == 1 and 'grouping val="stacked"' in xml and "Monthly" in xml


def test_a_sheet_stops_at_excels_row_limit(book, make_archive, library, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "EXCEL_ROWS", 100)
    with pipeline.open_library(library) as con:
        result = pipeline.export_xlsx(con, pipeline.resolve_scope(con), tmp_path / "small")
    assert "Tweets" in result.cut and result.sheets["Tweets"] == 98
    wb = openpyxl.load_workbook(result.path, read_only=True)
    last = list(wb["Tweets"].iter_rows(values_only=True))[-1]
    assert "at most 100 rows" in last[0] and "CSV set" in last[0]


def test_sheets_are_deflated_at_zlibs_fastest_level(book):
    """The speed of a million-row sheet rests on it (XlsxWriter's own default is level 6)."""
    _, result = book
    with zipfile.ZipFile(result.path) as zf:
        info = zf.getinfo("xl/worksheets/sheet8.xml")  # Tweets
        data = zf.read(info)
    fastest = zlib.compressobj(zlib.Z_BEST_SPEED, zlib.DEFLATED, -15)
    assert info.compress_size == len(fastest.compress(data) + fastest.flush())


def test_a_cancel_mid_sheet_leaves_no_file_and_the_library_usable(book, library, tmp_path):
    cancel = CancelToken()

    class CancelAtTweets:
        def update(self, stage, fraction=None):
            if "Tweets" in stage:
                cancel.cancel()

    out = tmp_path / "cancelled"
    with pipeline.open_library(library) as con:
        with pytest.raises(Cancelled):
            pipeline.export_xlsx(con, pipeline.resolve_scope(con), out, CancelAtTweets(), cancel)
        assert con.execute("SELECT count(*) FROM tweets").fetchone()[0] > 0  # no reader left open
    assert list(out.iterdir()) == []
