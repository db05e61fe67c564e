"""A query's rows as worksheet rows at DuckDB's speed, zipped into a workbook XlsxWriter made.

XlsxWriter writes a cell in ~5 µs of Python; the consultant's workbook of a big library holds
~28 million cells (two sheets at Excel's 1,048,576-row limit): six minutes. Here DuckDB renders
each row's ``<row>`` element in SQL, in parallel C++, exactly as XlsxWriter's constant-memory mode
writes it (in-line strings, the same escapes, the same number format), into a file of the rows'
own (:class:`SheetRows`). XlsxWriter, through its public API only, makes everything else — the
workbook, styles, column widths, frozen panes, autofilter, charts — with just the header row on
each list sheet; :func:`assemble` then copies that workbook's zip part by part with ``zipfile``,
each sheet's rows streamed into its ``<sheetData>``.

A cell's style is the number XlsxWriter gives a format in ``styles.xml``, and it numbers a format
when it writes the first cell that uses it. So each list sheet carries a *probe* (:func:`probe`)
below its header: a cell in the date format and one in the link format, and a third row that
makes XlsxWriter write those two at once (in constant-memory mode a row is written when a later
one starts) — the formats numbered where the rows would have been written. The rendered rows
hold placeholders for the two numbers; :func:`assemble` reads them from the probe's cells, fills
them in, and puts the rows where the probe was.

A link is a ``HYPERLINK`` formula: every row of a million-row sheet gets one, where Excel keeps at
most 65,530 hyperlink records on a sheet (and each costs XlsxWriter ~40 µs more).

``tests/test_xlsx_rows.py`` writes the same awkward values through XlsxWriter's public cell
methods and demands byte-identical sheet XML, so an XlsxWriter release that writes cells, or the
probe, differently fails the suite, not a consultant's file.
"""

from __future__ import annotations

import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree import ElementTree

import duckdb
import pyarrow as pa
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

ROW = "\x01"  # stands for the row number: SQL cannot number rows in the source's own order
# Stand for the style numbers of the date and link formats until assemble() knows them. Never
# in rendered text: control characters there are _xHHHH_ escapes.
DATE_STYLE, LINK_STYLE = "\x02", "\x03"
STRING_MAX = 32_767  # Excel's longest cell text, in UTF-16 units
LITERAL_MAX = 255  # Excel's longest text constant in a formula: a longer link stays text

