"""Rows rendered by DuckDB, zipped into XlsxWriter's workbook, are the rows XlsxWriter itself would
write, byte for byte."""

from __future__ import annotations

import io
import math
import random
import re
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest
import xlsxwriter

from archivelens.export import xlsx_rows

AWKWARD_TEXT = [
    "plain words",
    "fish & chips <b>bold</b> \"quoted\" 'single'",
    " leading space",
    "trailing space ",
    "\u00a0no-break space first",
    "ideographic space last\u3000",
    "two\nlines\tand a tab",
    "control \x01 and \x1f and \x0b and \r",
    "a literal _x0041_ and _xABCD_ stay literal",
    "emoji 🎉👍🏽 and 中文 and العربية",
    "\ufffe and \uffff",
    "",
    None,
    "x" * 20_000,
    "y" * 40_000,  # over Excel's 32,767: cut there
    "=SUM(A1:A2) is text, not a formula",
]
NUMBERS = [0, -5, 2**53, 13, 0.1, 1 / 3, 1e-7, 1e20, float("nan"), float("inf"), None]
DATES = [
    "2016-01-01T00:00:27Z",
    "2023-06-04T15:05:53.123456Z",
    "2020-02-29",
    "1900-02-28T12:00:00",
    "not a date",
    "",
    None,
]
LINKS = [
    "https://twitter.com/intent/user?user_id=2249053994",
    'https://example.com/a"b?c=1&d=<2>',
    "https://example.com/" + "z" * 300,  # longer than a formula's text: stays text
    "",
    None,
]


@pytest.fixture
def con():
    con = duckdb.connect()
    rows = max(len(AWKWARD_TEXT), len(NUMBERS), len(DATES), len(LINKS))
    con.execute(
        "CREATE TABLE t (id BIGINT, text VARCHAR, number DOUBLE, count BIGINT, flag BOOLEAN, "
        "created VARCHAR, url VARCHAR)"
    )
    for n in range(rows):
        con.execute(
            "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                1234567890123456789 + n,
                AWKWARD_TEXT[n % len(AWKWARD_TEXT)],
                NUMBERS[n % len(NUMBERS)],
                n * 7 if n % 4 else None,
                [True, False, None][n % 3],
                DATES[n % len(DATES)],
                LINKS[n % len(LINKS)],
            ],
        )
    return con


SQL = "SELECT * FROM t ORDER BY id"


def _rows(con, sql, cols, path, batch_size, limit=10**6) -> xlsx_rows.SheetRows:
    """*sql*'s rows rendered into *path*, *batch_size* rows a batch."""
    with xlsx_rows.SheetRows(path, cols) as rows:
        for batch in con.sql(rows.sql(sql)).to_arrow_reader(batch_size):
            limit -= rows.append(batch, limit)
    return rows


def _assembled(tmp_path, book, skeleton, sheets) -> Path:
    """*book* (writing to *skeleton*) closed, then zipped with the rows of *sheets*."""
    book.close()
    skeleton.seek(0)
    path = tmp_path / "assembled.xlsx"
    xlsx_rows.assemble(skeleton, path, sheets)
    return path


def _new_book(tmp_path):
    skeleton = io.BytesIO()
    options = {"constant_memory": True, "tmpdir": str(tmp_path)}
    return xlsxwriter.Workbook(skeleton, options), skeleton


def test_rendered_rows_are_what_xlsxwriter_writes_itself(con, tmp_path):
    book, skeleton = _new_book(tmp_path)
    header = book.add_format({"bold": True})
    date = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    link = book.add_format({"font_color": "#0563C1", "underline": 1})
    cols = xlsx_rows.describe(con, SQL, {}, text={"id"}, links={"url"}, dates={"created"})
    assert [c.kind for c in cols] == ["text", "text", "number", "number", "bool", "date", "link"]
    rows = _rows(con, SQL, cols, tmp_path / "rows.xml", 3)  # several batches

    fast = book.add_worksheet("fast")
    for col, c in enumerate(cols):
        fast.write_string(0, col, c.name, header)
    xlsx_rows.probe(fast, date, link)

    slow = book.add_worksheet("slow")
    for col, c in enumerate(cols):
        slow.write_string(0, col, c.name, header)
    for row, values in enumerate(con.execute(SQL).fetchall(), start=1):
        for col, (c, value) in enumerate(zip(cols, values, strict=True)):
            _reference_cell(slow, row, col, c.kind, value, date, link)
    path = _assembled(tmp_path, book, skeleton, {"fast": rows})

    with zipfile.ZipFile(path) as zf:
        fast_xml, slow_xml = (zf.read(f"xl/worksheets/sheet{n}.xml").decode() for n in (1, 2))
    assert rows.rows == len(con.execute(SQL).fetchall())
    assert _data(fast_xml) == _data(slow_xml)
    assert 's="' in _data(fast_xml)[-1]  # styled cells: the probe's numbers are in
    with zipfile.ZipFile(skeleton) as made, zipfile.ZipFile(path) as zipped:
        assert made.namelist() == zipped.namelist()
        others = [n for n in made.namelist() if n != "xl/worksheets/sheet1.xml"]
        assert all(made.read(n) == zipped.read(n) for n in others)  # copied as XlsxWriter made them


