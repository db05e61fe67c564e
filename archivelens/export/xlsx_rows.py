"""A query's rows as worksheet rows at DuckDB's speed, inside an XlsxWriter workbook.

XlsxWriter writes a cell in ~5 µs of Python; the consultant's workbook of a big library holds
~28 million cells (two sheets at Excel's 1,048,576-row limit): six minutes. Here DuckDB renders
each row's ``<row>`` element in SQL, in parallel C++, exactly as XlsxWriter's constant-memory mode
writes it (in-line strings, the same escapes, the same number format), and the rows are appended
to the worksheet's own row stream. XlsxWriter still makes everything else: the workbook, styles,
column widths, frozen panes, autofilter, charts, the zip.

A link is a ``HYPERLINK`` formula: every row of a million-row sheet gets one, where Excel keeps at
most 65,530 hyperlink records on a sheet (and each costs XlsxWriter ~40 µs more).

That leans on private members of XlsxWriter (a worksheet's ``fh``, ``previous_row``,
``_write_single_row`` and ``_check_dimensions``; a format's ``_get_xf_index``), all used in
:class:`RowStream` only. ``tests/test_xlsx_rows.py`` writes the same awkward values through
XlsxWriter's public cell methods and demands byte-identical sheet XML, so an XlsxWriter release
that changes them fails the suite, not a consultant's file.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
from xlsxwriter.utility import xl_col_to_name

ROW = "\x01"  # stands for the row number: SQL cannot number rows in the source's own order
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


@dataclass(frozen=True)
class Styles:
    """The index XlsxWriter gives each cell format the rows use."""

    date: int
    link: int


def render_sql(sql: str, cols: list[Column], styles: Styles) -> str:
    """SELECT giving, for each row of *sql* and in its order, the row's XML, with ROW standing
    for its number.

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
    cells = ", ".join(_cell(i, c, styles) for i, c in enumerate(cols))
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


def _cell(i: int, col: Column, styles: Styles) -> str:
    ref, v = f'<c r="{xl_col_to_name(i)}{ROW}"', f"v{i}"
    if col.kind == "bool":
        true, false = f'{ref} t="b"><v>1</v></c>', f'{ref} t="b"><v>0</v></c>'
        return f"CASE WHEN {v} IS NULL THEN '' WHEN {v} THEN '{true}' ELSE '{false}' END"
    if col.kind == "number":
        return _number(ref, v)
    if col.kind == "link":
        linked, plain = _link(i, ref, styles), _string(i, ref)
        return f"CASE WHEN length({v}) <= {LITERAL_MAX} THEN {linked} ELSE {plain} END"
    if col.kind == "date":
        number = f"concat('{ref} s=\"{styles.date}\"><v>', printf('%.16G', d{i}), '</v></c>')"
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


def _link(i: int, ref: str, styles: Styles) -> str:
    """=HYPERLINK("url"): Excel shows the link itself; the cached value is what it shows."""
    literal = f"replace(x{i}, '\"', '\"\"')"
    return (
        f"CASE WHEN v{i} IS NULL OR v{i} = '' THEN '' ELSE concat('{ref} s=\"{styles.link}\" "
        f"t=\"str\"><f>HYPERLINK(\"', {literal}, '\")</f><v>', x{i}, '</v></c>') END"
    )


def _string(i: int, ref: str) -> str:
    inline = f'{ref} t="inlineStr"><is><t'
    return (
        f"CASE WHEN v{i} IS NULL OR v{i} = '' THEN '' "
        f"WHEN p{i} THEN concat('{inline} xml:space=\"preserve\">', x{i}, '</t></is></c>') "
        f"ELSE concat('{inline}>', x{i}, '</t></is></c>') END"
    )


class RowStream:
    """Appends rendered rows below a constant-memory worksheet's header row."""

    def __init__(self, sheet: Any, cols: list[Column], date: Any, link: Any) -> None:
        self.sheet = sheet
        self.row = 0  # the last row written (zero-based): the header
        self._cols = cols
        self._styles = Styles(date._get_xf_index(), link._get_xf_index())
        sheet._write_single_row(1)  # the header row goes out; the rows follow it

    def sql(self, source: str) -> str:
        """The query rendering *source*'s rows for :meth:`append`."""
        return render_sql(source, self._cols, self._styles)

    def append(self, batch: pa.RecordBatch, limit: int) -> int:
        """Writes the first *limit* rows of *batch* (a :meth:`sql` result); how many."""
        rows = batch.column(0).to_pylist()[:limit]
        first = self.row + 2  # Excel's rows count from 1, below the header
        self.sheet.fh.write(
            "".join(xml.replace(ROW, str(n)) for n, xml in enumerate(rows, start=first))
        )
        self.row += len(rows)
        return len(rows)

    def finish(self, width: int) -> None:
        """Tells the worksheet how far the rows reach: its dimension, and where cells written
        after them may go."""
        if self.row:
            self.sheet._check_dimensions(self.row, width - 1)
        self.sheet.previous_row = self.row