# What Python's \s matches once control characters are _xHHHH_ escapes: XlsxWriter marks text
# with such a character first or last xml:space="preserve".
_SPACES = "".join(
    chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and not 0x0B <= c <= 0x1F
)
_CONTROL = (*range(0x00, 0x09), *range(0x0B, 0x20), 0xFFFE, 0xFFFF)
_NEEDS_ESCAPE = r"_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\x{FFFE}\x{FFFF}]"
_TEXT = ("text", "link", "date")  # kinds whose values are text (a date may not parse)
_NUMBERS = {
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
    "UBIGINT", "FLOAT", "DOUBLE",
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column of a sheet; *kind* (text, link, date, number, bool) says what its cells hold."""

    name: str
    kind: str


def describe(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, Any],
    *,
    text: set[str],
    links: set[str],
    dates: set[str],
) -> list[Column]:
    """The columns of *sql*: those in *text* stay text whatever their type (an id has 19
    digits, Excel keeps 15 of a number), *links* become hyperlinks, *dates* Excel dates."""
    described = con.execute(f"DESCRIBE SELECT * FROM ({sql})", params).fetchall()
    return [Column(name, _kind(name, str(t), text, links, dates)) for name, t, *_ in described]


def _kind(name: str, type_: str, text: set[str], links: set[str], dates: set[str]) -> str:
    if name in text:
        return "text"
    if name in links:
        return "link"
    if name in dates:
        return "date"
    if type_ == "BOOLEAN":
        return "bool"
    if type_ in _NUMBERS or type_.startswith("DECIMAL"):
        return "number"
    return "text"


def render_sql(sql: str, cols: list[Column]) -> str:
    """SELECT giving, for each row of *sql* and in its order, the row's XML, with ROW standing
    for its number and DATE_STYLE and LINK_STYLE for the formats' style numbers.

    Each step is its own projection, so DuckDB computes a value once however often the next
    step reads it; ``concat`` builds each row in one allocation (``||`` copies at every step)."""
    steps = [
        ", ".join(_value(i, c) for i, c in enumerate(cols)),
        ", ".join(_cut(i, c) for i, c in enumerate(cols)),
        ", ".join([*(_passed(i, c) for i, c in enumerate(cols)), _dirty(cols)]),
        ", ".join(_escaped(i, c) for i, c in enumerate(cols)),
        ", ".join(_xml_ready(i, c) for i, c in enumerate(cols)),
    ]
    query = sql
    for step in steps:
        query = f"SELECT {step} FROM ({query})"
    cells = ", ".join(_cell(i, c) for i, c in enumerate(cols))
    return f"SELECT concat('<row r=\"{ROW}\">', {cells}, '</row>') AS xml FROM ({query})"


def _value(i: int, col: Column) -> str:
    name = f'"{col.name}"'
    if col.kind == "date":
        ts = f"TRY_CAST(rtrim(CAST({name} AS VARCHAR), 'Z') AS TIMESTAMP)"
        return f"{ts} AS ts{i}, CAST({name} AS VARCHAR) AS v{i}"
    if col.kind in ("text", "link"):
        return f"CAST({name} AS VARCHAR) AS v{i}"
    return f"{name} AS v{i}"


def _cut(i: int, col: Column) -> str:
    """Rare: text over Excel's limit is cut to it (characters beyond U+FFFF count twice)."""
    date = f"{_serial(f'ts{i}')} AS d{i}, " if col.kind == "date" else ""
    if col.kind not in _TEXT:
        return f"v{i}"
    v, head = f"v{i}", f"left(v{i}, {STRING_MAX})"
    astral = f"length(regexp_replace({head}, '[^\\x{{10000}}-\\x{{10FFFF}}]', '', 'g'))"
    return (
        f"{date}CASE WHEN length({v}) > {STRING_MAX // 2} AND length({v}) + {astral} > "
        f"{STRING_MAX} THEN left({v}, {STRING_MAX} - {astral}) ELSE {v} END AS v{i}"
    )


def _serial(ts: str) -> str:
    """Excel's serial date, in the floating-point steps XlsxWriter takes."""
    day = f"CAST({ts} AS DATE)"
    days = f"datediff('day', DATE '1899-12-31', {day})"
    seconds = f"(epoch_us({ts}) - epoch_us(CAST({day} AS TIMESTAMP))) // 1000000"
    micros = f"(epoch_us({ts}) % 1000000)"
    serial = f"({days} + (CAST({seconds} AS DOUBLE) + CAST({micros} AS DOUBLE) / 1e6) / 86400)"
    # Excel believes 1900 was a leap year: every date from March 1900 on is one day further.
    return f"CASE WHEN {serial} > 59 THEN {serial} + 1 ELSE {serial} END"


def _passed(i: int, col: Column) -> str:
    return f"d{i}, v{i}" if col.kind == "date" else f"v{i}"


def _escaped(i: int, col: Column) -> str:
    """Control characters as _xHHHH_, and a literal _xHHHH_ guarded as _x005F_xHHHH_: only in
    rows where the row-wide check found one (a regex per row, not per cell, is the saving)."""
    date = f"d{i}, " if col.kind == "date" else ""
    if col.kind not in _TEXT:
        return f"v{i}"
    out = f"regexp_replace(v{i}, '(_x[0-9a-fA-F]{{4}}_)', '_x005F\\1', 'g')"
    for code in _CONTROL:
        out = f"replace({out}, chr({code}), '_x{code:04X}_')"
    dirty = f"dirty AND regexp_matches(v{i}, '{_NEEDS_ESCAPE}')"
    return f"{date}CASE WHEN {dirty} THEN {out} ELSE v{i} END AS v{i}"


def _dirty(cols: list[Column]) -> str:
    """Whether any text of the row needs an _xHHHH_ escape (a space between texts keeps a
    pattern from spanning two of them)."""
    texts = [f"v{i}" for i, c in enumerate(cols) if c.kind in _TEXT]
    if not texts:
        return "false AS dirty"
    return f"regexp_matches(concat_ws(' ', {', '.join(texts)}), '{_NEEDS_ESCAPE}') AS dirty"


def _xml_ready(i: int, col: Column) -> str:
    """The text with &, <, > escaped, and whether it starts or ends with a space."""
    date = f"d{i}, " if col.kind == "date" else ""
    if col.kind not in _TEXT:
        return f"v{i}"
    v = f"v{i}"
    spaces = f"'{_SPACES}'"
    edge = f"contains({spaces}, {v}[1]) OR contains({spaces}, {v}[-1])"
    special = f"contains({v}, '&') OR contains({v}, '<') OR contains({v}, '>')"
    return f"{date}{v}, CASE WHEN {special} THEN {_xml(v)} ELSE {v} END AS x{i}, {edge} AS p{i}"


def _xml(text: str) -> str:
    return f"replace(replace(replace({text}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"


def _cell(i: int, col: Column) -> str:
    ref, v = f'<c r="{xl_col_to_name(i)}{ROW}"', f"v{i}"
    if col.kind == "bool":
        true, false = f'{ref} t="b"><v>1</v></c>', f'{ref} t="b"><v>0</v></c>'
        return f"CASE WHEN {v} IS NULL THEN '' WHEN {v} THEN '{true}' ELSE '{false}' END"
    if col.kind == "number":
        return _number(ref, v)
    if col.kind == "link":
        linked, plain = _link(i, ref), _string(i, ref)
        return f"CASE WHEN length({v}) <= {LITERAL_MAX} THEN {linked} ELSE {plain} END"
    if col.kind == "date":
        number = f"concat('{ref} s=\"{DATE_STYLE}\"><v>', printf('%.16G', d{i}), '</v></c>')"
        return f"CASE WHEN d{i} IS NOT NULL THEN {number} ELSE {_string(i, ref)} END"
    return _string(i, ref)


def _number(ref: str, v: str) -> str:
    """%.16G, as XlsxWriter writes a number; an integer of up to 16 digits is just its digits."""
    double = f"CAST({v} AS DOUBLE)"
    digits = (
        f"CASE WHEN abs({double}) < 1e16 AND {double} = round({double}) "
        f"THEN CAST(CAST({double} AS BIGINT) AS VARCHAR) ELSE printf('%.16G', {double}) END"
    )
    return (
        f"CASE WHEN {v} IS NULL OR NOT isfinite({double}) THEN '' "
        f"ELSE concat('{ref}><v>', {digits}, '</v></c>') END"
    )


def _link(i: int, ref: str) -> str:
    """=HYPERLINK("url"): Excel shows the link itself; the cached value is what it shows."""
    literal = f"replace(x{i}, '\"', '\"\"')"
    return (
        f"CASE WHEN v{i} IS NULL OR v{i} = '' THEN '' ELSE concat('{ref} s=\"{LINK_STYLE}\" "
        f"t=\"str\"><f>HYPERLINK(\"', {literal}, '\")</f><v>', x{i}, '</v></c>') END"
    )


def _string(i: int, ref: str) -> str:
    inline = f'{ref} t="inlineStr"><is><t'
    return (
        f"CASE WHEN v{i} IS NULL OR v{i} = '' THEN '' "
        f"WHEN p{i} THEN concat('{inline} xml:space=\"preserve\">', x{i}, '</t></is></c>') "
        f"ELSE concat('{inline}>', x{i}, '</t></is></c>') END"
    )


class SheetRows:
    """A list sheet's rows below its header, rendered by DuckDB into *path* (UTF-8 XML, the style
    numbers still placeholders) until :func:`assemble` zips them into the sheet. A context
    manager: the file is closed when the rows are written, or the writing failed."""

    def __init__(self, path: Path, cols: list[Column]) -> None:
        self.path = path
        self.cols = cols
        self.rows = 0  # rows written
        self._file = path.open("wb")

    def __enter__(self) -> SheetRows:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def sql(self, source: str) -> str:
        """The query rendering *source*'s rows for :meth:`append`."""
        return render_sql(source, self.cols)

    def append(self, batch: pa.RecordBatch, limit: int) -> int:
        """Writes the first *limit* rows of *batch* (a :meth:`sql` result); how many."""
        rows = batch.column(0).to_pylist()[:limit]
        first = self.rows + 2  # Excel's rows count from 1, below the header
        xml = "".join(row.replace(ROW, str(n)) for n, row in enumerate(rows, start=first))
        self._file.write(xml.encode())
        self.rows += len(rows)
        return len(rows)


def probe(sheet: Worksheet, date: Format, link: Format) -> None:
    """The probe below a list sheet's header (see the module's docstring): rows 2 and 3, which
    :func:`assemble` replaces by the sheet's rows. Written right after the header row, as the
    rows would be; the sheet's next cell, if any, goes in row 4 or below."""
    sheet.write_number(1, 0, 0, date)
    sheet.write_number(1, 1, 0, link)
    sheet.write_number(2, 0, 0)  # row 3 starts: XlsxWriter writes row 2, numbering its formats


_PROBE = re.compile(r'<row r="2"[ >].*?</row><row r="3"[ >].*?</row>', re.S)
_PROBE_STYLE = re.compile(r'<c r="([AB])2" s="(\d+)"')
_ROW_NUMBER = re.compile(r'<row r="(\d+)"')
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
_CHUNK = 1 << 20
# zipfile makes an entry of known size ZIP64 from 2 GiB / 1.05 on (compressed data may be larger
# than the data); it does not know the size of one opened by name, so it is told.
_ZIP64_FROM = int((2**31 - 1) / 1.05)
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def assemble(
    skeleton: BinaryIO,
    target: Path,
    sheets: Mapping[str, SheetRows],
    done: Callable[[float], None] = lambda fraction: None,
) -> None:
    """Write *target*: the workbook *skeleton* (XlsxWriter's, a :func:`probe` on each sheet
    named in *sheets*) copied part by part, each of those sheets' rows in place of its probe,
    *done* told the share of the rows copied as they go (it may raise to stop).

    Every part is deflated at zlib's fastest level: at XlsxWriter's default (6) deflating the
    1.3 GB of sheet XML of a big library took 24 s of a 60 s budget; level 1 takes 9 s for a
    file ~20 % larger. (Opened by name, the parts are dated 1980-01-01, as Excel dates its own.)"""
    total = sum(rows.path.stat().st_size for rows in sheets.values()) or 1
    copied = 0
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(
            target, "w", zipfile.ZIP_DEFLATED, compresslevel=zlib.Z_BEST_SPEED, allowZip64=True
        ) as out,
    ):
        parts = _sheet_parts(source)
        if missing := set(sheets) - set(parts):
            raise ValueError(f"The workbook has no sheet {', '.join(sorted(missing))}.")
        spliced = {parts[name]: rows for name, rows in sheets.items()}
        for info in source.infolist():
            data = source.read(info)
            rows = spliced.get(info.filename)
            if rows is None:
                with out.open(info.filename, "w") as part:
                    part.write(data)
                continue
            head, tail, styles = _split(data.decode(), rows)
            size = (
                len(head) + rows.path.stat().st_size + len(tail) + rows.rows * _grown(rows, styles)
            )
            with (
                out.open(info.filename, "w", force_zip64=size > _ZIP64_FROM) as part,
                rows.path.open("rb") as xml,
            ):
                part.write(head)
                while chunk := xml.read(_CHUNK):
                    copied += len(chunk)
                    for placeholder, number in styles.items():
                        chunk = chunk.replace(placeholder, number)
                    part.write(chunk)
                    done(copied / total)
                part.write(tail)


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name → its part in the zip, as the workbook and its relationships say."""
    sheets = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PACKAGE}Relationship")}
    parts = {}
    for sheet in sheets.iter(f"{_MAIN}sheet"):
        target = targets[sheet.get(f"{_REL}id")]
        parts[sheet.get("name", "")] = target[1:] if target.startswith("/") else f"xl/{target}"
    return parts


def _split(xml: str, rows: SheetRows) -> tuple[bytes, bytes, dict[bytes, bytes]]:
    """The sheet's XML before and after its probe (the dimension made to hold the rows), and
    the style number each placeholder stands for."""
    found = _PROBE.search(xml)
    numbers = dict(_PROBE_STYLE.findall(found[0])) if found else {}
    if found is None or numbers.keys() != {"A", "B"}:
        raise RuntimeError("A list sheet of the workbook lost its probe: XlsxWriter changed.")
    head, tail = xml[: found.start()], xml[found.end() :]
    last = max([rows.rows + 1, *(int(n) for n in _ROW_NUMBER.findall(tail))])
    corner = f"{xl_col_to_name(len(rows.cols) - 1)}{last}"
    dimension = f'<dimension ref="{"A1" if corner == "A1" else f"A1:{corner}"}"/>'
    head = _DIMENSION.sub(dimension, head, count=1)
    styles = {DATE_STYLE: numbers["A"], LINK_STYLE: numbers["B"]}
    return head.encode(), tail.encode(), {k.encode(): v.encode() for k, v in styles.items()}


def _grown(rows: SheetRows, styles: dict[bytes, bytes]) -> int:
    """How much a row may grow when its placeholders become style numbers (at most one a cell
    of a date or link column)."""
    placeholder = {"date": DATE_STYLE.encode(), "link": LINK_STYLE.encode()}
    return sum(len(styles[placeholder[c.kind]]) - 1 for c in rows.cols if c.kind in placeholder)