def _reference_cell(sheet, row, col, kind, value, date, link) -> None:
    """What the app means each value to become, in XlsxWriter's public cell methods."""
    if value is None or value == "":
        return  # a blank cell, not an empty text
    if kind == "number":
        if math.isfinite(value):
            sheet.write_number(row, col, value)
    elif kind == "bool":
        sheet.write_boolean(row, col, value)
    elif kind == "date" and _iso(value):
        sheet.write_datetime(row, col, _iso(value), date)
    elif kind == "link" and value and len(value) <= xlsx_rows.LITERAL_MAX:
        literal = value.replace('"', '""')
        sheet.write_formula(row, col, f'=HYPERLINK("{literal}")', link, value)
    else:
        sheet.write_string(row, col, str(value))


def _iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        return None


def _data(xml: str) -> list[str]:
    """The dimension and each row's XML (a list: pytest shows which row differs)."""
    rows = re.search(r"<sheetData>(.*)</sheetData>", xml, re.S)[1]
    return [re.search(r"<dimension.*?/>", xml)[0], *re.findall(r"<row .*?</row>", rows, re.S)]


def test_text_past_excels_limit_is_cut_to_it_whatever_its_characters(tmp_path):
    con = duckdb.connect()
    emoji = "🎉" * 20_000  # 40,000 UTF-16 units
    con.execute("CREATE TABLE t AS SELECT ? AS text, ? AS other", [emoji, "ok"])
    book, skeleton = _new_book(tmp_path)
    sheet = book.add_worksheet()
    sql = "SELECT * FROM t"
    cols = xlsx_rows.describe(con, sql, {}, text=set(), links=set(), dates=set())
    rows = _rows(con, sql, cols, tmp_path / "rows.xml", 10)
    sheet.write_string(0, 0, "text")
    xlsx_rows.probe(sheet, book.add_format(), book.add_format())
    path = _assembled(tmp_path, book, skeleton, {sheet.name: rows})
    cell = openpyxl.load_workbook(path).active.cell(2, 1).value
    assert emoji.startswith(cell) and 0 < len(cell.encode("utf-16-le")) // 2 <= 32_767


def test_random_awkward_text_renders_as_xlsxwriter_writes_it(tmp_path):
    """Texts drawn from the characters that need care, in every order, match too."""
    rng = random.Random(7)
    alphabet = [
        *"aZ09 &<>\"'_x",
        *map(chr, range(0x00, 0x20)),
        "\u00a0", "\u2003", "\u3000", "\u0085", "\u200b", "\u0301", "\ufffe", "\uffff",
        "🎉", "👍🏽", "中", "ع", "_x0041_", "_X00ff_", "_x12G4_", "&amp;", "]]>",
    ]  # fmt: skip
    texts = ["".join(rng.choices(alphabet, k=rng.randint(1, 12))) for _ in range(400)]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (n INTEGER, text VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
    sql = "SELECT * FROM t ORDER BY n"
    book, skeleton = _new_book(tmp_path)
    cols = xlsx_rows.describe(con, sql, {}, text=set(), links=set(), dates=set())
    rows = _rows(con, sql, cols, tmp_path / "rows.xml", 64)
    fast, slow = book.add_worksheet("fast"), book.add_worksheet("slow")
    fast.write_string(0, 0, "n")
    xlsx_rows.probe(fast, book.add_format(), book.add_format())
    slow.write_string(0, 0, "n")
    for row, (n, text) in enumerate(con.execute(sql).fetchall(), start=1):
        slow.write_number(row, 0, n)
        slow.write_string(row, 1, text)
    path = _assembled(tmp_path, book, skeleton, {"fast": rows})
    with zipfile.ZipFile(path) as zf:
        fast_xml, slow_xml = (zf.read(f"xl/worksheets/sheet{n}.xml").decode() for n in (1, 2))
    assert _data(fast_xml) == _data(slow_xml)
    read = openpyxl.load_workbook(path, read_only=True)  # holds the file open until closed
    rows = list(read["fast"].iter_rows(values_only=True))
    read.close()
    assert len(rows) == 1 + len(texts)  # and it parses: well-formed XML 1.0
