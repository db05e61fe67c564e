"""The consultant's Excel workbook: ids as text, dates as dates, formatted sheets and a chart."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import replace
from datetime import datetime
from xml.etree import ElementTree

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
    wb = openpyxl.load_workbook(result.path)
    assert wb.sheetnames == ["Summary", "Monthly", "Engagement", *workbook.LIST_SHEETS]
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
    wb = openpyxl.load_workbook(result.path)
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


def test_every_part_is_well_formed_xml(book):
    _, result = book
    with zipfile.ZipFile(result.path) as zf:
        assert zf.testzip() is None
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(zf.read(name))  # raises on anything not well-formed


def test_a_cancel_while_zipping_leaves_no_file(book, library, tmp_path):
    cancel = CancelToken()

    seen: list[float] = []

    class CancelWhenZipping:
        def update(self, stage, fraction=None):
            if stage == "Compressing the workbook":
                seen.append(fraction)
                if len(seen) == 2:  # the first rows are in the zip: stop there
                    cancel.cancel()

    out = tmp_path / "cancelled"
    with pipeline.open_library(library) as con, pytest.raises(Cancelled):
        pipeline.export_xlsx(con, pipeline.resolve_scope(con), out, CancelWhenZipping(), cancel)
    assert len(seen) == 2 and seen[0] < seen[1] < 1.0  # stopped at the next sheet's rows
    assert list(out.iterdir()) == []


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


def test_the_summary_reads_in_words_with_a_frozen_header(book):
    _, result = book
    sheet = openpyxl.load_workbook(result.path)["Summary"]
    assert sheet.freeze_panes == "A3"  # who and which period stay in sight
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Metric")
    assert header[:3] == ("Metric", "Value", "Explanation")
    labels = [
        r[0]
        for r in sheet.iter_rows(values_only=True)
        if r[0] and r[2] and not str(r[0]).startswith(("What", "Metric", "Rule"))
    ]
    assert "Promotion share" in labels and not any("_" in str(x) for x in labels)
    # Band positions sit in the wide column C, never clipped by B.
    assert sheet.column_dimensions["C"].width >= 90
    bands = {r[0]: r for r in sheet.iter_rows(values_only=True) if r[0] == "4-1-1"}
    assert bands["4-1-1"][1] in ("within", "outside", "–")
    assert bands["4-1-1"][2].startswith(("per promotional tweet", "no promotional tweets"))


def test_similarity_and_gaps_are_numbers(book):
    _, result = book
    sheet = openpyxl.load_workbook(result.path)["Sales blasts and templates"]
    header, *body = sheet.iter_rows(values_only=True)
    similarity, gap = header.index("similarity"), header.index("days_since_previous")
    assert body and all(isinstance(r[similarity], int | float) for r in body)
    assert all(0 < r[similarity] <= 100 for r in body)
    gaps = [r[gap] for r in body if r[gap] is not None]
    assert gaps and all(isinstance(g, int | float) and g >= 0 for g in gaps)


def test_partners_have_a_profile_link_and_a_readable_name(book):
    _, result = book
    sheet = openpyxl.load_workbook(result.path)["Conversation partners"]
    header = [c.value for c in sheet[1]]
    link = header.index("profile_url") + 1
    assert re.fullmatch(
        r'=HYPERLINK\("https://twitter\.com/intent/user\?user_id=\d+"\)', sheet.cell(2, link).value
    )
    name = openpyxl.utils.get_column_letter(header.index("display_name") + 1)
    assert sheet.column_dimensions[name].width >= 30


def test_the_monthly_chart_has_every_month(make_archive, library, tmp_path):
    """Tweets in 2016–2020 and in June 2023, nothing between: every month is a bar."""
    spec = replace(era_spec("current", tweets=300), burst=100, burst_silence_days=3 * 365)
    path, story, _ = make_archive("current", spec=spec)
    pipeline.import_archive(path, library)
    with pipeline.open_library(library) as con:
        result = pipeline.export_xlsx(con, pipeline.resolve_scope(con), tmp_path / "out")
    first, last = min(t.created_at for t in story.tweets), max(t.created_at for t in story.tweets)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    sheet = openpyxl.load_workbook(result.path)["Monthly"]
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    assert result.sheets["Monthly"] == len(body) == months
    assert [r[0] for r in body][:2] == [f"{first:%Y-%m}", _next(first)]
    assert sum(1 for r in body if r[1] == 0) > 30  # the silence, as months of zero
    assert sum(r[1] for r in body) == len(story.tweets)
    with zipfile.ZipFile(result.path) as zf:
        xml = zf.read("xl/charts/chart1.xml").decode()
    assert f"$A$2:$A${months + 1}" in xml


def _next(when: datetime) -> str:
    return f"{when.year + 1}-01" if when.month == 12 else f"{when.year}-{when.month + 1:02d}"
